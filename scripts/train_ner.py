#!/usr/bin/env python3
"""Train the Arabic NER tagger and rebuild everything it ships.

    .venv/bin/python scripts/build_word_clusters.py      # marsad/resources/ner_clusters.tsv.gz
    .venv/bin/python scripts/build_word_clusters.py --keys   # ner_key_clusters.tsv.gz
    .venv/bin/python scripts/train_ner.py                # ner_gazetteer.tsv.gz + ner_model.crfsuite
    .venv/bin/python scripts/train_ner.py --eval         # held-out F1 (ANERcorp scheme), no shipping

Data (../shared/data/ner) and how its labels are mapped onto the tagger's four types
PER ORG LOC MISC (LOC = every place; GPE/LOC/FAC are told apart after tagging):

- ANERcorp train (surface tokens, clitics attached, like `doc.tokens`):
  PERS->PER, ORG->ORG, LOC->LOC, MISC->MISC.
- NewsFANE Gold train: mostly the same sentences as ANERcorp re-annotated with ~44 fine types
  and split clitics. Sentences whose text is also in ANERcorp are dropped (they would count
  twice, under two conventions); the rest get their clitics re-attached (و ف ب ل ك before a
  word, pronoun suffixes after it) so tokens look like surface tokens. Person types
  (Politician, Athlete, Artist, Other_PER, Religious_PER, Scientist, Businessperson, Lawyer,
  Engineer, Police) -> PER; Government, Non-Governmental, Sports, Media, Commercial,
  Educational, Religious_ORG, Medical-Science, Entertainment -> ORG; Nation,
  Population-Center, State-or-Province, County-or-District, GPE-Cluster, Continent,
  Water-Body, Land, Land-Region-Natural, Path, Building-Grounds, Airport, Subarea-Facility
  -> LOC; Book, Movie, Software, Hardware, Air, Projectile, Shooting, Food, Drug, Plant,
  Water -> MISC; Group (nationality and religious groups: العرب، الشيعة) -> O, because the
  annotation guidelines do not annotate nationality words.
- Wojood sample train + val, only with `--wojood` (an ablation: it costs 1.1 points of
  held-out F1, its conventions differ from ANERcorp's, and its data terms are unclear;
  the test file is largely dialect and is always left out):
  nested labels are flattened by keeping, at each place, the outermost span of a kept type:
  PERS->PER, ORG->ORG, GPE/LOC/FAC->LOC, EVENT/PRODUCT/LAW/LANGUAGE/CURR->MISC, all else
  (NORP, OCC, DATE, ...) -> O. Wojood tags a country acting as a government as ORG; a
  one-word ORG that is a country in the gazetteer is mapped to LOC (the guidelines: GPE).

Features (`entities.word_features` per word form, plus `entities.document_marks`): the
corpora keep articles' sentences in order, so each is cut into pseudo-documents of 50
consecutive sentences, over which the document-level marks (a word seen after a title or an
organisation head noun elsewhere in the document) are computed, as at tagging time.

Held-out split for `--eval` (deterministic): ANERcorp is cut into consecutive blocks of 50
sentences (so one article rarely falls on both sides); every 6th block (index % 6 == 5) is
held out, one sixth of ANERcorp. The model is trained on the other 5/6 plus the NewsFANE
sentences above (none of which repeat an ANERcorp sentence) and scored by exact-span
entity F1 in the ANERcorp scheme (PERS LOC ORG MISC).

Gazetteer (`ner_gazetteer.tsv.gz`, name<TAB>type, normalised): a short curated list of
well-known organisations (ORGK, see KNOWN_ORGS) and the project's curated actors
(`marsad/resources/actors_curated.tsv`: PER -> PERK, ORG -> ORGK, GPE -> GPE, names and
aliases; aliases that start with a title are skipped); ANERGazet persons (PER),
organisations (ORG), locations (LOC); country names from mledoze/countries, states from
dr5hn, Iraqi provinces and districts, and GeoNames MENA places (GPE for countries, states
and places of 50,000 people or more, GPE2 for smaller places; CTRY marks country names,
from which nationality adjectives are recognised: السوري <- سوريا).

Training is crfsuite L-BFGS with fixed parameters, stopped at 80 iterations (early stopping
regularises: 200 iterations scored 1.2 points lower held-out, 60-80 about the same):
deterministic for the same inputs.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.extract import entities as E  # noqa: E402
from marsad.text.normalize import normalize  # noqa: E402

RES = ROOT / "marsad" / "resources"
Sent = tuple[list[str], list[str]]  # tokens, BIO tags

FANE = {
    **dict.fromkeys("Politician Athlete Artist Other_PER Religious_PER Scientist Businessperson Lawyer "
                    "Engineer Police".split(), "PER"),
    **dict.fromkeys("Government Non-Governmental Sports Media Commercial Educational Religious_ORG "
                    "Medical-Science Entertainment".split(), "ORG"),
    **dict.fromkeys("Nation Population-Center State-or-Province County-or-District GPE-Cluster Continent "
                    "Water-Body Land Land-Region-Natural Path Building-Grounds Airport Subarea-Facility".split(), "LOC"),
    **dict.fromkeys("Book Movie Software Hardware Air Projectile Shooting Food Drug Plant Water".split(), "MISC"),
}
ANER = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
WOJOOD = {"PERS": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
          "EVENT": "MISC", "PRODUCT": "MISC", "LAW": "MISC", "LANGUAGE": "MISC", "CURR": "MISC"}
PROCLITICS = {"و", "ف", "ب", "ل", "ك"}
SUFFIXES = {"ه", "ها", "هم", "هما", "هن", "كم", "كن", "نا", "ني", "ي"}


def read_conll(path: Path) -> list[list[list[str]]]:
    sents: list[list[list[str]]] = []
    cur: list[list[str]] = []
    for line in path.open(encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        cur.append(line.split("\t") if "\t" in line else line.split())
    if cur:
        sents.append(cur)
    return sents


def remap(tag: str, table: dict[str, str]) -> str:
    if tag == "O" or len(tag) < 3:
        return "O"
    ty = table.get(tag[2:])
    return f"{tag[:2]}{ty}" if ty else "O"


def fix_bio(tags: list[str]) -> list[str]:
    """I-X after O or another type becomes B-X, so every corpus is well-formed BIO."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def text_key(tokens: list[str]) -> str:
    return normalize("".join(tokens))


