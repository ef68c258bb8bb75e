"""The HTTP API and the analysts' dashboard, one FastAPI app: `create_app(db_url)`.

Reads are open; writes (POST /api/ingest) need `Authorization: Bearer <token>`, where the token
comes from `create_app(write_token=...)` or $MARSAD_WRITE_TOKEN, and with no token configured
writes are disabled (403). Every request body is capped (413) and writes are rate-limited per
client (429). Everything the browser loads is served from `marsad/web/static` (Leaflet,
basemap, Swagger UI vendored), so the dashboard and /docs work with no internet.
"""
from __future__ import annotations

import csv
import hmac
import io
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad import __version__
from marsad.api import queries
from marsad.api.queries import EventFilter
from marsad.store.db import Database, make_engine, open_db

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
MAX_BODY = 2 * 1024 * 1024          # bytes; bigger requests get 413
WRITE_RATE = (30, 60.0)             # at most 30 writes per 60 s per client
MAX_PAGE = 500
MAX_EXPORT = 1_000_000
MAX_INT = 2**63 - 1                 # ids and offsets past 64 bits cannot exist: 422, not a DB overflow
AGGREGATE_TTL = 30.0                # seconds facets/stats/places may be served from the cache
# The dashboard never needs inline script: a strict CSP is a second line against injected markup.
DASHBOARD_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                 "frame-ancestors 'none'")


# ---------------------------------------------------------------- middleware

class BodySizeLimit:
    """Reject bodies over `limit` bytes with 413, whether announced (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._reject(scope, receive, send)
                return
        received = 0
        sent_response = False

        async def send_wrapper(message: Message) -> None:
            nonlocal sent_response
            if message["type"] == "http.response.start":
                sent_response = True
            await send(message)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send_wrapper)
        except _BodyTooLarge:
            if not sent_response:
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        resp = JSONResponse({"detail": f"request body over {self.limit} bytes"}, status_code=413)
        await resp(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _has_control(s: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in s)


class RequestHygiene:
    """Refuse control characters in the query string or path (422): a NUL cut SQLite's LIKE
    pattern short (matching everything) and made PostgreSQL raise; no filter ever needs one.
    Also marks every response `X-Content-Type-Options: nosniff`, so a browser never reads a
    JSON string as markup or script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from urllib.parse import parse_qsl

        qs = scope.get("query_string", b"").decode("latin-1")
        pairs = parse_qsl(qs, keep_blank_values=True, errors="replace")
        if _has_control(scope.get("path", "")) or any(_has_control(k) or _has_control(v) for k, v in pairs):
            resp = JSONResponse({"detail": "control characters are not allowed in the URL"}, status_code=422,
                                headers={"X-Content-Type-Options": "nosniff"})
            await resp(scope, receive, send)
            return

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"x-content-type-options" for k, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_nosniff)


