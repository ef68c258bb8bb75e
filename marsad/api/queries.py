"""Read-side queries for the API and dashboard, built on `marsad.store.models`.

Everything here is a SQLAlchemy expression (bound parameters, never string-built SQL), and
everything that can grow with the corpus is paginated or aggregated in the database, so the
dashboard stays quick on 100k events: the browser only ever receives one page of rows,
per-day/type/country counts, and one point per place.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Select, bindparam, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from marsad.store.models import (
    Actor,
    Article,
    CanonicalEvent,
    Event,
    EventSource,
    TimeExpr,
)

# Columns the event table may be sorted by (whitelist: the sort key never reaches SQL as text).
EVENT_SORTS: dict[str, Any] = {
    "date": Event.date, "type": Event.type, "mode": Event.mode, "country": Event.country,
    "admin1": Event.admin1, "location": Event.location_name, "actor": Event.actor_text,
    "recipient": Event.recipient_text, "confidence": Event.confidence, "outlet": Article.outlet,
    "published": Article.published_date, "id": Event.id,
}
CANONICAL_SORTS: dict[str, Any] = {
    "date": CanonicalEvent.date, "type": CanonicalEvent.type, "country": CanonicalEvent.country,
    "sources": CanonicalEvent.n_sources, "articles": CanonicalEvent.n_articles,
    "confidence": CanonicalEvent.confidence, "id": CanonicalEvent.id,
}
_CODE = re.compile(r"^[A-Z0-9]{3,}$")
# Counting every match of a broad filter over 100k rows costs as much as the page itself; past
# this many the API reports `total` as this cap with `total_capped: true` ("10,000+").
COUNT_CAP = 10_000


# Spellings Arabic writers (and our normaliser) treat as one: a query with ادلب must find إدلب.
# Only positions where the variants occur become the single-character wildcard `_`: hamzated
# alefs anywhere, a bare alef at word start (or after ال), final ya/alef maqsura, final
# ta marbuta/ha. Anything wider (every ي) would make صيدا match الصفدي.
_AR_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")  # tatweel and diacritics
_AR_VARIANTS = re.compile(
    "[\u0623\u0625\u0622\u0671]"                       # أ إ آ ٱ
    "|(?:(?<![\u0621-\u064a])|(?<=(?<![\u0621-\u064a])\u0627\u0644))\u0627"  # initial ا, الا
    "|[\u064a\u0649\u0629\u0647](?![\u0621-\u064a])")  # final ي ى ة ه


def _like(s: str) -> str:
    """A LIKE pattern matching `s` anywhere (escape char is backslash); LIKE's own wildcards in
    `s` are literal, Arabic spelling variants are tolerated (see _AR_VARIANTS)."""
    s = _AR_MARKS.sub("", s)
    s = s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + _AR_VARIANTS.sub("_", s) + "%"


class ILike(ColumnElement[bool]):
    """`col ILIKE pattern ESCAPE '\\'`, compiled per backend: PostgreSQL's ILIKE, and on
    SQLite a plain LIKE (already case-blind for ASCII, as SQLite's lower() is) instead of
    SQLAlchemy's `lower(col) LIKE lower(?)`, which lowercases every row's text on a scan."""
    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("col", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, col: Any, pattern: str) -> None:
        self.col = col
        self.pattern = bindparam(None, pattern, unique=True)


@compiles(ILike)
def _ilike_default(el: ILike, compiler: Any, **kw: Any) -> str:
    return compiler.process(el.col.ilike(el.pattern, escape="\\"), **kw)


@compiles(ILike, "sqlite")
def _ilike_sqlite(el: ILike, compiler: Any, **kw: Any) -> str:
    return compiler.process(el.col.like(el.pattern, escape="\\"), **kw)


@dataclass(slots=True)
class EventFilter:
    """The dashboard's filters; every field optional, all given ones must hold (AND)."""
    types: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    admin1: str | None = None
    actor: str | None = None          # CAMEO-style code (prefix) or part of a name
    date_from: date | None = None
    date_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # minlon, minlat, maxlon, maxlat
    q: str | None = None              # free text over trigger, arguments, place and title
    status: list[str] = field(default_factory=list)
    outlet: str | None = None
    article_id: int | None = None


def code_prefix(col: Any, prefix: str) -> Any:
    """`col` starts with `prefix`, as a range (code >= 'IRQ' AND code < 'IRR'): indexable on
    every backend, unlike LIKE, which SQLite only indexes when it is case-sensitive."""
    nxt = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (col >= prefix) & (col < nxt)


def actor_condition(value: str, code_cols: list[Any], text_cols: list[Any]) -> Any:
    """Actor given as a code ("IRQ", "IRQGOV": prefix match) or as a name (substring)."""
    value = value.strip()
    conds = [ILike(c, _like(value)) for c in text_cols]
    if _CODE.match(value.upper()) and value.isascii():
        conds += [code_prefix(c, value.upper()) for c in code_cols]
    return or_(*conds)


def _common_conditions(f: EventFilter, M: Any, actor_names: list[Any]) -> list[Any]:
    """Filters that events and canonical events share, on whichever model M is."""
    conds: list[Any] = []
    if f.types:
        conds.append(M.type.in_(f.types))
    if f.modes:
        conds.append(M.mode.in_(f.modes))
    if f.countries:
        conds.append(M.country.in_(f.countries))
    if f.admin1:
        conds.append(ILike(M.admin1, _like(f.admin1)))
    if f.actor:
        conds.append(actor_condition(f.actor, [M.actor_code, M.recipient_code], actor_names))
    if f.date_from:
        conds.append(M.date >= f.date_from)
    if f.date_to:
        conds.append(M.date <= f.date_to)
    if f.bbox:
        minlon, minlat, maxlon, maxlat = f.bbox
        conds += [M.lat.is_not(None), M.lat >= minlat, M.lat <= maxlat, M.lon >= minlon, M.lon <= maxlon]
    return conds


def event_conditions(f: EventFilter) -> list[Any]:
    conds = _common_conditions(f, Event, [Event.actor_text, Event.recipient_text])
    if f.status:
        conds.append(Event.status.in_(f.status))
    if f.q:
        pat = _like(f.q.strip())
        # Titles through a subquery over articles (a tenth of the rows), not a join per event.
        conds.append(or_(*[ILike(c, pat) for c in (
            Event.trigger_text, Event.actor_text, Event.recipient_text, Event.location_text,
            Event.location_name)], Event.article_id.in_(
                select(Article.id).where(ILike(Article.title, pat)))))
    if f.outlet:
        conds.append(Article.outlet == f.outlet)
    if f.article_id is not None:
        conds.append(Event.article_id == f.article_id)
    return conds


def _needs_article(f: EventFilter, sort: str = "") -> bool:
    return bool(f.outlet) or sort.lstrip("-") in ("outlet", "published")


def _events_base(f: EventFilter, sort: str = "") -> Select:
    # Only latest article versions keep layers (the store deletes the old versions' events), so
    # no `is_latest` join: that low-selectivity index made SQLite drive the query from
    # `articles` and sort every event. `articles` is joined only when a filter or sort needs it.
    stmt = select(Event)
    if _needs_article(f, sort):
        stmt = stmt.join(Article, Event.article_id == Article.id)
    return stmt.where(*event_conditions(f))


def order_clause(sort: str, sorts: dict[str, Any], tiebreak: Any) -> list[Any]:
    """`date` ascending, `-date` descending; unknown keys fall back to newest first."""
    desc = sort.startswith("-")
    col = sorts.get(sort.lstrip("-"))
    if col is None:
        col, desc = sorts["date"], True
    # NULLs last either way: an undated event should not top a "newest first" table. Written
    # as NULLS LAST (not a leading `col IS NULL` key) so that `-date` walks the date index
    # instead of sorting every row.
    primary = (col.desc() if desc else col.asc()).nulls_last()
    return [primary, tiebreak.desc() if desc else tiebreak.asc()]


def count(session: Session, stmt: Select, cap: int | None = None) -> tuple[int, bool]:
    """The number of rows `stmt` yields and whether it was capped: with `cap`, counting stops
    after cap + 1 rows, so a broad filter costs one bounded scan, not a full one."""
    # only the first column (the id): SQLite can count from an index instead of reading rows
    inner = stmt.with_only_columns(stmt.selected_columns[0]).order_by(None)
    if cap is not None:
        inner = inner.limit(cap + 1)
    n = int(session.scalar(select(func.count()).select_from(inner.subquery())) or 0)
    if cap is not None and n > cap:
        return cap, True
    return n, False


def page_total(session: Session, stmt: Select, offset: int, limit: int, n_rows: int) -> tuple[int, bool]:
    """The total for a page of `n_rows` rows: a short page ends the result, so its total is known
    without a second scan (a rare search term then costs one pass, not two)."""
    if n_rows < limit and (n_rows or offset == 0):
        return offset + n_rows, False
    return count(session, stmt, COUNT_CAP)


class TTLCache:
    """A tiny per-process cache for aggregates that every dashboard load asks for (facets,
    unfiltered stats): entries live `ttl` seconds and die at once when `marker` (the
    database's last-ingest marker) changes, so a fresh ingest is never hidden for long."""

    def __init__(self, ttl: float = 30.0, size: int = 256,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self.data: dict[Any, tuple[float, Any, Any]] = {}
        self.lock = threading.Lock()

    def get(self, key: Any, marker: Any, compute: Callable[[], Any]) -> Any:
        now = self.clock()
        with self.lock:
            hit = self.data.get(key)
        if hit is not None and hit[0] > now and hit[1] == marker:
            return hit[2]
        value = compute()
        with self.lock:
            if len(self.data) >= self.size:
                self.data.clear()  # bounded memory; entries are cheap to recompute
            self.data[key] = (now + self.ttl, marker, value)
        return value


def ingest_marker(session: Session) -> tuple[Any, ...]:
    """Changes whenever articles are stored or replaced: the newest article id and the
    number of latest articles (both answered from indexes)."""
    return (session.scalar(select(func.max(Article.id))),
            session.scalar(select(func.count()).select_from(Article).where(Article.is_latest.is_(True))))


# ---------------------------------------------------------------- serialisation

def _span(text: str | None, start: int | None, end: int | None, **extra: Any) -> dict | None:
    if start is None or end is None:
        return None
    return {"text": text, "start": start, "end": end, **extra}


def event_json(v: Event, article: Article | None = None) -> dict[str, Any]:
    a = article if article is not None else v.article
    loc = None
    if v.location_start is not None or v.location_name or v.country or v.lat is not None:
        loc = {"text": v.location_text, "start": v.location_start, "end": v.location_end,
               "name": v.location_name, "country": v.country, "admin1": v.admin1,
               "lat": v.lat, "lon": v.lon, "geonameid": v.geonameid,
               "precision": v.geo_precision}
    return {
        "id": v.id, "eid": v.eid, "article_id": v.article_id, "canonical_id": v.canonical_id,
        "type": v.type, "mode": v.mode, "status": v.status, "contexts": v.contexts or [],
        "trigger": _span(v.trigger_text, v.trigger_start, v.trigger_end),
        "actor": _span(v.actor_text, v.actor_start, v.actor_end, entity=v.actor_entity,
                       code=v.actor_code) or ({"text": None, "code": v.actor_code}
                                              if v.actor_code else None),
        "recipient": _span(v.recipient_text, v.recipient_start, v.recipient_end,
                           entity=v.recipient_entity, code=v.recipient_code)
        or ({"text": None, "code": v.recipient_code} if v.recipient_code else None),
        "location": loc,
        "date": ({"value": v.date_value, "precision": v.date_precision, "from": v.date_from,
                  "day": v.date.isoformat() if v.date else None}
                 if (v.date_value or v.date) else None),
        "size": {"dead": v.dead, "injured": v.injured, "arrested": v.arrested},
        "cameo_root": v.cameo_root, "acled": v.acled, "confidence": v.confidence,
        "sentence": ({"start": v.sentence_start, "end": v.sentence_end}
                     if v.sentence_start is not None else None),
        "mentions": v.mentions or [],
        "article": ({"id": a.id, "key": a.key, "title": a.title, "outlet": a.outlet,
                     "url": a.url, "published": a.published} if a is not None else None),
    }


def flat_event_row(v: Event, a: Article) -> dict[str, Any]:
    """One event as a flat row for CSV/Parquet: the columns analysts load into a sheet."""
    return {
        "event_id": v.id, "canonical_id": v.canonical_id, "date": v.date.isoformat() if v.date else None,
        "date_value": v.date_value, "date_precision": v.date_precision, "date_from": v.date_from,
        "type": v.type, "mode": v.mode, "status": v.status,
        "contexts": ";".join(v.contexts or []), "trigger": v.trigger_text,
        "actor": v.actor_text, "actor_code": v.actor_code,
        "recipient": v.recipient_text, "recipient_code": v.recipient_code,
        "location": v.location_text, "location_name": v.location_name, "country": v.country,
        "admin1": v.admin1, "lat": v.lat, "lon": v.lon, "geonameid": v.geonameid,
        "geo_precision": v.geo_precision, "dead": v.dead, "injured": v.injured,
        "arrested": v.arrested, "cameo_root": v.cameo_root, "acled": v.acled,
        "confidence": v.confidence, "article_id": a.id, "article_key": a.key, "outlet": a.outlet,
        "url": a.url, "published": a.published, "title": a.title,
        "sentence": (a.text[v.sentence_start:v.sentence_end]
                     if v.sentence_start is not None and v.sentence_end is not None else None),
    }


FLAT_COLUMNS = [
    "event_id", "canonical_id", "date", "date_value", "date_precision", "date_from", "type", "mode",
    "status", "contexts", "trigger", "actor", "actor_code", "recipient", "recipient_code",
    "location", "location_name", "country", "admin1", "lat", "lon", "geonameid", "geo_precision",
    "dead", "injured", "arrested", "cameo_root", "acled", "confidence", "article_id",
    "article_key", "outlet", "url", "published", "title", "sentence"]


# ---------------------------------------------------------------- events

def list_events(session: Session, f: EventFilter, *, sort: str = "-date", limit: int = 50,
                offset: int = 0) -> dict[str, Any]:
    stmt = _events_base(f, sort)
    rows = session.scalars(stmt.options(selectinload(Event.article).load_only(
        Article.id, Article.key, Article.title, Article.outlet, Article.url, Article.published))
        .order_by(*order_clause(sort, EVENT_SORTS, Event.id)).limit(limit).offset(offset)).all()
    total, capped = page_total(session, stmt, offset, limit, len(rows))
    return {"total": total, "total_capped": capped, "limit": limit, "offset": offset, "sort": sort,
            "items": [event_json(v) for v in rows]}


def iter_event_rows(session: Session, f: EventFilter, *, sort: str = "-date",
                    limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Flat rows for downloads, streamed in chunks so a big export stays in bounded memory."""
    stmt = (select(Event, Article).join(Article, Event.article_id == Article.id)
            .where(*event_conditions(f))
            .order_by(*order_clause(sort, EVENT_SORTS, Event.id)))
    if limit:
        stmt = stmt.limit(limit)
    for v, a in session.execute(stmt.execution_options(yield_per=1000)):
        yield flat_event_row(v, a)


def _time_for_event(v: Event, times: list[TimeExpr]) -> TimeExpr | None:
    """The date has no span in the record; point at the time expression that stated it: the
    one with the same value inside the event's sentence, else the nearest one in the article
    (news often dates an act once, in the lead, and refers back to it)."""
    if v.date_from != "text" or not v.date_value:
        return None
    same = [t for t in times if t.value == v.date_value]
    if not same:
        return None
    s0, s1 = v.sentence_start or 0, v.sentence_end or 0
    inside = [t for t in same if t.start >= s0 and t.end <= s1]
    if inside:
        return inside[0]
    return min(same, key=lambda t: (abs(t.start - v.trigger_start), t.start))


def event_detail(session: Session, event_id: int) -> dict[str, Any] | None:
    v = session.get(Event, event_id)
    if v is None:
        return None
    a = v.article
    out = event_json(v, a)
    s0, s1 = v.sentence_start, v.sentence_end
    out["sentence"] = ({"start": s0, "end": s1, "text": a.text[s0:s1]}
                       if s0 is not None and s1 is not None else None)
    hl: list[dict[str, Any]] = []
    for role, t, s, e in (("trigger", v.trigger_text, v.trigger_start, v.trigger_end),
                          ("actor", v.actor_text, v.actor_start, v.actor_end),
                          ("recipient", v.recipient_text, v.recipient_start, v.recipient_end),
                          ("location", v.location_text, v.location_start, v.location_end)):
        if s is not None and e is not None:
            hl.append({"role": role, "text": t, "start": s, "end": e})
    for m in v.mentions or []:
        if isinstance(m, dict) and m.get("start") is not None:
            hl.append({"role": "mention", "text": m.get("text"), "start": m["start"], "end": m["end"]})
    t = _time_for_event(v, list(a.times))
    if t is not None:
        hl.append({"role": "date", "text": t.text, "start": t.start, "end": t.end})
    out["highlights"] = sorted(hl, key=lambda h: (h["start"], h["end"]))
    out["article"] = {"id": a.id, "key": a.key, "title": a.title, "outlet": a.outlet, "url": a.url,
                      "published": a.published, "text": a.text}
    out["canonical"] = canonical_detail(session, v.canonical_id) if v.canonical_id else None
    out["sources"] = out["canonical"]["sources"] if out["canonical"] else [
        {"article_id": a.id, "event_id": v.id, "outlet": a.outlet, "url": a.url,
         "published": a.published, "title": a.title, "similarity": None}]
    return out


# ---------------------------------------------------------------- canonical events

def canonical_conditions(f: EventFilter) -> list[Any]:
    C = CanonicalEvent
    conds = _common_conditions(f, C, [C.actor_name, C.recipient_name])
    if f.q:
        pat = _like(f.q.strip())
        conds.append(or_(*[ILike(c, pat) for c in (
            C.location_name, C.actor_name, C.recipient_name)]))
    # Filters on what the member reports say: a canonical event qualifies when one of its
    # member events does (status, article) or one of its sources is from the outlet.
    member: list[Any] = []
    if f.status:
        member.append(Event.status.in_(f.status))
    if f.article_id is not None:
        member.append(Event.article_id == f.article_id)
    if member:
        conds.append(exists().where(Event.canonical_id == C.id, *member))
    if f.outlet:
        conds.append(exists().where(EventSource.canonical_id == C.id, EventSource.outlet == f.outlet))
    return conds


def canonical_json(c: CanonicalEvent) -> dict[str, Any]:
    return {"id": c.id, "type": c.type, "mode": c.mode,
            "date": c.date.isoformat() if c.date else None, "date_precision": c.date_precision,
            "location": {"name": c.location_name, "country": c.country, "admin1": c.admin1,
                         "lat": c.lat, "lon": c.lon, "precision": c.geo_precision},
            "actor": {"name": c.actor_name, "code": c.actor_code},
            "recipient": {"name": c.recipient_name, "code": c.recipient_code},
            "size": {"dead": c.dead, "injured": c.injured, "arrested": c.arrested},
            "cameo_root": c.cameo_root, "acled": c.acled, "confidence": c.confidence,
            "n_sources": c.n_sources, "n_articles": c.n_articles, "n_events": c.n_events,
            "first_published": c.first_published.isoformat() if c.first_published else None,
            "representative_id": c.representative_id}


def _source_json(s: EventSource) -> dict[str, Any]:
    return {"article_id": s.article_id, "event_id": s.event_id, "outlet": s.outlet, "url": s.url,
            "published": s.published, "title": s.article.title if s.article else None,
            "similarity": s.similarity}


def list_canonical(session: Session, f: EventFilter, *, sort: str = "-date", limit: int = 50,
                   offset: int = 0) -> dict[str, Any]:
    stmt = select(CanonicalEvent).where(*canonical_conditions(f))
    rows = session.scalars(stmt.options(
        selectinload(CanonicalEvent.sources).selectinload(EventSource.article).load_only(Article.title))
        .order_by(*order_clause(sort, CANONICAL_SORTS, CanonicalEvent.id))
        .limit(limit).offset(offset)).all()
    total, capped = page_total(session, stmt, offset, limit, len(rows))
    items = []
    for c in rows:
        d = canonical_json(c)
        d["sources"] = [_source_json(s) for s in sorted(c.sources, key=lambda s: (s.published or "", s.id))]
        items.append(d)
    return {"total": total, "total_capped": capped, "limit": limit, "offset": offset, "sort": sort,
            "items": items}


def canonical_detail(session: Session, cid: int) -> dict[str, Any] | None:
    c = session.get(CanonicalEvent, cid)
    if c is None:
        return None
    d = canonical_json(c)
    d["sources"] = [_source_json(s) for s in sorted(c.sources, key=lambda s: (s.published or "", s.id))]
    return d


# ---------------------------------------------------------------- articles

def list_articles(session: Session, *, q: str | None = None, outlet: str | None = None,
                  date_from: date | None = None, date_to: date | None = None,
                  limit: int = 50, offset: int = 0) -> dict[str, Any]:
    stmt = select(Article.id, Article.key, Article.title, Article.outlet, Article.url,
                  Article.published, Article.n_events, Article.duplicate_of).where(
        Article.is_latest.is_(True))
    if q:
        pat = _like(q.strip())
        stmt = stmt.where(or_(ILike(Article.title, pat), ILike(Article.text, pat)))
    if outlet:
        stmt = stmt.where(Article.outlet == outlet)
    if date_from:
        stmt = stmt.where(Article.published_date >= date_from)
    if date_to:
        stmt = stmt.where(Article.published_date <= date_to)
    total, capped = count(session, stmt, COUNT_CAP)
    rows = session.execute(stmt.order_by(Article.published_date.desc().nulls_last(),
                                         Article.id.desc()).limit(limit).offset(offset)).all()
    return {"total": total, "total_capped": capped, "limit": limit, "offset": offset,
            "items": [dict(r._mapping) for r in rows]}


def find_article(session: Session, ref: str) -> Article | None:
    """By database id, or by record id (`key`, latest version)."""
    if ref.isdigit() and len(ref) < 19:  # beyond 64 bits it cannot be an id
        a = session.get(Article, int(ref))
        if a is not None:
            return a
    return session.scalars(select(Article).where(Article.key == ref)
                           .order_by(Article.is_latest.desc(), Article.version.desc()).limit(1)).first()


def article_detail(session: Session, a: Article) -> dict[str, Any]:
    """The text and every extraction span, ready to highlight."""
    ents = [{"id": e.eid, "text": e.text, "start": e.start, "end": e.end, "type": e.type,
             "canonical": {"ar": e.canonical_ar, "en": e.canonical_en}, "actor_code": e.actor_code,
             "wikidata": e.wikidata} for e in a.entities]
    times = [{"text": t.text, "start": t.start, "end": t.end, "value": t.value,
              "precision": t.precision, "calendar": t.calendar} for t in a.times]
    places = [{"text": p.text, "start": p.start, "end": p.end, "name": p.name, "name_ar": p.name_ar,
               "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
               "precision": p.precision, "entity": p.entity} for p in a.places]
    quotes = [{"text": q.text, "start": q.start, "end": q.end, "kind": q.kind,
               "cue": _span(q.cue_text, q.cue_start, q.cue_end),
               "speaker": _span(q.speaker_text, q.speaker_start, q.speaker_end,
                                entity=q.speaker_entity, code=q.speaker_code)} for q in a.quotes]
    events = [event_json(v, a) for v in a.events]
    for ev in events:
        ev.pop("article", None)
    duplicate = None
    if a.duplicate_of:
        d = session.get(Article, a.duplicate_of)
        if d is not None:
            duplicate = {"id": d.id, "key": d.key, "outlet": d.outlet, "title": d.title,
                         "score": a.duplicate_score}
    return {"id": a.id, "key": a.key, "url": a.url, "outlet": a.outlet, "published": a.published,
            "title": a.title, "text": a.text, "language": a.language or "ar", "version": a.version,
            "is_latest": a.is_latest, "duplicate_of": duplicate, "entities": ents, "times": times,
            "places": places, "quotes": quotes, "events": events}


# ---------------------------------------------------------------- actors, stats, map

def list_actors(session: Session, *, q: str | None = None, type_: str | None = None,
                limit: int = 50, offset: int = 0) -> dict[str, Any]:
    stmt = select(Actor)
    if q:
        pat = _like(q.strip())
        conds = [ILike(Actor.name_ar, pat), ILike(Actor.name_en, pat)]
        if q.strip().isascii() and _CODE.match(q.strip().upper()):
            conds.append(code_prefix(Actor.code, q.strip().upper()))
        stmt = stmt.where(or_(*conds))
    if type_:
        stmt = stmt.where(Actor.type == type_)
    total, capped = count(session, stmt, COUNT_CAP)
    rows = session.scalars(stmt.order_by(Actor.mentions.desc(), Actor.id).limit(limit).offset(offset)).all()
    items = [{"id": r.id, "code": r.code, "name_ar": r.name_ar, "name_en": r.name_en, "type": r.type,
              "wikidata": r.wikidata, "mentions": r.mentions} for r in rows]
    # Event counts per code on this page only: one grouped query, not one per actor.
    codes = sorted({r.code for r in rows if r.code})
    if codes:
        as_actor = dict(session.execute(select(Event.actor_code, func.count()).where(
            Event.actor_code.in_(codes)).group_by(Event.actor_code)).all())
        as_recipient = dict(session.execute(select(Event.recipient_code, func.count()).where(
            Event.recipient_code.in_(codes)).group_by(Event.recipient_code)).all())
        for it in items:
            it["events_as_actor"] = int(as_actor.get(it["code"], 0)) if it["code"] else 0
            it["events_as_recipient"] = int(as_recipient.get(it["code"], 0)) if it["code"] else 0
    return {"total": total, "total_capped": capped, "limit": limit, "offset": offset, "items": items}


def stats(session: Session, f: EventFilter) -> dict[str, Any]:
    """Counts of the filtered events by day, type and country (and the date span)."""
    base = select(Event.id, Event.date, Event.type, Event.country)
    if _needs_article(f):
        base = base.join(Article, Event.article_id == Article.id)
    base = base.where(*event_conditions(f)).subquery()
    total = int(session.scalar(select(func.count()).select_from(base)) or 0)
    by_day = session.execute(select(base.c.date, func.count()).where(base.c.date.is_not(None))
                             .group_by(base.c.date).order_by(base.c.date)).all()
    by_type = session.execute(select(base.c.type, func.count()).group_by(base.c.type)
                              .order_by(func.count().desc(), base.c.type.is_(None), base.c.type)).all()
    by_country = session.execute(select(base.c.country, func.count()).group_by(base.c.country)
                                 .order_by(func.count().desc(), base.c.country.is_(None), base.c.country)).all()
    span = session.execute(select(func.min(base.c.date), func.max(base.c.date))).one()
    return {
        "total": total,
        "date_min": span[0].isoformat() if span[0] else None,
        "date_max": span[1].isoformat() if span[1] else None,
        "by_day": [{"date": d.isoformat(), "n": n} for d, n in by_day],
        "by_type": [{"type": t, "n": n} for t, n in by_type],
        "by_country": [{"country": c, "n": n} for c, n in by_country],
    }


def places(session: Session, f: EventFilter, *, limit: int = 2000) -> dict[str, Any]:
    """One point per located place with its event count (the map never gets raw events)."""
    base = select(Event.lat, Event.lon, Event.location_name, Event.country, Event.admin1,
                  Event.geo_precision, Event.date)
    unloc = select(func.count()).select_from(Event)
    if _needs_article(f):
        base = base.join(Article, Event.article_id == Article.id)
        unloc = unloc.join(Article, Event.article_id == Article.id)
    base = base.where(Event.lat.is_not(None), Event.lon.is_not(None), *event_conditions(f)).subquery()
    n = func.count().label("n")
    rows = session.execute(
        select(base.c.lat, base.c.lon, func.max(base.c.location_name), func.max(base.c.country),
               func.max(base.c.admin1), func.max(base.c.geo_precision), n,
               func.max(base.c.date))
        .group_by(base.c.lat, base.c.lon).order_by(n.desc(), base.c.lat, base.c.lon).limit(limit)).all()
    unlocated = session.scalar(
        unloc.where(or_(Event.lat.is_(None), Event.lon.is_(None)), *event_conditions(f))) if not f.bbox else 0
    return {"items": [{"lat": r[0], "lon": r[1], "name": r[2], "country": r[3], "admin1": r[4],
                       "precision": r[5], "n": r[6], "last": r[7].isoformat() if r[7] else None}
                      for r in rows],
            "unlocated": int(unlocated or 0)}


def facets(session: Session) -> dict[str, Any]:
    """Values the filter controls offer: what exists in the database, with counts."""
    # events need no `is_latest` join: only latest versions keep them (see _events_base)
    types = session.execute(select(Event.type, func.count())
                            .group_by(Event.type).order_by(Event.type)).all()
    modes = session.execute(select(Event.type, Event.mode, func.count())
                            .where(Event.mode.is_not(None)).group_by(Event.type, Event.mode)
                            .order_by(Event.type, Event.mode)).all()
    countries = session.execute(select(Event.country, func.count())
                                .where(Event.country.is_not(None)).group_by(Event.country)
                                .order_by(func.count().desc(), Event.country)).all()
    outlets = session.execute(select(Article.outlet, func.count()).where(
        Article.is_latest.is_(True), Article.outlet.is_not(None)).group_by(Article.outlet)
        .order_by(func.count().desc(), Article.outlet).limit(200)).all()
    span = session.execute(select(func.min(Event.date), func.max(Event.date))).one()
    n_articles = session.scalar(select(func.count()).select_from(Article).where(Article.is_latest.is_(True)))
    return {"types": [{"type": t, "n": n} for t, n in types],
            "modes": [{"type": t, "mode": m, "n": n} for t, m, n in modes],
            "countries": [{"country": c, "n": n} for c, n in countries],
            "outlets": [{"outlet": o, "n": n} for o, n in outlets],
            "date_min": span[0].isoformat() if span[0] else None,
            "date_max": span[1].isoformat() if span[1] else None,
            "articles": int(n_articles or 0)}


__all__ = ["EventFilter", "list_events", "iter_event_rows", "event_detail", "list_canonical",
           "canonical_detail", "list_articles", "find_article", "article_detail", "list_actors",
           "stats", "places", "facets", "FLAT_COLUMNS"]
