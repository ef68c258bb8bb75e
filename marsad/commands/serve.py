"""marsad serve: the HTTP API and the dashboard over an event database."""
from __future__ import annotations

import argparse
import logging
import os

from marsad.errors import UserError

HELP = """\
Serve the dashboard (map, timeline, event table, article view) at / and the JSON API at
/api (OpenAPI docs at /docs) over the database that `marsad ingest` filled. Everything the
page loads is bundled: it works with no internet.

Reads are open. Writes (POST /api/ingest) need `Authorization: Bearer TOKEN`, where TOKEN is
$MARSAD_WRITE_TOKEN; without it writes are disabled. Binds 127.0.0.1 unless told otherwise:
put a reverse proxy with TLS in front before exposing it.

examples:
  marsad serve --db sqlite:///marsad.db
  MARSAD_WRITE_TOKEN=$(openssl rand -hex 16) marsad serve --port 8080
  marsad serve --db sqlite:///marsad.db --workers 0     # one process per core, for many users
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the API and dashboard", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", metavar="URL", default=None,
                   help="database URL or SQLite file (default: $MARSAD_DB or sqlite:///marsad.db)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="server processes (default 1); reads are CPU-bound Python, so under load use "
                        "one per core (0 = one per core)")
    p.set_defaults(func=run)


def _check_port_free(host: str, port: int) -> None:
    # uvicorn exits the process on a busy port; say so as a one-line user error instead.
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UserError(f"--host {host}: {e.strerror}") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise UserError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def run(args) -> int:
    import uvicorn

    from marsad.api.app import create_app
    from marsad.store.db import default_url, redact

    asked = getattr(args, "workers", 1)  # callers building a Namespace by hand may omit it
    workers = asked if asked > 0 else (os.cpu_count() or 1)
    if asked < 0 or workers > 64:
        raise UserError(f"--workers {asked}: give 0 (one per core) to 64")
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port")
    _check_port_free(args.host, args.port)
    url = args.db or default_url()
    app = create_app(url)  # migrates once here, before any worker starts
    log = logging.getLogger("marsad.serve")
    writes = "enabled" if os.environ.get("MARSAD_WRITE_TOKEN") else "disabled (set MARSAD_WRITE_TOKEN)"
    print(f"marsad: serving {redact(app.state.db.url)} at http://{args.host}:{args.port}/ "
          f"(API docs /docs; writes {writes})", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: anyone who can reach it can read the database", args.host)
    # Keep-alive 30 s, not uvicorn's 5: under load the idle timer can fire before the loop reads
    # a request already sent on the connection, which the client sees as a dropped connection.
    keep_alive = 30
    if workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_keep_alive=keep_alive)
        return 0
    app.state.db.close()
    # Workers are fresh processes: they rebuild the app from this variable (the write token
    # travels in $MARSAD_WRITE_TOKEN as before), and share the listening socket.
    os.environ["MARSAD_SERVE_DB"] = app.state.db.url
    uvicorn.run("marsad.api.app:app_from_env", factory=True, workers=workers, host=args.host,
                port=args.port, log_level="warning", timeout_keep_alive=keep_alive)
    return 0
