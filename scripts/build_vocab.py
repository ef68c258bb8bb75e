#!/usr/bin/env python3
"""Build marsad/resources/vocab.tsv.gz: normalised word frequencies from the ANT news corpus.

Used by the clitic segmenter (a stem is split off only when it is a common word) and as a
word-frequency feature. Deterministic: sorted by frequency then word.

    python scripts/build_vocab.py [--shared ../shared] [--min-count 3]
"""
import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import sys
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from marsad.text.normalize import normalize  # noqa: E402

WORD = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]+")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--min-count", type=int, default=3)
    a = ap.parse_args()
    counts = Counter()
    for name in ("ant_multisource_v2.1.jsonl.gz", "ant_v1.1_jawharafm.jsonl.gz"):
        with gzip.open(Path(a.shared) / "data/news" / name, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                counts.update(WORD.findall(normalize((d.get("title") or "") + " " + (d.get("text") or ""))))
    out = Path(__file__).resolve().parents[1] / "marsad/resources/vocab.tsv.gz"
    items = sorted(((w, n) for w, n in counts.items() if n >= a.min_count), key=lambda x: (-x[1], x[0]))
    with gzip.GzipFile(out, "wb", mtime=0) as g:
        g.write("".join(f"{w}\t{n}\n" for w, n in items).encode("utf-8"))
    print(f"wrote {out} with {len(items)} words")


if __name__ == "__main__":
    main()
