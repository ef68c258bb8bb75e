"""Actor resolution: canonical actors with Arabic and English names and CAMEO-style codes.

Public interface (stable; the events extractor relies on it):

    resolve_actors(doc, entities) -> list[Entity]
        Sets `canonical = {"ar", "en"}` and `actor_code` on PER/ORG/GPE entities that resolve;
        returns the same list, same order (entities are mutated in place).
    resolve_phrase(doc, first, last, when=None) -> Actor | None
        Resolves the token range tokens[first:last] (an event argument): a named actor
        (حماس, بشار الأسد), a role phrase with a nisba or country (الجيش السوري -> SYRMIL,
        وزير الخارجية السعودي -> SAUGOV, حكومة إثيوبيا -> ETHGOV), a role of a named actor
        (مقاتلو حزب الله -> LBNREB) or a bare role (مسلحون مجهولون -> ---REB). `when`
        defaults to `doc.published`: codes with date ranges give the office held that day.
    find_actor_mentions(doc, first=0, last=None, when=None) -> list[(first, last, Actor)]
        Every actor mention in tokens[first:last], left to right, non-overlapping (token
        ranges are [first, last) like PhraseMatcher's).

Codes: ISO-3 country + CAMEO sector(s): IRQGOV, SYRREB, USAMIL; a bare ISO-3 for a country
acting as a state (IRQ); CAMEO/Phoenix international codes (IGOUNO, IGOMEAARL, NGOHRIAMN,
IMGMUSISI). Convention for an unknown country: the three characters "---" stand in its place
(مسلحون مجهولون -> "---REB"); `Actor.country` is then None and `Actor.sector` "REB".

Entities (resolve_actors) also use their article: a one-word person name refers to the
full name it ends (المالكي after تركي المالكي is Turki al-Maliki, not Nouri); a surname inside
another name is not that person (تهاني عباس is not محمود عباس); a person the lexicon lacks
takes the code of a role with a country right before it (المتحدث باسم الخارجية السودانية
قريب الله خضر -> SDNGOV); a city the lexicon lacks takes its country from the gazetteer
(إدلب -> SYR); a few aliases that are also common words (البرهان, الجزيرة) count only as the
whole text of a named entity of the right type.

Data: `resources/actors.tsv.gz`, built by `scripts/build_actors.py` from the hand-curated
`resources/actors_curated.tsv` (wins), the UniversalPetrarch Arabic actor and agent
dictionaries (lemmatised phrases expanded to surface forms; codes with their date ranges)
and the Phoenix English country names. Loaded once per process (~0.3 s); matching is one trie
pass over the tokens plus a bounded look-ahead for nisba adjectives (well under 1 ms for a
300-token article); whole-article mention lists are cached per Doc.
"""
from __future__ import annotations

import gzip
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from marsad.geo.nisba import nisba_country
from marsad.resources import resource_path
from marsad.text.doc import Doc
from marsad.text.matcher import Match, PhraseMatcher
from marsad.types import Entity

RESOURCE = "actors.tsv.gz"
UNKNOWN = "---"
NON_STATE = frozenset({"IGO", "NGO", "IMG", "MNC", "UAF"})
ACTOR_TYPES = frozenset({"PER", "ORG", "GPE"})
SECTOR_EN = {
    "GOV": "government", "MIL": "military", "COP": "police", "REB": "rebels", "OPP": "opposition",
    "JUD": "judiciary", "LEG": "legislature", "PTY": "party", "ELI": "elite", "CVL": "civilians",
    "BUS": "business", "MED": "media", "EDU": "education", "HLH": "health", "REL": "religious",
    "REF": "refugees", "AGR": "agriculture", "LAB": "labour", "ENV": "environment",
    "SPY": "intelligence", "NGO": "NGO", "IGO": "international organisation", "UAF": "armed group",
}
_UN_NISBA = frozenset({"الاممي", "الامميه", "الامميين", "الامميون", "اممي", "امميه"})
# kind -> priority when several entries share a phrase: curated named (C) > curated role (R;
# Q: a role only with a country, الأمن) > UniversalPetrarch actor (U) > agent (A)
_PRIORITY = {"C": 4, "R": 3, "Q": 3, "U": 2, "A": 1}
_JOINERS = frozenset({"_", "#"})
_MAX_GAP = 2  # definite nouns allowed between a role and its nisba (وزارة الشؤون الخارجية النيجيرية)


