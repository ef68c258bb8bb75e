#!/usr/bin/env python3
"""Build marsad/sample/ant_sample.jsonl.gz: ≤ 50 political/security articles from the ANT
corpus v2.1 (Feb–Oct 2018) for `marsad demo` and the tests.

Selection is deterministic (no randomness; ties broken by docno):
1. candidates: Middle East / international news, 600–5000 characters, with at least three
   political or security cue words (attacks, protests, arrests, talks, sanctions ...);
2. stories told by several outlets: same-day candidates from different outlets whose titles
   share enough words are linked; the groups with most outlets come first (up to 6 groups of
   up to 4 articles), so the demo shows one act merged from several sources;
3. the rest is filled with the highest-scoring single articles, round-robin over outlets.

usage: python scripts/build_sample.py [--corpus ../shared/data/news/ant_multisource_v2.1.jsonl.gz]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.ingest.dates import parse_published  # noqa: E402
from marsad.text.normalize import normalize  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "news" / "ant_multisource_v2.1.jsonl.gz"
OUT = ROOT / "marsad" / "sample" / "ant_sample.jsonl.gz"
MAX_ARTICLES = 48
GROUPS, PER_GROUP = 6, 4
OUTLETS = {"alarabia": "Al Arabiya", "BBC": "BBC Arabic", "CNN": "CNN Arabic", "france24": "France 24",
           "skynews": "Sky News Arabia"}
# cue stems, normalised (see marsad.text.normalize); matched as word prefixes after clitics
CUES = [normalize(w) for w in (
    "قصف", "غارة", "غارات", "هجوم", "اشتباك", "تفجير", "انفجار", "مقتل", "قتلى", "جرحى", "اغتيال", "صاروخ",
    "اعتقال", "اعتقل", "احتجاز", "مظاهرة", "مظاهرات", "احتجاج", "اعتصام", "إضراب", "عقوبات", "اتفاق",
    "محادثات", "مفاوضات", "التقى", "استقبل", "زيارة", "قمة", "هدنة", "وقف إطلاق النار", "انسحاب",
    "أدان", "ندد", "اتهم", "طالب", "دعا", "رفض", "هدد", "حذر", "القوات", "الجيش", "الشرطة", "مسلحين",
    "المعارضة", "الحكومة", "الرئيس", "وزير", "البرلمان", "انتخابات")]
_CUE_RE = re.compile(r"(?<![\w])(?:و|ف|ب|ل|ال|وال|بال|لل)?(?:" + "|".join(sorted(map(re.escape, CUES),
                                                                                   key=len, reverse=True)) + ")")
_WORD = re.compile(r"[\u0621-\u064A]{3,}")
_STOP = {normalize(w) for w in ("الذي", "التي", "على", "إلى", "من", "في", "عن", "بعد", "قبل", "خلال", "حول",
                                "بين", "مع", "هذا", "هذه", "ذلك", "تلك", "كان", "كانت", "أن", "إن")}


def score(text: str) -> int:
    return len(_CUE_RE.findall(normalize(text)))


def title_words(title: str) -> set[str]:
    return {w[2:] if w.startswith("ال") and len(w) > 4 else w
            for w in _WORD.findall(normalize(title)) if w not in _STOP}


def load(corpus: Path) -> list[dict]:
    out = []
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = (d.get("text") or "").strip()
            if d.get("cat") not in ("middleEast", "internationalNews") or not 600 <= len(text) <= 5000:
                continue
            published = parse_published(d.get("time"))
            if not published or not published.startswith("2018"):
                continue
            s = score(text)
            if s < 3:
                continue
            out.append({"id": d["docno"], "url": d.get("url"), "outlet": OUTLETS.get(d.get("src"), d.get("src")),
                        "published": published, "title": (d.get("title") or "").strip() or None,
                        "text": d["text"], "_score": s, "_tw": title_words(d.get("title") or "")})
    out.sort(key=lambda a: a["id"])
    # the corpus holds some articles twice (same URL or same text under two docnos): keep the first
    seen: set[str] = set()
    unique = []
    for a in out:
        keys = {a["url"] or a["id"], a["text"].strip()}
        if not keys & seen:
            unique.append(a)
        seen |= keys
    return unique


def story_groups(cands: list[dict]) -> list[list[dict]]:
    by_day: dict[str, list[dict]] = defaultdict(list)
    for a in cands:
        by_day[a["published"]].append(a)
    groups = []
    for day in sorted(by_day):
        arts = by_day[day]
        parent = {a["id"]: a["id"] for a in arts}

        def find(x: str, parent: dict[str, str] = parent) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in combinations(arts, 2):
            if a["outlet"] == b["outlet"] or not a["_tw"] or not b["_tw"]:
                continue
            j = len(a["_tw"] & b["_tw"]) / len(a["_tw"] | b["_tw"])
            if j >= 0.25 and len(a["_tw"] & b["_tw"]) >= 3:
                parent[find(a["id"])] = find(b["id"])
        comp: dict[str, list[dict]] = defaultdict(list)
        for a in arts:
            comp[find(a["id"])].append(a)
        for members in comp.values():
            # one article per outlet: the highest-scoring
            best: dict[str, dict] = {}
            for a in sorted(members, key=lambda a: (-a["_score"], a["id"])):
                best.setdefault(a["outlet"], a)
            if len(best) >= 3:
                groups.append(sorted(best.values(), key=lambda a: (-a["_score"], a["id"]))[:PER_GROUP])
    groups.sort(key=lambda g: (-len(g), -sum(a["_score"] for a in g), g[0]["id"]))
    return groups


def select(cands: list[dict]) -> list[dict]:
    chosen: dict[str, dict] = {}
    used_days: set[str] = set()
    for g in story_groups(cands):
        if len(used_days) >= GROUPS:
            break
        if g[0]["published"] in used_days:  # spread the stories over different days
            continue
        used_days.add(g[0]["published"])
        for a in g:
            chosen[a["id"]] = a
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for a in sorted(cands, key=lambda a: (-a["_score"], a["id"])):
        if a["id"] not in chosen:
            by_outlet[a["outlet"]].append(a)
    outlets = sorted(by_outlet)
    i = 0
    while len(chosen) < MAX_ARTICLES and any(by_outlet.values()):
        lst = by_outlet[outlets[i % len(outlets)]]
        if lst:
            a = lst.pop(0)
            chosen[a["id"]] = a
        i += 1
    return sorted(chosen.values(), key=lambda a: (a["published"], a["id"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"build_sample: corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    arts = select(load(args.corpus))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same selection gives byte-identical output
    with open(args.output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        for a in arts:
            rec = {k: v for k, v in a.items() if not k.startswith("_")}
            gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"build_sample: {len(arts)} articles from {len({a['outlet'] for a in arts})} outlets -> {args.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
