"""Record -> the JSON of SCHEMA.md (version 1). The only place that knows the JSON shape."""
from __future__ import annotations

import json
from typing import Any

from marsad.types import Argument, Entity, Event, Place, Quote, Record, Span, TimeExpr

SCHEMA_VERSION = 1


def _span(s: Span | None) -> dict | None:
    return None if s is None else {"text": s.text, "start": s.start, "end": s.end}


def _place(p: Place | None) -> dict | None:
    if p is None:
        return None
    return {"text": p.span.text, "start": p.span.start, "end": p.span.end,
            "name": p.name, "name_ar": p.name_ar, "country": p.country, "admin1": p.admin1,
            "lat": p.lat, "lon": p.lon, "geonameid": p.geonameid, "precision": p.precision,
            "entity": p.entity}


def _entity(e: Entity) -> dict:
    d = {"id": e.id, "text": e.span.text, "start": e.span.start, "end": e.span.end,
         "type": e.type, "canonical": e.canonical, "actor_code": e.actor_code,
         "wikidata": e.wikidata}
    if e.place is not None:
        d["place"] = e.place
    return d


def _time(t: TimeExpr) -> dict:
    return {"text": t.span.text, "start": t.span.start, "end": t.span.end, "value": t.value,
            "precision": t.precision, "calendar": t.calendar, "anchor": t.anchor}


def _quote(q: Quote) -> dict:
    speaker = None
    if q.speaker is not None:
        speaker = {**_span(q.speaker), "entity": q.speaker_entity, "code": q.speaker_code}
    return {"text": q.span.text, "start": q.span.start, "end": q.span.end, "kind": q.kind,
            "cue": _span(q.cue), "speaker": speaker}


def _arg(a: Argument | None) -> dict | None:
    if a is None:
        return None
    return {**_span(a.span), "entity": a.entity, "code": a.code}


def _event(v: Event) -> dict:
    return {"id": v.id, "type": v.type, "mode": v.mode, "contexts": list(v.contexts),
            "status": v.status, "trigger": _span(v.trigger), "actor": _arg(v.actor),
            "recipient": _arg(v.recipient), "location": _place(v.location), "date": v.date,
            "size": dict(v.size), "cameo_root": v.cameo_root, "acled": v.acled,
            "sentence": {"start": v.sentence.start, "end": v.sentence.end},
            "confidence": round(float(v.confidence), 3),
            "mentions": [_span(m) for m in v.mentions]}


def to_json(rec: Record) -> dict[str, Any]:
    a = rec.article
    out = {"id": a.id, "url": a.url, "outlet": a.outlet, "published": a.published,
           "title": a.title, "text": a.text, "language": "ar",
           "entities": [_entity(e) for e in rec.entities],
           "times": [_time(t) for t in rec.times],
           "quotes": [_quote(q) for q in rec.quotes],
           "events": [_event(v) for v in rec.events],
           "places": [_place(p) for p in rec.places],
           "schema_version": SCHEMA_VERSION}
    if rec.notes:
        out["notes"] = rec.notes
    return out


# One encoder for the process (json.dumps with options builds a new one per call). Records
# are trees, so the per-container circular-reference bookkeeping is skipped.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(rec: Record) -> str:
    return _ENCODER.encode(to_json(rec))


def check_spans(d: dict) -> list[str]:
    """Every span-like dict in a record whose text is not the substring at its offsets."""
    text = d.get("text") or ""
    bad: list[str] = []

    def visit(x: Any, path: str) -> None:
        if isinstance(x, dict):
            if {"start", "end", "text"} <= x.keys() and isinstance(x.get("start"), int):
                if text[x["start"]:x["end"]] != x["text"]:
                    bad.append(f"{path}: {x['text']!r} != text[{x['start']}:{x['end']}]")
            for k, v in x.items():
                if k != "text":
                    visit(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                visit(v, f"{path}[{i}]")

    for key in ("entities", "times", "quotes", "events", "places"):
        visit(d.get(key) or [], key)
    return bad
