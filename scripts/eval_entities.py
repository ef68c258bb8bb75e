#!/usr/bin/env python3
"""Score the entities extractor alone (no actor/geo layers) on gold with the referee scorer.

    .venv/bin/python scripts/eval_entities.py [../shared/eval/dev] [--show 40]

Runs `marsad.extract.entities.extract_entities` on each gold article and scores the result
with `../shared/eval/score.py` (entities and coarse entities), so the number measures the
tagger and its post-pass only, whatever later pipeline stages add.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    scorer = ROOT.parent / "shared" / "eval" / "score.py"
    sys.path.insert(0, str(scorer.parent))
    import score  # type: ignore

    from marsad.extract.entities import extract_entities
    from marsad.text import analyse_text

    gold = score.load(args.gold)
    pred = {}
    for doc_id, g in gold.items():
        ents = extract_entities(analyse_text(g["text"]))
        pred[doc_id] = {"id": doc_id, "text": g["text"], "entities": [
            {"text": e.span.text, "start": e.span.start, "end": e.span.end, "type": e.type} for e in ents]}
    res, notes = score.score(gold, pred, show=args.show)
    for k in ("entities", "entities_coarse"):
        r = res[k]
        print(f"{k:16} P {r['p']:.3f} R {r['r']:.3f} F1 {r['f1']:.3f} ({r['tp']}/{r['pred']}/{r['gold']})")
    for ty, r in res["entities_by_type"].items():
        print(f"  {ty:14} P {r['p']:.3f} R {r['r']:.3f} F1 {r['f1']:.3f} ({r['tp']}/{r['pred']}/{r['gold']})")
    for n in notes:
        if "entity" in n:
            print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