def load_anercorp(ner: Path) -> list[Sent]:
    out = []
    for s in read_conll(ner / "anercorp_train.conll"):
        out.append(([r[0] for r in s], fix_bio([remap(r[-1], ANER) for r in s])))
    return out


def reattach(tokens: list[str], tags: list[str]) -> Sent:
    """Undo NewsFANE's clitic segmentation: و + الصادرات -> والصادرات, حكومت + ها -> حكومتها."""
    toks: list[str] = []
    out: list[str] = []
    pending = ""
    for w, t in zip(tokens, tags):
        if w in PROCLITICS:
            pending += w
            continue
        if w in SUFFIXES and toks and not pending and "\u0621" <= toks[-1][-1] <= "\u064a":
            toks[-1] += w
            continue
        if pending:
            if pending.endswith("ل") and w.startswith("ال"):
                w = pending + w[1:]  # ل + الشرطة -> للشرطة
            else:
                w = pending + w
            pending = ""
        toks.append(w)
        out.append(t)
    if pending:
        toks.append(pending)
        out.append("O")
    return toks, fix_bio(out)


def load_newsfane(ner: Path, seen: set[str]) -> list[Sent]:
    out = []
    for s in read_conll(ner / "newsfane_train.conll"):
        toks = [r[0] for r in s]
        k = text_key(toks)
        if k in seen or k[:30] in seen:
            continue
        out.append(reattach(toks, [remap(r[-1], FANE) for r in s]))
    return out


