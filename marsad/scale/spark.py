"""The Marsad extractor on Apache Spark: the same `analyse` in every executor.

    from marsad.scale.spark import run
    counts = run(spark, "articles.jsonl.gz", "out/", partitions=8)

Input: JSON Lines (optionally gzipped; one article a line, the fields `marsad extract`
reads) or Parquet (columns `text` and any of id/docno, url, title, outlet/src, published/time).
Output: Parquet tables under OUTPUT, with the columns documented in `marsad.scale.tables`:
`records` (the full JSON record of each article, identical to `marsad extract`), `events`,
`entities`, `quotes`, and `errors` (inputs that could not be read or analysed).

Each executor's Python worker loads the lexicons and models once (module-level caches, and
Spark reuses Python workers), then analyses its partition with mapPartitions.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable, Iterator

log = logging.getLogger(__name__)

TABLES = ("records", "events", "entities", "quotes")


def _analyse_partition(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(kind, payload) pairs: ("ok", record JSON) or ("error", JSON [source, message])."""
    from marsad.errors import InputError
    from marsad.ingest.readers import article_from_json, finish
    from marsad.pipeline import analyse
    from marsad.record import dumps

    for line in lines:
        if not line or not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield "error", json.dumps([line[:80], f"broken JSON ({e.msg})"], ensure_ascii=False)
            continue
        where = str(obj.get("id") or obj.get("docno") or obj.get("url") or "?") if isinstance(obj, dict) else "?"
        try:
            art = finish(article_from_json(obj, where))
            yield "ok", dumps(analyse(art))
        except InputError as e:
            yield "error", json.dumps([where, str(e)], ensure_ascii=False)
        except Exception as e:  # one bad article must not fail the job
            yield "error", json.dumps([where, f"analysis failed ({e.__class__.__name__}: {e})"], ensure_ascii=False)


def _rows(table: str, kinds: Iterable[tuple[str, str]]) -> Iterator[tuple]:
    from marsad.scale.tables import ROWS, SCHEMAS
    cols = [c for c, _ in SCHEMAS[table]]
    for kind, payload in kinds:
        if kind == "ok":
            for row in ROWS[table](json.loads(payload)):
                yield tuple(row[c] for c in cols)


def read_lines(spark, input_path: str, partitions: int | None = None):
    """An RDD of JSON article lines from JSONL(.gz) or Parquet input."""
    p = str(input_path)
    is_parquet = p.endswith(".parquet") or (Path(p).is_dir() and any(Path(p).glob("*.parquet")))
    if is_parquet:
        df = spark.read.parquet(p)
        rdd = df.toJSON()
    else:
        rdd = spark.read.text(p).rdd.map(lambda r: r[0])
    n = partitions or spark.sparkContext.defaultParallelism
    # gzip files arrive as one partition each; spread the work over the executors
    if rdd.getNumPartitions() < n:
        rdd = rdd.repartition(n)
    return rdd


def run(spark, input_path: str, output_path: str, partitions: int | None = None,
        tables: Iterable[str] = TABLES) -> dict[str, int]:
    """Analyse every article of `input_path`; write Parquet tables; return row counts."""
    from pyspark import StorageLevel
    from marsad.scale.tables import spark_schema

    analysed = read_lines(spark, input_path, partitions).mapPartitions(_analyse_partition)
    analysed.persist(StorageLevel.MEMORY_AND_DISK)  # analyse once, derive every table from it
    out = Path(output_path)
    counts: dict[str, int] = {}
    for table in tables:
        df = spark.createDataFrame(analysed.mapPartitions(lambda it, t=table: _rows(t, it)), spark_schema(table))
        df.write.mode("overwrite").parquet(str(out / table))
        counts[table] = spark.read.parquet(str(out / table)).count()
    errors = analysed.filter(lambda kv: kv[0] == "error").map(lambda kv: tuple(json.loads(kv[1])))
    spark.createDataFrame(errors, spark_schema("errors")).write.mode("overwrite").parquet(str(out / "errors"))
    counts["errors"] = spark.read.parquet(str(out / "errors")).count()
    analysed.unpersist()
    return counts


def local_session(master: str = "local[2]", app: str = "marsad", memory: str = "2g"):
    """A SparkSession for local runs and tests (quiet logs, Python workers reused)."""
    import os
    import sys
    from pyspark.sql import SparkSession
    # executors must run the same interpreter (and so the same installed marsad) as the driver
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master(master).appName(app)
             .config("spark.driver.memory", memory)
             .config("spark.python.worker.reuse", "true")
             .config("spark.sql.shuffle.partitions", "8")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark
