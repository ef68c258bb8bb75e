#!/usr/bin/env python3
"""Where the pipeline spends its time: cProfile over N ANT articles, top functions printed.

    python bench/profile_pipeline.py [--n 500] [--top 40] [--sort tottime|cumulative]
                                     [--stage text|entities|...] [--out prof.pstats]

Resources are loaded before profiling starts (one warm-up article), so the profile shows
the steady state of a long-running process. `--stage` restricts the printout to functions
whose file path contains the given text (e.g. `--stage extract/times`), which is the quick
way to look at one extractor. `--out` saves the raw stats for snakeviz / pstats.
"""
import argparse
import cProfile
import io
import os
import pstats
import time

from common import ant_articles, machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--sort", default="tottime", choices=["tottime", "cumulative", "ncalls"])
    ap.add_argument("--stage", default="", help="only functions whose file path contains this")
    ap.add_argument("--out", help="also write the raw pstats file here")
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as throughput.py
    from marsad.pipeline import analyse
    from marsad.record import dumps
    from marsad.types import Article

    arts = ant_articles(a.n)
    dumps(analyse(Article(text="قال الوزير إن الجيش قصف مواقع في بغداد أمس.", published="2024-08-11", id="w")))
    timings: dict = {}
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for art in arts:
        rec = analyse(art, timings)
        t1 = time.perf_counter()
        dumps(rec)
        timings["serialise"] = timings.get("serialise", 0.0) + time.perf_counter() - t1
    prof.disable()
    dt = time.perf_counter() - t0
    print(f"machine: {machine()}  load average: {os.getloadavg()[0]:.2f}")
    print(f"{len(arts)} articles in {dt:.1f} s under the profiler ({len(arts) / dt:.1f} articles/s; "
          "cProfile inflates call-heavy code, so compare stages, not absolute rates)")
    print("per-stage (ms/article):  " + "  ".join(f"{k} {1000 * v / len(arts):.2f}" for k, v in timings.items()))
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs() if not a.stage else pstats.Stats(prof, stream=buf)
    stats.sort_stats(a.sort)
    if a.stage:
        stats.print_stats(a.stage, a.top)
    else:
        stats.print_stats(a.top)
    print(buf.getvalue())
    if a.out:
        prof.dump_stats(a.out)


if __name__ == "__main__":
    main()