@dataclass(frozen=True, slots=True)
class Actor:
    ar: str  # canonical Arabic name (the mention's text for role phrases)
    en: str | None  # English name, or a gloss such as "army (Syria)"; None when unknown
    code: str | None  # CAMEO-style code, "---" for an unknown country
    country: str | None  # ISO-3, None for international / unknown
    sector: str | None  # GOV MIL COP REB ... IGO NGO; None for a bare country
    type: str | None = None  # PER ORG GPE ROLE (of the dictionary entry), None if composed
    source: str = "curated"  # curated | universalpetrarch | composed | nisba | gazetteer


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # C R Q U A (see _PRIORITY); entity-only aliases (E in the file) load as C
    type: str  # PER ORG GPE ROLE or ""
    ar: str
    en: str
    codes: tuple[tuple[str, str, str], ...]  # (code, from YYYYMMDD or "", to or "")


class _BoundedMatcher(PhraseMatcher):
    """PhraseMatcher whose matches never run past `last`: PhraseMatcher.find drops a match
    that overruns the range, so مجلس الأمن at the end of a range would lose to the longer
    مجلس الأمن الدولي outside it and leave only الأمن."""

    def find_within(self, doc: Doc, first: int, last: int) -> list[Match]:
        toks = doc.tokens
        trie = self._trie
        out: list[Match] = []
        # the first token as written (key or surface form), never by stem: see _matches.
        # Positions where a phrase can start are found first, in one comprehension: most
        # words start none, and this pass is much cheaper than the walk below.
        starts = [j for j in range(first, last) if (t := toks[j]).kind != "punct"
                  and (t.norm in trie or t.pre and t.key in trie)]
        i = first
        for i0 in starts:
            if i0 < i:
                continue  # inside the previous match
            i = i0
            t = toks[i]
            norm = t.norm
            best: tuple[int, list, tuple[str, ...]] | None = None
            # without proclitics the key is the surface form (bar a ت->ه stem no name has)
            for form in (t.seg.key, norm) if t.seg.pre else (norm,):
                node = trie.get(form)
                if node is None:
                    continue
                path = [form]
                j = i + 1
                while node is not None:
                    if None in node and (best is None or j > best[0]):
                        best = (j, node[None], tuple(path))
                    # social-media joins inside a name: سلفا_كير, دونالد #ترمب
                    while j < last - 1 and toks[j].norm in _JOINERS and toks[j + 1].kind != "punct":
                        j += 1
                    if j >= last or toks[j].sent != t.sent:
                        break
                    node = node.get(toks[j].norm)
                    path.append(toks[j].norm)
                    j += 1
            if best is None:
                i += 1
                continue
            end, values, phrase = best
            out.extend(Match(i, end, v, phrase) for v in values)
            i = end
        return out


@lru_cache(maxsize=256)
def _yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")  # strftime is slow, and an article run has few distinct days


@dataclass(slots=True)
class _Lexicon:
    matcher: _BoundedMatcher
    countries: dict[str, str]  # ISO-3 -> English name
    exact: dict[str, _Entry]  # entity-only aliases: whole normalised entity text -> entry


def split_code(code: str | None) -> tuple[str | None, str | None]:
    """CAMEO-style code -> (country ISO-3 or None, first sector or None)."""
    if not code:
        return None, None
    head = code[:3]
    if head == UNKNOWN:
        return None, code[3:6] or None
    if head in NON_STATE:
        return None, head
    return head, code[3:6] or None


def _parse_codes(field: str) -> tuple[tuple[str, str, str], ...]:
    out = []
    for item in field.split():
        code, _, rng = item.partition("@")
        frm, _, to = rng.partition("-")
        out.append((code, frm, to))
    return tuple(out)


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    matcher = _BoundedMatcher()
    countries: dict[str, str] = {}
    exact: dict[str, _Entry] = {}
    path = resource_path(RESOURCE)
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                kind, typ, ar, en, codes, phrases, _src = line.rstrip("\n").split("\t")
                if kind == "K":
                    countries[codes] = en
                    continue
                if kind == "E":
                    entry = _Entry("C", typ, ar, en, _parse_codes(codes))
                    for p in phrases.split("|"):
                        exact.setdefault(p, entry)
                    continue
                entry = _Entry(kind, typ, ar, en, _parse_codes(codes))
                for p in phrases.split("|"):
                    if p:
                        matcher.add(p, entry)
    return _Lexicon(matcher, countries, exact)