class RateLimiter:
    """Sliding-window limit per client key; thread-safe (sync endpoints run in a pool)."""

    def __init__(self, n: int, per_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.n, self.per_s, self.clock = n, per_s, clock
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def check(self, key: str) -> float:
        """0 when allowed (and counted), else seconds until the next request would pass."""
        now = self.clock()
        with self.lock:
            q = self.hits.setdefault(key, deque())
            while q and q[0] <= now - self.per_s:
                q.popleft()
            if len(q) >= self.n:
                return max(0.0, q[0] + self.per_s - now)
            q.append(now)
            if len(self.hits) > 10_000:  # forget idle clients so memory stays bounded
                for k in [k for k, v in self.hits.items() if not v or v[-1] <= now - self.per_s]:
                    del self.hits[k]
            return 0.0


# ---------------------------------------------------------------- parameters

def _split(values: list[str] | None) -> list[str]:
    """`type=A&type=B` and `type=A,B` both mean A or B."""
    out: list[str] = []
    for v in values or []:
        out += [p.strip() for p in v.split(",") if p.strip()]
    return out


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not (-180 <= parts[0] <= parts[2] <= 180 and -90 <= parts[1] <= parts[3] <= 90):
        raise HTTPException(422, "bbox must be minlon,minlat,maxlon,maxlat in degrees")
    return parts[0], parts[1], parts[2], parts[3]


def event_filter(
    type: Annotated[list[str] | None, Query(description="PLOVER type(s), e.g. ASSAULT or ASSAULT,PROTEST")] = None,
    mode: Annotated[list[str] | None, Query(description="mode(s), e.g. aerial")] = None,
    country: Annotated[list[str] | None, Query(description="ISO 3166-1 alpha-3 code(s)")] = None,
    admin1: Annotated[str | None, Query(description="province (substring)")] = None,
    actor: Annotated[str | None, Query(description="actor or recipient: code prefix (IRQ, IRQGOV) "
                                                   "or part of a name")] = None,
    from_: Annotated[date | None, Query(alias="from", description="first event date (YYYY-MM-DD)")] = None,
    to: Annotated[date | None, Query(description="last event date (YYYY-MM-DD)")] = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    q: Annotated[str | None, Query(description="free text: trigger, actor, recipient, place, title")] = None,
    status: Annotated[list[str] | None, Query(description="actual, future, hypothetical, negated")] = None,
    outlet: Annotated[str | None, Query(description="exact outlet name")] = None,
    article: Annotated[int | None, Query(ge=0, le=MAX_INT, description="events of one article (database id)")] = None,
) -> EventFilter:
    return EventFilter(types=[t.upper() for t in _split(type)], modes=_split(mode),
                       countries=[c.upper() for c in _split(country)], admin1=admin1 or None,
                       actor=actor or None, date_from=from_, date_to=to, bbox=_bbox(bbox),
                       q=q or None, status=_split(status), outlet=outlet or None, article_id=article)


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.read_sessions() as s:
        yield s


READ_POOL = 40  # = Starlette's worker-thread limit: no request waits for a pooled connection


def _sqlite_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Read connections of the API: refuse writes outright, map the file into memory (pages are
    # shared between connections through the OS cache) and keep a modest private page cache.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA cache_size=-16000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def read_engine(database: Database) -> Engine:
    """An engine for the API's reads. For a SQLite file: its own pool of query-only, mmapped
    connections, sized for concurrent requests (WAL readers do not block each other or the
    writer). Otherwise (PostgreSQL, in-memory SQLite) the database's own engine."""
    u = make_url(database.url)
    name = u.database or ""
    if u.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return database.engine
    engine = make_engine(database.url, pool_size=READ_POOL, max_overflow=0, pool_timeout=60)
    event.listen(engine, "connect", _sqlite_read_pragmas)
    return engine


# Module-level aliases: FastAPI resolves (string) annotations in this module's namespace.
S = Annotated[Session, Depends(db_session)]
Filters = Annotated[EventFilter, Depends(event_filter)]
bearer = HTTPBearer(auto_error=False, description="the server's MARSAD_WRITE_TOKEN")
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_INT)]
Id = Annotated[int, PathParam(ge=0, le=MAX_INT)]
Sort = Annotated[str, Query(description="column, '-' prefix for descending: -date, type, country, "
                                        "confidence, actor, location, outlet …")]


# What POST /api/ingest accepts, for the OpenAPI page (the handler reads raw JSON).
_ITEM = {"type": "object", "required": ["text"], "properties": {
    "text": {"type": "string"}, "id": {"type": "string"}, "url": {"type": "string"},
    "outlet": {"type": "string"}, "published": {"type": "string"}, "title": {"type": "string"},
    "events": {"type": "array", "items": {"type": "object"}}}}
INGEST_SCHEMA = {"oneOf": [_ITEM, {"type": "array", "items": _ITEM},
                           {"type": "object", "properties": {"records": {"type": "array", "items": _ITEM}}}],
                 "description": "a bare article (analysed here), a SCHEMA.md record, a list, or {records: [...]}"}


# ---------------------------------------------------------------- the app

