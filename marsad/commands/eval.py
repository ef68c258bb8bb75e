"""marsad eval: run extraction over gold files and score it (the referee's metrics)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from marsad.errors import UserError

HELP = """\
Analyse the articles of gold files (ANNOTATION.md format: article fields plus `gold`) and
print entity, time, quote and event scores, computed exactly as the project's referee scorer
computes them (../shared/eval/score.py).

examples:
  marsad eval ../shared/eval/dev
  marsad eval ../shared/eval/dev/seed.jsonl --show 40
  marsad eval ../shared/eval/dev --json --save-pred pred.jsonl
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score extraction on gold files", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("gold", nargs="+", metavar="GOLD", help="gold .jsonl files or folders of them")
    p.add_argument("--show", type=int, default=0, metavar="N", help="print up to N misses")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    p.add_argument("--save-pred", metavar="FILE", help="also write the predicted records here")
    p.set_defaults(func=run)


def load_gold(paths: list[str]) -> dict[str, dict]:
    gold: dict[str, dict] = {}
    for inp in paths:
        p = Path(inp)
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        if not files or not all(f.exists() for f in files):
            raise UserError(f"{inp}: no gold .jsonl file there")
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise UserError(f"{f}:{n}: not JSON ({e.msg})") from None
                    if not isinstance(rec, dict) or "gold" not in rec or "text" not in rec:
                        raise UserError(f"{f}:{n}: not a gold record (needs 'text' and 'gold')")
                    gold[str(rec.get("id"))] = rec
    return gold


def run(args) -> int:
    from marsad.eval.scorer import format_report, score
    from marsad.ingest.readers import article_from_json
    from marsad.pipeline import analyse
    from marsad.record import to_json

    gold = load_gold(args.gold)
    pred = {}
    for doc_id, g in gold.items():
        art = article_from_json(g, doc_id)
        art.id = doc_id
        pred[doc_id] = to_json(analyse(art))
    if args.save_pred:
        with open(args.save_pred, "w", encoding="utf-8") as f:
            for rec in pred.values():
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    res, notes = score(gold, pred, args.show)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        for line in format_report(res):
            print(line)
    for n in notes:
        print(n)
    sys.stdout.flush()
    return 0