def load_wojood(ner: Path, countries: set[str]) -> list[Sent]:
    out = []
    for name in ("train.txt", "val.txt"):
        for s in read_conll(ner / "wojood_sample" / name):
            s = [r for r in s if r[0] != "$#$"]
            if not s:
                continue
            toks = [r[0] for r in s]
            spans: list[tuple[int, int, int, str]] = []  # (first, last, column, type)
            ncol = max(len(r) for r in s)
            for col in range(1, ncol):
                tags = fix_bio([r[col] if col < len(r) and r[col] != "O" else "O" for r in s])
                for f, l, ty in E.bio_spans(tags):
                    mt = WOJOOD.get(ty)
                    if mt:
                        if mt == "ORG" and l - f == 1 and E.word_form(toks[f]) in countries:
                            mt = "LOC"
                        spans.append((f, l, col, mt))
            tags = ["O"] * len(toks)
            spans.sort(key=lambda x: (x[2], -(x[1] - x[0]), x[0]))  # outer column first
            for f, l, _, ty in spans:
                if all(t == "O" for t in tags[f:l]):
                    tags[f] = "B-" + ty
                    for j in range(f + 1, l):
                        tags[j] = "I-" + ty
            out.append((toks, tags))
    return out


# -- gazetteer --------------------------------------------------------------------------
# Curated, general: organisations that Arabic news names constantly and whose names are
# not guessable from their shape (agencies, networks, platforms, alliances, armed groups).
# Separated by Arabic commas. Ambiguous common words (القاعده "the base", الجزيره) are left out.
KNOWN_ORGS = """
رويترز، فرانس برس، وكاله فرانس برس، اسوشيتد برس، اسوشييتد برس، بي بي سي، بي بي سي عربي،
سي ان ان، سكاي نيوز، سكاي نيوز عربيه، فرانس 24، واس، سانا، سونا، ارنا، وكاله الاناضول، الاناضول،
نيويورك تايمز، واشنطن بوست، الغارديان، التايمز، وول ستريت جورنال، الفايننشال تايمز،
تويتر، فيسبوك، فيس بوك، يوتيوب، انستغرام، انستجرام، تلغرام، تيليغرام، واتساب، غوغل، جوجل، مايكروسوفت،
الامم المتحده، مجلس الامن، مجلس الامن الدولي، حلف شمال الاطلسي، حلف الناتو، الناتو، الاتحاد الاوروبي،
الاتحاد الافريقي، جامعه الدول العربيه، الجامعه العربيه، منظمه التعاون الاسلامي، مجلس التعاون الخليجي،
صندوق النقد الدولي، البنك الدولي، منظمه الصحه العالميه، اليونيسف، يونيسف، يونيسيف، اليونسكو،
منظمه العفو الدوليه، هيومن رايتس ووتش، الصليب الاحمر، اللجنه الدوليه للصليب الاحمر، اوبك،
المحكمه الجنائيه الدوليه، الوكاله الدوليه للطاقه الذريه، منظمه حظر الاسلحه الكيميائيه،
داعش، تنظيم داعش، حزب الله، حماس، حركه حماس، الجهاد الاسلامي، حركه الجهاد الاسلامي، طالبان،
حركه طالبان، جبهه النصره، هيئه تحرير الشام، الحوثيين، الحوثيون، جماعه الحوثي، انصار الله،
الاخوان المسلمين، جماعه الاخوان المسلمين، الاخوان المسلمون، قوات سوريا الديمقراطيه، قسد،
وحدات حمايه الشعب، حزب العمال الكردستاني، الحشد الشعبي، حركه فتح، الحرس الثوري، الحرس الثوري الايراني،
البيت الابيض، الكرملين، البنتاغون، الكونغرس، الكنيست، الاليزيه، المرصد السوري لحقوق الانسان،
التحالف الدولي، التحالف العربي، الجيش السوري الحر، الجيش الحر
"""


