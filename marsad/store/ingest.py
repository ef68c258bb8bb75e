"""Storing analysed records (the SCHEMA.md JSON of `marsad.record.to_json`) in the database.

Guarantees:
- Idempotent: an article is identified by its record `id` (or, failing that, its URL); the same
  text again stores nothing. Changed text under the same id/URL becomes a new version: the
  old row stays (text and hash, for history), loses `is_latest` and its extracted layers, and
  the canonical events it fed are recomputed.
- Transactional per batch: each batch of records is written in one transaction, so a crash
  mid-batch leaves no half-written article (the batch is simply absent and can be re-run).
  Records are converted and checked before anything is written, so one malformed record is
  reported and skipped without failing its batch.
- Never re-processes text: rows are made from the record's own fields and offsets.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from marsad.store import dedup
from marsad.store.db import Database, write_lock
from marsad.store.models import (
    Actor,
    Article,
    Entity,
    Event,
    EventSource,
    PlaceMention,
    Quote,
    TimeExpr,
)
from marsad.text.normalize import normalize

log = logging.getLogger(__name__)

BATCH_SIZE = 200
ACTOR_TYPES = {"PER", "ORG", "NORP", "GPE"}


class RecordError(ValueError):
    """A record that cannot be stored (missing text, broken offsets ...)."""


# --- pure helpers -----------------------------------------------------------------------------

_RETRIES = 5


def _retryable(e: Exception) -> bool:
    """Unique-key clashes, deadlocks and serialisation failures are worth a retry."""
    if isinstance(e, IntegrityError):
        return True
    code = getattr(getattr(e, "orig", None), "sqlstate", None) or getattr(getattr(e, "orig", None), "pgcode", None)
    return code in ("40001", "40P01") or "database is locked" in str(e)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def url_hash(url: str | None) -> str | None:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest() if url and url.strip() else None


def record_key(rec: dict) -> str:
    """The article's identity across versions: its id, else a hash of its URL, else of its text."""
    if rec.get("id"):
        return str(rec["id"])[:512]
    if rec.get("url"):
        return "url:" + url_hash(rec["url"])[:32]
    return "text:" + content_hash(rec.get("text") or "")[:32]


_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])")
_SEASON = {"SP": 3, "SU": 6, "FA": 9, "AU": 9, "WI": 12}


