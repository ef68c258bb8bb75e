#!/usr/bin/env python3
"""Spark local[2] against one process on the same ANT articles.

    python bench/spark_vs_local.py [--n 4000]

Both runs include writing results (JSONL for the process, Parquet tables for Spark); Spark's
session start-up is reported separately and excluded from its rate.
"""
import argparse
import gzip
import json
import shutil
import tempfile
import time
from itertools import islice
from pathlib import Path

from common import ANT, machine


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="marsad-bench-"))
    src = tmp / "in.jsonl"
    with gzip.open(ANT, "rt", encoding="utf-8") as f, open(src, "w", encoding="utf-8") as out:
        out.writelines(islice(f, a.n))
    from marsad.ingest.readers import article_from_json, finish
    from marsad.pipeline import analyse
    from marsad.record import dumps
    t0 = time.perf_counter()
    with open(src, encoding="utf-8") as f, open(tmp / "out.jsonl", "w", encoding="utf-8") as out:
        for i, line in enumerate(f):
            d = json.loads(line)
            out.write(dumps(analyse(finish(article_from_json(d, d.get("docno") or str(i))))) + "\n")
    local_s = time.perf_counter() - t0

    from marsad.scale.spark import local_session, run
    t0 = time.perf_counter()
    spark = local_session(a.master)
    spark.sparkContext.parallelize([0], 1).count()  # warm the JVM and a Python worker
    start_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    counts = run(spark, str(src), str(tmp / "spark"), tables=("records", "events"))
    spark_s = time.perf_counter() - t0
    spark.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine: {machine()}")
    print(f"articles {a.n}; spark rows {counts}")
    print(f"one process: {local_s:.1f} s  ({a.n / local_s:.1f} articles/s)")
    print(f"spark {a.master}: {spark_s:.1f} s  ({a.n / spark_s:.1f} articles/s), session start {start_s:.1f} s")
    print(f"speed-up: {local_s / spark_s:.2f}x")


if __name__ == "__main__":
    main()
