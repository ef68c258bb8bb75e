#!/usr/bin/env python3
"""Speed of the NER tagger alone (features + crfsuite Viterbi + the name pass), one core.

    .venv/bin/python bench/bench_tagger.py [--articles 1000] [--warmup 1500]

Reads ANT articles (../shared/data/news) and builds their Docs outside the timer. Times
`entities._tag_doc` (features, crfsuite Viterbi, the one-name-one-reading pass) twice: cold,
over the first `--articles` with an empty per-word feature cache, and warm, over `--articles`
later ones after `--warmup` articles in between have filled the cache (the steady state of a
long-running process). Prints tokens per second of CPU time (and of wall time) for both. The process is pinned to one CPU
where the OS allows it; Doc building and the rule post-pass are not timed.
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
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=1500)
    args = ap.parse_args()
    if not ANT.exists():
        sys.exit(f"{ANT} not found")
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    from marsad.extract import entities as E
    from marsad.text import analyse_text

    n = args.articles
    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in islice(f, 2 * n + args.warmup)]
    docs = [analyse_text(r.get("text") or "") for r in recs]
    E._model()  # load the model outside the timer
    cold, warm, timed = docs[:n], docs[n:n + args.warmup], docs[n + args.warmup:]

    def run(ds: list) -> tuple[int, float, float]:
        # CPU time of this process is the cost on one core; wall time is shown beside it
        # because it also counts waiting for a CPU on a busy machine
        c0, t0 = time.process_time(), time.perf_counter()
        for d in ds:
            E._tag_doc(d)
        return sum(len(d.tokens) for d in ds), time.process_time() - c0, time.perf_counter() - t0

    ntok, cpu, wall = run(cold)
    print(f"cold: {ntok} tokens in {len(cold)} articles: {ntok / cpu:,.0f} tokens/s CPU "
          f"({cpu:.2f} s), {ntok / wall:,.0f} tokens/s wall")
    for d in warm:
        E._tag_doc(d)
    ntok, cpu, wall = run(timed)
    print(f"warm: {ntok} tokens in {len(timed)} articles: {ntok / cpu:,.0f} tokens/s CPU "
          f"({cpu:.2f} s), {ntok / wall:,.0f} tokens/s wall (one core, {len(E._model().cache)} word forms cached)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
