"""marsad extract: articles in, one JSON record per article out (SCHEMA.md)."""
from __future__ import annotations

import argparse
import logging
import sys
import time

from marsad.errors import InputError, UserError

log = logging.getLogger("marsad.extract")

HELP = """\
Read articles and write one JSON record a line (the shape of SCHEMA.md): entities with
canonical actors, dates, quotes with speakers, PLOVER events with arguments, places.

inputs: .txt (one article), .html/.htm, .jsonl/.jsonl.gz (one article a line: `text`
required; `id`, `url`, `title`, `outlet`/`src`, `published`/`time` optional), RSS/Atom
(.rss/.xml), .warc(.gz), folders of these, feed URLs, and '-' for standard input.

Bad inputs (unreadable file, unknown format, broken JSON line, empty article) are reported
one line each on stderr; good articles in the same run are still written. Exit status is 0
when every input was read and analysed, 1 when some were not.

examples:
  marsad extract article.txt --published 2024-08-11
  marsad extract ../shared/eval/dev/*.jsonl -o pred.jsonl
  cat page.html | marsad extract - --published 2024-08-11
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="analyse articles into JSON records", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files, folders, URLs, or - (default: -)")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for articles that carry none (anchors relative dates)")
    p.add_argument("-o", "--output", metavar="FILE", help="write records here (default: standard output)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when writing to a file from a terminal)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow fetching URLs on private/loopback addresses")
    p.set_defaults(func=run)


def run(args) -> int:
    from marsad.ingest import read_inputs
    from marsad.ingest.dates import parse_published
    from marsad.pipeline import analyse
    from marsad.record import dumps

    if args.published and not parse_published(args.published):
        raise UserError(f"--published {args.published!r}: not a date (expected YYYY-MM-DD)")
    inputs = args.inputs or ["-"]
    if inputs == ["-"] and sys.stdin.isatty():
        raise UserError("no input: give files or folders, or pipe an article into 'marsad extract -'")
    try:
        to_file = args.output not in (None, "-")
        out = open(args.output, "w", encoding="utf-8") if to_file else sys.stdout
    except OSError as e:
        raise UserError(f"{args.output}: cannot write ({e.strerror})") from None
    show = args.progress if args.progress is not None else (to_file and sys.stderr.isatty())
    bar = None
    if show:
        from tqdm import tqdm
        bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)
    ok = failed = 0
    t0 = time.perf_counter()
    try:
        for item in read_inputs(inputs, published=args.published, allow_private=args.allow_private):
            if isinstance(item, InputError):
                failed += 1
                print(f"marsad: {item}", file=sys.stderr)
                continue
            try:
                rec = analyse(item)
            except Exception as e:  # a bug on one article must not lose the others
                failed += 1
                log.debug("analysis failed", exc_info=True)
                print(f"marsad: {item.source or item.id}: analysis failed ({e.__class__.__name__}: {e})",
                      file=sys.stderr)
                continue
            out.write(dumps(rec))
            out.write("\n")
            ok += 1
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    dt = time.perf_counter() - t0
    log.info("%d articles analysed, %d inputs failed, %.1f s (%.1f articles/s)", ok, failed, dt,
             ok / dt if dt else 0.0)
    return 1 if failed else 0
