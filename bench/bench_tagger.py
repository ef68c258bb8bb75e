#!/usr/bin/env python3
"""Speed of the NER tagger alone (features + crfsuite Viterbi + the name pass), one core.

    .venv/bin/python bench/bench_tagger.py [--articles 600] [--warmup 100]

Reads ANT articles (../shared/data/news), builds their Docs outside the timer, warms the
per-word feature cache on `--warmup` other articles (as a long-running process would be),
then times `entities._tag_doc` over the rest and prints tokens per second. The process is
pinned to one CPU where the OS allows it. Post-pass rules and Doc building are not timed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ANT = REPO.parent / "shared" / "data" / "news" / "ant_multisource_v2.1.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--warmup", type=int, default=100)
    args = ap.parse_args()
    if not ANT.exists():
        sys.exit(f"{ANT} not found")
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    from marsad.extract import entities as E
    from marsad.text import analyse_text

    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in islice(f, args.warmup + args.articles)]
    docs = [analyse_text(r.get("text") or "") for r in recs]
    warm, timed = docs[: args.warmup], docs[args.warmup:]
    for d in warm:
        E._tag_doc(d)
    ntok = sum(len(d.tokens) for d in timed)
    t0 = time.perf_counter()
    for d in timed:
        E._tag_doc(d)
    dt = time.perf_counter() - t0
    print(f"tagger: {ntok} tokens in {len(timed)} articles, {dt:.2f} s -> {ntok / dt:,.0f} tokens/s (one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