def parse_date(value: Any) -> date | None:
    """First day covered by a TIMEX3-style value: 2024, 2024-08, 2024-08-09(T..), 2024-W32, 2024-Q1, 2023-SU."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", v):
            return date.fromisoformat(v[:10])
        if m := _WEEK.match(v):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _QUARTER.match(v):
            return date(int(m[1]), 3 * int(m[2]) - 2, 1)
        if m := re.match(r"^(\d{4})-([A-Z]{2})$", v):
            return date(int(m[1]), _SEASON[m[2]], 1) if m[2] in _SEASON else None
        if re.match(r"^\d{4}-\d{2}$", v):
            return date(int(v[:4]), int(v[5:7]), 1)
        if re.match(r"^\d{4}$", v):
            return date(int(v), 1, 1)
    except (ValueError, KeyError):
        return None
    return None


def _s(x: Any, n: int | None = None) -> str | None:
    if x is None or x == "":
        return None
    s = str(x)
    return s[:n] if n else s


def _int(x: Any) -> int | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        return int(x)
    except (TypeError, ValueError):
        return None


def _float(x: Any) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


def _span(d: Any, where: str, text: str, required: bool = True) -> tuple[str | None, int | None, int | None]:
    if not isinstance(d, dict):
        if required:
            raise RecordError(f"{where}: missing span")
        return None, None, None
    st, en = d.get("start"), d.get("end")
    if not isinstance(st, int) or not isinstance(en, int) or not 0 <= st <= en <= len(text):
        raise RecordError(f"{where}: bad offsets {st!r}..{en!r}")
    t = d.get("text")
    if t is not None and text[st:en] != t:
        raise RecordError(f"{where}: text {t!r} is not the substring at {st}..{en}")
    return text[st:en], st, en


def _actor_key(code: str | None, name: str | None) -> str | None:
    n = normalize(name).strip() if name else ""
    if not code and not n:
        return None
    return f"{code or ''}|{n}"[:512]


@dataclass
class Prepared:
    """A record turned into unsaved rows, checked and ready to write."""
    key: str
    article: Article
    actor_keys: list[tuple[str, dict] | None]  # per entity, aligned with article.entities
    record: dict


def prepare(rec: dict, source: str | None = None) -> Prepared:
    """Record dict -> unsaved Article with its layers. Raises RecordError when malformed."""
    if not isinstance(rec, dict):
        raise RecordError("record is not a JSON object")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError("record has no text")
    key = record_key(rec)
    published = _s(rec.get("published"), 40)
    pub_date = parse_date(published)
    known = {"id", "url", "outlet", "published", "title", "text", "language", "entities", "times",
             "quotes", "events", "places", "schema_version"}
    extra = {k: v for k, v in rec.items() if k not in known} or None
    art = Article(key=key, url=_s(rec.get("url")), url_hash=url_hash(rec.get("url")),
                  outlet=_s(rec.get("outlet"), 200), published=published, published_date=pub_date,
                  title=_s(rec.get("title")), text=text, language=_s(rec.get("language"), 8),
                  content_hash=content_hash(text), version=1, is_latest=True, source=_s(source),
                  n_events=0, extra=extra)

    actor_keys: list[tuple[str, dict] | None] = []
    for i, e in enumerate(rec.get("entities") or []):
        w = f"entities[{i}]"
        t, st, en = _span(e, w, text)
        canon = e.get("canonical") if isinstance(e.get("canonical"), dict) else {}
        ent = Entity(eid=_s(e.get("id"), 32) or f"e{i + 1}", text=t, start=st, end=en,
                     type=_s(e.get("type"), 8), canonical_ar=_s(canon.get("ar"), 400),
                     canonical_en=_s(canon.get("en"), 400), actor_code=_s(e.get("actor_code"), 64),
                     wikidata=_s(e.get("wikidata"), 32))
        art.entities.append(ent)
        ak = None
        if ent.type in ACTOR_TYPES and (ent.actor_code or ent.canonical_ar or ent.canonical_en):
            k = _actor_key(ent.actor_code, ent.canonical_ar or ent.canonical_en or t)
            if k:
                ak = (k, {"code": ent.actor_code, "name_ar": ent.canonical_ar or t,
                          "name_en": ent.canonical_en, "type": ent.type, "wikidata": ent.wikidata})
        actor_keys.append(ak)

    for i, x in enumerate(rec.get("times") or []):
        t, st, en = _span(x, f"times[{i}]", text)
        art.times.append(TimeExpr(text=t, start=st, end=en, value=_s(x.get("value"), 40),
                                  precision=_s(x.get("precision"), 16), calendar=_s(x.get("calendar"), 16)))

    for i, p in enumerate(rec.get("places") or []):
        t, st, en = _span(p, f"places[{i}]", text)
        art.places.append(PlaceMention(text=t, start=st, end=en, name=_s(p.get("name"), 400),
                                       name_ar=_s(p.get("name_ar"), 400), country=_s(p.get("country"), 3),
                                       admin1=_s(p.get("admin1"), 200), lat=_float(p.get("lat")),
                                       lon=_float(p.get("lon")), geonameid=_int(p.get("geonameid")),
                                       precision=_s(p.get("precision"), 16), entity=_s(p.get("entity"), 32)))

    for i, q in enumerate(rec.get("quotes") or []):
        w = f"quotes[{i}]"
        t, st, en = _span(q, w, text)
        ct, cs, ce = _span(q.get("cue"), w + ".cue", text, required=False)
        sp = q.get("speaker") if isinstance(q.get("speaker"), dict) else None
        stt, sst, sen = _span(sp, w + ".speaker", text, required=False)
        art.quotes.append(Quote(text=t, start=st, end=en, kind=_s(q.get("kind"), 16), cue_text=_s(ct, 200),
                                cue_start=cs, cue_end=ce, speaker_text=stt, speaker_start=sst, speaker_end=sen,
                                speaker_entity=_s((sp or {}).get("entity"), 32),
                                speaker_code=_s((sp or {}).get("code"), 64)))

    for i, v in enumerate(rec.get("events") or []):
        w = f"events[{i}]"
        if not isinstance(v, dict) or not v.get("type"):
            raise RecordError(f"{w}: no type")
        tt, ts, te = _span(v.get("trigger"), w + ".trigger", text)
        sent = v.get("sentence") if isinstance(v.get("sentence"), dict) else {}
        act = v.get("actor") if isinstance(v.get("actor"), dict) else None
        rcp = v.get("recipient") if isinstance(v.get("recipient"), dict) else None
        loc = v.get("location") if isinstance(v.get("location"), dict) else None
        at, ast, aen = _span(act, w + ".actor", text, required=False)
        rt, rst, ren = _span(rcp, w + ".recipient", text, required=False)
        lt, lst, len_ = _span(loc, w + ".location", text, required=False) if loc and "start" in loc \
            else (_s((loc or {}).get("text")), None, None)
        dt = v.get("date") if isinstance(v.get("date"), dict) else {}
        size = v.get("size") if isinstance(v.get("size"), dict) else {}
        ev_date = parse_date(dt.get("value"))
        date_from = _s(dt.get("from"), 16)
        date_prec = _s(dt.get("precision"), 16)
        if ev_date is None and pub_date is not None and not dt.get("value"):
            # SCHEMA.md: an undated event takes the publication date, marked as such
            ev_date, date_from, date_prec = pub_date, "published", "day"
        mentions = v.get("mentions") if isinstance(v.get("mentions"), list) else None
        art.events.append(Event(
            eid=_s(v.get("id"), 32) or f"v{i + 1}", type=str(v["type"])[:16], mode=_s(v.get("mode"), 32),
            status=_s(v.get("status"), 16) or "actual",
            contexts=list(v.get("contexts") or []) or None,
            trigger_text=tt, trigger_start=ts, trigger_end=te,
            sentence_start=_int(sent.get("start")), sentence_end=_int(sent.get("end")),
            actor_text=at, actor_start=ast, actor_end=aen, actor_entity=_s((act or {}).get("entity"), 32),
            actor_code=_s((act or {}).get("code"), 64),
            recipient_text=rt, recipient_start=rst, recipient_end=ren,
            recipient_entity=_s((rcp or {}).get("entity"), 32), recipient_code=_s((rcp or {}).get("code"), 64),
            location_text=lt, location_start=lst, location_end=len_,
            location_name=_s((loc or {}).get("name"), 400), country=_s((loc or {}).get("country"), 3),
            admin1=_s((loc or {}).get("admin1"), 200), lat=_float((loc or {}).get("lat")),
            lon=_float((loc or {}).get("lon")), geonameid=_int((loc or {}).get("geonameid")),
            geo_precision=_s((loc or {}).get("precision"), 16),
            date=ev_date, date_value=_s(dt.get("value"), 40), date_precision=date_prec, date_from=date_from,
            dead=_s(size.get("dead"), 32), injured=_s(size.get("injured"), 32),
            arrested=_s(size.get("arrested"), 32), cameo_root=_s(v.get("cameo_root"), 8),
            acled=_s(v.get("acled"), 120), confidence=_float(v.get("confidence")),
            mentions=mentions or None))
    art.n_events = len(art.events)
    return Prepared(key=key, article=art, actor_keys=actor_keys, record=rec)


# --- the writer -------------------------------------------------------------------------------

@dataclass
class IngestStats:
    records: int = 0        # records offered
    added: int = 0          # new articles
    versions: int = 0       # new versions of stored articles
    unchanged: int = 0      # already stored with the same text
    duplicates: int = 0     # stored and marked near-duplicate of an earlier article
    events: int = 0         # events stored
    canonical_new: int = 0  # canonical events founded
    canonical_joined: int = 0  # events that joined an existing canonical event
    failed: int = 0         # records rejected
    errors: list[str] = field(default_factory=list)

    def merge_cluster(self, cs: dedup.ClusterStats) -> None:
        self.canonical_new += cs.new
        self.canonical_joined += cs.joined

    def summary(self) -> str:
        return (f"{self.added} new articles, {self.versions} new versions, {self.unchanged} unchanged, "
                f"{self.duplicates} near-duplicates, {self.events} events "
                f"({self.canonical_new} new canonical, {self.canonical_joined} joined), {self.failed} failed")


class Ingestor:
    """Buffers records and writes them a batch per transaction.

    with Ingestor(db) as ing:
        for rec in records: ing.add(rec, source="file.jsonl:3")
    ing.stats
    """

    def __init__(self, db: Database, batch_size: int = BATCH_SIZE, near_duplicates: bool = True,
                 cluster: bool = True, on_batch: Callable[[IngestStats], None] | None = None):
        self.db = db
        self.batch_size = max(1, batch_size)
        self.cluster = cluster
        self.on_batch = on_batch
        self.stats = IngestStats()
        self.pending: list[Prepared] = []
        self._actor_ids: dict[str, int] = {}
        self.dup_index: dedup.DuplicateIndex | None = None
        if near_duplicates:
            # one index per open database, caught up incrementally at each batch
            self.dup_index = db.cache.get("dup_index")
            if self.dup_index is None:
                self.dup_index = db.cache["dup_index"] = dedup.DuplicateIndex()

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()

    # Cheap check before the expensive analysis: is this exact text already stored?
    def is_stored(self, article_id: str | None, url: str | None, text: str) -> bool:
        h = content_hash(text)
        key = str(article_id)[:512] if article_id else None
        if any(p.article.content_hash == h and (p.key == key or (url and p.article.url == url))
               for p in self.pending):
            return True
        with self.db.session() as s:
            cur = _latest(s, key, url_hash(url))
            return cur is not None and (cur.content_hash == h or s.scalar(
                select(Article.id).where(Article.key == cur.key, Article.content_hash == h).limit(1)) is not None)

    def add(self, rec: dict, source: str | None = None) -> bool:
        """Queue one record; False (and an error noted) when it is malformed."""
        self.stats.records += 1
        try:
            self.pending.append(prepare(rec, source))
        except RecordError as e:
            self.stats.failed += 1
            where = source or (rec.get("id") if isinstance(rec, dict) else None) or f"record {self.stats.records}"
            self.stats.errors.append(f"{where}: {e}")
            return False
        if len(self.pending) >= self.batch_size:
            self.flush()
        return True

    def add_many(self, records: Iterable[dict]) -> IngestStats:
        for rec in records:
            self.add(rec)
        self.flush()
        return self.stats

    def flush(self) -> None:
        """Write the pending records in one transaction (all or nothing)."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        before = IngestStats(**{k: v for k, v in vars(self.stats).items() if k != "errors"})
        lock = self.dup_index.lock if self.dup_index is not None else contextlib.nullcontext()
        with lock:
            # Another writer (a second `marsad ingest` on PostgreSQL) may commit the same article
            # or actor between our read and our write: the unique keys reject ours, the batch rolls
            # back, and a retry then sees the other writer's rows and stores nothing twice.
            for attempt in range(_RETRIES + 1):
                try:
                    self._flush(batch, before)
                    break
                except (IntegrityError, OperationalError) as e:
                    if attempt == _RETRIES or not _retryable(e):
                        raise
                    log.info("batch conflicted with a concurrent writer (%s); retrying", e.__class__.__name__)
                    time.sleep(0.05 * (attempt + 1) + random.random() * 0.1)
        if self.on_batch is not None:
            self.on_batch(self.stats)

    def _flush(self, batch: list[Prepared], before: IngestStats) -> None:
        new_sigs: list[int] = []
        removed_sigs: list[tuple[int, Any]] = []
        new_actor_keys: list[str] = []
        try:
            with self.db.session() as s, s.no_autoflush:  # flushes are explicit: one per article
                write_lock(s)  # first: what this batch reads must not change before it commits
                if self.dup_index is not None:
                    self.dup_index.refresh(s)
                clusterer = dedup.EventClusterer(s) if self.cluster else None
                mention_counts: Counter[int] = Counter()
                latest = _LatestIndex(s, batch)
                self._prefetch_actors(s, batch)
                for p in batch:
                    self._write(s, p, latest, clusterer, mention_counts, new_sigs, removed_sigs,
                                new_actor_keys)
                s.flush()
                if clusterer is not None:
                    clusterer.finish()
                    self.stats.merge_cluster(clusterer.stats)
                # plain SQL counters: no need to sync (and scan) the objects in the session
                for aid, n in sorted(mention_counts.items()):
                    if n:
                        s.execute(update(Actor).where(Actor.id == aid).values(mentions=Actor.mentions + n),
                                  execution_options={"synchronize_session": False})
        except BaseException:
            # undo in-memory state so it matches the rolled-back database
            if self.dup_index is not None:
                for aid in new_sigs:
                    self.dup_index.remove(aid)
                for aid, sig in removed_sigs:
                    self.dup_index.add(aid, sig)
            for k in new_actor_keys:
                self._actor_ids.pop(k, None)
            errors = self.stats.errors
            self.stats = before
            self.stats.errors = errors
            raise

    def _prefetch_actors(self, s: Session, batch: list[Prepared]) -> None:
        """Look up the batch's known actors in a few queries instead of one per mention."""
        keys = sorted({ak[0] for p in batch for ak in p.actor_keys if ak is not None} - self._actor_ids.keys())
        for i in range(0, len(keys), 500):
            for aid, key in s.execute(select(Actor.id, Actor.key).where(Actor.key.in_(keys[i:i + 500]))):
                self._actor_ids[key] = aid

    def _actor_id(self, s: Session, key: str, fields: dict, new_keys: list[str]) -> int:
        aid = self._actor_ids.get(key)
        if aid is None:
            aid = s.scalar(select(Actor.id).where(Actor.key == key))
            if aid is None:
                actor = Actor(key=key, code=fields["code"], name_ar=_s(fields["name_ar"], 400),
                              name_en=_s(fields["name_en"], 400), type=fields["type"],
                              wikidata=fields["wikidata"], mentions=0)
                s.add(actor)
                s.flush()
                aid = actor.id
                new_keys.append(key)
            self._actor_ids[key] = aid
        return aid

    def _write(self, s: Session, p: Prepared, latest: _LatestIndex, clusterer: dedup.EventClusterer | None,
               mention_counts: Counter[int], new_sigs: list[int], removed_sigs: list, new_actor_keys: list[str]):
        art = p.article
        cur = latest.get(p.key, art.url_hash)
        if cur is not None and latest.seen(cur, art.content_hash):
            # the latest text, or an older version's text seen again (a feed or corpus that
            # carries both): storing it again would flip versions back and forth on every run
            self.stats.unchanged += 1
            return
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        if cur is not None:
            # a changed text: new version; the old one keeps its text but drops its layers
            art.key = cur.key
            art.version = cur.version + 1
            cur.is_latest = False
            self._drop_layers(s, cur, clusterer, mention_counts)
            if self.dup_index is not None and cur.id in self.dup_index.sigs:
                removed_sigs.append((cur.id, self.dup_index.sigs[cur.id]))
                self.dup_index.remove(cur.id)
            s.flush()
            self.stats.versions += 1
        else:
            self.stats.added += 1
        art.ingested_at = now
        sig = None
        if self.dup_index is not None:
            sig = dedup.signature(art.text)
            art.minhash = dedup.signature_bytes(sig)
            hit = self.dup_index.best_match(sig)
            if hit is not None:
                art.duplicate_of, art.duplicate_score = hit[0], round(hit[1], 4)
                self.stats.duplicates += 1
        for ent, ak in zip(art.entities, p.actor_keys):
            if ak is not None:
                ent.actor_id = self._actor_id(s, ak[0], ak[1], new_actor_keys)
                mention_counts[ent.actor_id] += 1
        s.add(art)
        s.flush()
        latest.put(art)
        if sig is not None:
            self.dup_index.add(art.id, sig)
            new_sigs.append(art.id)
        self.stats.events += len(art.events)
        if clusterer is not None and art.events:
            clusterer.assign([(ev, art) for ev in sorted(art.events, key=lambda e: e.id)])

    def _drop_layers(self, s: Session, old: Article, clusterer: dedup.EventClusterer | None,
                     mention_counts: Counter[int]) -> None:
        s.flush()  # the old version may have been written earlier in this very batch
        rows = s.execute(select(Event.id, Event.canonical_id).where(Event.article_id == old.id)).all()
        event_ids = {r[0] for r in rows}
        canon = {r[1] for r in rows if r[1] is not None}
        for aid in s.scalars(select(Entity.actor_id).where(Entity.article_id == old.id,
                                                           Entity.actor_id.is_not(None))):
            mention_counts[aid] -= 1
        s.execute(delete(EventSource).where(EventSource.article_id == old.id))
        for model in (Event, Entity, TimeExpr, PlaceMention, Quote):
            s.execute(delete(model).where(model.article_id == old.id))
        old.n_events = 0
        s.flush()
        s.expire(old, ["entities", "times", "places", "quotes", "events"])
        if clusterer is not None:
            clusterer.forget(event_ids, canon)
        else:
            dedup.refresh_canonical(s, canon)