def build_gazetteer(shared: Path) -> dict[str, str]:
    """name -> types (GPE, ORG, LOC, PER; GPE2 for small places only when not GPE)."""
    gaz: dict[str, set[str]] = {}

    def add(name: str, ty: str) -> None:
        n = " ".join(E.word_form(w).lower() for w in normalize(name).split())
        if len(n.replace(" ", "")) >= 2 and any("\u0621" <= c <= "\u064a" for c in n):
            if ty != "GPE2" or "GPE" not in gaz.get(n, ()):
                gaz.setdefault(n, set()).add(ty)

    g = shared / "data" / "gazetteer"
    for c in json.load((g / "countries_mledoze.json").open(encoding="utf-8")):
        ar = c.get("translations", {}).get("ara", {})
        for k in ("common", "official"):
            if ar.get(k):
                add(ar[k], "GPE")
                add(ar[k], "CTRY")  # countries: the bases of nationality adjectives
    for line in list((g / "arab_region_gazetteer.tsv").open(encoding="utf-8"))[1:]:
        f = line.rstrip("\n").split("\t")
        if len(f) > 7:
            add(f[6], "GPE")
    iraq = json.load((g / "iraq_admin_names.json").open(encoding="utf-8"))
    for p in iraq.get("provinces", []):
        add(p.get("arbName", ""), "GPE")
        for d in p.get("districts", []):
            add(d.get("arbName", ""), "GPE")
    small: list[str] = []
    for line in list((g / "cities500_mena.tsv").open(encoding="utf-8"))[1:]:
        f = line.rstrip("\n").split("\t")
        if len(f) < 8 or not f[7]:
            continue
        big = f[6].isdigit() and int(f[6]) >= 50000
        for nm in f[7].split("|"):
            (add(nm, "GPE") if big else small.append(nm))
    ner = shared / "data" / "ner" / "anergazet"
    for fname, ty in (("ANERGazet_Org.txt", "ORG"), ("ANERGazet_Loc.txt", "LOC"), ("ANERGazet_Pers.txt", "PER")):
        for line in (ner / fname).open(encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("="):
                add(line, ty)
    for nm in small:
        add(nm, "GPE2")
    for nm in KNOWN_ORGS.split("،"):
        if nm.strip():
            add(nm.strip(), "ORGK")
    # the project's hand-curated actors (names and aliases of leaders, bodies, groups)
    curated = RES / "actors_curated.tsv"
    if curated.exists():
        for line in curated.open(encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(f) < 3 or f[0] not in ("PER", "ORG", "GPE"):
                continue
            ty = {"PER": "PERK", "ORG": "ORGK", "GPE": "GPE"}[f[0]]
            for nm in [f[1]] + f[2].split("|"):
                nm = nm.strip()
                if nm and not (ty == "PERK" and normalize(nm.split()[0]) in E._TITLES):
                    add(nm, ty)
    return gaz


def write_gazetteer(gaz: dict[str, set[str]], path: Path) -> None:
    # no name and no time in the gzip header: the bytes depend on the content only
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write("".join(f"{k}\t{v}\n" for k in sorted(gaz) for v in sorted(gaz[k])).encode("utf-8"))


# -- training and scoring ---------------------------------------------------------------
DOC = 50  # sentences per pseudo-document: the corpora keep articles' sentences in order


def documents(sents: list[Sent]) -> list[list[Sent]]:
    """Runs of DOC consecutive sentences, the documents the tagger's document-level marks
    (`entities.document_marks`) are computed over, in training and in `score` alike."""
    return [sents[i:i + DOC] for i in range(0, len(sents), DOC)]


def train(corpora: list[list[Sent]], out: Path, iterations: int, c1: float = 0.2, c2: float = 0.01,
          algorithm: str = "lbfgs") -> None:
    import pycrfsuite

    tr = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    for sents in corpora:  # each corpus cut into documents on its own
        for doc in documents(sents):
            items = E.document_items([[E.word_form(t) for t in toks] for toks, _ in doc])
            for its, (_, tags) in zip(items, doc):
                tr.append(its, tags)
    params: dict = {"max_iterations": iterations, "feature.possible_transitions": True}
    if algorithm == "lbfgs":
        params.update({"c1": c1, "c2": c2})
    tr.set_params(params)
    tr.train(str(out))


def score(model: Path, sents: list[Sent]) -> dict[str, tuple[float, float, float, int]]:
    E._models.clear()
    tp: Counter = Counter()
    np_: Counter = Counter()
    ng: Counter = Counter()
    # the held-out blocks are runs of 50 consecutive sentences: each is tagged as a document
    docs = documents(sents)
    preds = [p for d in docs for p in E.tag_document([t for t, _ in d], model=model)]
    for (toks, gold), pred in zip(sents, preds):
        gs = set(E.bio_spans(gold))
        ps = set(E.bio_spans(pred))
        for x in gs:
            ng[x[2]] += 1
        for x in ps:
            np_[x[2]] += 1
        for x in gs & ps:
            tp[x[2]] += 1
    res = {}
    for ty in ("PER", "LOC", "ORG", "MISC", "ALL"):
        t = sum(tp.values()) if ty == "ALL" else tp[ty]
        p_ = sum(np_.values()) if ty == "ALL" else np_[ty]
        g_ = sum(ng.values()) if ty == "ALL" else ng[ty]
        p = t / p_ if p_ else 0.0
        r = t / g_ if g_ else 0.0
        res[ty] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, g_)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description="Train the NER tagger (see module doc).")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--eval", action="store_true", help="train on 5/6, print held-out F1; ship nothing")
    ap.add_argument("--iterations", type=int, default=80,
                    help="L-BFGS iterations; stopping early regularises (see the module doc)")
    ap.add_argument("--c1", type=float, default=0.2, help="L1 penalty")
    ap.add_argument("--c2", type=float, default=0.01, help="L2 penalty")
    ap.add_argument("--block", type=int, default=50, help="held-out split: blocks of this many sentences")
    ap.add_argument("--algorithm", default="lbfgs", help="crfsuite training algorithm")
    ap.add_argument("--no-extra", action="store_true", help="ANERcorp only (ablation)")
    ap.add_argument("--wojood", action="store_true",
                    help="also train on the Wojood sample (ablation: -1.1 F1 held-out, its conventions differ)")
    ap.add_argument("--model-out", type=Path, default=None)
    args = ap.parse_args()
    ner = args.shared / "data" / "ner"

    gaz = build_gazetteer(args.shared)
    gpath = RES / E.GAZETTEER
    if not args.eval or not gpath.exists():  # --eval leaves shipped files alone
        write_gazetteer(gaz, gpath)
        E.lexicons.cache_clear()
        E.word_features.cache_clear()
        print(f"gazetteer: {len(gaz)} names -> {gpath}", file=sys.stderr)

    aner = load_anercorp(ner)
    seen = set()
    for toks, _ in aner:
        k = text_key(toks)
        seen.add(k)
        seen.add(k[:30])
    countries = {k for k, v in gaz.items() if "GPE" in v}
    extra = [] if args.no_extra else load_newsfane(ner, seen)
    if args.wojood:
        extra += load_wojood(ner, countries)
    print(f"ANERcorp {len(aner)} sentences, extra {len(extra)} sentences "
          f"({sum(len(t) for t, _ in extra)} tokens)", file=sys.stderr)

    t0 = time.time()
    if args.eval:
        held = [s for i, s in enumerate(aner) if (i // args.block) % 6 == 5]
        rest = [s for i, s in enumerate(aner) if (i // args.block) % 6 != 5]
        out = args.model_out or Path("/tmp") / "marsad_ner_eval.crfsuite"
        train([rest, extra], out, args.iterations, args.c1, args.c2, args.algorithm)
        res = score(out, held)
        print(f"held-out: {len(held)} ANERcorp sentences, {sum(len(t) for t, _ in held)} tokens; "
              f"trained in {time.time() - t0:.0f}s")
        names = {"PER": "PERS", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC", "ALL": "overall"}
        for ty, (p, r, f, g) in res.items():
            print(f"{names[ty]:8} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (gold {g})")
        return 0
    out = args.model_out or RES / E.MODEL
    train([aner, extra], out, args.iterations, args.c1, args.c2, args.algorithm)
    print(f"model -> {out} ({out.stat().st_size} bytes) in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