def code_on(codes: tuple[tuple[str, str, str], ...], when: date | str | None) -> str | None:
    """The code in force on `when` (a date or YYYYMMDD): the first range holding it, else
    the unranged default, else the nearest range. With no date: the open-ended (current)
    range, else the default."""
    if not codes:
        return None
    if len(codes) == 1 and not codes[0][1] and not codes[0][2]:
        return codes[0][0]  # the common case: one code, no dates
    default = next((c for c, f, t in codes if not f and not t), None)
    if when is None:
        current = [(f, c) for c, f, t in codes if f and not t]
        return max(current)[1] if current else (default or codes[-1][0])
    d = when if isinstance(when, str) else when.strftime("%Y%m%d")
    for c, f, t in codes:
        if (f or t) and (not f or f <= d) and (not t or d <= t):
            return c
    if default:
        return default

    def dist(ft: tuple[str, str]) -> int:
        f, t = ft
        day = int(d)
        if f and day < int(f):
            return int(f) - day
        return day - int(t) if t else 0
    return min(codes, key=lambda x: dist((x[1], x[2])))[0]


def _when(doc: Doc, when: date | None) -> date | None:
    return when if when is not None else getattr(doc, "published", None)


def _surface(doc: Doc, first: int, last: int) -> str:
    return doc.token_span(first, last).text


def _named_actor(doc: Doc, m: Match, e: _Entry, when: date | str | None) -> Actor:
    code = code_on(e.codes, when)
    country, sector = split_code(code)
    if e.kind == "C":
        return Actor(e.ar, e.en or None, code, country, sector, e.type, "curated")
    # UniversalPetrarch phrases are lemmatised and carry no English: the mention is the
    # Arabic name; a place (بلغاريا, جدة) takes its English name from the gazetteer
    ar = _surface(doc, m.first, m.last)
    return Actor(ar, _place_en(ar, country) if code == country else None, code, country, sector,
                 e.type or None, "universalpetrarch")


@lru_cache(maxsize=4096)
def _place_en(ar: str, country: str | None) -> str | None:
    from marsad.geo.gazetteer import gazetteer  # the places layer loads it anyway

    for c in gazetteer().lookup(ar):
        if c.entry.country == country and not c.weak:
            return c.entry.name_en or None
    return None


def _compose(doc: Doc, first: int, last: int, role: _Entry, when: date | str | None,
             country: str | None, target: Actor | None) -> Actor:
    """A role phrase with the country a nisba or country name gave it, or with the named
    actor it belongs to (مقاتلو حزب الله)."""
    ar = _surface(doc, first, last)
    rcode = code_on(role.codes, when) or UNKNOWN
    if target is not None and target.code and target.sector:
        # a role of a named organisation or person (مقاتلو حزب الله): that actor
        return Actor(target.ar, target.en, target.code, target.country, target.sector, target.type, "composed")
    if target is not None:
        country = target.country
    if country is None or not rcode.startswith(UNKNOWN):
        return Actor(ar, role.en or None, rcode, *split_code(rcode), None, "composed")
    code = country + rcode[3:]
    cname = lexicon().countries.get(country, country)
    en = f"{role.en or SECTOR_EN.get(code[3:6], code[3:6])} ({cname})"
    return Actor(ar, en, code, country, code[3:6] or None, None, "composed")


def _best(ms: list[Match]) -> dict[tuple[int, int], _Entry]:
    """One entry per matched range: the highest priority kind, then file order."""
    out: dict[tuple[int, int], _Entry] = {}
    for m in ms:
        k = (m.first, m.last)
        cur = out.get(k)
        if cur is None or _PRIORITY[m.value.kind] > _PRIORITY[cur.kind]:
            out[k] = m.value
    return out


def _matches(doc: Doc, first: int, last: int) -> list[Match]:
    # The first token matches by key (proclitics off) or as written, never by stem: for
    # actor names الحماس or حماسه is another word than حماس.
    raw = lexicon().matcher.find_within(doc, first, last)
    best = _best(raw)
    out = []
    seen = set()
    for m in raw:
        k = (m.first, m.last)
        if k in seen or len(m.phrase) == 1 and len(m.phrase[0]) < 3:
            continue
        seen.add(k)
        out.append(Match(m.first, m.last, best[k], m.phrase))
    return out


