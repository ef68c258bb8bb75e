"""The `marsad` command. Each subcommand lives in `marsad/commands/<name>.py`, which defines
`register(subparsers)`; this module finds them all, so a new command needs no edit here.

Errors the user can fix (bad input, missing file, unreachable database) are raised as
`marsad.errors.UserError` and printed as one line with a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import marsad.commands
from marsad import __version__
from marsad.errors import UserError

EPILOG = """\
examples:
  marsad demo                                   ingest the bundled sample, serve the dashboard
  marsad extract article.txt --published 2024-08-11
  marsad extract corpus.jsonl.gz -o records.jsonl
  marsad eval ../shared/eval/dev                 score extraction on gold files
  marsad ingest feeds.opml --db sqlite:///marsad.db
  marsad COMMAND --help                          what a command takes
"""


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="marsad",
        description="Marsad (مرصد): Arabic news -> political events, actors, places, dates and "
                    "quotes, every field tied to its span of Arabic text.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"marsad {__version__}")
    ap.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    ap.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(marsad.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"marsad.commands.{mod.name}").register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    level = logging.ERROR if args.quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        ap.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"marsad: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("marsad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
