#!/usr/bin/env python3
"""Time per article and memory as the corpus grows (1k to 100k articles), one process.

    python bench/scaling.py [--sizes 1000 10000 100000]

Articles stream from the ANT corpus (cycled past its 31,477 articles), so memory should stay
flat: the figures at each checkpoint are the time per article over the last stretch and the
peak RSS so far.
"""
import argparse
import gzip
import json
import time
from itertools import cycle

from common import ANT, machine, peak_rss_mb


def stream():
    from marsad.errors import InputError
    from marsad.ingest.readers import article_from_json, finish
    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        base = [json.loads(line) for line in f]
    for i, d in enumerate(cycle(base)):
        try:
            yield finish(article_from_json(d, d.get("docno") or str(i)))
        except InputError:
            continue  # an empty article in the corpus: skipped, as `marsad extract` does


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    a = ap.parse_args()
    from marsad.pipeline import analyse
    from marsad.record import dumps
    print(f"machine: {machine()}")
    done, last_n, last_t = 0, 0, time.perf_counter()
    marks = sorted(a.sizes)
    for art in stream():
        dumps(analyse(art))
        done += 1
        if done == marks[0]:
            now = time.perf_counter()
            print(f"{done:>7} articles: {1000 * (now - last_t) / (done - last_n):.2f} ms/article over the last "
                  f"{done - last_n}, peak RSS {peak_rss_mb():.0f} MB", flush=True)
            last_n, last_t = done, now
            marks.pop(0)
            if not marks:
                break


if __name__ == "__main__":
    main()