def _mentions(doc: Doc, first: int, last: int, day: date | None) -> list[tuple[int, int, Actor]]:
    toks = doc.tokens
    when = _yyyymmdd(day) if day else None  # compared as YYYYMMDD strings
    ms = _matches(doc, first, last)
    by_start = {m.first: m for m in ms}
    out: list[tuple[int, int, Actor]] = []
    covered = first
    for m in ms:
        if m.first < covered:
            continue
        e: _Entry = m.value
        code = code_on(e.codes, when)
        composable = e.kind in ("R", "Q", "A") or (code or "").startswith(UNKNOWN)
        if not composable:
            if e.type == "PER" and _eponym(doc, m.first):
                covered = m.last  # قاعدة عين الأسد, مطار الملك فيصل: a facility named after, not the person
                continue
            actor = _named_actor(doc, m, e, when)
            out.append((m.first, m.last, actor))
            covered = m.last
            continue
        # a role: look ahead for its nisba, country or owner within the sentence
        end, country, target = m.last, None, None
        j, gap, role = m.last, 0, e
        indefinite = not toks[m.last - 1].key.startswith("ال")
        weak = e.kind in ("A", "U") and m.last - m.first == 1
        while j < last and toks[j].sent == toks[m.first].sent and gap <= _MAX_GAP:
            t = toks[j]
            if t.norm == "ل" or t.kind == "punct" and j > m.last and toks[j - 1].norm == "ل":
                j += 1  # لـ"حزب الله": a preposition cut off by a tatweel, and the quote after it
                continue
            if t.kind != "ar":
                break
            if t.norm in _UN_NISBA or t.key in _UN_NISBA:
                country, end = "IGO", j + 1
                break
            iso = nisba_country(t.norm)
            if iso:
                country, end = iso, j + 1
                break
            nm = by_start.get(j)
            if nm is not None:
                ne: _Entry = nm.value
                ncode = code_on(ne.codes, when)
                if weak:
                    break  # a one-word UP agent (امام is also "in front of") composes with a nisba only
                if ne.kind in ("R", "Q", "A") or (ncode or "").startswith(UNKNOWN):
                    if not indefinite or gap:
                        break  # two roles side by side (المحكمة القاضي) are two mentions
                    # a construct: قوات + الأمن, عناصر + الشرطة: the later role is more specific
                    role, j, end = ne, nm.last, nm.last
                    indefinite = not toks[nm.last - 1].key.startswith("ال")
                    continue
                if ne.type == "PER":
                    break  # a name in apposition (المبعوث الأممي مارتن غريفيث) is its own mention
                target = _named_actor(doc, nm, ne, when)
                if target.sector == "MED" and (t.seg.pre.endswith("ل") or t.norm[:1] == "ل" != t.norm[1:2]):
                    target = None  # قالت الوزارة لوكالة فرانس برس: told, not owned by, the agency
                    break
                end = nm.last
                break
            # only nouns may come between: definite ones, or one indefinite in a construct
            # (وزير خارجية قطر); short words are particles and pronouns (الدولة هي السعودية)
            if not (t.key.startswith("ال") or (indefinite and gap == 0 and len(t.norm) > 3)):
                break
            gap += 1
            j += 1
        if country == "IGO":
            actor = Actor(_surface(doc, m.first, end), "United Nations", "IGOUNO", None, "IGO", None, "composed")
        else:
            # a name in apposition (الرئيس السوداني عمر البشير) stays a mention of its own,
            # so that callers can point at the most specific mention
            actor = _compose(doc, m.first, end, role, when, country, target)
        if end == m.last and e.kind in ("A", "U", "Q"):
            continue  # no country: UP agents (حي, العملية العسكرية) and Q roles (الأمن) are no actors
        out.append((m.first, end, actor))
        covered = end
    out.extend(_nisba_people(doc, first, last, out))
    out.sort(key=lambda x: x[0])
    return out


# head nouns of facilities that are often named after people
_EPONYM_HEADS = frozenset(
    "قاعده مطار مستشفي مستشفى مدرسه جامعه شارع ميدان مسجد جسر ساحه مرفا ميناء سجن معسكر ملعب قصر "
    "كليه مركز معهد مدينه حي سد جامع مجمع مخيم".split())


def _eponym(doc: Doc, first: int) -> bool:
    """A facility head noun just before a person's name (up to two tokens back, same sentence)."""
    toks = doc.tokens
    for j in (first - 1, first - 2):
        if j < 0 or toks[j].sent != toks[first].sent or toks[j].kind != "ar":
            return False
        if toks[j].stem in _EPONYM_HEADS:
            return True
    return False


