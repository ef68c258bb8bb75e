"""Place mentions in context: which place a name means, and where an event happened.

    places = resolve_places(doc, entities)         # every place mention, resolved
    loc = event_location(doc, layers, s, a, b)      # the place governing an event's clause

Resolution scores each gazetteer candidate of a mention with
- a prior: countries > provinces > big cities > small towns (log population), capitals up;
- the article's focus countries (countries and unambiguous places it mentions, nisba words
  such as السوري), so that طرابلس in a Lebanese story is Tripoli, Lebanon;
- a feature word before the name (مدينة، محافظة، ولاية، قضاء، قرية، العاصمة …);
- a nisba right after it (دوما السورية) and the admin hierarchy (X بمحافظة Y, X في Y, X، Y:
  the X inside Y).
Names that are also ordinary words (weak names: مشهد، حجة، الجديدة) count only after a
feature word, or when the NER tagged them and the place lies in a country the article is
about. Names with tanween (دوماً) and nisba adjectives (القنصلية السعودية) are not places.
Dateline places ("دبي، الإمارات العربية المتحدة (CNN)") are the outlet's, not the story's:
they weigh little in the focus and never locate events by their own span; an opening
dateline whose country the body names too is a country-level fallback (see event_location).
Names after a ministry word are portfolios (وزير العدل), and a feature word matched as a
name (مدينة = Medina) before another name is the cue, not the place.

The NER's place entities are kept and resolved; where the gazetteer knows better, an entity is
corrected in place: widened to the full name (الحديدة -> ميناء الحديدة, FAC) or retyped when
it is exactly a country or capital name (موسكو as ORG or أديس أبابا as PER -> GPE). Villages
and neighbourhoods no gazetteer has are found by their feature word (قرية مبورو، حي المنظر)
and get the country of their context.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
import weakref
from dataclasses import dataclass, field

from marsad.geo.gazetteer import SPECIFICITY, Candidate, GeoEntry, gazetteer
from marsad.text import Doc
from marsad.text.normalize import normalize
from marsad.text.segment import Vocabulary
from marsad.types import Entity, Place

try:  # the lead's nisba table (السوري -> SYR)
    from marsad.geo.nisba import nisba_country
except ImportError:  # pragma: no cover - only while the module is being written
    def nisba_country(word: str) -> str | None:  # type: ignore[misc]
        return None

PLACE_TYPES = ("GPE", "LOC", "FAC")

# Feature words before a name -> the feature they announce.
_CUES = {
    "مدينه": "city", "بلده": "city", "قريه": "city", "العاصمه": "city", "عاصمه": "city",
    "بلدات": "city", "قري": "city", "مدن": "city", "حي": "city", "احياء": "city", "ضاحيه": "city",
    "محافظه": "province", "ولايه": "province", "اقليم": "province", "منطقه": "area",
    "محافظات": "province", "ولايات": "province", "اماره": "province",
    "قضاء": "district", "مديريه": "district", "ناحيه": "district", "مركز": "district",
    "مديريات": "district", "اقضيه": "district",
    "دوله": "country", "جمهوريه": "country", "مملكه": "country", "سلطنه": "country",
    "قاعده": "site", "مطار": "site", "معبر": "site", "منفذ": "site", "مخيم": "site",
    "سجن": "site", "ميناء": "site", "مرفا": "site", "حقل": "site", "سد": "site",
}
# Words after which a place is where something happens (or to where it goes).
_LOCATIVE = {"في", "داخل", "قرب", "بالقرب", "قرابه", "محيط", "اطراف", "ضواحي", "الي", "نحو",
             "باتجاه", "علي", "عند", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي",
             "غربي", "وسط", "ريف", "مدخل", "حدود", "من"}
_DIRECTIONS = {"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي"}
_DATELINE_END = {"(", "-", "–", "—", ":"}
# Clause breaks: a location rarely reaches across these.
_CLAUSE_BREAK = {"؛", ";", ".", "!", "؟", "?", "«", "»", '"'}

_FEATURE_BASE = {"country": 7.0, "province": 5.0, "district": 4.0, "region": 5.0, "site": 6.5}


@dataclass(slots=True)
class Mention:
    first: int  # token range [first, last)
    last: int
    candidates: list[Candidate]
    phrase0: str = ""  # the gazetteer name's first token as matched
    skip: int = 0  # letters of an unsplit proclitic before the name (بأديس أبابا)
    tentative: bool = False  # only weak names, only the NER's word for it
    rejected: bool = False  # tentative, and no candidate fits the article: likely no place
    kind_hint: str | None = None  # entity type of a name found by its feature word alone
    entity: Entity | None = None
    cue: str | None = None
    nisba: str | None = None  # ISO-3 of a nisba right after the name
    dateline: bool = False
    best: GeoEntry | None = None
    score: float = 0.0
    parent: "Mention | None" = None


# ----------------------------------------------------------------------------------------
# Finding mentions
# ----------------------------------------------------------------------------------------


_TANWEEN = re.compile("[\u064b-\u064d]")


def _has_tanween(doc: Doc, first: int, last: int) -> bool:
    """Names take no tanween: دوماً is "always", not Douma."""
    return any(_TANWEEN.search(t.text) for t in doc.tokens[first:last])


def _first_ok(doc: Doc, i: int, phrase0: str) -> bool:
    """The matcher lets a name match a token's stem; for places only the whole key counts:
    حديثة must not match الحديثة ("modern"), مصر must not match مصري."""
    t = doc.tokens[i]
    return phrase0 == t.key or phrase0 == t.norm


# Feature words written as part of the name (ولاية الخرطوم، حي المنظر); محافظة X is cited as X.
_NAME_CUES = {"ولايه", "اقليم", "حي"}
# Words before a country name that show it is a place, not a nisba adjective
# (في السعودية vs القنصلية السعودية).
_FUNCTION = {"في", "من", "الي", "علي", "عن", "مع", "بين", "داخل", "خارج", "ضد", "نحو", "لدي",
             "حول", "عبر", "بعد", "قبل", "منذ", "ان", "او", "و", "ثم", "حتي", "تجاه", "لصالح",
             "دول", "دوله", "زار", "زياره"}


def _cue_before(doc: Doc, i: int) -> str | None:
    """The feature a construct "مدينة X" / "محافظة X" / "العاصمة X" announces, if any."""
    if i <= 0 or doc.tokens[i].pre:
        return None  # "المطار والميناء": a conjunction breaks the construct
    t = doc.tokens[i - 1]
    if t.sent != doc.tokens[i].sent or t.kind != "ar":
        return None
    if t.seg.det:
        return "city" if t.key == "العاصمه" else None
    return _CUES.get(t.key) or _CUES.get(t.stem)


def _is_adjective(doc: Doc, m: "Mention") -> bool:
    """A name that is also a nisba after a noun is an adjective: القنصلية السعودية (a country
    name), ولاية كيرالا الهندية (the Iraqi town الهندية)."""
    t = doc.tokens[m.first]
    if m.last - m.first != 1 or t.pre or m.first == 0 or not nisba_country(t.norm):
        return False
    p = doc.tokens[m.first - 1]
    if p.kind != "ar" or p.sent != t.sent or p.norm in _FUNCTION or p.key in _FUNCTION \
            or _cue_before(doc, m.first):
        return False
    if any(c.entry.feature == "country" for c in m.candidates):
        return p.seg.det == t.seg.det  # "زار السعودية" is the country, "القنصلية السعودية" not
    return True


def _span_start(doc: Doc, i: int, phrase0: str) -> int:
    """Where a name's span starts: after a proclitic (والعراق -> العراق) unless the bare form
    is not in the text (للولايات stays whole) or the name itself begins with و (وادي)."""
    t = doc.tokens[i]
    if not t.pre or phrase0 != t.key:
        return t.start
    if t.seg.det and not doc.norm_slice(t.key_start, min(t.end, t.key_start + 2)) == "ال":
        return t.start
    return t.key_start


def _nisba_after(doc: Doc, j: int) -> str | None:
    if j < len(doc.tokens) and doc.tokens[j].kind == "ar" and doc.tokens[j].sent == doc.tokens[j - 1].sent:
        return nisba_country(doc.tokens[j].norm)
    return None


def _hashtag_matches(doc: Doc) -> list[tuple[int, int, str]]:
    """Names written as hashtags (جنوب_السودان): words joined by "_" tokens."""
    g = gazetteer()
    toks = doc.tokens
    out = []
    for k in range(1, len(toks) - 1):
        if toks[k].text != "_":
            continue
        i = k - 1
        if toks[i].kind != "ar" or (i > 0 and toks[i - 1].text == "_"):
            continue
        words = [toks[i].key]
        j = i + 2
        while j < len(toks) and toks[j].kind == "ar" and len(words) < 4:
            words.append(toks[j].norm)
            key = " ".join(words)
            if key in g.names:
                out.append((i, j + 1, key))
            if j + 1 < len(toks) and toks[j + 1].text == "_":
                j += 2
            else:
                break
    return out


# Words before a ministry's portfolio (وزير العدل، وزارة الداخلية): what follows is no place.
_PORTFOLIO = {"وزير", "وزيره", "وزاره", "وزراء", "وزارات"}

# Common nouns the NER sometimes tags as places: never resolved to a gazetteer entry.
_GENERIC = {"المدينه", "المنطقه", "العاصمه", "البلد", "البلاد", "الدوله", "القريه", "الحي",
            "المحافظه", "الولايه", "الاقليم", "الميناء", "المطار", "المعبر", "المخيم", "الشمال",
            "الجنوب", "الشرق", "الغرب", "الداخل", "الخارج", "الحدود", "المنطقه الشرقيه"}


def _unsplit_matches(doc: Doc, covered: set[int]) -> list[tuple[int, int, str, int]]:
    """Names behind a proclitic the segmenter left on (بأديس أبابا، وحضرموت): try the token
    without its first letter. Returns (first, last, key, letters to skip)."""
    g = gazetteer()
    toks = doc.tokens
    out = []
    for i, t in enumerate(toks):
        seg = t.seg
        if seg.det or seg.stem[:1] not in ("و", "ب", "ل") or t.kind != "ar" or i in covered:
            continue
        base = seg.stem + seg.suf  # وبأديس: و split off, ب left on
        if len(base) < 4:
            continue
        if base.startswith("لل"):
            rest, skip = "ال" + base[2:], 0  # للسعودية: the bare form is not in the text
        else:
            rest, skip = base[1:], 1
        if rest not in g.first_words:
            continue
        for n in range(min(4, len(toks) - i), 0, -1):
            words = [rest] + [x.norm for x in toks[i + 1:i + n]]
            if any(x.sent != t.sent for x in toks[i:i + n]):
                continue
            key = " ".join(words)
            # only well-known names: لقبه is not ل + قبة, بايدن is not ب + Aydın
            if any(not c.weak and (c.entry.population >= 200_000 or "curated" in c.entry.flags
                                   or c.entry.feature in ("country", "province", "site"))
                   for c in g.names.get(key, ())):
                out.append((i, i + n, key, skip))
                break
    return out


def _match_span(doc: Doc, first: int, last: int, phrase0: str, skip: int):
    t = doc.tokens[first]
    start = _span_start(doc, first, phrase0)
    if skip:
        start = (t.key_start if t.pre else t.start) + 1
        while start < t.end and not normalize(doc.text[start]):
            start += 1  # diacritics on the proclitic
    return doc.span(start, doc.tokens[last - 1].end)


def _unmistakable(cands: list[Candidate]) -> bool:
    """A name that is a place whatever the NER says: a country, a capital, a curated site or a
    big city, under a name that is not an ordinary word."""
    return any(not c.weak and (c.entry.feature in ("country", "site") or c.entry.is_capital
                               or ("curated" in c.entry.flags and c.entry.population >= 100_000))
               for c in cands)


# Feature words whose next word is a name even when no gazetteer knows it: قرية مبورو, حي المنظر.
_NAMING_CUES = {"حي": "LOC", "قريه": "GPE", "بلده": "GPE"}


def _cue_named(doc: Doc, taken: list[Mention], ent_ranges) -> list[Mention]:
    """Villages and neighbourhoods the gazetteer lacks: a rare word after قرية / بلدة, a
    definite word after حي (حي المنظر; not "بث حي")."""
    vocab = Vocabulary.default()
    busy = {i for m in taken for i in range(m.first, m.last)}
    busy.update(i for a, b, _ in ent_ranges for i in range(a, b))
    toks = doc.tokens
    out = []
    for i in range(len(toks) - 1):
        c = toks[i]
        kind = _NAMING_CUES.get(c.seg.stem)
        if kind is None or c.seg.det or c.seg.suf or i in busy or i + 1 in busy:
            continue
        x = toks[i + 1]
        if x.sent != c.sent:
            continue
        if x.kind != "ar" or x.pre or x.norm in _FUNCTION or nisba_country(x.norm):
            continue
        if kind == "LOC":
            ok = x.seg.det and len(x.norm) > 4
            first = i  # "حي المنظر" is the name
        else:
            ok = vocab.get(x.norm) < 30 and len(x.norm) > 3
            first = i + 1  # "قرية مبورو": the village is مبورو
        if ok:
            m = Mention(first, i + 2, [], toks[first].key)
            m.kind_hint = kind
            out.append(m)
    return out


def find_mentions(doc: Doc, entities: list[Entity]) -> list[Mention]:
    """Gazetteer names and place entities of the document, with their candidates.

    A gazetteer name inside a place entity becomes that entity's mention; a name that
    strictly contains a place entity widens it (الحديدة -> ميناء الحديدة, FAC; السودان ->
    جنوب_السودان); an organisation entity that is exactly a country or capital name (موسكو
    as the government) is retyped GPE, as the guidelines say; names inside other entities
    (جامعة دمشق) are left alone."""
    g = gazetteer()
    raw: list[tuple[int, int, str, int]] = []
    for m in g.matcher.find(doc):
        if _first_ok(doc, m.first, m.phrase[0]) and not _has_tanween(doc, m.first, m.last):
            raw.append((m.first, m.last, m.value, 0))
    raw.extend((a, b, k, 0) for a, b, k in _hashtag_matches(doc))
    covered = {i for a, b, _, _ in raw for i in range(a, b)}
    raw.extend(_unsplit_matches(doc, covered))
    # "مدينة دوما": the feature word is also a (weak) name (مدينة = Medina); it is the cue here
    starts = {a for a, _, _, _ in raw}
    raw = [r for r in raw if not (r[1] - r[0] == 1 and r[1] in starts and r[2] in _CUES)]

    ent_ranges: list[tuple[int, int, Entity]] = []
    for e in entities:
        a = doc.token_at(e.span.start)
        b = doc.token_at(max(e.span.start, e.span.end - 1))
        if a is not None and b is not None:
            ent_ranges.append((a, b + 1, e))

    mentions: list[Mention] = []
    taken: set[int] = set()  # tokens of the mentions so far
    owned: dict[int, Mention] = {}  # id(entity) -> its mention
    for first, last, key, skip in sorted(raw, key=lambda x: (x[0], -(x[1] - x[0]))):
        cands = g.names.get(key, [])
        phrase0 = key.split(" ")[0]
        over = [er for er in ent_ranges if first < er[1] and er[0] < last]
        host = next((er for er in over if er[0] <= first and last <= er[1]), None)
        strong = _unmistakable(cands)
        if host is not None and host[2].type not in PLACE_TYPES:
            e = host[2]
            if not ((host[0], host[1]) == (first, last) and strong and e.type in ("ORG", "PER")):
                continue  # a place word inside a person or organisation name (جامعة دمشق)
            e.type = "GPE"  # موسكو as the government, أديس أبابا mistaken for a person
        if host is None and over:
            inner = [er for er in over if first <= er[0] and er[1] <= last
                     and (er[2].type in PLACE_TYPES or strong)]
            if len(inner) != len(over) or not cands:
                continue  # crosses an entity boundary: the NER span stands
            e = inner[0][2]
            e.span = _match_span(doc, first, last, phrase0, skip)
            e.type = max(cands, key=lambda c: _prior(c.entry)).entry.entity_type
            host = (first, last, e)
            for er in inner[1:]:
                owned[id(er[2])] = None  # type: ignore[assignment]  # swallowed by the wider name
        if host is not None:
            e = host[2]
            prev = owned.get(id(e))
            if prev is not None and (prev.last - prev.first) >= (last - first) and not (
                    (prev.last - prev.first) == (last - first) and all(c.weak for c in prev.candidates)
                    and any(not c.weak for c in cands)):
                continue  # the entity already has a longer (or as long and surer) name inside it
            m = Mention(first, last, list(cands), phrase0, entity=e)
            if prev is not None:
                mentions.remove(prev)
            owned[id(e)] = m
            mentions.append(m)
            taken.update(range(first, last))
            continue
        if any(i in taken for i in range(first, last)):
            continue
        m = Mention(first, last, list(cands), phrase0)
        m.skip = skip
        mentions.append(m)
        taken.update(range(first, last))

    # place entities without any gazetteer name inside them: unresolved mentions
    for a, b, e in ent_ranges:
        if e.type in PLACE_TYPES and id(e) not in owned:
            mentions.append(Mention(a, b, [], doc.tokens[a].key, entity=e))
    mentions.extend(_cue_named(doc, mentions, ent_ranges))

    for m in mentions:
        m.cue = _cue_before(doc, m.first)
        if m.entity is not None and m.cue is None and m.first < m.last:
            t = doc.tokens[m.first]
            m.cue = _CUES.get(t.key)  # "ولاية الخرطوم" tagged as one entity
        m.nisba = _nisba_after(doc, m.last)
        if m.first > 0 and doc.tokens[m.first - 1].key in _PORTFOLIO \
                and not any(c.entry.feature == "country" for c in m.candidates):
            m.candidates, m.rejected = [], True  # وزير العدل: a portfolio, not the town العدل
        if m.entity is not None and normalize(m.entity.span.text) in _GENERIC:
            m.candidates = []
        if m.entity is None and " ".join(t.key for t in doc.tokens[m.first:m.last]) in _GENERIC:
            m.candidates = []  # "محافظات البلاد"
        if m.cue is None or m.last - m.first == 1 and len(doc.tokens[m.first].norm) < 3:
            if m.entity is None:
                m.candidates = [c for c in m.candidates if not c.weak]
            elif m.candidates and all(c.weak for c in m.candidates):
                m.tentative = True  # an ordinary word the NER tagged: see resolve_places
    mentions = [m for m in mentions if (m.candidates and not (m.entity is None and _is_adjective(doc, m)))
                or m.entity is not None or m.kind_hint]
    mentions.sort(key=lambda m: (m.first, m.last))
    _mark_dateline(doc, mentions)
    return mentions


def _mark_dateline(doc: Doc, mentions: list[Mention]) -> None:
    """"دبي، الإمارات العربية المتحدة (CNN) --": places that open a sentence (the text, or an
    article pasted after it) and run, with only commas between them, into a bracket or dash."""
    toks = doc.tokens
    by_first = {m.first: m for m in mentions}
    for s in doc.sentences:
        i = s.first
        chain: list[Mention] = []
        while i < min(s.last, s.first + 10):
            m = by_first.get(i)
            if m is not None:
                chain.append(m)
                i = m.last
                continue
            if toks[i].text in ("،", ","):
                i += 1
                continue
            if toks[i].text in _DATELINE_END and chain:
                for c in chain:
                    c.dateline = True
            break


# ----------------------------------------------------------------------------------------
# Resolving
# ----------------------------------------------------------------------------------------


def _prior(e: GeoEntry) -> float:
    if e.feature == "city":
        base = math.log10(e.population + 10) if e.population else 3.2
        if e.is_capital:
            base = max(base, 6.0) + 1.0
        if "curated" in e.flags:
            base += 0.5
        return base
    return _FEATURE_BASE.get(e.feature, 4.0)


_NISBA_END = ("ي", "يه", "ون", "ين", "يات", "يان")


def _nisba(t) -> str | None:
    """ISO-3 of a nisba token (السوري، العراقيين), cheaply rejecting most words first."""
    n = t.norm
    if t.kind != "ar" or len(n) < 4 or not n.endswith(_NISBA_END):
        return None
    return nisba_country(n)


def _unambiguous_country(m: Mention) -> str | None:
    cs = {c.entry.country for c in m.candidates}
    return next(iter(cs)) if len(cs) == 1 else None


def focus_weights(doc: Doc, mentions: list[Mention]) -> dict[str, float]:
    """How much the article is about each country: its mentions and nisba words."""
    w: dict[str, float] = {}
    for m in mentions:
        iso = _unambiguous_country(m)
        if not iso or m.tentative:
            continue
        feature = m.candidates[0].entry.feature
        val = 1.0 if feature == "country" else 0.7
        w[iso] = w.get(iso, 0.0) + (0.3 * val if m.dateline else val)
    for t in doc.tokens:
        iso = _nisba(t)
        if iso:
            w[iso] = w.get(iso, 0.0) + 0.5
    return w


def _score(m: Mention, c: Candidate, focus: dict[str, float], top: float) -> float:
    e = c.entry
    s = _prior(e)
    if e.country and top > 0:
        s += 3.0 * focus.get(e.country, 0.0) / top
    if m.cue:
        if m.cue == e.feature:
            s += 4.0
        elif m.cue == "city" and e.feature in ("district", "site"):
            s += 1.0
        elif m.cue == "province" and e.feature == "region":
            s += 3.0
        elif m.cue == "area" and e.feature in ("province", "region", "district"):
            s += 1.0  # منطقة: a Saudi province, a district, or any area
        elif m.cue in ("city", "province", "district") and e.feature == "country":
            s -= 4.0
    if m.nisba:
        s += 5.0 if m.nisba == e.country else -3.0
    if m.parent is not None and m.parent.best is not None:
        p = m.parent.best
        if p.feature == "country" and e.country == p.country:
            s += 3.0
        elif p.feature in ("province", "region") and e.admin1 and e.admin1 == p.admin1 and e is not p:
            s += 4.0
        elif p.country and e.country == p.country:
            s += 1.5
    return s


def _resolve(mentions: list[Mention], focus: dict[str, float]) -> None:
    top = max(focus.values(), default=0.0)
    for m in mentions:
        best, score = None, -1e9
        for c in m.candidates:
            sc = _score(m, c, focus, top)
            if sc > score or (sc == score and best is not None and c.entry.id < best.id):
                best, score = c.entry, sc
        m.best, m.score = best, score


def _link_parents(doc: Doc, mentions: list[Mention]) -> None:
    """X بمحافظة Y / X في Y / X، Y / X شرق Y: Y is X's parent when Y is no finer than X."""
    toks = doc.tokens
    for k, m in enumerate(mentions[:-1]):
        n = mentions[k + 1]
        if n.best is None or toks[n.first].sent != toks[m.first].sent:
            continue
        gap = toks[m.last:n.first]
        words = [t for t in gap if t.kind != "punct"]
        if len(gap) > 3 or len(words) > 2:
            continue
        link = all(t.text in ("،", ",", "-", "–", "(") or t.norm in ("في", "ب")
                   or t.key in _CUES or t.stem in _CUES or t.key in _DIRECTIONS for t in gap)
        if not gap:  # "X بحضرموت": only an attached ب links two adjacent names
            link = toks[n.first].pre.endswith("ب")
        if not link:
            continue
        if SPECIFICITY.get(n.best.precision, 0) <= SPECIFICITY.get(
                m.best.precision if m.best else "city", 4):
            m.parent = n


