#!/usr/bin/env python3
"""Build marsad/resources/actors.tsv.gz: the actor lexicon behind `marsad.extract.actors`.

Sources (all MIT or hand-written):
- marsad/resources/actors_curated.tsv: hand-curated actors and role phrases (wins over the rest);
- UniversalPetrarch Arabic actor dictionary (actor_dict_ar_v4.txt): lemmatised phrases joined
  with `_`, each with `[CODE]` or `[CODE date-range]` lines;
- UniversalPetrarch Arabic agents (agents.all.ar.txt): role nouns -> sector codes, with the
  English agent name;
- Phoenix English country dictionary: English country names for ISO-3 codes.

Output rows (tab-separated, one entry a row, deterministic order):
    kind  type  ar  en  codes  phrases  source
kind: C curated named actor, R curated role, Q curated role that is an actor only with a
country or owner, E curated alias used only for a whole named
entity, U UniversalPetrarch actor, A UniversalPetrarch agent (role), K country name (codes =
ISO-3, en = English name).
codes: space-separated CODE or CODE@FROM-TO (YYYYMMDD; either side may be empty).
phrases: normalised surface forms (tokens joined by spaces) separated by `|`.

    python scripts/build_actors.py [--shared ../shared]

Reads the shipped gazetteer (`scripts/build_gazetteer.py` first) to keep only the one-word
UniversalPetrarch entries that name a place in their country, and for the ISO-3 list.
Deterministic: rerunning it reproduces the file byte for byte (tests/test_actors.py checks).
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from marsad.geo.nisba import nisba_country  # noqa: E402
from marsad.text.matcher import phrase_tokens  # noqa: E402
from marsad.text.normalize import normalize  # noqa: E402

RES = ROOT / "marsad" / "resources"
NON_STATE = {"IGO", "NGO", "IMG", "MNC", "UAF"}
# CAMEO sector / type codes accepted after a country (or alone, as a role).
SECTORS = set(
    "GOV MIL COP REB OPP JUD LEG PTY ELI CVL BUS MED EDU HLH REL REF AGR LAB ENV SPY UAF CRM DEV "
    "HRI MOS MUS CHR JEW SEP INS IGO NGO IMG MNC BUD HIN SUN SHI CTH DUZ SFI ALE ITH ATH MOD RAD "
    "AMN IRC GRN UNO".split()
)
# Places whose sovereignty is disputed: the dictionary's single code (القدس -> PSE) would take
# a side, so they are left uncoded.
CONTESTED = {"قدس", "القدس"}
# Arabic particles that stay bare when the definite variants of a UP phrase are generated.
PARTICLES = {"في", "من", "عن", "علي", "الي", "مع", "و", "او", "ضد", "بين", "عبد", "بن", "ابو", "ابن", "ال"}


# ---- spelling variants -----------------------------------------------------------------
_VARIANTS = [
    (re.compile("امريك"), "اميرك"), (re.compile("اميرك"), "امريك"),
    (re.compile("ميليشي"), "مليشي"), (re.compile("ميليشي"), "ميلشي"),
    (re.compile(r"(?<!\S)(عبد|نصر|خير|عطا) (ال\S+|ربه)"), r"\1\2"),
    (re.compile(r"(?<!\S)(عبد|نصر|خير|عطا)(ال\S+|ربه)"), r"\1 \2"),
    (re.compile("كيميائ"), "كيماو"), (re.compile("كيماو"), "كيمياو"),
]


def variants(phrase: str) -> list[str]:
    """The phrase plus its common spelling variants, normalised and tokenised."""
    base = " ".join(phrase_tokens(phrase))
    out = [base]
    for rx, rep in _VARIANTS:
        for p in list(out):
            q = rx.sub(rep, p)
            if q != p and q not in out:
                out.append(q)
    return out


# ---- curated ---------------------------------------------------------------------------
def read_curated(path: Path) -> list[list[str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            raise SystemExit(f"{path}:{n}: expected 6 tab-separated columns, got {len(cols)}")
        typ, ar, aliases, en, codes, notes = (c.strip() for c in cols)
        for item in codes.split():
            if not re.fullmatch(r"(---|[A-Z]{3})([A-Z]{3})*(@\d{0,8}-\d{0,8})?", item):
                raise SystemExit(f"{path}:{n}: bad code {item!r}")
        names = [ar] + [x.strip() for x in aliases.split("|") if x.strip()]
        exact = [x[1:] for x in names if x.startswith("=")]  # entity-only aliases (see the TSV)
        if exact:
            ephr = [v for x in exact for v in variants(x)]
            rows.append(["E", typ, ar, en, codes, "|".join(dict.fromkeys(ephr)), "curated"])
        phrases: list[str] = []
        for a in (x for x in names if not x.startswith("=")):
            for v in variants(a):
                # the segmenter leaves some ل/ب-prefixed forms whole (لحزب, لقوات): list them
                extra = [] if v.startswith("ال") or not "\u0621" <= v[:1] <= "\u064a" else ["ل" + v, "ب" + v]
                for w in [v] + extra:
                    if w and w not in phrases:
                        phrases.append(w)
        kind = ("Q" if notes.endswith("[with-country]") else "R") if typ == "ROLE" else "C"
        rows.append([kind, typ, ar, en, codes, "|".join(phrases), "curated"])
    return rows


# ---- UniversalPetrarch actors ----------------------------------------------------------
_CODE_RE = re.compile(r"\[([^\]]*)\]")


def _date(s: str) -> str:
    return s if re.fullmatch(r"\d{8}", s) else ""


def parse_code(raw: str, isos: set[str]) -> str | None:
    """'IRQGOV 20060520-20140908' -> 'IRQGOV@20060520-20140908'; None for unusable codes."""
    parts = raw.replace(">", " > ").replace("<", " < ").split()
    if not parts:
        return None
    code = parts[0]
    if "?" in code or not re.fullmatch(r"([A-Z]{3})+", code):
        return None
    head = code[:3]
    if head not in isos and head not in NON_STATE:
        if head not in SECTORS:
            return None
        code = "---" + code  # sector only: the country is unknown
    rest = parts[1:]
    frm = to = ""
    if rest[:1] == [">"] and len(rest) > 1:
        frm = _date(rest[1])
    elif rest[:1] == ["<"] and len(rest) > 1:
        to = _date(rest[1])
    elif rest:
        m = re.fullmatch(r"(\d{8})-(\d{8})", rest[0])
        if m:
            frm, to = m.groups()
            if to < frm:  # the dictionary writes open ranges with an earlier dummy end
                to = ""
    if frm and frm >= "21000101":  # placeholder ranges that never start
        return None
    return code + (f"@{frm}-{to}" if frm or to else "")


def up_variants(lemma: str) -> list[str]:
    """Surface forms for a lemmatised UP phrase: وزارة_دفاع_أميركي -> وزارة الدفاع الأميركية ..."""
    toks = [t for t in re.split(r"[_\s]+", normalize(lemma)) if t]
    if not toks or any(len(t) == 1 for t in toks) or not all(re.fullmatch("[\u0621-\u064a]+", t) for t in toks):
        return []
    firsts = [toks[0]] + ([("ال" + toks[0])] if not toks[0].startswith("ال") and len(toks[0]) > 2 else [])
    rests = [toks[1:]]
    if len(toks) > 1:
        definite = [t if t.startswith("ال") or t in PARTICLES else "ال" + t for t in toks[1:]]
        rests.append(definite)
        for r in list(rests):  # feminine agreement of nisba adjectives (الأميركي -> الأميركية)
            fem = [t + "ه" if t.endswith("ي") and len(t) > 3 and t not in PARTICLES else t for t in r]
            if fem != r:
                rests.append(fem)
    out: list[str] = []
    for f in firsts:
        for r in rests:
            for v in variants(" ".join([f] + r)):
                if v not in out:
                    out.append(v)
    return out


def _place_forms(word: str, isos: set[str]) -> list[str]:
    """The forms of a one-word UP entry (عراق, العراق) that the gazetteer knows as a strong
    name of a place in the entry's country; nisba adjectives (أميركي) are left to the
    resolver, which composes them with a role or reads a plural alone."""
    from marsad.geo.gazetteer import gazetteer

    if nisba_country(word):
        return []
    return [w for w in dict.fromkeys((word, "ال" + word))
            if any(c.entry.country in isos and not c.weak for c in gazetteer().lookup(w))]


def read_up_actors(path: Path, isos: set[str]) -> list[list[str]]:
    entries: dict[str, list[str]] = {}  # lemma -> codes, in file order
    order: list[str] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        s = line.strip()
        if not s.startswith("["):
            lemma = s.split("[", 1)[0].strip().lstrip("+").strip()
            if lemma not in entries:
                entries[lemma] = []
                order.append(lemma)
            current = entries[lemma]
        for raw in _CODE_RE.findall(s):
            c = parse_code(raw, isos)
            if c and c not in current:
                current.append(c)
    rows = []
    for lemma in order:
        codes = entries[lemma]
        phrases = up_variants(lemma)
        if not codes or not phrases:
            continue
        toks = [t for t in re.split(r"[_\s]+", normalize(lemma)) if t]
        if len(toks) == 1 and any(len(c.split("@")[0]) > 3 for c in codes):
            continue  # a bare surname or role noun (عباس, محامي): too ambiguous without context
        if len(toks) == 1:
            # only the forms that name a place: not common words the dictionary codes as
            # places (مدينة -> SAU, صور -> LBN) nor an article the name never takes (السيول)
            phrases = [p for p in phrases if p in _place_forms(toks[0], {c[:3] for c in codes})]
            if not phrases:
                continue
        if toks[0] in CONTESTED:
            continue
        if len(toks) > 1 and nisba_country(toks[-1]) and all(c[:3] == nisba_country(toks[-1]) for c in codes):
            continue  # role + nisba (رئيس سوداني): the resolver composes these, with an English gloss
        ar = " ".join(t for t in lemma.replace("_", " ").split())
        rows.append(["U", "", ar, "", " ".join(codes), "|".join(phrases), "universalpetrarch_ar"])
    return rows


# ---- UniversalPetrarch agents ----------------------------------------------------------
_AGENT_RE = re.compile(r"^(?P<en>[^\[\u0600-\u06ff]*?)\s*(?:\{[^}]*\})?\s*\[~(?P<code>[A-Z]+)\]\s*(?:#[^\u0600-\u06ff]*)?(?P<ar>.*)$")


def read_up_agents(path: Path) -> list[list[str]]:
    rows = []
    seen = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _AGENT_RE.match(line.strip())
        if not m or not m.group("ar").strip():
            continue
        code = m.group("code")
        if len(code) % 3 or code[:3] not in SECTORS:
            continue
        ar = re.sub(r"[\u200e\u200f\u202a-\u202e?؟]", "", m.group("ar")).strip()
        toks = phrase_tokens(ar)
        if not toks or len(toks) > 5 or not all(re.fullmatch("[\u0621-\u064a]+", t) for t in toks):
            continue
        en = m.group("en").replace("!MINIST!", "ministry").replace("!PERSON!", "person")
        en = re.sub(r"[_\s]+", " ", en).strip().lower()
        en = re.sub(r"\bminist\b", "ministry", en)
        key = " ".join(toks)
        if key in seen:
            continue
        seen.add(key)
        rows.append(["A", "ROLE", ar, en, "---" + code, "|".join(variants(ar)), "universalpetrarch_ar agents"])
    return rows


# ---- Phoenix country names -------------------------------------------------------------
def read_phoenix_countries(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    head = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        s = line.split("#", 1)[0].rstrip()
        if not s.strip():
            continue
        if not s[0].isspace() and not s.startswith("+") and not s.startswith("["):
            head = s.split("[", 1)[0].strip().strip("_")
        for raw in _CODE_RE.findall(s):
            code = raw.split()[0] if raw.split() else ""
            if head and re.fullmatch("[A-Z]{3}", code) and code not in NON_STATE and code not in names:
                names[code] = head.replace("_", " ").title()
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(RES / "actors.tsv.gz"))
    a = ap.parse_args()
    data = Path(a.shared) / "data" / "actors"
    countries = read_phoenix_countries(data / "phoenix_en" / "Phoenix.Countries.actors.txt")
    # Phoenix also lists a test country (KNT Kinakuta): keep ISO codes the gazetteer knows and
    # former states (ISO 3166-3) that news history still names
    from marsad.geo.gazetteer import gazetteer
    known = set(gazetteer().by_country) | {"SUN", "CSK", "DDR", "SCG", "YUG"}
    countries = {k: v for k, v in countries.items() if k in known}
    curated = read_curated(RES / "actors_curated.tsv")
    # the curated English name of a country (its first GPE row) wins over Phoenix's heading
    named: set[str] = set()
    for _, typ, _, en, codes, _, _ in curated:
        if typ == "GPE" and re.fullmatch("[A-Z]{3}", codes) and codes not in named:
            countries[codes] = en
            named.add(codes)
    isos = set(countries) | {"PSE", "SSD", "SUN"}
    up = read_up_actors(data / "universalpetrarch_ar" / "actor_dict_ar_v4.txt", isos)
    agents = read_up_agents(data / "universalpetrarch_ar" / "agents.all.ar.txt")
    rows = [["K", "", "", name, iso, "", "phoenix_en"] for iso, name in sorted(countries.items())]
    rows += curated + up + agents
    lines = ["\t".join(r) for r in rows]
    with gzip.GzipFile(a.out, "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    n_phr = sum(len(r[5].split("|")) for r in rows if r[5])
    print(f"wrote {a.out}: {sum(r[0] in 'CRQ' for r in curated)} curated rows, {len(up)} UP actors, {len(agents)} UP agents, "
          f"{len(countries)} country names, {n_phr} phrases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
