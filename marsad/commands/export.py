"""marsad export: stored events as PLOVER JSON, ACLED CSV, GDELT TSV, CSV or Parquet."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from marsad.errors import UserError

HELP = """\
Write the events in the database in another dataset's vocabulary. By default one row per
canonical event (one real-world act, with the number of outlets and articles that reported
it and their URLs); --level article gives one row per event as each article reported it.

formats:
  plover   JSON Lines with POLECAT/PLOVER field names (event_type, event_mode, quad_code ...)
  acled    ACLED-style CSV (event_date, event_type, sub_event_type, actor1, actor2, admin1,
           location, latitude, longitude, geo_precision, source, notes, fatalities ...);
           only types ACLED codes (assaults, protests, arrests, deployments, agreements ...)
  gdelt    GDELT 2.0-style event TSV (GLOBALEVENTID, SQLDATE, Actor1Code, EventRootCode,
           QuadClass, NumSources, ActionGeo_*, SOURCEURL ...)
  csv      every stored field, flat
  parquet  the same table, typed (needs -o FILE)
Country codes are ISO 3166-1 alpha-3 in every format.

examples:
  marsad export --format acled -o events.csv --country SYR --since 2018-03-01
  marsad export --format parquet -o events.parquet --db postgresql+psycopg://user@host/marsad
"""


def _date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a date (YYYY-MM-DD)") from None


def register(sub: argparse._SubParsersAction) -> None:
    from marsad.store.export import FORMATS

    p = sub.add_parser("export", help="export events (PLOVER, ACLED, GDELT, CSV, Parquet)", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", "-f", required=True, choices=FORMATS)
    p.add_argument("--db", metavar="URL", default=None,
                   help="database URL or SQLite file (default: $MARSAD_DB or sqlite:///marsad.db)")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.add_argument("--level", choices=("canonical", "article"), default="canonical",
                   help="one row per real-world act (default) or per article event")
    p.add_argument("--type", action="append", metavar="TYPE", help="PLOVER type(s) to keep (repeatable)")
    p.add_argument("--country", action="append", metavar="ISO3", help="country code(s) to keep (repeatable)")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--min-sources", type=int, default=1, metavar="N",
                   help="only canonical events reported by at least N outlets")
    p.add_argument("--status", action="append", choices=("actual", "future", "hypothetical", "negated"),
                   help="event status(es) to keep (default: all; acled and gdelt: actual)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from marsad.store.db import open_db
    from marsad.store.export import Filters, export

    db_url = args.db
    if db_url and "://" not in db_url and not Path(db_url).exists():
        raise UserError(f"{db_url}: no such database file")
    if args.format == "parquet" and not args.output and sys.stdout.isatty():
        raise UserError("parquet is binary: give -o FILE (or redirect standard output)")
    f = Filters(types=args.type, countries=args.country, since=args.since, until=args.until,
                min_sources=args.min_sources, status=args.status)
    db = open_db(db_url)
    try:
        if args.format == "parquet":
            target = args.output if args.output else sys.stdout.buffer
            n = export(db, "parquet", target, level=args.level, filters=f)
        elif args.output:
            try:
                out = open(args.output, "w", encoding="utf-8", newline="")
            except OSError as e:
                raise UserError(f"{args.output}: cannot write ({e.strerror})") from None
            with out:
                n = export(db, args.format, out, level=args.level, filters=f)
        else:
            n = export(db, args.format, sys.stdout, level=args.level, filters=f)
            sys.stdout.flush()
    finally:
        db.close()
    if not args.quiet:
        print(f"{n} rows ({args.format}, {args.level})" + (f" -> {args.output}" if args.output else ""),
              file=sys.stderr)
    return 0