def _infer_country(m: Mention, focus: dict[str, float]) -> str | None:
    """The country of a place entity the gazetteer lacks (حي المنظر، قرية مبورو): a nisba after
    it, the place it is said to be in, or the article's clearly dominant country."""
    if m.nisba:
        return m.nisba
    if m.parent is not None and m.parent.best is not None:
        return m.parent.best.country
    if focus:
        ranked = sorted(focus.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[0][1]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= 2.0 and top >= 1.5 * second:
            return ranked[0][0]
    return None


def _place(doc: Doc, m: Mention, focus: dict[str, float] | None = None) -> Place:
    e = m.best
    if m.entity is not None:
        span = m.entity.span
    else:
        start = _match_span(doc, m.first, m.last, m.phrase0, m.skip).start
        if m.cue and m.first > 0:
            c = doc.tokens[m.first - 1]
            if c.key in _NAME_CUES or c.stem in _NAME_CUES:
                start = c.key_start  # "محافظة درعا" is the province's name
        span = doc.span(start, doc.tokens[m.last - 1].end)
    precision = e.precision if e else _precision_from_cue(m.cue)
    country = e.country if e else None
    if e is None and (m.kind_hint or (m.entity is not None and not m.rejected
                                       and normalize(m.entity.span.text) not in _GENERIC)):
        country = _infer_country(m, focus or {})
    if e is not None and m.cue == "province" and e.feature == "city":
        precision = "province"  # "محافظة بغداد" named by its city entry
    return Place(span=span, name=e.name_en if e else None, country=country,
                 admin1=e.admin1 if e else None, lat=e.lat if e else None, lon=e.lon if e else None,
                 geonameid=e.geonameid if e else None, precision=precision,
                 name_ar=e.name_ar if e else None, entity=m.entity.id if m.entity else None,
                 kind=None if m.entity else (e.entity_type if e else m.kind_hint))


def _precision_from_cue(cue: str | None) -> str:
    return {"city": "city", "province": "province", "district": "district", "site": "site",
            "country": "country", "area": "district"}.get(cue or "", "city")


def _capital_mentions(doc: Doc, taken: list[Mention]) -> list[tuple[int, int, GeoEntry]]:
    """"العاصمة السودانية" names Khartoum without naming it."""
    g = gazetteer()
    out = []
    busy = {i for m in taken for i in range(m.first, m.last)}
    toks = doc.tokens
    for i in range(len(toks) - 1):
        if toks[i].seg.stem == "عاصمه" and toks[i].seg.det and i + 1 not in busy and i + 2 not in busy \
                and toks[i + 1].sent == toks[i].sent:  # "العاصمة الإثيوبية أديس أبابا": the name is there
            iso = nisba_country(toks[i + 1].norm)
            cap = g.capitals.get(iso) if iso else None
            if cap is not None:
                out.append((i, i + 2, cap))
    return out


@dataclass(slots=True)
class PlaceLayer:
    """What `resolve_places` found: the places, plus what `event_location` needs."""
    places: list[Place]
    focus: dict[str, float]
    datelines: set[int]  # span starts of dateline places
    adjectives: set[int] = field(default_factory=set)  # span starts of "القنصلية السعودية" nisbas
    dateline: str | None = None  # ISO-3 of the article's opening dateline, when the body names it too
    ambiguous: set[int] = field(default_factory=set)  # span starts of names two countries share about evenly
    _starts: list[int] | None = None

    _mentions: dict | None = None

    def country_mention(self, iso: str) -> Place | None:
        """The first mention naming country `iso` (a country-precision one preferred), not a
        dateline or an adjective; cached, as every event of the article may ask."""
        if self._mentions is None:
            self._mentions = {}
        if iso not in self._mentions:
            named = [p for p in self.places if p.country == iso and p.span.start not in self.datelines
                     and p.span.start not in self.adjectives]
            self._mentions[iso] = next((p for p in named if p.precision == "country"), named[0] if named else None)
        return self._mentions[iso]

    def between(self, start: int, end: int) -> list[Place]:
        """Places whose span starts in [start, end): a binary search, since per-event scans of
        every place of the article would be quadratic on long texts. `places` is sorted."""
        if self._starts is None or len(self._starts) != len(self.places):
            self._starts = [p.span.start for p in self.places]
        return self.places[bisect_left(self._starts, start):bisect_left(self._starts, end)]


# The place layer of each analysed Doc, for event_location (weak keys: freed with the Doc).
_LAYERS: "weakref.WeakKeyDictionary[Doc, PlaceLayer]" = weakref.WeakKeyDictionary()


def resolve_places(doc: Doc, entities: list[Entity]) -> list[Place]:
    """Every place mention of the article, resolved; sets `entity.place` on place entities."""
    mentions = find_mentions(doc, entities)
    focus = focus_weights(doc, mentions)
    for m in mentions:
        if m.tentative:
            # an ordinary word (مشهد، حجة) the NER tagged as a place: believe it only for a
            # place in a country the article is about
            m.candidates = [c for c in m.candidates if focus.get(c.entry.country or "", 0.0) >= 1.0
                            or m.nisba == c.entry.country]
            m.rejected = not m.candidates
    _resolve(mentions, focus)
    _link_parents(doc, mentions)
    if any(m.parent is not None for m in mentions):
        _resolve(mentions, focus)
    places: list[Place] = []
    for m in mentions:
        p = _place(doc, m, focus)
        places.append(p)
        if m.entity is not None and (m.best is not None or p.country):
            m.entity.place = {"name": p.name, "name_ar": p.name_ar, "country": p.country,
                              "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
                              "geonameid": p.geonameid, "precision": p.precision}
    datelines = {p.span.start for p, m in zip(places, mentions) if m.dateline}
    adjectives = {p.span.start for p, m in zip(places, mentions) if m.entity is not None and _is_adjective(doc, m)}
    for a, b, cap in _capital_mentions(doc, mentions):
        places.append(Place(span=doc.token_span(a, b), name=cap.name_en, country=cap.country,
                            admin1=cap.admin1, lat=cap.lat, lon=cap.lon, geonameid=cap.geonameid,
                            precision="city", name_ar=cap.name_ar, entity=None, kind=None))
    places.sort(key=lambda p: (p.span.start, p.span.end))
    top = max(focus.values(), default=0.0)
    ambiguous = {p.span.start for p, m in zip(places, mentions) if _is_ambiguous(m, focus, top)}
    _LAYERS[doc] = PlaceLayer(places, focus, datelines, adjectives, _dateline_country(doc, mentions),
                              ambiguous)
    return places


# Score margin under which a name's best reading in one country is no surer than one in another.
_AMBIGUOUS_MARGIN = 1.0


def _is_ambiguous(m: Mention, focus: dict[str, float], top: float) -> bool:
    """A town name that two countries share with no clear winner (no feature word, nisba or
    article focus decides): its country is a guess, so it locates events only as a last resort."""
    if m.best is None or m.best.feature == "country":
        return False
    rival = max((_score(m, c, focus, top) for c in m.candidates if c.entry.country != m.best.country),
                default=None)
    return rival is not None and m.score - rival < _AMBIGUOUS_MARGIN


def _dateline_country(doc: Doc, mentions: list[Mention]) -> str | None:
    """The country of a dateline that opens the article ("بغداد -"، "لندن، المملكة المتحدة (CNN)"),
    when the body names that country too (a place or a nisba): then it is where the story is
    reported from, not only the outlet's desk (CNN Arabic files regional stories from Dubai)."""
    line = [m for m in mentions if m.dateline and doc.tokens[m.first].sent == 0 and m.best is not None]
    if not line or line[0].first != 0:
        return None
    iso = line[-1].best.country  # "دبي، الإمارات": the last names the country
    if not iso:
        return None
    if any(not m.dateline and m.best is not None and m.best.country == iso for m in mentions):
        return iso
    return iso if any(_nisba(t) == iso for t in doc.tokens) else None


# ----------------------------------------------------------------------------------------
# Event location
# ----------------------------------------------------------------------------------------


def _layer_for(doc: Doc, layers) -> PlaceLayer:
    layer = _LAYERS.get(doc)
    places = getattr(layers, "places", None) or []
    if layer is not None:
        if places and places is not layer.places:  # the caller's list (e.g. filtered) wins
            layer = PlaceLayer(list(places), layer.focus, layer.datelines, layer.adjectives, layer.dateline,
                               layer.ambiguous)
        return layer
    # not resolved here (places from elsewhere): the focus from the places alone
    focus: dict[str, float] = {}
    for p in places:
        if p.country:
            focus[p.country] = focus.get(p.country, 0.0) + (1.0 if p.precision == "country" else 0.7)
    return PlaceLayer(list(places), focus, set())


# Verbs whose object is a place (استهدفت مدينة نوى، زار موسكو): their object locates the act.
_OBJECT_VERBS = ("استهدف", "قصف", "هاجم", "اقتحم", "زار", "وصل", "اجتاح", "حاصر", "دخل", "ضرب", "اخترق",
                 "غزا", "يزور", "تزور")
# Words that open a new clause: a place beyond them rarely locates the trigger's act.
_CLAUSE_WORDS = {"بعد", "عندما", "لكن", "بينما", "فيما", "عقب", "اثر", "قبل", "كما", "منذ"}


def _governed(doc: Doc, a: int, start: int | None = None) -> bool:
    """A place after في / ب / ل / قرب / شمال … (في أحد كهوف صعدة, قرب مطار X), after a feature
    word (مدينة X), or the object of a verb such as استهدف or زار."""
    t = doc.tokens[a]
    if t.pre and t.pre[-1] in "بل":
        return True
    if start is not None and start > t.start and normalize(doc.text[t.start:start])[-1:] in ("ب", "ل"):
        return True  # a proclitic the segmenter left on (بأديس أبابا، لواشنطن)
    if _cue_before(doc, a):
        return True
    nouns = 0
    for j in range(a - 1, max(-1, a - 5), -1):
        pt = doc.tokens[j]
        if pt.sent != t.sent:
            break
        if pt.text == "#":
            continue
        if pt.norm in _LOCATIVE or pt.key in _LOCATIVE:
            return True
        # construct nouns between the preposition and the name: في (أحد كهوف) صعدة; an
        # apposition: في (العاصمة الإثيوبية) أديس أبابا
        if pt.kind == "ar" and (pt.key in ("العاصمه", "مدينه", "المدينه") or nisba_country(pt.norm)):
            continue
        if pt.kind != "ar" or pt.seg.det or nouns == 2:
            break
        nouns += 1
    for j in range(a - 1, max(-1, a - 7), -1):
        pt = doc.tokens[j]
        if pt.kind == "punct" or pt.sent != t.sent:
            break
        if pt.kind == "ar" and len(pt.norm) <= 10 and any(v in pt.norm for v in _OBJECT_VERBS):
            return True
    return False


def _is_capital(p: Place) -> bool:
    """Is the place its country's capital (within ~7 km of it: not a suburb such as دوما)?"""
    cap = gazetteer().capitals.get(p.country or "")
    if cap is None or cap.lat is None or p.lat is None or p.lon is None or cap.lon is None:
        return False
    return abs(cap.lat - p.lat) < 0.06 and abs(cap.lon - p.lon) < 0.07


def _direction_span(doc: Doc, a: int) -> int | None:
    """First token of "شمال غربي" / "جنوب" right before token a, if any."""
    j = a - 1
    start = None
    while j >= 0 and a - j <= 2 and doc.tokens[j].sent == doc.tokens[a].sent:
        t = doc.tokens[j]
        if t.norm in _DIRECTIONS or t.key in _DIRECTIONS or t.stem in _DIRECTIONS:
            start = j
            j -= 1
        else:
            break
    return start


def _with_span(p: Place, span, precision: str | None = None) -> Place:
    return Place(span=span, name=p.name, country=p.country, admin1=p.admin1, lat=p.lat,
                 lon=p.lon, geonameid=p.geonameid, precision=precision or p.precision,
                 name_ar=p.name_ar, entity=p.entity, kind=p.kind)


def event_location(doc: Doc, layers, sentence_index: int, trigger_first: int,
                   trigger_last: int) -> Place | None:
    """The place where the event whose trigger is tokens [trigger_first, trigger_last) of
    sentence `sentence_index` happened, or None. Stable signature; `layers` needs `.places`
    as `extract_places` returned them.

    In order:
    1. a place of the sentence that a locative governs (في، ب، ل، قرب، داخل، شمال…، a feature
       word, or a verb like استهدف/زار), in the trigger's clause; the most specific and
       nearest wins (site > city > district > province > country), and a finer place inside
       the winning province is preferred (قصف محافظة درعا … مدينة نوى في ريف درعا). A
       directional phrase (جنوب غربي الموصل) returns its whole span, at district precision;
    2. a town or site the sentence is about without a locative (وعادت دوما لسيطرة الحكومة),
       in a country the article is about, unless a country named near the trigger says
       otherwise;
    3. for a stance verb (دافع، ندد، اتهم، رحب …), places after its object are the object's
       (دافعت … عن تحركات السعودية في اليمن): the country in its subject locates it instead
       (رئيسة وزراء بريطانيا);
    4. a country-level answer: for an attack, the nationality of its target (قصفت الطائرات
       الإسرائيلية مواقع سورية: SYR); else a nisba of the sentence that does not just describe
       a place (القوات العراقية: IRQ, span on that word; not العاصمة الإثيوبية); else the
       article's opening dateline when the body names its country too and it weighs at least
       half the top focus country; else the article's clearly dominant country; else a
       country named right before the trigger as its subject (السودان يدعم);
    5. that answer gives way to a governed town whose country is only a guess (طرابلس) when
       it agrees or nothing else is known; it is refined by a plural locative of the clause
       (في أربع ولايات: province precision) or, where it agrees, by the governed place of the
       nearest of the two previous sentences (discourse focus: … في الخرطوم. … السودان يدعم).
    Ungoverned countries and capitals are actors or targets (واشنطن تتهم، حض … روسيا) and
    never locate; dateline places and nisba adjectives (القنصلية السعودية) never do either.
    """
    layer = _layer_for(doc, layers)
    if not doc.sentences or not (0 <= sentence_index < len(doc.sentences)):
        return None
    s = doc.sentences[sentence_index]
    stance = _is_stance(doc, trigger_first)
    loc, guess = _clause_place(doc, layer, s, trigger_first, trigger_last, stance)
    if loc is not None:
        return loc
    if stance:
        loc = _stance_subject(doc, layer, s, trigger_first, trigger_last)
        if loc is not None:
            return loc
    fallback = _country_fallback(doc, layer, s, sentence_index, trigger_first)
    iso = fallback.country if fallback is not None else None
    if guess is not None and (iso is None or guess.country == iso):
        return guess  # an ambiguous town that nothing contradicts: the best reading stands
    plural = _plural_locative(doc, s, trigger_last)
    if plural is not None and iso:
        return _with_country(fallback, plural)  # type: ignore[arg-type]
    prev = _previous_place(doc, layer, sentence_index)
    if prev is not None and (iso is None or prev.country == iso):
        return prev
    return fallback


def _clause_place(doc: Doc, layer: PlaceLayer, s, trigger_first: int, trigger_last: int,
                  stance: bool) -> tuple[Place | None, Place | None]:
    """Steps 1 and 2 of `event_location`: a place of the trigger's own clause; else None and
    the governed place whose country is only a guess (طرابلس: Libya or Lebanon), if any."""
    mains: list[tuple[float, Place, int]] = []
    guess: tuple[float, Place] | None = None
    # second choice: a town or site the sentence is about, though nothing governs it
    # (وعادت دوما لسيطرة الحكومة … بعد سنوات من الحصار), or a place in no one country
    topic: tuple[float, Place, int] | None = None
    for p in [*layer.between(s.start, s.end), *_territory_places(doc, s)]:
        if not (s.start <= p.span.start < s.end) or p.span.start in layer.datelines \
                or p.span.start in layer.adjectives:
            continue
        if p.country is None and p.lat is None:
            continue
        a = doc.token_at(p.span.start)
        if a is None or trigger_first <= a < trigger_last:
            continue  # the place is part of the trigger phrase itself
        governed = _governed(doc, a, p.span.start)
        if a >= trigger_last:
            between = doc.tokens[trigger_last:a]
        else:
            b = doc.token_at(p.span.end - 1) or a
            between = doc.tokens[b + 1:trigger_first]
        if stance and a >= trigger_last and _object_between(between):
            continue  # "دافعت … عن تحركات السعودية في اليمن": the object's place
        dist = len(between)
        hard = sum(1 for t in between if t.text in _CLAUSE_BREAK)
        soft = sum(1 for t in between if t.text in ("،", ",") or t.norm in _CLAUSE_WORDS)
        agent = p.precision == "country" or _is_capital(p)
        main = True
        other_clause = False
        if not governed:
            # An ungoverned country or capital is an actor or a target (واشنطن تتهم، حض …
            # روسيا، الحوار مع الولايات المتحدة), not where the act took place; a town or site
            # right next to the trigger is (ضرب قواعد سوريا).
            if agent:
                continue
            main = False
        if a < trigger_first and (hard or any(t.norm in _CLAUSE_WORDS or t.norm in ("ان", "انه")
                                              for t in between)):
            other_clause = True  # "سيعود إلى القاهرة، بعد … استدعائه", "قالت … في X إن"
        if a >= trigger_last and (dist > 24 or any(t.text in ("؛", ";") for t in between)):
            other_clause = True  # far on in the sentence
        if other_clause:
            main = False  # a second choice only: it may well locate that other clause's act
        if p.country is None or p.span.start in layer.ambiguous:
            main = False  # no country, or a guessed one: a second choice at most
        score = 0.6 * SPECIFICITY.get(p.precision, 1) + (2.0 if governed else 0.0)
        score -= 0.08 * dist + 1.5 * hard + 0.5 * soft
        if a < trigger_first:
            score -= 0.5  # events' places usually follow the trigger
        if main:
            mains.append((score, p, a))
        elif governed and not other_clause and p.span.start in layer.ambiguous:
            if guess is None or score > guess[0]:
                guess = (score, p)
        elif (not agent and p.country and p.lat is not None and layer.focus.get(p.country, 0.0) >= 1.0
              and (topic is None or score > topic[0])):
            topic = (score, p, a)
    best = max(mains, key=lambda x: x[0]) if mains else None
    if best is not None and best[1].precision in ("province", "district") and best[1].admin1:
        # "قصفها لمحافظة درعا، حيث … غارات استهدفت مدينة نوى": the most specific place inside
        # the province the clause names is where it happened
        inner = [m for m in mains if m[1].admin1 == best[1].admin1 and m[1].country == best[1].country
                 and SPECIFICITY.get(m[1].precision, 0) > SPECIFICITY.get(best[1].precision, 0)
                 and _same_act(doc, min(m[2], best[2]), max(m[2], best[2]))]
        if inner:
            best = max(inner, key=lambda x: x[0])
    if best is None and topic is not None:
        # the topic town, unless the sentence names another country as the actor's
        # ("السودان يدعم سد النهضة": Sudan's act, not an act in Ethiopia)
        frame = _sentence_countries(doc, s, layer, trigger_first - 8, trigger_last + 8)
        if not frame or topic[1].country in frame:
            best = topic
    if best is None:
        return None, guess[1] if guess else None
    _, p, a = best
    d = _direction_span(doc, a)
    if d is not None:
        span = doc.span(doc.tokens[d].key_start, p.span.end)
        prec = "district" if p.precision in ("city", "site") else p.precision
        return _with_span(p, span, prec), None
    return p, None


# Nouns that, with a nisba, name a country's territory: داخل الأراضي السعودية، الأجواء السورية.
_TERRITORY = {"الاراضي", "اراضي", "الاجواء", "اجواء", "المياه", "مياه", "الحدود", "حدود", "التراب"}


def _territory_places(doc: Doc, s) -> list[Place]:
    """"الأراضي السعودية" as a country-level place of sentence s (it locates only when
    governed: سقط صاروخ داخل الأراضي السعودية)."""
    out = []
    toks = doc.tokens
    for i in range(s.first, s.last - 1):
        if toks[i].key in _TERRITORY and toks[i].seg.det:
            iso = _nisba(toks[i + 1])
            if iso:
                out.append(_country_place(doc, iso, doc.span(toks[i].key_start, toks[i + 1].end)))
    return out


def _same_act(doc: Doc, a: int, b: int) -> bool:
    """Tokens [a, b) stay in one clause, or go on only into an elaboration introduced by حيث
    ("قصفها لمحافظة درعا، حيث … استهدفت مدينة نوى"), not into another act ("…، أعلن …")."""
    toks = doc.tokens
    for j in range(a, b):
        t = toks[j]
        if t.text in _CLAUSE_BREAK:
            return False
        if t.text in ("،", ",") and not (j + 1 < len(toks) and toks[j + 1].norm == "حيث"):
            return False
    return True


# Stance and accusation verbs (their stems, past or without the imperfect prefix): where the
# stance was taken is not where its object happened.
_STANCE = ("دافع", "ندد", "ادان", "دان", "دين", "انتقد", "نتقد", "رحب", "اتهم", "تهم", "حذر",
           "طالب", "دعا", "دعت", "دعو", "شجب", "استنكر", "ستنكر", "اشاد", "شيد")


def _is_stance(doc: Doc, i: int) -> bool:
    """Is token i a stance verb (not its verbal noun: الدعوة، إشادة keep their own places)?"""
    t = doc.tokens[i]
    k = t.key
    if t.kind != "ar" or t.seg.det or k.endswith(("ه", "ات")) or len(k) > 7:
        return False
    return any(k.startswith(v) or (k[:1] in "يتنا" and k[1:].startswith(v)) for v in _STANCE)


def _object_between(between) -> bool:
    """A prepositional object between the stance verb and the place: عن X، على X، بالهجوم."""
    return any(t.norm in ("عن", "علي", "ب", "ل") or (t.kind == "ar" and t.pre[-1:] in ("ب", "ل"))
               for t in between)


# Role and institution nouns of a subject in construct with its country (رئيسة وزراء بريطانيا).
_ROLE_NOUNS = {"رئيس", "رئيسه", "وزير", "وزيره", "وزراء", "وزاره", "حكومه", "خارجيه", "مجلس", "سفير",
               "سفاره", "ملك", "امير", "برلمان", "رئاسه", "جيش", "قوات", "نواب", "ممثل", "مندوب",
               "متحدث", "بعثه", "وفد", "سلطات", "قياده", "ولي", "عهد"}


# Particles that open a verb-first clause (كما أشادت البحرين …).
_CLAUSE_OPENERS = {"كما", "ثم", "فيما", "بينما", "حيث", "اذ", "بدوره", "بدورها"}


def _stance_subject(doc: Doc, layer: PlaceLayer, s, trigger_first: int, trigger_last: int) -> Place | None:
    """The country of a stance verb's subject in verb-first order (دافعت رئيسة وزراء بريطانيا
    عن …، نددت الولايات المتحدة …): the place it spoke for. With the subject before the verb
    (البشير قد اتهم القاهرة) or a named subject (دعا خير الله واشنطن), what follows is the object."""
    toks = doc.tokens
    t = toks[trigger_first]
    j = trigger_first - 1
    while j >= s.first and toks[j].norm in ("قد", "لقد", "كان", "كانت"):
        j -= 1
    if not (t.pre or j < s.first or toks[j].kind == "punct" or toks[j].key in _CLAUSE_OPENERS):
        return None  # a subject stands before the verb
    near = toks[min(trigger_first + 6, len(toks) - 1)].end + 1
    for p in layer.between(toks[trigger_last - 1].start if trigger_last else 0, near):
        if not p.country or p.span.start in layer.datelines or p.span.start in layer.adjectives \
                or not (p.precision == "country" or _is_capital(p)):
            continue
        a = doc.token_at(p.span.start)
        # from the verb itself: a caller's trigger range may run on over the subject
        if a is None or a < trigger_last or a > trigger_first + 5:
            continue
        if all(x.kind == "ar" and not x.seg.det and (x.key in _ROLE_NOUNS or x.stem in _ROLE_NOUNS)
               for x in toks[trigger_first + 1:a]):
            return p
    return None


def _country_fallback(doc: Doc, layer: PlaceLayer, s, sentence_index: int,
                      trigger_first: int) -> Place | None:
    """Country precision: a nisba of the sentence, the dominant country, or the subject country."""
    focus = layer.focus
    target = _target_nisba(doc, s, trigger_first) if _is_attack(doc, trigger_first) else None
    if target is not None:
        tok = doc.tokens[target[1]]
        return _country_place(doc, target[0], doc.span(tok.key_start, tok.end))
    counts = _nisba_counts(doc, s, layer)
    if counts:
        iso = max(sorted(counts), key=lambda k: (counts[k][0] + focus.get(k, 0.0) / 10))
        tok = doc.tokens[counts[iso][1]]
        return _country_place(doc, iso, doc.span(tok.key_start, tok.end))
    dl = layer.dateline
    if dl and focus.get(dl, 0.0) >= 0.5 * max(focus.values(), default=0.0):
        # the story's dateline, where the sentence says nothing and no other country dominates
        named = [p for p in layer.places if p.country == dl and p.span.start not in layer.adjectives]
        mention = next((p for p in named if p.span.start not in layer.datelines), named[0] if named else None)
        if mention is not None:
            return _country_place(doc, dl, mention.span)
    if focus:
        iso = max(sorted(focus), key=lambda k: focus[k])
        top = focus[iso]
        second = max((v for k, v in focus.items() if k != iso), default=0.0)
        if top >= 1.5 * second or top - second >= 2:
            mention = layer.country_mention(iso)
            if mention is not None:
                return _country_place(doc, iso, mention.span)
    # last resort: a country named right before the trigger, as its subject (السودان يدعم)
    if trigger_first >= 1:
        toks = doc.tokens
        for p in layer.between(toks[max(0, trigger_first - 8)].start, toks[trigger_first].start):
            a = doc.token_at(p.span.start)
            b = doc.token_at(p.span.end - 1)
            if a is not None and b is not None and p.precision == "country" and p.country \
                    and trigger_first - 2 <= b < trigger_first and doc.tokens[a].sent == sentence_index:
                return p
    return None


# Attacks and raids: they happen where their target is (قصفت الطائرات الإسرائيلية مواقع سورية).
_ATTACKS = ("قصف", "استهدف", "هاجم", "هجوم", "هجمات", "غاره", "غارات", "ضربه", "ضربات", "اقتحم",
            "اقتحام", "داهم", "مداهم")


def _is_attack(doc: Doc, i: int) -> bool:
    t = doc.tokens[i]
    return t.kind == "ar" and any(t.key.startswith(v) or t.stem.startswith(v) or t.key[1:].startswith(v)
                                  for v in _ATTACKS)


def _target_nisba(doc: Doc, s, trigger_first: int) -> tuple[str, int] | None:
    """The nationality of an attack's target: the last nisba of the clause after the trigger
    (verb, subject, then object: قصفت الطائرات الإسرائيلية مواقع سورية -> SYR)."""
    found = None
    for t in doc.tokens[trigger_first + 1:min(s.last, trigger_first + 12)]:
        if t.text in _CLAUSE_BREAK or t.text in ("،", ",") or t.norm in _CLAUSE_WORDS:
            break
        iso = _nisba(t)
        if iso and doc.tokens[t.i - 1].key not in _PLACE_NOUNS:
            found = (iso, t.i)
    return found


# Plural feature words: "في أربع ولايات"، "في عدة مدن" name places of one country, unnamed.
_PLURAL_CUES = {"ولايات", "محافظات", "مدن", "مناطق", "قري", "بلدات", "احياء", "مديريات", "اقاليم",
                "مقاطعات", "اقضيه", "نواحي"}
_FEW = {"عده", "بعض", "ثلاث", "ثلاثه", "اربع", "اربعه", "خمس", "خمسه", "ست", "سته", "سبع", "سبعه",
        "ثماني", "ثمانيه", "تسع", "تسعه", "عشر", "عشره", "عشرات", "مختلف"}


def _plural_locative(doc: Doc, s, trigger_last: int):
    """Span of "أربع ولايات" in "… في أربع ولايات" within the trigger's clause, if any."""
    toks = doc.tokens
    for j in range(trigger_last, min(s.last, trigger_last + 16) - 2):
        t = toks[j]
        if t.text in _CLAUSE_BREAK:
            return None
        if t.norm != "في":
            continue
        n, c = toks[j + 1], toks[j + 2]
        if (n.norm in _FEW or n.kind == "num") and c.key in _PLURAL_CUES:
            return doc.span(n.start, c.end)
    return None


def _with_country(p: Place, span) -> Place:
    """The unnamed places of a plural locative, in the country `p` gives."""
    return Place(span=span, name=None, country=p.country, admin1=None, lat=p.lat, lon=p.lon,
                 geonameid=None, precision="province", name_ar=None, entity=None, kind=None)


def _previous_place(doc: Doc, layer: PlaceLayer, sentence_index: int) -> Place | None:
    """Discourse focus: the most specific governed place below country level of the nearest of
    the two previous sentences that has one (… مع البشير في الخرطوم … . وأضاف: "…".
    من جانبه، أكد البشير أن السودان يدعم …). News paragraphs are a sentence or two long, so
    a paragraph break does not end the focus."""
    for k in (sentence_index - 1, sentence_index - 2):
        if k < 0:
            return None
        ps = doc.sentences[k]
        best: tuple[int, int, Place] | None = None
        for p in layer.between(ps.start, ps.end):
            if not (ps.start <= p.span.start < ps.end) or not p.country or p.precision == "country" \
                    or p.span.start in layer.datelines or p.span.start in layer.adjectives:
                continue
            a = doc.token_at(p.span.start)
            if a is None or not _governed(doc, a, p.span.start):
                continue
            key = (SPECIFICITY.get(p.precision, 1), a)
            if best is None or key > best[:2]:
                best = (key[0], key[1], p)
        if best is not None:
            return best[2]
    return None


def _nisba_counts(doc: Doc, s, layer: PlaceLayer | None = None) -> dict[str, tuple[int, int]]:
    """ISO-3 -> (nisba words in sentence s, index of the first). A nisba that describes a
    place (العاصمة الإثيوبية، دوما السورية) is left out: that place was weighed already."""
    ends = set()
    if layer is not None:
        for p in layer.between(s.start, s.end):
            if s.start <= p.span.start < s.end:
                b = doc.token_at(max(p.span.start, p.span.end - 1))
                if b is not None:
                    ends.add(b)
    counts: dict[str, tuple[int, int]] = {}
    for t in doc.tokens[s.first:s.last]:
        iso = _nisba(t)
        if not iso:
            continue
        if t.i - 1 in ends or (t.i > s.first and doc.tokens[t.i - 1].key in _PLACE_NOUNS):
            continue
        n, first = counts.get(iso, (0, t.i))
        counts[iso] = (n + 1, first)
    return counts


# Nouns a nisba after which describes a place, not an actor: العاصمة الإثيوبية، الأراضي السورية.
_PLACE_NOUNS = {"العاصمه", "عاصمه", "المدينه", "مدينه", "الاراضي", "اراضي", "الحدود", "حدود",
                "البلاد", "الساحل", "المياه", "الاجواء", "الاقليم", "المناطق", "الاراض"}


def _sentence_countries(doc: Doc, s, layer: PlaceLayer, lo: int, hi: int) -> set[str]:
    """Countries named (not as adjectives) in tokens [lo, hi) of sentence s."""
    lo, hi = max(lo, s.first), min(hi, s.last)
    out = set()
    if lo >= hi:
        return out
    for p in layer.between(doc.tokens[lo].start, doc.tokens[hi - 1].end):
        a = doc.token_at(p.span.start)
        if a is not None and lo <= a < hi and p.country and p.precision == "country" \
                and p.span.start not in layer.datelines and p.span.start not in layer.adjectives:
            out.add(p.country)
    return out


def _country_place(doc: Doc, iso: str, span) -> Place:
    e = gazetteer().by_country.get(iso)
    return Place(span=span, name=e.name_en if e else None, country=iso, admin1=None,
                 lat=e.lat if e else None, lon=e.lon if e else None, geonameid=None,
                 precision="country", name_ar=e.name_ar if e else None, entity=None, kind=None)


__all__ = ["resolve_places", "event_location", "find_mentions", "focus_weights", "PlaceLayer"]
