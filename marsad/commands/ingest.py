"""marsad ingest: articles (or analysed records) into the event database."""
from __future__ import annotations

import argparse
import logging
import sys
import time

from marsad.errors import InputError, UserError

log = logging.getLogger("marsad.ingest")

HELP = """\
Analyse articles and store them, with their entities, dates, places, quotes and events, in the
event database. Events of different articles that report the same act are merged into one
canonical event that lists every source; near-duplicate articles (syndicated copies) are
marked and linked.

inputs: files, folders, .jsonl/.jsonl.gz, .txt, .html, .warc(.gz), RSS/Atom feed URLs or
files, and OPML lists of feeds (as `marsad extract` reads them). With --records, inputs are
JSON Lines of records that `marsad extract` already wrote, stored without re-analysis.

Ingest is idempotent: an article already stored with the same text is skipped (and not
re-analysed); changed text under the same id or URL is stored as a new version. Each batch
is one transaction: an interrupted run leaves no half-written article.

Bad inputs are reported one line each on stderr and the good ones stored; the exit status
is 0 when everything was read and stored, 1 when something failed.

examples:
  marsad ingest corpus.jsonl.gz --db sqlite:///marsad.db
  marsad ingest feeds.opml --watch 600 --db postgresql+psycopg://user@host/marsad
  marsad extract corpus.jsonl.gz -o records.jsonl && marsad ingest --records records.jsonl
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="analyse articles and store events in a database", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, feed URLs, OPML lists")
    p.add_argument("--db", metavar="URL", default=None,
                   help="database URL or SQLite file (default: $MARSAD_DB or sqlite:///marsad.db)")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for articles that carry none")
    p.add_argument("--records", action="store_true",
                   help="inputs are analysed records (JSONL from `marsad extract`), stored as they are")
    p.add_argument("--watch", type=float, metavar="SECONDS",
                   help="keep polling the inputs (feeds) every SECONDS; stop with Ctrl-C")
    p.add_argument("--batch", type=int, default=200, metavar="N", help="articles per transaction (default 200)")
    p.add_argument("--no-dedup", action="store_true",
                   help="skip near-duplicate detection and event clustering (faster bulk loads; "
                        "events then have no canonical event, so export with --level article)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow fetching URLs on private/loopback addresses")
    p.set_defaults(func=run)


def ingest_once(ing, inputs: list[str], *, records: bool, published: str | None, allow_private: bool,
                bar=None) -> int:
    """One pass over the inputs into `ing` (an Ingestor); returns the number of failed items."""
    from marsad.pipeline import analyse
    from marsad.record import to_json
    from marsad.store.ingest import RecordError, read_records

    failed = 0

    def report(msg: str, count: bool = True) -> None:
        nonlocal failed
        failed += 1
        if count:  # unreadable inputs and failed analyses; rejected records are counted by ing
            ing.stats.failed += 1
        if bar is not None:
            bar.write(f"marsad: {msg}", file=sys.stderr)
        else:
            print(f"marsad: {msg}", file=sys.stderr)

    n_errors = len(ing.stats.errors)
    if records:
        for item in read_records(inputs):
            if isinstance(item, RecordError):
                report(str(item))
                continue
            ing.add(item[0], source=item[1])
            if bar is not None:
                bar.update(1)
    else:
        from marsad.ingest import read_inputs

        for item in read_inputs(inputs, published=published, allow_private=allow_private):
            if isinstance(item, InputError):
                report(str(item))
                continue
            if ing.is_stored(item.id, item.url, item.text):
                ing.stats.records += 1
                ing.stats.unchanged += 1
            else:
                try:
                    rec = to_json(analyse(item))
                except Exception as e:  # one article's analysis bug must not lose the rest
                    log.debug("analysis failed", exc_info=True)
                    report(f"{item.source or item.id}: analysis failed ({e.__class__.__name__}: {e})")
                    continue
                ing.add(rec, source=item.source)
            if bar is not None:
                bar.update(1)
    ing.flush()
    for msg in ing.stats.errors[n_errors:]:
        report(msg, count=False)
    return failed


def run(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from marsad.ingest.dates import parse_published
    from marsad.store.db import open_db, redact
    from marsad.store.ingest import Ingestor, counts

    if args.published and not parse_published(args.published):
        raise UserError(f"--published {args.published!r}: not a date (expected YYYY-MM-DD)")
    if args.watch is not None and args.watch <= 0:
        raise UserError("--watch SECONDS must be positive")
    if args.batch < 1:
        raise UserError("--batch must be at least 1")
    db = open_db(args.db)
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    bar = None
    if show:
        from tqdm import tqdm
        bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)
    ing = Ingestor(db, batch_size=args.batch, near_duplicates=not args.no_dedup, cluster=not args.no_dedup)
    failed = 0
    t0 = time.perf_counter()
    try:
        while True:
            failed += ingest_once(ing, args.inputs, records=args.records, published=args.published,
                                  allow_private=args.allow_private, bar=bar)
            if args.watch is None:
                break
            msg = f"{ing.stats.summary()}; next poll in {args.watch:g} s"
            (bar.write if bar is not None else (lambda m: print(m, file=sys.stderr)))(msg)
            time.sleep(args.watch)
    except KeyboardInterrupt:
        ing.pending.clear()  # the batch in progress is not written: it was never committed
        if args.watch is None:
            raise
    except SQLAlchemyError as e:
        ing.pending.clear()
        msg = str(getattr(e, "orig", None) or e).strip().splitlines()
        raise UserError(f"database error, the batch in progress was rolled back "
                        f"(earlier batches are stored; rerun to continue): {msg[0] if msg else e}") from None
    finally:
        if bar is not None:
            bar.close()
        db_counts = None
        try:
            db_counts = counts(db)
        except SQLAlchemyError:  # the database went away: the error above says why
            pass
        finally:
            db.close()
    dt = time.perf_counter() - t0
    if not args.quiet:
        print(f"{ing.stats.summary()} in {dt:.1f} s -> {redact(db.url)}", file=sys.stderr)
        if db_counts:
            print("database: " + ", ".join(f"{k} {v}" for k, v in db_counts.items()), file=sys.stderr)
    return 1 if failed else 0
