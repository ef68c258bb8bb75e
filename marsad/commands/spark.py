"""marsad spark: the extractor on Apache Spark over JSONL or Parquet corpora."""
from __future__ import annotations

import argparse
import json
import time

from marsad.errors import UserError

HELP = """\
Run Marsad on Apache Spark: read articles (JSON Lines, gzipped or not, or Parquet), analyse
them in the executors (models loaded once per executor), and write Parquet tables under
OUTPUT: records (full JSON, identical to `marsad extract`), events, entities, quotes, errors.
Column schemas: `python -c "import marsad.scale.tables as t; print(t.__doc__)"`.

Needs the `spark` extra (pip install 'marsad[spark]') and Java 17.

examples:
  marsad spark --input corpus.jsonl.gz --output out/ --master local[4]
  spark-submit ... (or use marsad.scale.spark.run(spark, input, output) from your own job)
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("spark", help="run the extractor on Spark", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, help="JSONL(.gz) file/folder or Parquet")
    p.add_argument("--output", required=True, help="folder for the Parquet tables")
    p.add_argument("--master", default="local[2]", help="Spark master URL (default: local[2])")
    p.add_argument("--partitions", type=int, default=None, help="partitions to analyse in (default: cores)")
    p.add_argument("--driver-memory", default="2g")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        from marsad.scale.spark import local_session, run as spark_run
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError("pyspark is not installed: pip install 'marsad[spark]'") from None
    from pathlib import Path
    if "://" not in args.input and not Path(args.input).exists():
        raise UserError(f"{args.input}: no such file or folder")
    t0 = time.perf_counter()
    spark = local_session(args.master, memory=args.driver_memory)
    try:
        counts = spark_run(spark, args.input, args.output, partitions=args.partitions)
    finally:
        spark.stop()
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(counts))
    return 1 if counts.get("errors") else 0