def _nisba_people(doc: Doc, first: int, last: int, taken: list[tuple[int, int, Actor]]) -> Iterable[tuple[int, int, Actor]]:
    """Plural nisba nouns on their own (الأميركيين, سوريون): the country, CAMEO-style."""
    cands = [t for t in doc.tokens[first:last] if t.norm.endswith(("يين", "يون")) and t.kind == "ar"]
    if not cands:
        return
    used = set()
    for a, b, _ in taken:
        used.update(range(a, b))
    for t in cands:
        if t.i in used:
            continue
        iso = nisba_country(t.norm)
        if iso:
            yield (t.i, t.i + 1, Actor(doc.token_span(t.i, t.i + 1).text, lexicon().countries.get(iso),
                                       iso, iso, None, None, "nisba"))


_CACHE: "weakref.WeakKeyDictionary[Doc, tuple[date | None, list]]" = weakref.WeakKeyDictionary()


def find_actor_mentions(doc: Doc, first: int = 0, last: int | None = None,
                        when: date | None = None) -> list[tuple[int, int, Actor]]:
    """Actor mentions in tokens[first:last] as (first, last, Actor), left to right."""
    when = _when(doc, when)
    n = len(doc.tokens)
    last = n if last is None else min(last, n)
    if first == 0 and last == n:
        hit = _CACHE.get(doc)
        if hit is not None and hit[0] == when:
            return list(hit[1])
        res = _mentions(doc, 0, n, when)
        _CACHE[doc] = (when, res)
        return list(res)
    return _mentions(doc, first, last, when)


def _rank(a: int, b: int, actor: Actor) -> tuple[int, int, int]:
    named = actor.source in ("curated", "universalpetrarch") or actor.type == "PER"
    # a name first, then a role that found its country, then a bare role; then the longest
    if named and actor.code:
        tier = 2
    elif actor.country or (actor.code and not actor.code.startswith(UNKNOWN)):
        tier = 1
    else:
        tier = 0
    return (tier, b - a, -a)


def resolve_phrase(doc: Doc, first: int, last: int, when: date | None = None) -> Actor | None:
    """The actor a token range names or describes (see module doc), or None."""
    ms = _mentions(doc, first, min(last, len(doc.tokens)), _when(doc, when))
    if not ms:
        return None
    a, b, actor = max(ms, key=lambda x: _rank(*x))
    return actor


def _token_range(starts: list[int], ends: list[int], ent: Entity) -> tuple[int, int] | None:
    """Tokens [a, b) under the entity's span (bisect: Doc.token_at builds a per-character map)."""
    a = bisect_right(starts, ent.span.start) - 1
    b = bisect_left(ends, ent.span.end)
    if a < 0 or b >= len(ends) or ends[a] <= ent.span.start or starts[b] >= ent.span.end:
        return None
    return a, b + 1


def _covers(doc: Doc, ent_type: str, m: tuple[int, int, Actor], ms: list, a: int, b: int) -> bool:
    """Whether mention m can stand for the whole entity tokens[a:b]."""
    x, y, actor = m
    if x == a and y == b:
        return True
    if ent_type == "PER":
        # a surname alone is another person (تهاني عباس is not محمود عباس); a title before
        # the name is fine (الرئيس عباس)
        return y == b and any(p[0] == a and p[1] == x and p[2].type is None for p in ms)
    # an organisation is not the country it is named after (منتدى المجتمع المدني في جنوب السودان),
    # nor a role word inside its name (هيئة الدفاع)
    if actor.type == "GPE" and actor.sector is None:
        return False
    return x == a or not (actor.code or "").startswith(UNKNOWN)


def _apposition_actor(doc: Doc, ent: Entity, a: int, when: date | None) -> Actor | None:
    """A person the lexicon lacks, right after a role with a country: the role's code
    (المتحدث باسم الخارجية السودانية قريب الله خضر -> SDNGOV)."""
    toks = doc.tokens
    for x, y, actor in find_actor_mentions(doc, when=when):
        # right before the name, or before a comma or colon in front of it
        adjacent = y == a or y == a - 1 and toks[y].norm in ("،", ",", ":")
        if adjacent and actor.type is None and actor.source == "composed" and actor.country:
            return Actor(ent.span.text, None, actor.code, actor.country, actor.sector, "PER", "composed")
        if y > a:
            break
    return None


_FEATURE_WORDS = frozenset("محافظه ولايه مدينه بلده قريه منطقه ريف اقليم مخيم ناحيه قضاء".split())


