"""Deduplication: near-duplicate articles (MinHash/LSH) and cross-article event clustering.

Articles. Syndicated copies and lightly edited rewrites are found with MinHash over word
3-shingles of the normalised text, indexed in an LSH table; a new article whose estimated
Jaccard similarity with a stored one reaches `DUP_THRESHOLD` is marked a duplicate of the
earliest such copy. Signatures are stored with the article so the index is rebuilt on open.

Events. Each stored event joins the best-matching canonical event, or founds a new one. A
match needs the same PLOVER type and status group, dates within a day (or the same value
when either date is coarser than a day), no conflict with any member, and strong evidence
with at least one member:
- conflicts: different countries; two city-level places that differ outside one admin
  area; actors (or recipients) coded to different countries;
- strong evidence: the same site/city, or the same admin area, or the same actor (code or
  name, in the same role; either role for the symmetric CONSULT, AGREE, COOPERATE);
- weak evidence only ranks candidates: the same country, actors of the same country.
A canonical event never takes two events of one article: the extractor already merges
mentions of one act within an article, so two events there are two acts.
"""
from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marsad.store.models import Article, CanonicalEvent, Event, EventSource
from marsad.text.normalize import normalize

# --- near-duplicate articles ----------------------------------------------------------------

NUM_PERM = 128
SHINGLE = 3
DUP_THRESHOLD = 0.7  # estimated Jaccard of 3-shingle sets; rewrites of one wire story score 0.7+
_SCHEME = "affine32"  # pinned so stored signatures stay comparable across datasketch releases
_WORD = re.compile(r"[\w\u0600-\u06FF]+")
_TEMPLATE = None