class _LatestIndex:
    """The latest stored version of every article a batch mentions, fetched in two queries."""

    def __init__(self, s: Session, batch: list[Prepared]):
        keys = sorted({p.key for p in batch})
        uhashes = sorted({p.article.url_hash for p in batch if p.article.url_hash})
        self.by_key: dict[str, Article] = {}
        self.by_url: dict[str, Article] = {}
        for i in range(0, len(keys), 500):
            for a in s.scalars(select(Article).where(Article.key.in_(keys[i:i + 500]), Article.is_latest.is_(True))
                               .order_by(Article.id)):
                self.by_key[a.key] = a
        for i in range(0, len(uhashes), 500):
            for a in s.scalars(select(Article).where(Article.url_hash.in_(uhashes[i:i + 500]),
                                                     Article.is_latest.is_(True)).order_by(Article.id)):
                self.by_url[a.url_hash] = a
        # content hashes of every stored version, so an older text seen again is no change
        self.hashes: dict[str, set[str]] = defaultdict(set)
        found = sorted({a.key for a in (*self.by_key.values(), *self.by_url.values())})
        for i in range(0, len(found), 500):
            for k, h in s.execute(select(Article.key, Article.content_hash).where(Article.key.in_(found[i:i + 500]))):
                self.hashes[k].add(h)

    def get(self, key: str, uhash: str | None) -> Article | None:
        a = self.by_key.get(key)
        if a is None and uhash:
            a = self.by_url.get(uhash)
        return a

    def seen(self, a: Article, content_hash: str) -> bool:
        """Has this article (any version) already had this exact text?"""
        return content_hash in self.hashes.get(a.key, ())

    def put(self, a: Article) -> None:
        self.hashes[a.key].add(a.content_hash)
        self.by_key[a.key] = a
        if a.url_hash:
            self.by_url[a.url_hash] = a


