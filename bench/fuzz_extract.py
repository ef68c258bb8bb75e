#!/usr/bin/env python3
"""Coverage-guided fuzzing of the whole extractor with atheris (pip install atheris).

    python bench/fuzz_extract.py -max_total_time=600          # ten minutes
    python bench/fuzz_extract.py corpus_dir/ -runs=100000

Seeds are real Arabic news (dev gold and ANT articles, when ../shared is present); atheris
mutates them at byte level. Each input is decoded as UTF-8 (with replacement), analysed, and
its record checked: the run stops on any exception or any span whose text is not the
substring at its offsets. A clean run prints atheris's summary with no crash.
"""
import gzip
import json
import os
import sys
import tempfile
from itertools import islice
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

with atheris.instrument_imports():
    from marsad.pipeline import analyse
    from marsad.record import check_spans, to_json
    from marsad.types import Article


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    published = ["2024-08-11", None, "2018-02-28"][fdp.ConsumeIntInRange(0, 2)]
    text = fdp.ConsumeBytes(fdp.remaining_bytes()).decode("utf-8", errors="replace")
    rec = to_json(analyse(Article(text=text, published=published, id="fuzz")))
    bad = check_spans(rec)
    if bad:
        raise AssertionError(f"span mismatch: {bad[:3]}")


def seed_corpus() -> str:
    d = Path(tempfile.mkdtemp(prefix="marsad-fuzz-"))
    shared = REPO.parent / "shared"
    texts = []
    for f in sorted((shared / "eval" / "dev").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    ant = shared / "data" / "news" / "ant_multisource_v2.1.jsonl.gz"
    if ant.exists():
        with gzip.open(ant, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"][:3000] for line in islice(f, 200)]
    for i, t in enumerate(texts or ["قال الوزير إن الجيش قصف مواقع في بغداد أمس."]):
        (d / f"seed{i:04d}").write_bytes(b"\x00" + t.encode("utf-8"))
    return str(d)


if __name__ == "__main__":
    args = sys.argv[:]
    if not any(os.path.isdir(a) for a in args[1:]):
        args.append(seed_corpus())
    if not any(a.startswith("-max_len") for a in args):
        args.append("-max_len=20000")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()
