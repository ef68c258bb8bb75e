"""marsad demo: the bundled sample into a local SQLite database, then the dashboard."""
from __future__ import annotations

import argparse
import socket
import sys
from importlib import resources
from pathlib import Path

from marsad.errors import UserError

HELP = """\
Analyse the bundled sample (48 Arabic political and security news articles from 2018, from
five outlets, ANT corpus) into a local SQLite database, then serve the dashboard on this
machine and print its address. Running it again reuses the database and analyses nothing
twice.

examples:
  marsad demo                         ingest into ./marsad-demo.db, serve on http://127.0.0.1:8000
  marsad demo --no-serve              only ingest and print counts
  marsad demo --db /tmp/demo.db --port 8080
"""

SAMPLE = "ant_sample.jsonl.gz"


def sample_path() -> Path:
    return Path(str(resources.files("marsad.sample").joinpath(SAMPLE)))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="ingest the bundled sample and serve the dashboard", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", metavar="PATH", default="marsad-demo.db",
                   help="SQLite file (or database URL) to fill (default: ./marsad-demo.db)")
    p.add_argument("--port", type=int, default=None,
                   help="port on 127.0.0.1 (default: 8000, or a free one when 8000 is taken)")
    p.add_argument("--no-serve", action="store_true", help="only ingest the sample and print counts")
    p.set_defaults(func=run)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _choose_port(requested: int | None) -> int:
    if requested is not None:
        if not 0 < requested < 65536:
            raise UserError(f"--port {requested}: not a TCP port")
        if not _port_free(requested):
            raise UserError(f"port {requested} on 127.0.0.1 is in use; pick another with --port")
        return requested
    if _port_free(8000):
        return 8000
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args) -> int:
    from marsad.commands.ingest import ingest_once
    from marsad.store.db import open_db, redact
    from marsad.store.ingest import Ingestor, counts

    sample = sample_path()
    if not sample.is_file():
        raise UserError(f"bundled sample missing: {sample} (rebuild with scripts/build_sample.py)")
    port = None if args.no_serve else _choose_port(args.port)
    db = open_db(args.db)
    say = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    say(f"marsad demo: analysing the bundled sample into {redact(db.url)} ...")
    bar = None
    if sys.stderr.isatty() and not args.quiet:
        from tqdm import tqdm
        bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)
    ing = Ingestor(db)
    try:
        failed = ingest_once(ing, [str(sample)], records=False, published=None, allow_private=False, bar=bar)
    finally:
        if bar is not None:
            bar.close()
    c = counts(db)
    db.close()
    say(ing.stats.summary())
    print(f"{c['articles']} articles, {c['events']} events, {c['canonical_events']} canonical events "
          f"({c['multi_source_events']} reported by several outlets), {c['near_duplicates']} near-duplicate "
          f"articles in {redact(db.url)}")
    if args.no_serve:
        return 1 if failed else 0

    import uvicorn

    try:
        from marsad.api.app import create_app
    except ImportError as e:
        raise UserError(f"the dashboard is not available in this installation ({e})") from None
    app = create_app(db.url)
    print(f"Marsad dashboard: http://127.0.0.1:{port}/   (API docs: http://127.0.0.1:{port}/docs; Ctrl-C stops)",
          flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0