def _latest(s: Session, key: str | None, uhash: str | None) -> Article | None:
    if key:
        a = s.scalar(select(Article).where(Article.key == key, Article.is_latest.is_(True))
                     .order_by(Article.version.desc()).limit(1))
        if a is not None:
            return a
    if uhash:
        return s.scalar(select(Article).where(Article.url_hash == uhash, Article.is_latest.is_(True))
                        .order_by(Article.id.desc()).limit(1))
    return None


def read_records(paths: Iterable[str]) -> Iterator[tuple[dict, str] | RecordError]:
    """Analysed records (JSON Lines, optionally .gz, as `marsad extract` writes) with where
    each came from; unreadable lines come back as RecordError so the rest go on."""
    import gzip
    import json
    from pathlib import Path

    for p in paths:
        path = Path(p)
        files = sorted(x for x in path.rglob("*") if x.is_file() and x.name.endswith((".jsonl", ".jsonl.gz"))) \
            if path.is_dir() else [path]
        if not files:
            yield RecordError(f"{p}: no .jsonl files")
        for f in files:
            try:
                opener = gzip.open if f.name.endswith(".gz") else open
                with opener(f, "rt", encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        if not line.strip():
                            continue
                        try:
                            obj = json.loads(line)
                        except json.JSONDecodeError as e:
                            yield RecordError(f"{f}:{n}: broken JSON ({e.msg})")
                            continue
                        yield obj, f"{f}:{n}"
            except (OSError, EOFError, UnicodeDecodeError) as e:
                yield RecordError(f"{f}: cannot read ({e.__class__.__name__}: {e})")


def ingest_records(db: Database, records: Iterable[dict], batch_size: int = BATCH_SIZE, **kw) -> IngestStats:
    """Store records (SCHEMA.md dicts); returns what changed."""
    ing = Ingestor(db, batch_size=batch_size, **kw)
    return ing.add_many(records)


def counts(db: Database) -> dict[str, int]:
    """Row counts for reports: latest articles, versions, duplicates, events, canonical events."""
    from sqlalchemy import func

    from marsad.store.models import CanonicalEvent

    with db.session() as s:
        return {
            "articles": s.scalar(select(func.count()).select_from(Article).where(Article.is_latest.is_(True))) or 0,
            "article_versions": s.scalar(select(func.count()).select_from(Article)) or 0,
            "near_duplicates": s.scalar(select(func.count()).select_from(Article).where(
                Article.is_latest.is_(True), Article.duplicate_of.is_not(None))) or 0,
            "events": s.scalar(select(func.count()).select_from(Event)) or 0,
            "canonical_events": s.scalar(select(func.count()).select_from(CanonicalEvent)) or 0,
            "multi_source_events": s.scalar(select(func.count()).select_from(CanonicalEvent)
                                            .where(CanonicalEvent.n_sources > 1)) or 0,
            "actors": s.scalar(select(func.count()).select_from(Actor)) or 0,
        }


__all__ = ["Ingestor", "IngestStats", "RecordError", "prepare", "ingest_records", "read_records", "counts",
           "parse_date", "record_key", "content_hash"]