def _place_actor(doc: Doc, ent: Entity, a: int, b: int) -> Actor | None:
    """A city or province the lexicon lacks: its country from the gazetteer, when the name
    has one country only (CAMEO codes a place by its state: إدلب -> SYR)."""
    from marsad.geo.gazetteer import gazetteer  # the places layer loads it anyway

    k = doc.tokens[a].key
    if b - a > 1 and (k in _FEATURE_WORDS or k[:1] in "وفبل" and k[1:] in _FEATURE_WORDS):
        a += 1  # محافظة درعا -> درعا, بولاية الخرطوم -> الخرطوم
    cands = gazetteer().lookup(doc.token_span(a, b).text)
    strong = [c for c in cands if not c.weak] or cands
    countries = {c.entry.country for c in strong}
    if len(countries) != 1 or None in countries:
        return None
    iso = countries.pop()
    return Actor(doc.token_span(a, b).text, strong[0].entry.name_en or None, iso, iso, None, "GPE", "gazetteer")


def _compatible(ent_type: str, actor: Actor) -> bool:
    # a place name that is also a broadcaster or company (الجزيرة) is the place
    if ent_type in ("GPE", "LOC") and actor.type == "ORG" and actor.sector in ("MED", "BUS"):
        return False
    return True


def resolve_actors(doc: Doc, entities: list[Entity]) -> list[Entity]:
    """Fill `canonical` and `actor_code` for PER/ORG/GPE entities (see module doc)."""
    when = _when(doc, None)
    starts = [t.start for t in doc.tokens]
    ends = [t.end for t in doc.tokens]
    memo: dict[tuple, Actor | None] = {}  # repeated names resolve once per article
    by_surname: dict[str, Actor | None] = {}
    single: list[tuple[Entity, int, int]] = []
    for ent in entities:
        if ent.type not in ACTOR_TYPES:
            continue
        rng = _token_range(starts, ends, ent)
        if rng is None:
            continue
        a, b = rng
        words = [t for t in doc.tokens[a:b] if t.kind != "punct"]
        if not words:
            continue
        if ent.type == "PER" and len(words) == 1:
            single.append((ent, a, b))
            continue
        actor = _resolve_entity(doc, ent, a, b, when, memo)
        if ent.type == "PER":
            # short forms later in the article (الناصري) refer to this full name
            by_surname.setdefault(words[-1].key, actor)
    for ent, a, b in single:
        key = doc.tokens[a].key
        if key in by_surname:
            actor = by_surname[key]
            if actor is not None:
                _apply(ent, actor)
            continue
        _resolve_entity(doc, ent, a, b, when, memo)
    return entities


def _resolve_entity(doc: Doc, ent: Entity, a: int, b: int, when: date | None,
                    memo: dict[tuple, Actor | None]) -> Actor | None:
    words = [t for t in doc.tokens[a:b] if t.kind != "punct"]
    mkey = (ent.type, words[0].key, *(t.norm for t in words[1:]))
    if mkey in memo:
        actor = memo[mkey]
    else:
        actor = memo[mkey] = _entity_actor(doc, ent, a, b, when, " ".join(mkey[1:]))
    if actor is None and ent.type == "PER":
        actor = _apposition_actor(doc, ent, a, when)  # depends on the context: not memoised
    if actor is not None:
        _apply(ent, actor)
    return actor


def _entity_actor(doc: Doc, ent: Entity, a: int, b: int, when: date | None, key: str) -> Actor | None:
    """What the entity's own tokens say (no context): an entity-only alias, the best
    dictionary mention covering it, or a place's country."""
    e = lexicon().exact.get(key)
    if e is not None and e.type == ent.type:
        code = code_on(e.codes, when)
        return Actor(e.ar, e.en or None, code, *split_code(code), e.type, "curated")
    ms = _mentions(doc, a, b, when)
    cands = [m for m in ms if _compatible(ent.type, m[2]) and _covers(doc, ent.type, m, ms, a, b)]
    if not cands:
        return _place_actor(doc, ent, a, b) if ent.type == "GPE" else None
    x, y, actor = max(cands, key=lambda m: _rank(*m))
    if actor.type not in (ent.type, None) and not (actor.type == "ROLE" and ent.type == "ORG"):
        # e.g. an ORG entity whose best mention is a person (حكومة الرئيس هادي): keep the
        # code, but the entity's own text is its name
        actor = Actor(doc.token_span(a, b).text, None, actor.code, actor.country, actor.sector,
                      ent.type, "composed")
    return actor


def _apply(ent: Entity, actor: Actor) -> None:
    if not actor.code:
        return
    ent.canonical = {"ar": actor.ar, "en": actor.en}
    ent.actor_code = actor.code
