"""Exports of stored events in the vocabularies other tools read.

Formats (one row per canonical event by default, i.e. one per real-world act with all its
sources; `level="article"` gives one row per event as each article reported it):
- plover:  JSON Lines with POLECAT/PLOVER field names (event_id, event_date, event_type,
           event_mode, quad_code, contexts, actor_name, recipient_name, placename, ...)
- acled:   ACLED-style CSV (event_date, event_type, sub_event_type, actor1, actor2, country,
           admin1, location, latitude, longitude, geo_precision, source, notes, fatalities ...);
           only event types that ACLED codes (violence, protest, strategic developments)
           and, unless asked otherwise, only events that happened (status "actual")
- gdelt:   GDELT 2.0-style event TSV with its column names (GLOBALEVENTID, SQLDATE, Actor1Code,
           EventCode, EventRootCode, QuadClass, NumSources, ActionGeo_*, SOURCEURL ...)
- csv:     every stored field, flat
- parquet: the same table as csv, typed (pyarrow)

Country fields carry ISO 3166-1 alpha-3 codes (SCHEMA.md), including where ACLED puts a
country name and GDELT a FIPS code; this is stated here so consumers can map them.
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from marsad.store.db import Database
from marsad.store.models import Article, CanonicalEvent, Event, EventSource

FORMATS = ("plover", "acled", "gdelt", "csv", "parquet")

# PLOVER type -> (quad class 1..4 as in GDELT, POLECAT quad name, default CAMEO root)
QUAD = {
    "AGREE": (1, "Verbal Cooperation", "03"), "CONSULT": (1, "Verbal Cooperation", "04"),
    "SUPPORT": (1, "Verbal Cooperation", "05"), "CONCEDE": (1, "Verbal Cooperation", "08"),
    "COOPERATE": (2, "Material Cooperation", "06"), "AID": (2, "Material Cooperation", "07"),
    "RETREAT": (2, "Material Cooperation", "08"), "REQUEST": (3, "Verbal Conflict", "10"),
    "ACCUSE": (3, "Verbal Conflict", "11"), "REJECT": (3, "Verbal Conflict", "12"),
    "THREATEN": (3, "Verbal Conflict", "13"), "PROTEST": (4, "Material Conflict", "14"),
    "SANCTION": (4, "Material Conflict", "16"), "MOBILIZE": (4, "Material Conflict", "15"),
    "COERCE": (4, "Material Conflict", "17"), "ASSAULT": (4, "Material Conflict", "19"),
}
# ASSAULT modes that CAMEO files under 18 (assault) rather than 19 (fight)
_CAMEO_18 = {"abduct", "beat", "torture", "sexual", "targeted", "explosives", "primitive"}

# (type, mode) -> (ACLED disorder type, event type, sub-event type); mode None = any mode
_ACLED = {
    ("ASSAULT", "aerial"): ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("ASSAULT", "drone"): ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("ASSAULT", "explosives"): ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("ASSAULT", "unconventional"): ("Political violence", "Explosions/Remote violence", "Chemical weapon"),
    ("ASSAULT", "firearms"): ("Political violence", "Battles", "Armed clash"),
    ("ASSAULT", "abduct"): ("Political violence", "Violence against civilians", "Abduction/forced disappearance"),
    ("ASSAULT", "sexual"): ("Political violence", "Violence against civilians", "Sexual violence"),
    ("ASSAULT", "torture"): ("Political violence", "Violence against civilians", "Attack"),
    ("ASSAULT", "beat"): ("Political violence", "Violence against civilians", "Attack"),
    ("ASSAULT", "targeted"): ("Political violence", "Violence against civilians", "Attack"),
    ("ASSAULT", "primitive"): ("Political violence", "Violence against civilians", "Attack"),
    ("ASSAULT", "destroy"): ("Strategic developments", "Strategic developments", "Looting/property destruction"),
    ("ASSAULT", None): ("Political violence", "Battles", "Armed clash"),
    ("PROTEST", "riot"): ("Demonstrations", "Riots", "Violent demonstration"),
    ("PROTEST", "vandalize"): ("Demonstrations", "Riots", "Violent demonstration"),
    ("PROTEST", None): ("Demonstrations", "Protests", "Peaceful protest"),
    ("COERCE", "arrest"): ("Strategic developments", "Strategic developments", "Arrests"),
    ("COERCE", "seize"): ("Strategic developments", "Strategic developments", "Looting/property destruction"),
    ("COERCE", None): ("Strategic developments", "Strategic developments", "Other"),
    ("MOBILIZE", None): ("Strategic developments", "Strategic developments", "Change to group/activity"),
    ("AGREE", None): ("Strategic developments", "Strategic developments", "Agreement"),
    ("RETREAT", "withdraw"): ("Strategic developments", "Strategic developments", "Non-violent transfer of territory"),
}
_ACLED_GEO = {"site": 1, "city": 1, "district": 2, "province": 3, "country": 3}
_GDELT_GEO = {"country": 1, "province": 5, "district": 4, "city": 4, "site": 4}
_TIME_PRECISION = {"time": 1, "day": 1, "week": 2, "month": 3, "season": 3, "quarter": 3, "year": 3}


def cameo_code(etype: str, mode: str | None, given: str | None) -> str | None:
    if given:
        return given
    q = QUAD.get(etype)
    if q is None:
        return None
    if etype == "ASSAULT" and mode in _CAMEO_18:
        return "18"
    return q[2]


def acled_types(etype: str, mode: str | None, given: str | None) -> tuple[str, str, str] | None:
    t = _ACLED.get((etype, mode)) or _ACLED.get((etype, None))
    if t is None and given:  # the extractor named an ACLED type that the table does not cover
        return ("", given, "")
    return t


@dataclass
class Filters:
    types: list[str] | None = None
    countries: list[str] | None = None
    since: date | None = None
    until: date | None = None
    min_sources: int = 1
    status: list[str] | None = None


def _where(stmt: Select, model, f: Filters) -> Select:
    if f.types:
        stmt = stmt.where(model.type.in_([t.upper() for t in f.types]))
    if f.countries:
        stmt = stmt.where(model.country.in_([c.upper() for c in f.countries]))
    if f.since:
        stmt = stmt.where(model.date >= f.since)
    if f.until:
        stmt = stmt.where(model.date <= f.until)
    return stmt


def _size(v: str | None) -> int | str | None:
    if v is None:
        return None
    return int(v) if v.isdigit() else v


def iter_rows(db: Database, level: str = "canonical", filters: Filters | None = None,
              chunk: int = 1000) -> Iterator[dict[str, Any]]:
    """Flat dicts, one per canonical event (or per article event), in date then id order."""
    f = filters or Filters()
    with db.session() as s:
        if level == "article":
            yield from _article_rows(s, f, chunk)
        else:
            yield from _canonical_rows(s, f, chunk)


def _sentence(art: Article, ev: Event) -> str | None:
    if ev.sentence_start is None or ev.sentence_end is None:
        return None
    return art.text[ev.sentence_start:ev.sentence_end].strip() or None


def _canonical_rows(s: Session, f: Filters, chunk: int) -> Iterator[dict[str, Any]]:
    stmt = _where(select(CanonicalEvent.id), CanonicalEvent, f)
    if f.min_sources > 1:
        stmt = stmt.where(CanonicalEvent.n_sources >= f.min_sources)
    ids = list(s.scalars(stmt.order_by(CanonicalEvent.date, CanonicalEvent.id)))
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        ces = {c.id: c for c in s.scalars(select(CanonicalEvent).where(CanonicalEvent.id.in_(part)))}
        reps = {e.id: e for e in s.scalars(select(Event).where(
            Event.id.in_([c.representative_id for c in ces.values() if c.representative_id])))}
        srcs: dict[int, list[EventSource]] = defaultdict(list)
        for es in s.scalars(select(EventSource).where(EventSource.canonical_id.in_(part))
                            .order_by(EventSource.published, EventSource.id)):
            srcs[es.canonical_id].append(es)
        arts = {a.id: a for a in s.scalars(select(Article).where(
            Article.id.in_([r.article_id for r in reps.values()])))}
        for cid in part:
            c = ces[cid]
            rep = reps.get(c.representative_id)
            if rep is None:
                continue
            if f.status and (rep.status or "actual") not in f.status:
                continue
            sources = srcs.get(cid, [])
            art = arts.get(rep.article_id)
            yield _row(f"C{c.id}", c, rep, art, sources)
        s.expunge_all()


def _article_rows(s: Session, f: Filters, chunk: int) -> Iterator[dict[str, Any]]:
    stmt = _where(select(Event.id), Event, f)
    ids = list(s.scalars(stmt.order_by(Event.date, Event.id)))
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        evs = {e.id: e for e in s.scalars(select(Event).where(Event.id.in_(part)))}
        arts = {a.id: a for a in s.scalars(select(Article).where(
            Article.id.in_({e.article_id for e in evs.values()})))}
        for eid in part:
            ev = evs[eid]
            if f.status and (ev.status or "actual") not in f.status:
                continue
            art = arts[ev.article_id]
            src = EventSource(canonical_id=ev.canonical_id or 0, event_id=ev.id, article_id=art.id,
                              outlet=art.outlet, url=art.url, published=art.published)
            yield _row(f"E{ev.id}", None, ev, art, [src], article_key=art.key)
        s.expunge_all()


def _row(rid: str, c: CanonicalEvent | None, ev: Event, art: Article | None, sources: list[EventSource],
         article_key: str | None = None) -> dict[str, Any]:
    x = c if c is not None else ev  # canonical summary fields when exporting canonical events
    outlets = sorted({(es.outlet or "").strip() for es in sources if es.outlet})
    urls = [es.url for es in sources if es.url]
    n_articles = c.n_articles if c is not None else 1
    return {
        "id": rid,
        "canonical_id": c.id if c is not None else ev.canonical_id,
        "type": x.type, "mode": x.mode, "status": ev.status,
        "contexts": list(ev.contexts or []),
        "date": x.date.isoformat() if x.date else None,
        "date_precision": x.date_precision,
        "actor_code": x.actor_code,
        "actor_name": c.actor_name if c is not None else ev.actor_text,
        "recipient_code": x.recipient_code,
        "recipient_name": c.recipient_name if c is not None else ev.recipient_text,
        "country": x.country, "admin1": x.admin1,
        "location": x.location_name or (ev.location_text if c is None or not c.location_name else None),
        "lat": x.lat, "lon": x.lon, "geo_precision": x.geo_precision, "geonameid": ev.geonameid,
        "dead": _size(x.dead), "injured": _size(x.injured), "arrested": _size(x.arrested),
        "cameo_root": cameo_code(x.type, x.mode, x.cameo_root),
        "acled": x.acled,
        "confidence": x.confidence,
        "n_sources": c.n_sources if c is not None else (1 if outlets or urls else 0),
        "n_articles": n_articles,
        "n_events": c.n_events if c is not None else 1,
        "outlets": outlets,
        "urls": urls,
        "article_ids": sorted({es.article_id for es in sources}),
        "first_published": (c.first_published.isoformat() if c is not None and c.first_published
                            else (art.published if art is not None else None)),
        "trigger": ev.trigger_text,
        "sentence": _sentence(art, ev) if art is not None else None,
        "article_key": article_key or (art.key if art is not None else None),
    }


# --- writers ----------------------------------------------------------------------------------

def plover_record(r: dict[str, Any]) -> dict[str, Any]:
    q = QUAD.get(r["type"], (None, None, None))
    return {
        "event_id": r["id"], "event_date": r["date"], "event_date_precision": r["date_precision"],
        "event_type": r["type"], "event_mode": r["mode"], "event_status": r["status"],
        "quad_code": q[1], "contexts": r["contexts"],
        "actor_name": r["actor_name"], "actor_code": r["actor_code"],
        "actor_country": (r["actor_code"] or "")[:3] or None,
        "recipient_name": r["recipient_name"], "recipient_code": r["recipient_code"],
        "recipient_country": (r["recipient_code"] or "")[:3] or None,
        "placename": r["location"], "province": r["admin1"], "country": r["country"],
        "latitude": r["lat"], "longitude": r["lon"], "geonames_id": r["geonameid"],
        "feature_type": r["geo_precision"],
        "cameo_root": r["cameo_root"], "fatalities": r["dead"], "injured": r["injured"],
        "arrested": r["arrested"], "confidence": r["confidence"],
        "source": r["outlets"], "urls": r["urls"], "publication_date": r["first_published"],
        "num_sources": r["n_sources"], "num_articles": r["n_articles"],
        "event_text": r["sentence"], "trigger_text": r["trigger"], "language": "ar",
    }


ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "actor2", "iso3", "country", "admin1", "location", "latitude",
                 "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "injured",
                 "arrested", "num_sources", "confidence"]


def acled_row(r: dict[str, Any]) -> dict[str, Any] | None:
    t = acled_types(r["type"], r["mode"], r["acled"])
    if t is None or not r["date"]:
        return None
    dead = r["dead"]
    return {
        "event_id_cnty": f"{r['country'] or 'XXX'}{r['id']}", "event_date": r["date"], "year": r["date"][:4],
        "time_precision": _TIME_PRECISION.get(r["date_precision"] or "", 3),
        "disorder_type": t[0], "event_type": t[1], "sub_event_type": t[2],
        "actor1": r["actor_name"] or r["actor_code"] or "", "actor2": r["recipient_name"] or r["recipient_code"] or "",
        "iso3": r["country"] or "", "country": r["country"] or "", "admin1": r["admin1"] or "",
        "location": r["location"] or "", "latitude": r["lat"] if r["lat"] is not None else "",
        "longitude": r["lon"] if r["lon"] is not None else "",
        "geo_precision": _ACLED_GEO.get(r["geo_precision"] or "", "") if r["location"] or r["lat"] else "",
        "source": "; ".join(r["outlets"]), "source_scale": "National-International" if r["n_sources"] > 1 else "",
        "notes": r["sentence"] or "", "fatalities": dead if isinstance(dead, int) else "",
        "injured": r["injured"] if r["injured"] is not None else "",
        "arrested": r["arrested"] if r["arrested"] is not None else "",
        "num_sources": r["n_sources"], "confidence": r["confidence"],
    }


_GEO_COLS = ["Type", "Fullname", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
_ACTOR_COLS = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
               "Type1Code", "Type2Code", "Type3Code"]
GDELT_COLUMNS = (["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
                 + [f"Actor1{c}" for c in _ACTOR_COLS] + [f"Actor2{c}" for c in _ACTOR_COLS]
                 + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                    "NumMentions", "NumSources", "NumArticles", "AvgTone"]
                 + [f"Actor1Geo_{c}" for c in _GEO_COLS] + [f"Actor2Geo_{c}" for c in _GEO_COLS]
                 + [f"ActionGeo_{c}" for c in _GEO_COLS] + ["DATEADDED", "SOURCEURL"])


def _actor_fields(prefix: str, code: str | None, name: str | None) -> dict[str, Any]:
    d = {f"{prefix}{c}": "" for c in _ACTOR_COLS}
    d[f"{prefix}Code"] = code or ""
    d[f"{prefix}Name"] = name or ""
    if code and len(code) >= 3:
        d[f"{prefix}CountryCode"] = code[:3]
        if len(code) >= 6:
            d[f"{prefix}Type1Code"] = code[3:6]
    return d


def gdelt_row(r: dict[str, Any], numeric_id: int) -> dict[str, Any] | None:
    if not r["date"]:
        return None
    y, m, d = r["date"][:4], r["date"][5:7], r["date"][8:10]
    day_of_year = (date.fromisoformat(r["date"]) - date(int(y), 1, 1)).days
    code = r["cameo_root"] or ""
    row: dict[str, Any] = {
        "GLOBALEVENTID": numeric_id, "SQLDATE": f"{y}{m}{d}", "MonthYear": f"{y}{m}", "Year": y,
        "FractionDate": f"{int(y) + day_of_year / 365:.4f}",
        **_actor_fields("Actor1", r["actor_code"], r["actor_name"]),
        **_actor_fields("Actor2", r["recipient_code"], r["recipient_name"]),
        "IsRootEvent": 1, "EventCode": code, "EventBaseCode": code, "EventRootCode": code[:2],
        "QuadClass": QUAD.get(r["type"], ("",))[0], "GoldsteinScale": "",
        "NumMentions": r["n_events"], "NumSources": r["n_sources"], "NumArticles": r["n_articles"], "AvgTone": "",
        "DATEADDED": "", "SOURCEURL": r["urls"][0] if r["urls"] else "",
    }
    for p in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        for c in _GEO_COLS:
            row[p + c] = ""
    row.update({
        "Actor1Geo_Type": 0, "Actor2Geo_Type": 0,
        "ActionGeo_Type": _GDELT_GEO.get(r["geo_precision"] or "", 0) if (r["location"] or r["country"]) else 0,
        "ActionGeo_Fullname": ", ".join(x for x in (r["location"], r["admin1"], r["country"]) if x),
        "ActionGeo_CountryCode": r["country"] or "", "ActionGeo_ADM1Code": r["admin1"] or "",
        "ActionGeo_Lat": r["lat"] if r["lat"] is not None else "",
        "ActionGeo_Long": r["lon"] if r["lon"] is not None else "",
        "ActionGeo_FeatureID": r["geonameid"] or "",
    })
    return row


FLAT_COLUMNS = ["id", "canonical_id", "type", "mode", "status", "contexts", "date", "date_precision",
                "actor_code", "actor_name", "recipient_code", "recipient_name", "country", "admin1", "location",
                "lat", "lon", "geo_precision", "geonameid", "dead", "injured", "arrested", "cameo_root", "acled",
                "confidence", "n_sources", "n_articles", "n_events", "outlets", "urls", "article_ids",
                "first_published", "trigger", "sentence", "article_key"]


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k in FLAT_COLUMNS:
        v = r.get(k)
        if isinstance(v, list):
            v = " | ".join(str(x) for x in v)
        out[k] = "" if v is None else v
    return out


def export(db: Database, fmt: str, out: IO[str] | IO[bytes] | str, level: str = "canonical",
           filters: Filters | None = None) -> int:
    """Write `fmt` to `out` (a text stream, or a path for parquet); returns rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in ("acled", "gdelt") and (filters is None or filters.status is None):
        # these datasets record acts that happened: planned, conditional or denied ones stay out
        filters = replace(filters or Filters(), status=["actual"])
    rows = iter_rows(db, level=level, filters=filters)
    n = 0
    if fmt == "parquet":
        return _write_parquet(rows, out)
    assert not isinstance(out, str)
    if fmt == "plover":
        for r in rows:
            out.write(json.dumps(plover_record(r), ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
        return n
    if fmt == "acled":
        w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            a = acled_row(r)
            if a is not None:
                w.writerow(a)
                n += 1
        return n
    if fmt == "gdelt":
        w = csv.DictWriter(out, fieldnames=GDELT_COLUMNS, delimiter="\t", lineterminator="\n",
                           quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writeheader()
        for r in rows:
            g = gdelt_row(r, n + 1)
            if g is not None:
                # TSV: tabs and newlines inside names would break columns
                w.writerow({k: (str(v).replace("\t", " ").replace("\n", " ") if isinstance(v, str) else v)
                            for k, v in g.items()})
                n += 1
        return n
    w = csv.DictWriter(out, fieldnames=FLAT_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(_flat(r))
        n += 1
    return n


def _write_parquet(rows: Iterator[dict[str, Any]], out: IO[bytes] | str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("id", pa.string()), ("canonical_id", pa.int64()), ("type", pa.string()), ("mode", pa.string()),
        ("status", pa.string()), ("contexts", pa.list_(pa.string())), ("date", pa.date32()),
        ("date_precision", pa.string()), ("actor_code", pa.string()), ("actor_name", pa.string()),
        ("recipient_code", pa.string()), ("recipient_name", pa.string()), ("country", pa.string()),
        ("admin1", pa.string()), ("location", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
        ("geo_precision", pa.string()), ("geonameid", pa.int64()), ("dead", pa.string()),
        ("injured", pa.string()), ("arrested", pa.string()), ("cameo_root", pa.string()), ("acled", pa.string()),
        ("confidence", pa.float64()), ("n_sources", pa.int32()), ("n_articles", pa.int32()),
        ("n_events", pa.int32()), ("outlets", pa.list_(pa.string())), ("urls", pa.list_(pa.string())),
        ("article_ids", pa.list_(pa.int64())), ("first_published", pa.string()), ("trigger", pa.string()),
        ("sentence", pa.string()), ("article_key", pa.string()),
    ])
    writer = pq.ParquetWriter(out, schema, compression="zstd")
    n = 0
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        if buf:
            cols = {f.name: [b.get(f.name) for b in buf] for f in schema}
            cols["date"] = [date.fromisoformat(d) if d else None for d in cols["date"]]
            for k in ("dead", "injured", "arrested"):
                cols[k] = [None if v is None else str(v) for v in cols[k]]
            writer.write_table(pa.table(cols, schema=schema))
            buf.clear()

    try:
        for r in rows:
            buf.append(r)
            n += 1
            if len(buf) >= 5000:
                flush()
        flush()
    finally:
        writer.close()
    return n


def export_to_string(db: Database, fmt: str, **kw) -> str:
    """Convenience for tests and the API: the export as text (not for parquet)."""
    buf = io.StringIO()
    export(db, fmt, buf, **kw)
    return buf.getvalue()
