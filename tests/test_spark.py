"""Spark: a real local SparkSession gives the same records as `marsad extract`."""
import gzip
import json
import subprocess
import sys

import pytest

from tests.conftest import shared_path

pytestmark = pytest.mark.slow
pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from marsad.scale.spark import local_session
    s = local_session("local[2]")
    yield s
    s.stop()


def _corpus(tmp_path, n=60):
    lines = []
    with gzip.open(shared_path("data", "news", "ant_multisource_v2.1.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            lines.append(line)
            if len(lines) == n:
                break
    lines.insert(7, "{not json\n")
    p = tmp_path / "in.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as g:
        g.writelines(lines)
    return p


def test_spark_output_equals_marsad_extract(spark, tmp_path):
    from marsad.scale.spark import run
    src = _corpus(tmp_path)
    counts = run(spark, str(src), str(tmp_path / "out"), partitions=4)
    assert counts["records"] == 60 and counts["errors"] == 1
    spark_records = {r["id"]: json.loads(r["record"]) for r in
                     spark.read.parquet(str(tmp_path / "out" / "records")).collect()}
    r = subprocess.run([sys.executable, "-m", "marsad.cli", "extract", str(src)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 1 and "broken JSON" in r.stderr  # the bad line, reported; the rest written
    local = {d["id"]: d for d in map(json.loads, r.stdout.splitlines())}
    assert spark_records == local
    events = spark.read.parquet(str(tmp_path / "out" / "events"))
    assert events.count() == sum(len(d["events"]) for d in local.values())
    assert set(events.columns) >= {"article_id", "type", "mode", "actor", "recipient", "country", "date"}


def test_parquet_input(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from marsad.scale.spark import run
    rows = [json.loads(x) for x in gzip.open(_corpus(tmp_path, 10), "rt", encoding="utf-8") if x.startswith("{\"")]
    pq.write_table(pa.Table.from_pylist([{"docno": r["docno"], "text": r["text"], "time": r["time"]} for r in rows]),
                   tmp_path / "in.parquet")
    counts = run(spark, str(tmp_path / "in.parquet"), str(tmp_path / "out2"))
    assert counts["records"] == 10 and counts["errors"] == 0
