"""Flat tables of analysed records, the shape Spark (and Parquet users) read.

One function per table turns a record dict (SCHEMA.md) into rows; `SCHEMAS` gives each
table's columns and types, so Spark output and local Parquet output agree. Tables:

records   one row per article: id, url, outlet, published, title, n_* counts, record (the full JSON)
events    one row per event: article_id, event_id, type, mode, status, trigger, actor, actor_code,
          recipient, recipient_code, location, country, admin1, lat, lon, geo_precision, date,
          date_from, dead, injured, arrested, cameo_root, acled, confidence, sentence_start, sentence_end
entities  one row per entity: article_id, entity_id, text, start, end, type, canonical_ar, canonical_en, actor_code
quotes    one row per quote: article_id, kind, text, start, end, cue, speaker, speaker_entity
errors    one row per input that could not be read or analysed: source, message
"""
from __future__ import annotations

import json
from typing import Any

S, I, F = "string", "int", "double"
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "records": [("id", S), ("url", S), ("outlet", S), ("published", S), ("title", S),
                ("n_entities", I), ("n_times", I), ("n_quotes", I), ("n_events", I), ("record", S)],
    "events": [("article_id", S), ("event_id", S), ("type", S), ("mode", S), ("status", S),
               ("trigger", S), ("actor", S), ("actor_code", S), ("recipient", S), ("recipient_code", S),
               ("location", S), ("country", S), ("admin1", S), ("lat", F), ("lon", F),
               ("geo_precision", S), ("date", S), ("date_from", S), ("dead", I), ("injured", I),
               ("arrested", I), ("cameo_root", S), ("acled", S), ("confidence", F),
               ("sentence_start", I), ("sentence_end", I)],
    "entities": [("article_id", S), ("entity_id", S), ("text", S), ("start", I), ("end", I), ("type", S),
                 ("canonical_ar", S), ("canonical_en", S), ("actor_code", S)],
    "quotes": [("article_id", S), ("kind", S), ("text", S), ("start", I), ("end", I), ("cue", S),
               ("speaker", S), ("speaker_entity", S)],
    "errors": [("source", S), ("message", S)],
}


def _txt(x: Any) -> str | None:
    return x.get("text") if isinstance(x, dict) else None


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def record_row(rec: dict) -> dict:
    return {"id": rec["id"], "url": rec.get("url"), "outlet": rec.get("outlet"),
            "published": rec.get("published"), "title": rec.get("title"),
            "n_entities": len(rec.get("entities") or []), "n_times": len(rec.get("times") or []),
            "n_quotes": len(rec.get("quotes") or []), "n_events": len(rec.get("events") or []),
            "record": json.dumps(rec, ensure_ascii=False, separators=(",", ":"))}


def event_rows(rec: dict) -> list[dict]:
    rows = []
    for v in rec.get("events") or []:
        loc = v.get("location") or {}
        date = v.get("date") or {}
        size = v.get("size") or {}
        sent = v.get("sentence") or {}
        rows.append({
            "article_id": rec["id"], "event_id": v.get("id"), "type": v.get("type"), "mode": v.get("mode"),
            "status": v.get("status"), "trigger": _txt(v.get("trigger")),
            "actor": _txt(v.get("actor")), "actor_code": (v.get("actor") or {}).get("code"),
            "recipient": _txt(v.get("recipient")), "recipient_code": (v.get("recipient") or {}).get("code"),
            "location": loc.get("name") or loc.get("text"), "country": loc.get("country"),
            "admin1": loc.get("admin1"), "lat": loc.get("lat"), "lon": loc.get("lon"),
            "geo_precision": loc.get("precision"), "date": date.get("value"), "date_from": date.get("from"),
            "dead": _int(size.get("dead")), "injured": _int(size.get("injured")),
            "arrested": _int(size.get("arrested")), "cameo_root": v.get("cameo_root"),
            "acled": v.get("acled"), "confidence": v.get("confidence"),
            "sentence_start": sent.get("start"), "sentence_end": sent.get("end")})
    return rows


def entity_rows(rec: dict) -> list[dict]:
    return [{"article_id": rec["id"], "entity_id": e.get("id"), "text": e.get("text"), "start": e.get("start"),
             "end": e.get("end"), "type": e.get("type"), "canonical_ar": (e.get("canonical") or {}).get("ar"),
             "canonical_en": (e.get("canonical") or {}).get("en"), "actor_code": e.get("actor_code")}
            for e in rec.get("entities") or []]


def quote_rows(rec: dict) -> list[dict]:
    return [{"article_id": rec["id"], "kind": q.get("kind"), "text": q.get("text"), "start": q.get("start"),
             "end": q.get("end"), "cue": _txt(q.get("cue")), "speaker": _txt(q.get("speaker")),
             "speaker_entity": (q.get("speaker") or {}).get("entity")}
            for q in rec.get("quotes") or []]


ROWS = {"records": lambda r: [record_row(r)], "events": event_rows, "entities": entity_rows,
        "quotes": quote_rows}


def arrow_schema(table: str):
    import pyarrow as pa
    types = {S: pa.string(), I: pa.int64(), F: pa.float64()}
    return pa.schema([(name, types[t]) for name, t in SCHEMAS[table]])


def spark_schema(table: str):
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType
    types = {S: StringType(), I: LongType(), F: DoubleType()}
    return StructType([StructField(name, types[t], True) for name, t in SCHEMAS[table]])
