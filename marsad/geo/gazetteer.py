"""The place gazetteer: entries, their Arabic names, and a phrase matcher over them.

Built once per process (`gazetteer()`, cached) from the files that
`scripts/build_gazetteer.py` writes (`resources/gazetteer_*.tsv.gz`, one per source licence)
and the curated `resources/sites.tsv`. Rows that share an id across files are merged, and a
GeoNames place inherits its province from the dr5hn state that carries its admin1 code.

A name marked weak (an ordinary Arabic word too: الجديدة، آب، أمان) is returned with
`weak=True`; callers accept it only with other evidence (NER, a feature word before it).
"""
from __future__ import annotations

import csv
import gzip
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.resources import resource_path
from marsad.text.matcher import PhraseMatcher, phrase_tokens

GAZETTEER_FILES = ("gazetteer_countries.tsv.gz", "gazetteer_curated.tsv.gz", "gazetteer_dr5hn.tsv.gz",
                   "gazetteer_geonames.tsv.gz", "gazetteer_iraq.tsv.gz")
SITES_FILE = "sites.tsv"

# ACLED-like geo-precision, most specific first.
PRECISIONS = ("site", "city", "district", "province", "country")
SPECIFICITY = {"site": 5, "city": 4, "district": 3, "province": 2, "country": 1}
# Site kinds that are areas rather than facilities (entity type LOC, not FAC).
_AREA_KINDS = {"area", "mountain", "island", "region", "sea", "river"}


@dataclass(slots=True)
class GeoEntry:
    id: str
    feature: str  # country province district city region site
    name_en: str
    name_ar: str
    country: str | None  # ISO-3
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    population: int = 0
    geonameid: int | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    kind: str = ""  # sites: base airport crossing camp prison ...; regions: region sea river

    @property
    def precision(self) -> str:
        if self.feature == "region":
            # one-country areas (الغوطة الشرقية) locate like a province; wider ones like nothing finer
            return "province" if self.country else "country"
        return self.feature if self.feature in SPECIFICITY else "city"

    @property
    def entity_type(self) -> str:
        if self.feature == "site":
            return "LOC" if self.kind in _AREA_KINDS else "FAC"
        if self.feature == "region":
            return "GPE" if self.kind in ("province", "city") else "LOC"
        return "GPE"

    @property
    def is_capital(self) -> bool:
        return "capital" in self.flags


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: GeoEntry
    weak: bool


class Gazetteer:
    def __init__(self, entries: list[GeoEntry], names: dict[str, list[Candidate]]):
        self.entries = entries
        self.names = names  # normalised phrase (tokens joined by " ") -> candidates
        self.matcher: PhraseMatcher[str] = PhraseMatcher()
        for key in names:
            self.matcher.add(key, key)
        self.first_words = {k.split(" ")[0] for k in names}
        self.by_country = {e.country: e for e in entries if e.feature == "country" and e.country}
        self.capitals: dict[str, GeoEntry] = {}
        for e in entries:
            if e.is_capital and e.country and e.feature == "city":
                old = self.capitals.get(e.country)
                if old is None or e.population > old.population:
                    self.capitals[e.country] = e
        # dr5hn flags a capital row without population (Egypt's is the Cairo district Bulaq):
        # take the most populous city at the same spot
        for iso, cap in list(self.capitals.items()):
            near = [e for e in entries if e.feature == "city" and e.country == iso and _km(e, cap) < 10]
            self.capitals[iso] = max(near + [cap], key=lambda e: (e.population, e.id))

    def lookup(self, phrase: str) -> list[Candidate]:
        return self.names.get(" ".join(phrase_tokens(phrase)), [])


def _float(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def _read_tsv(name: str) -> list[dict]:
    path = resource_path(name)
    if not path.exists():
        return []
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))