def _template():
    global _TEMPLATE
    if _TEMPLATE is None:
        from datasketch import MinHash

        _TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME)
    return _TEMPLATE


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Word k-shingles of the normalised text (diacritics, alef/ya/ta-marbuta forms unified)."""
    words = _WORD.findall(normalize(text).lower())
    if len(words) < k:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def signature(text: str):
    """The MinHash of `text` (a datasketch MinHash)."""
    from datasketch import MinHash

    t = _template()
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME, permutations=t.permutations)
    sh = shingles(text)
    if sh:
        m.update_batch(sorted(sh))
    return m


def signature_bytes(m) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint32).tobytes()


def signature_from_bytes(b: bytes):
    from datasketch import MinHash

    t = _template()
    return MinHash(seed=1, scheme=_SCHEME, hashvalues=np.frombuffer(b, dtype=np.uint32).copy(),
                   permutations=t.permutations)


class DuplicateIndex:
    """LSH over the signatures of stored, latest-version articles; keys are `Article.id`."""

    def __init__(self, threshold: float = DUP_THRESHOLD):
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.sigs: dict[int, object] = {}
        self.watermark = 0  # highest Article.id read from the database so far
        self.lock = threading.RLock()  # one writer at a time (the API ingests from threads)

    @classmethod
    def load(cls, session: Session, threshold: float = DUP_THRESHOLD) -> DuplicateIndex:
        idx = cls(threshold)
        idx.refresh(session)
        return idx

    def refresh(self, session: Session) -> None:
        """Add articles stored since the last refresh (by this or another process)."""
        rows = session.execute(select(Article.id, Article.minhash, Article.is_latest)
                               .where(Article.id > self.watermark).order_by(Article.id))
        for aid, blob, latest in rows:
            if latest and blob is not None:
                self.add(aid, signature_from_bytes(blob))
            self.watermark = max(self.watermark, aid)

    def add(self, article_id: int, sig) -> None:
        if article_id in self.sigs:
            return
        self.lsh.insert(article_id, sig)
        self.sigs[article_id] = sig

    def remove(self, article_id: int) -> None:
        if self.sigs.pop(article_id, None) is not None:
            self.lsh.remove(article_id)

    def best_match(self, sig, exclude: int | None = None) -> tuple[int, float] | None:
        """The earliest stored article at or above the threshold, with its estimated Jaccard."""
        for aid in sorted(self.lsh.query(sig)):  # ids ascend with ingestion order
            if aid == exclude:
                continue
            j = float(sig.jaccard(self.sigs[aid]))
            if j >= self.threshold:
                return aid, j
        return None


# --- event clustering -------------------------------------------------------------------------

_FINE_DATE = {"day", "time"}
_GEO_RANK = {"site": 4, "city": 3, "district": 2, "province": 1, "country": 0}
_STATUS_GROUP = {"actual": "actual", None: "actual", "future": "future", "hypothetical": "future",
                 "negated": "negated"}


def _norm_name(s: str | None) -> str | None:
    if not s:
        return None
    n = normalize(s).strip()
    n = re.sub(r"^(ال|و|ب|ل)(?=\w{3})", "", n)  # drop a leading article/proclitic: المتظاهرون ~ متظاهرون
    return n or None


@dataclass(frozen=True)
class _Side:
    """One role (actor or recipient) of an event, as clustering compares it."""
    codes: frozenset[str]       # CAMEO-style codes
    countries: frozenset[str]   # their country prefixes (IRQGOV -> IRQ)
    names: frozenset[str]       # normalised names

    def relation(self, other: _Side) -> str:
        if (self.codes & other.codes) or (self.names & other.names):
            return "same"
        if self.countries & other.countries:
            return "near"
        if self.countries and other.countries:
            return "conflict"
        return "unknown"


@dataclass
class _Member:
    """What clustering needs to know about one member event (kept in memory per batch)."""
    event_id: int
    article_key: str
    symmetric: bool
    actor: _Side
    recipient: _Side
    country: str | None
    admin1: str | None
    place: frozenset[str]      # keys of a city-level-or-finer place: geonameid and/or name
    date: date | None
    date_value: str | None
    fine: bool


@dataclass
class _Cluster:
    id: int
    type: str
    status: str
    members: list[_Member] = field(default_factory=list)
    article_keys: set[str] = field(default_factory=set)

    def add(self, m: _Member) -> None:
        self.members.append(m)
        self.article_keys.add(m.article_key)


_COUNTRY = re.compile(r"^[A-Z]{3}")
# types whose two sides can swap between reports (A met B / B received A)
_SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}


def _side(code: str | None, text: str | None) -> _Side:
    n = _norm_name(text)
    return _Side(codes=frozenset([code] if code else []),
                 countries=frozenset([code[:3]] if code and _COUNTRY.match(code) else []),
                 names=frozenset([n] if n else []))


def _member(ev: Event, article_key: str) -> _Member:
    place: set[str] = set()
    if ev.geo_precision in ("site", "city", "district") or (ev.geo_precision is None and ev.location_name):
        if ev.geonameid:
            place.add(f"gn:{ev.geonameid}")
        for nm in (ev.location_name, ev.location_text):
            n = _norm_name(nm)
            if n:
                place.add(n)
    return _Member(event_id=ev.id, article_key=article_key, symmetric=ev.type in _SYMMETRIC,
                   actor=_side(ev.actor_code, ev.actor_text), recipient=_side(ev.recipient_code, ev.recipient_text),
                   country=ev.country, admin1=_norm_name(ev.admin1), place=frozenset(place), date=ev.date,
                   date_value=ev.date_value, fine=(ev.date_precision in _FINE_DATE))


def _roles(a: _Member, b: _Member) -> tuple[str, str] | None:
    """Relations of the actors and of the recipients; None on a conflict."""
    ra, rr = a.actor.relation(b.actor), a.recipient.relation(b.recipient)
    if "conflict" not in (ra, rr):
        return ra, rr
    if a.symmetric:
        ra, rr = a.actor.relation(b.recipient), a.recipient.relation(b.actor)
        if "conflict" not in (ra, rr):
            return ra, rr
    return None


def _pair_score(a: _Member, b: _Member) -> float | None:
    """Evidence that a and b are one act: None on a conflict, 0 without strong evidence."""
    if a.date is None or b.date is None:
        return None
    if a.fine and b.fine:
        if abs((a.date - b.date).days) > 1:
            return None
    elif a.date_value != b.date_value:
        return None
    strong = weak = 0.0
    if a.country and b.country and a.country != b.country:
        return None
    if a.place and b.place:
        if a.place & b.place:
            strong += 2.0
        elif a.admin1 and b.admin1 and a.admin1 == b.admin1:
            strong += 1.0
        else:
            return None
    elif a.admin1 and b.admin1:
        if a.admin1 != b.admin1:
            return None
        strong += 1.0
    elif a.country and b.country:
        weak += 0.5
    roles = _roles(a, b)
    if roles is None:
        return None
    ra, rr = roles
    strong += {"same": 1.0}.get(ra, 0.0) + {"same": 0.5}.get(rr, 0.0)
    weak += {"near": 0.5}.get(ra, 0.0) + {"near": 0.25}.get(rr, 0.0)
    # weak agreement (same country, actors of one country) only ranks real candidates:
    # on a busy day many acts of one type share a country
    return strong + weak if strong >= 1.0 else 0.0


def _cluster_score(c: _Cluster, m: _Member) -> float | None:
    if not c.members or m.article_key in c.article_keys:
        return None
    scores = []
    for x in c.members:
        s = _pair_score(x, m)
        if s is None:
            return None  # compatible with every member, so clusters do not chain loosely
        scores.append(s)
    best = max(scores) if scores else 0.0
    return best if best >= 1.0 else None  # strong evidence with at least one member


def _representative(events: list[Event]) -> Event:
    def key(e: Event):
        return (e.date_from == "text", _GEO_RANK.get(e.geo_precision or "", -1),
                bool(e.actor_code or e.actor_text), e.confidence or 0.0, -e.id)
    return max(events, key=key)


@dataclass
class ClusterStats:
    new: int = 0
    joined: int = 0


class EventClusterer:
    """Assigns newly stored events to canonical events within one session (one batch).

    Clusters near each event's date are loaded once per (type, day) and kept in memory, so
    a batch costs a few queries per type and day rather than one per event.
    """

    def __init__(self, session: Session):
        self.session = session
        self.clusters: dict[int, _Cluster] = {}
        self.member_ids: set[int] = set()
        self.by_day: dict[tuple[str, date], set[int]] = defaultdict(set)
        self.loaded: dict[str, set[date]] = defaultdict(set)
        self.touched: set[int] = set()
        self.stats = ClusterStats()

    def forget(self, event_ids: set[int], canonical_ids: set[int]) -> None:
        """Drop deleted events (an article replaced by a new version) from the in-memory clusters."""
        for cid in canonical_ids:
            c = self.clusters.get(cid)
            if c is not None:
                c.members = [m for m in c.members if m.event_id not in event_ids]
                c.article_keys = {m.article_key for m in c.members}
            self.touched.add(cid)
        self.member_ids -= event_ids

    def _load(self, etype: str, days: set[date]) -> None:
        need = days - self.loaded[etype]
        if not need:
            return
        lo, hi = min(need), max(need)
        rows = self.session.execute(
            select(Event, Article.key)
            .join(Article, Article.id == Event.article_id)
            .where(Event.type == etype, Event.canonical_id.is_not(None),
                   Event.date >= lo, Event.date <= hi)
            .order_by(Event.canonical_id, Event.id)).all()
        for ev, akey in rows:
            if ev.id in self.member_ids:
                continue
            c = self.clusters.get(ev.canonical_id)
            if c is None:
                c = self.clusters[ev.canonical_id] = _Cluster(ev.canonical_id, etype,
                                                              _STATUS_GROUP.get(ev.status, "actual"))
            c.add(_member(ev, akey))
            self.member_ids.add(ev.id)
            self.by_day[(etype, ev.date)].add(c.id)
        self.loaded[etype] |= {lo + timedelta(days=i) for i in range((hi - lo).days + 1)}

    def _candidates(self, etype: str, d: date) -> list[_Cluster]:
        # members of a cluster lie within a day of each other, so loading d±2 gives every
        # candidate (one with a member at d±1) all of its members
        self._load(etype, {d + timedelta(days=i) for i in range(-2, 3)})
        ids: set[int] = set()
        for i in (-1, 0, 1):
            ids |= self.by_day.get((etype, d + timedelta(days=i)), set())
        return [self.clusters[k] for k in sorted(ids)]

    def assign(self, events: list[tuple[Event, Article]]) -> None:
        """Cluster the events of one article (flushed, so they have ids).

        Joins happen at once (so a second event of the same article cannot join the same
        cluster); the canonical events founded by the rest are inserted with one flush.
        """
        founders: list[tuple[Event, Article, _Member, str]] = []
        for ev, art in events:
            m = _member(ev, art.key)
            status = _STATUS_GROUP.get(ev.status, "actual")
            best: tuple[float, int, _Cluster] | None = None
            if ev.date is not None:
                for c in self._candidates(ev.type, ev.date):
                    if c.status != status:
                        continue
                    sc = _cluster_score(c, m)
                    if sc is not None and (best is None or (sc, -c.id) > (best[0], -best[1])):
                        best = (sc, c.id, c)
            if best is None:
                founders.append((ev, art, m, status))
                continue
            c = best[2]
            ev.canonical_id = c.id
            self.session.add(EventSource(canonical_id=c.id, event_id=ev.id, article_id=art.id,
                                         outlet=art.outlet, url=art.url, published=art.published,
                                         similarity=best[0]))
            self.stats.joined += 1
            self._register(c, ev, m)
        if not founders:
            return
        new = [CanonicalEvent(type=ev.type, n_sources=0, n_articles=0, n_events=0) for ev, *_ in founders]
        self.session.add_all(new)
        self.session.flush()
        for ce, (ev, art, m, status) in zip(new, founders):
            c = self.clusters[ce.id] = _Cluster(ce.id, ev.type, status)
            ev.canonical_id = ce.id
            self.session.add(EventSource(canonical_id=ce.id, event_id=ev.id, article_id=art.id,
                                         outlet=art.outlet, url=art.url, published=art.published,
                                         similarity=None))
            self.stats.new += 1
            self._register(c, ev, m)

    def _register(self, c: _Cluster, ev: Event, m: _Member) -> None:
        c.add(m)
        self.member_ids.add(ev.id)
        if ev.date is not None:
            self.by_day[(ev.type, ev.date)].add(c.id)
        self.touched.add(c.id)

    def finish(self) -> None:
        """Recompute the summary fields of every canonical event touched in this batch."""
        self.session.flush()
        refresh_canonical(self.session, self.touched)
        self.touched.clear()


def _consensus(events: list[Event], rep: Event, code_attr: str, text_attr: str) -> tuple[str | None, str | None]:
    """The (code, name) most sources agree on: the commonest code, named as most of its
    mentions name it; ties go to the representative. Single noisy extractions are outvoted."""
    codes = Counter(getattr(e, code_attr) for e in events if getattr(e, code_attr))
    if codes:
        top = max(codes.values())
        rep_code = getattr(rep, code_attr)
        code = rep_code if codes.get(rep_code) == top else min(c for c, n in codes.items() if n == top)
        names = Counter(getattr(e, text_attr) for e in events
                        if getattr(e, code_attr) == code and getattr(e, text_attr))
        name = max(sorted(names), key=lambda n: names[n]) if names else None
        return code, name
    names = Counter(getattr(e, text_attr) for e in events if getattr(e, text_attr))
    if not names:
        return None, None
    rep_name = getattr(rep, text_attr)
    top = max(names.values())
    return None, rep_name if names.get(rep_name) == top else min(n for n, k in names.items() if k == top)


def refresh_canonical(session: Session, ids: set[int]) -> None:
    """Recompute counts and representative fields; delete canonical events left empty."""
    if not ids:
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    id_list = sorted(ids)
    for chunk in (id_list[i:i + 500] for i in range(0, len(id_list), 500)):
        rows = session.execute(select(Event, Article).join(Article, Article.id == Event.article_id)
                               .where(Event.canonical_id.in_(chunk))).all()
        groups: dict[int, list[tuple[Event, Article]]] = defaultdict(list)
        for ev, art in rows:
            groups[ev.canonical_id].append((ev, art))
        empty = [i for i in chunk if i not in groups]
        if empty:
            session.execute(delete(EventSource).where(EventSource.canonical_id.in_(empty)))
            session.execute(delete(CanonicalEvent).where(CanonicalEvent.id.in_(empty)))
        ces = {c.id: c for c in session.scalars(select(CanonicalEvent).where(CanonicalEvent.id.in_(list(groups))))}
        for cid, members in groups.items():
            ce = ces.get(cid)
            if ce is None:
                continue
            rep = _representative([e for e, _ in members])
            ce.type, ce.mode = rep.type, rep.mode
            ce.date, ce.date_precision = rep.date, rep.date_precision
            ce.country, ce.admin1, ce.location_name = rep.country, rep.admin1, rep.location_name
            ce.lat, ce.lon, ce.geo_precision = rep.lat, rep.lon, rep.geo_precision
            evs = [e for e, _ in members]
            ce.actor_code, ce.actor_name = _consensus(evs, rep, "actor_code", "actor_text")
            ce.recipient_code, ce.recipient_name = _consensus(evs, rep, "recipient_code", "recipient_text")
            ce.dead, ce.injured, ce.arrested = rep.dead, rep.injured, rep.arrested
            ce.cameo_root, ce.acled = rep.cameo_root, rep.acled
            ce.confidence = max((e.confidence or 0.0) for e, _ in members)
            ce.n_events = len(members)
            ce.n_articles = len({a.key for _, a in members})
            ce.n_sources = len({(a.outlet or "").strip().lower() or f"article:{a.key}" for _, a in members})
            pubs = [a.published_date for _, a in members if a.published_date]
            ce.first_published = min(pubs) if pubs else None
            ce.representative_id = rep.id
            ce.updated_at = now
