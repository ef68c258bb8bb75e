#!/usr/bin/env python3
"""Single-core throughput of the default pipeline on ANT articles.

    python bench/throughput.py [--n 5000]

Prints articles/s, MB/s, tokens/s, the per-stage breakdown and peak memory (max RSS).
Resources are loaded (and timed) before the clock starts, as in a long-running process.
"""
import argparse
import os
import time

from common import ant_articles, machine, peak_rss_mb


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from marsad.pipeline import analyse
    from marsad.record import dumps
    from marsad.text import analyse_text
    from marsad.types import Article

    arts = ant_articles(a.n)
    t = time.perf_counter()
    dumps(analyse(Article(text="قال الوزير إن الجيش قصف مواقع في بغداد أمس.", published="2024-08-11", id="w")))
    load_s = time.perf_counter() - t
    timings: dict = {}
    chars = sum(len(x.text) for x in arts)
    mb = sum(len(x.text.encode("utf-8")) for x in arts) / 1e6
    tokens = events = 0
    t0 = time.perf_counter()
    for art in arts:
        rec = analyse(art, timings)
        t1 = time.perf_counter()
        dumps(rec)
        timings["serialise"] = timings.get("serialise", 0.0) + time.perf_counter() - t1
        events += len(rec.events)
    dt = time.perf_counter() - t0
    tokens = sum(len(analyse_text(x.text).tokens) for x in arts[:500]) * len(arts) / min(len(arts), 500)
    print(f"machine: {machine()}")
    print(f"articles {len(arts)}  chars {chars}  MB {mb:.1f}  ~tokens {tokens:.0f}  events {events}")
    print(f"resource load (once per process): {load_s:.2f} s")
    print(f"throughput: {len(arts) / dt:.1f} articles/s  {mb / dt:.2f} MB/s  {tokens / dt:.0f} tokens/s  ({dt:.1f} s)")
    print("per-stage (ms/article):  " + "  ".join(f"{k} {1000 * v / len(arts):.2f}" for k, v in timings.items()))
    print(f"peak memory (max RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