def _km(a: GeoEntry, b: GeoEntry) -> float:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return 1e9
    dy = (a.lat - b.lat) * 111.0
    dx = (a.lon - b.lon) * 111.0 * math.cos(math.radians(a.lat))
    return math.hypot(dx, dy)


def _rank(e: GeoEntry) -> tuple:
    return (e.geonameid is not None, e.population, "curated" in e.flags, e.id)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (loaded once)."""
    rows: dict[str, dict] = {}
    order: list[str] = []
    names_of: dict[str, list[str]] = {}
    for fname in GAZETTEER_FILES:
        for r in _read_tsv(fname):
            rid = r["id"]
            if rid not in rows:
                rows[rid] = dict(r)
                order.append(rid)
                names_of[rid] = []
            else:  # merge: first non-empty value wins
                for k, v in r.items():
                    if v and not rows[rid].get(k):
                        rows[rid][k] = v
            names_of[rid].extend(n for n in r["names"].split("|") if n)

    # province names by (ISO-3, GeoNames admin1 code), for GeoNames places
    state_by_code: dict[tuple[str, str], str] = {}
    for rid in order:
        r = rows[rid]
        if r["feature"] == "province" and r.get("gn_admin1"):
            state_by_code.setdefault((r["country"], r["gn_admin1"]), r["admin1"] or r["name_en"])

    entries: list[GeoEntry] = []
    entry_names: list[list[str]] = []
    for rid in order:
        r = rows[rid]
        admin1 = r.get("admin1") or None
        if not admin1 and rid.startswith("g:"):
            admin1 = state_by_code.get((r["country"], r.get("gn_admin1", "")))
        entries.append(GeoEntry(
            id=rid, feature=r["feature"], name_en=r["name_en"], name_ar=r["name_ar"],
            country=r["country"] or None, admin1=admin1, admin2=r.get("admin2") or None,
            lat=_float(r["lat"]), lon=_float(r["lon"]), population=int(r["population"] or 0),
            geonameid=int(r["geonameid"]) if r.get("geonameid") else None,
            flags=frozenset(f for f in r.get("flags", "").split(",") if f),
            kind=next((f for f in r.get("flags", "").split(",") if f in ("region", "sea", "river", "province", "city", "site")), ""),
        ))
        entry_names.append(names_of[rid])

    for r in _read_tsv(SITES_FILE):
        names = [n for n in r["names"].split("|") if n]
        entries.append(GeoEntry(
            id=f"site:{r['name_en']}", feature="site", name_en=r["name_en"],
            name_ar=names[0].lstrip("*"), country=r["country"] or None, admin1=r["admin1"] or None,
            admin2=None, lat=_float(r["lat"]), lon=_float(r["lon"]), flags=frozenset({"curated"}),
            kind=r["kind"]))
        entry_names.append(names)

    index: dict[str, list[Candidate]] = {}
    for e, names in zip(entries, entry_names):
        for n in names:
            weak = n.startswith("*")
            key = " ".join(phrase_tokens(n.lstrip("*")))
            if not key:
                continue
            lst = index.setdefault(key, [])
            dup = next((i for i, c in enumerate(lst) if c.entry is e), None)
            if dup is not None:
                if lst[dup].weak and not weak:
                    lst[dup] = Candidate(e, False)
                continue
            lst.append(Candidate(e, weak))

    # One place listed by two sources (dr5hn and GeoNames) under one name: keep the better row.
    for key, lst in index.items():
        if len(lst) < 2:
            continue
        lst.sort(key=lambda c: _rank(c.entry), reverse=True)
        kept: list[Candidate] = []
        for c in lst:
            same = next((k for k in kept if k.entry.feature == c.entry.feature
                         and k.entry.country == c.entry.country and _km(k.entry, c.entry) < 15), None)
            if same is None:
                kept.append(c)
            elif same.weak and not c.weak:
                kept[kept.index(same)] = Candidate(same.entry, False)
        index[key] = kept
    return Gazetteer(entries, index)
