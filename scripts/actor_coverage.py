#!/usr/bin/env python3
"""Actor-resolution coverage on gold: the share of gold PER/ORG/GPE entity strings that
`marsad.extract.actors.resolve_actors` gives a code, independent of the NER (each gold
string is located in its article and handed over as an entity).

    python scripts/actor_coverage.py [GOLD.jsonl|DIR ...] [--show 30]
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from marsad.extract.actors import lexicon, resolve_actors  # noqa: E402
from marsad.geo.gazetteer import gazetteer  # noqa: E402
from marsad.pipeline import published_date  # noqa: E402
from marsad.text import analyse_text  # noqa: E402
from marsad.types import Entity, Span  # noqa: E402


def gold_files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for a in args:
        p = Path(a)
        out += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    return out


def _find(doc, s: str) -> int:
    """First occurrence of s that starts and ends on token (or key) boundaries."""
    starts = {t.start for t in doc.tokens} | {t.key_start for t in doc.tokens}
    ends = {t.end for t in doc.tokens}
    i = doc.text.find(s)
    while i >= 0 and not (i in starts and i + len(s) in ends):
        i = doc.text.find(s, i + 1)
    return i if i >= 0 else doc.text.find(s)


def main() -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*", default=[str(Path(__file__).resolve().parents[2] / "shared/eval/dev")])
    ap.add_argument("--show", type=int, default=30)
    a = ap.parse_args()
    lexicon()
    gazetteer()  # loaded once per process: keep it out of the timing
    total, coded, country = Counter(), Counter(), Counter()
    hits, misses = [], []
    elapsed = 0.0
    runs: list = []
    for path in gold_files(a.gold):
        for line in path.open(encoding="utf-8"):
            art = json.loads(line)
            text = art["text"]
            doc = analyse_text(text, published_date(art.get("published")))
            ents = []
            for g in art["gold"]["entities"]:
                if g["type"] not in ("PER", "ORG", "GPE"):
                    continue
                s = g["text"] if isinstance(g["text"], str) else g["text"][0]
                i = _find(doc, s)
                if i < 0:
                    continue
                ents.append(Entity(f"e{len(ents) + 1}", Span(i, i + len(s), s), g["type"]))
            t0 = time.perf_counter()
            resolve_actors(doc, ents)
            elapsed += time.perf_counter() - t0
            runs.append((doc, ents))
            for e in ents:
                total[e.type] += 1
                if e.actor_code:
                    coded[e.type] += 1
                    country[e.type] += not e.actor_code.startswith("---")
                    hits.append((e.type, e.span.text, e.actor_code, (e.canonical or {}).get("en")))
                else:
                    misses.append((e.type, e.span.text))
    n, k = sum(total.values()), sum(coded.values())
    print(f"coverage: {k}/{n} = {k / max(n, 1):.3f}  " + "  ".join(
        f"{t} {coded[t]}/{total[t]} = {coded[t] / max(total[t], 1):.3f}" for t in sorted(total)))
    print(f"with a country or international code (not ---): {sum(country.values())}/{n} = "
          f"{sum(country.values()) / max(n, 1):.3f}")
    t0 = time.perf_counter()
    for doc, ents in runs:  # again, with the per-word caches warm (the steady state of a corpus run)
        resolve_actors(doc, [Entity(e.id, e.span, e.type) for e in ents])
    warm = time.perf_counter() - t0
    print(f"resolve_actors time: {1000 * elapsed / max(len(runs), 1):.2f} ms per article on first "
          f"sight, {1000 * warm / max(len(runs), 1):.2f} ms warm ({len(runs)} articles)")
    print(f"-- examples ({min(a.show, len(hits))} of {len(hits)} coded):")
    for h in hits[: a.show]:
        print("  ", *h, sep="\t")
    print(f"-- not coded ({len(misses)}):")
    for m in misses[: a.show * 3]:
        print("  ", *m, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