def create_app(db_url: str, *, write_token: str | None = None, max_body: int = MAX_BODY,
               write_rate: tuple[int, float] = WRITE_RATE, db: Database | None = None) -> FastAPI:
    """The API + dashboard over the database at `db_url` (migrated on open)."""
    database = db or open_db(db_url)
    token = write_token if write_token is not None else (os.environ.get("MARSAD_WRITE_TOKEN") or None)
    limiter = RateLimiter(*write_rate)

    app = FastAPI(title="Marsad API", version=__version__, docs_url=None, redoc_url=None,
                  description="Arabic news → PLOVER events, actors, places, dates and quotes; every "
                              "field carries character offsets into its article's text.")
    app.state.db = database
    reader = read_engine(database)
    app.state.read_engine = reader
    app.state.read_sessions = sessionmaker(reader, expire_on_commit=False)
    # level 4, not Starlette's 9: a 100-event page compresses ~3x faster for a few % more bytes
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=4)
    app.add_middleware(BodySizeLimit, limit=max_body)
    app.add_middleware(RequestHygiene)
    cache = queries.TTLCache(AGGREGATE_TTL)

    def cached(s: Session, key: tuple, compute: Callable[[], dict]) -> dict:
        # Aggregates are the same for every dashboard user until the next ingest.
        return cache.get(key, queries.ingest_marker(s), compute)

    def require_writer(request: Request, cred: Annotated[HTTPAuthorizationCredentials | None,
                                                        Depends(bearer)]) -> None:
        if not token:
            raise HTTPException(403, "writes are disabled: no write token configured (MARSAD_WRITE_TOKEN)")
        # Counted before the token check, so guessing tokens is throttled too.
        wait = limiter.check(request.client.host if request.client else "?")
        if wait:
            raise HTTPException(429, "too many write requests", headers={"Retry-After": str(int(wait) + 1)})
        if cred is None or not hmac.compare_digest(cred.credentials.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    # -- dashboard and docs --------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": DASHBOARD_CSP,
                                                            "Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Marsad API",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- events --------------------------------------------------------------------------
    @app.get("/api/events", tags=["events"], summary="Events, filtered and paginated")
    def events(s: S, f: Filters, limit: Limit = 50, offset: Offset = 0, sort: Sort = "-date") -> dict:
        return queries.list_events(s, f, sort=sort, limit=limit, offset=offset)

    @app.get("/api/events.csv", tags=["events"], summary="Filtered events as CSV (UTF-8)")
    def events_csv(f: Filters, sort: Sort = "-date",
                   limit: Annotated[int | None, Query(ge=1, le=MAX_EXPORT)] = None) -> StreamingResponse:
        def rows() -> Iterator[str]:
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=queries.FLAT_COLUMNS, lineterminator="\n")
            w.writeheader()
            with app.state.read_sessions() as s:
                for i, row in enumerate(queries.iter_event_rows(s, f, sort=sort, limit=limit or MAX_EXPORT)):
                    w.writerow(row)
                    if i % 500 == 499:
                        yield buf.getvalue()
                        buf.seek(0)
                        buf.truncate()
            yield buf.getvalue()
        return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="marsad-events.csv"'})

    @app.get("/api/events.parquet", tags=["events"], summary="Filtered events as Parquet")
    def events_parquet(s: S, f: Filters, sort: Sort = "-date",
                       limit: Annotated[int | None, Query(ge=1, le=MAX_EXPORT)] = None) -> Response:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = _parquet_types()
        cols: dict[str, list[Any]] = {c: [] for c in queries.FLAT_COLUMNS}
        for row in queries.iter_event_rows(s, f, sort=sort, limit=limit or MAX_EXPORT):
            for c in queries.FLAT_COLUMNS:
                cols[c].append(row[c])
        table = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in cols.items()})
        out = io.BytesIO()
        pq.write_table(table, out, compression="zstd")
        return Response(out.getvalue(), media_type="application/vnd.apache.parquet",
                        headers={"Content-Disposition": 'attachment; filename="marsad-events.parquet"'})

    @app.get("/api/events/{event_id}", tags=["events"],
             summary="One event: its article, sentence, highlighted spans and sources")
    def event(s: S, event_id: Id) -> dict:
        d = queries.event_detail(s, event_id)
        if d is None:
            raise HTTPException(404, f"no event {event_id}")
        return d

    @app.get("/api/canonical", tags=["events"],
             summary="Deduplicated events (one per real-world act) with their source lists")
    def canonical(s: S, f: Filters, limit: Limit = 50, offset: Offset = 0, sort: Sort = "-date") -> dict:
        return queries.list_canonical(s, f, sort=sort, limit=limit, offset=offset)

    @app.get("/api/canonical/{cid}", tags=["events"], summary="One deduplicated event and its sources")
    def canonical_one(s: S, cid: Id) -> dict:
        d = queries.canonical_detail(s, cid)
        if d is None:
            raise HTTPException(404, f"no canonical event {cid}")
        return d

    # -- articles, actors, aggregates ----------------------------------------------------
    @app.get("/api/articles", tags=["articles"], summary="Articles (latest versions), newest first")
    def articles(s: S, q: str | None = None, outlet: str | None = None,
                 from_: Annotated[date | None, Query(alias="from")] = None, to: date | None = None,
                 limit: Limit = 50, offset: Offset = 0) -> dict:
        return queries.list_articles(s, q=q, outlet=outlet, date_from=from_, date_to=to,
                                     limit=limit, offset=offset)

    @app.get("/api/articles/{ref}", tags=["articles"],
             summary="Article text with every extraction span (entities, times, places, quotes, events)")
    def article(s: S, ref: str) -> dict:
        a = queries.find_article(s, ref)
        if a is None:
            raise HTTPException(404, f"no article {ref}")
        return queries.article_detail(s, a)

    @app.get("/api/actors", tags=["actors"], summary="Actors by number of mentions")
    def actors(s: S, q: str | None = None, type: str | None = None, limit: Limit = 50,
               offset: Offset = 0) -> dict:
        return queries.list_actors(s, q=q, type_=type, limit=limit, offset=offset)

    @app.get("/api/stats", tags=["aggregates"], summary="Filtered event counts by day, type and country")
    def stats(s: S, f: Filters) -> dict:
        return cached(s, ("stats", repr(f)), lambda: queries.stats(s, f))

    @app.get("/api/places", tags=["aggregates"], summary="Map points: one per place with its event count")
    def places(s: S, f: Filters, limit: Annotated[int, Query(ge=1, le=20000)] = 5000) -> dict:
        return cached(s, ("places", repr(f), limit), lambda: queries.places(s, f, limit=limit))

    @app.get("/api/facets", tags=["aggregates"], summary="Values present for the filter controls")
    def facets(s: S) -> dict:
        return cached(s, ("facets",), lambda: queries.facets(s))

    @app.get("/api/health", tags=["meta"], summary="Liveness and whether writes are enabled")
    def health() -> dict:
        return {"ok": True, "version": __version__, "writes": bool(token),
                "database": database.dialect}

    # -- writes --------------------------------------------------------------------------
    @app.post("/api/ingest", tags=["write"], dependencies=[Depends(require_writer)],
              summary="Store articles (analysed here when they come without layers) or records",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": INGEST_SCHEMA}}}})
    async def ingest(request: Request) -> dict:
        from marsad.api.writes import ingest_payload

        try:
            payload = await request.json()
        except ValueError as e:
            raise HTTPException(400, "body is not JSON") from e
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(ingest_payload, database, payload)

    if reader is not database.engine:
        app.router.on_shutdown.append(reader.dispose)
    return app


def app_from_env() -> FastAPI:
    """Factory for `marsad serve --workers N`: each worker process builds its own app (and
    connection pools) over the database named in $MARSAD_SERVE_DB."""
    return create_app(os.environ["MARSAD_SERVE_DB"])


def _parquet_types() -> dict[str, Any]:
    import pyarrow as pa

    ints = ("event_id", "canonical_id", "article_id", "geonameid")
    floats = ("lat", "lon", "confidence")
    return {**{c: pa.int64() for c in ints}, **{c: pa.float64() for c in floats}}

