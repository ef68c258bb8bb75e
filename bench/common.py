"""Shared helpers for the benchmark scripts: corpus loading and machine description."""
from __future__ import annotations

import gzip
import json
import os
import platform
import sys
from itertools import cycle, islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ANT = REPO.parent / "shared" / "data" / "news" / "ant_multisource_v2.1.jsonl.gz"


def ant_articles(n: int, path: Path = ANT) -> list:
    """The first n ANT articles as Articles (cycled when n exceeds the corpus)."""
    from marsad.ingest.readers import article_from_json, finish
    if not path.exists():
        sys.exit(f"{path} not found: benchmarks read the ANT corpus from ../shared/data/news")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        base = [json.loads(line) for line in islice(f, min(n, 31_477))]
    return [finish(article_from_json(d, d.get("docno") or str(i))) for i, d in enumerate(islice(cycle(base), n))]


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
