#!/usr/bin/env python3
"""Load test of the events API: many concurrent clients against `marsad serve` on SQLite.

    python bench/load_api.py                              # 100k events, 50 clients, 60 s / 20k requests
    python bench/load_api.py --clients 10 --duration 20   # lighter
    python bench/load_api.py --db /tmp/load.db --rebuild  # force a new database

1. Builds (or reuses) a SQLite database holding about --events events: the bundled sample
   articles are analysed once, then copied with new ids, publication and event dates, outlets
   and places (text and offsets untouched), and stored through the store's own Ingestor in
   large batches (near-duplicate detection off: every copy has the same text; clustering off
   unless --cluster).
2. Starts the real server (`marsad serve`, uvicorn) on 127.0.0.1 on a free port.
3. Runs --clients concurrent asyncio+httpx clients, each sending a seeded mix of event
   listings (filters, sorts, pages), aggregates and detail pages until --requests requests
   or --duration seconds, whichever comes first.
4. Prints latency percentiles (overall and per request kind), throughput and errors; exits 1
   when any request failed. Loopback only: nothing leaves the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import gzip
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import machine  # noqa: E402

# Places events are moved to: (country, admin1, name, lat, lon) — real coordinates, so map
# queries (bbox, places) see a realistic spread.
PLACES = [
    ("SYR", "Idlib", "Idlib", 35.93, 36.63), ("SYR", "Aleppo", "Aleppo", 36.20, 37.16),
    ("SYR", "Rif Dimashq", "Douma", 33.57, 36.40), ("SYR", "Dayr az Zawr", "Deir ez-Zor", 35.34, 40.14),
    ("IRQ", "Baghdad", "Baghdad", 33.34, 44.40), ("IRQ", "Nineveh", "Mosul", 36.34, 43.13),
    ("IRQ", "Al Anbar", "Ramadi", 33.42, 43.30), ("YEM", "Amanat al Asimah", "Sanaa", 15.35, 44.21),
    ("YEM", "Aden", "Aden", 12.78, 45.04), ("YEM", "Al Hudaydah", "Hodeidah", 14.80, 42.95),
    ("LBY", "Tripoli", "Tripoli", 32.89, 13.19), ("LBY", "Banghazi", "Benghazi", 32.12, 20.07),
    ("EGY", "Cairo", "Cairo", 30.04, 31.24), ("EGY", "North Sinai", "Arish", 31.13, 33.80),
    ("LBN", "Beirut", "Beirut", 33.89, 35.50), ("PSE", "Gaza Strip", "Gaza", 31.50, 34.47),
    ("SDN", "Khartoum", "Khartoum", 15.50, 32.56), ("TUN", "Tunis", "Tunis", 36.81, 10.18),
    ("SAU", "Riyadh", "Riyadh", 24.69, 46.72), ("IRN", "Tehran", "Tehran", 35.69, 51.39),
]
OUTLETS = ["BBC Arabic", "Al Arabiya", "Al Jazeera", "Sky News Arabia", "France 24", "RT Arabic", "CNN Arabic",
           "Asharq Al-Awsat", "Al-Quds Al-Arabi", "Al Mayadeen", "Anadolu", "SANA", "Enab Baladi", "Al-Sumaria",
           "Youm7", "Hespress", "Jawhara FM", "Al Masry Al Youm", "Aawsat", "Al Hurra"]
START = date(2015, 1, 1)
DAYS = 3650


# ----------------------------------------------------------------------------- the database

def base_records() -> list[dict]:
    """The bundled sample, analysed: real records with events, offsets and layers."""
    from marsad.commands.demo import sample_path
    from marsad.ingest.readers import article_from_json, finish
    from marsad.pipeline import analyse
    from marsad.record import to_json

    out = []
    with gzip.open(sample_path(), "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            d = json.loads(line)
            try:
                rec = to_json(analyse(finish(article_from_json(d, f"sample:{i}"))))
            except Exception as e:  # an extractor bug in one article must not stop the benchmark
                print(f"load_api: sample {i}: analysis failed ({e})", file=sys.stderr)
                continue
            if rec.get("events"):
                out.append(rec)
    if not out:
        sys.exit("load_api: no events in the analysed sample")
    return out


def synthesise(base: list[dict], i: int, rng: random.Random) -> dict:
    """Copy i of a base record: new id, url, outlet, publication date, event dates and places."""
    r = copy.deepcopy(base[i % len(base)])
    pub = START + timedelta(days=rng.randrange(DAYS))
    r["id"] = f"load-{i}"
    r["url"] = f"https://load.example/{i}"
    r["outlet"] = OUTLETS[rng.randrange(len(OUTLETS))]
    r["published"] = pub.isoformat()
    for ev in r.get("events") or []:
        day = pub - timedelta(days=rng.randrange(3))
        ev["date"] = {"value": day.isoformat(), "precision": "day", "from": "text"}
        c, a1, name, lat, lon = PLACES[rng.randrange(len(PLACES))]
        loc = ev.get("location") if isinstance(ev.get("location"), dict) else {}
        ev["location"] = {**loc, "name": name, "country": c, "admin1": a1, "precision": "city",
                          "lat": round(lat + rng.uniform(-0.3, 0.3), 4), "lon": round(lon + rng.uniform(-0.3, 0.3), 4)}
        ev["confidence"] = round(rng.uniform(0.3, 0.99), 3)
    return r


def build_db(path: Path, n_events: int, cluster: bool, batch: int) -> None:
    from marsad.store.db import open_db
    from marsad.store.ingest import Ingestor, counts

    t0 = time.perf_counter()
    base = base_records()
    per = sum(len(r["events"]) for r in base) / len(base)
    n_articles = int(n_events / per) + 1
    print(f"load_api: {len(base)} analysed base records ({per:.2f} events each) in {time.perf_counter() - t0:.1f} s; "
          f"storing {n_articles} synthetic articles", file=sys.stderr)
    db = open_db(f"sqlite:///{path}")
    ing = Ingestor(db, batch_size=batch, near_duplicates=False, cluster=cluster)
    rng = random.Random(1)
    t1 = time.perf_counter()
    stored = 0
    i = 0
    while stored < n_events:
        ing.add(synthesise(base, i, rng), source=f"load:{i}")
        stored += len(base[i % len(base)]["events"])
        i += 1
        if i % 5000 == 0:
            print(f"load_api: {i} articles queued ({time.perf_counter() - t1:.0f} s)", file=sys.stderr)
    ing.flush()
    c = counts(db)
    db.close()
    print(f"load_api: built {path} in {time.perf_counter() - t1:.0f} s: {c}", file=sys.stderr)


def event_count(path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            return c.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    except sqlite3.Error:
        return 0


# ----------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --variant proposed: the query changes RELIABILITY.md proposes, applied to the server process
# at start-up (marsad/api/queries.py is the API engineer's file; this only measures the fix).
PROPOSED = """
import time
from sqlalchemy import select
from marsad.api import queries as Q
from marsad.store.models import Article, Event

def order_clause(sort, sorts, tiebreak):
    # NULLS LAST instead of a leading `col IS NULL` term, which no index can serve
    desc = sort.startswith("-")
    col = sorts.get(sort.lstrip("-"))
    if col is None:
        col, desc = sorts["date"], True
    return [(col.desc() if desc else col.asc()).nulls_last(), tiebreak.desc() if desc else tiebreak.asc()]

def _events_base(f):
    # only the latest version of an article keeps layers (the store drops older ones), so
    # is_latest adds nothing, and its index made SQLite sort the whole table on every page
    return select(Event).join(Article, Event.article_id == Article.id).where(*Q.event_conditions(f))

_facets, _cache = Q.facets, {}
def facets(session):
    # the filter controls' values change only on ingest: computed at most every 60 s
    hit = _cache.get("v")
    if hit is None or time.monotonic() - hit[0] > 60:
        hit = _cache["v"] = (time.monotonic(), _facets(session))
    return hit[1]

Q.order_clause, Q._events_base, Q.facets = order_clause, _events_base, facets
"""


def start_server(path: Path, port: int, variant: str = "current", workers: int = 1) -> subprocess.Popen:
    import httpx

    env = {k: v for k, v in os.environ.items() if k not in ("MARSAD_WRITE_TOKEN", "MARSAD_DB")}
    boot = (PROPOSED if variant == "proposed" else "") + "\nimport sys; from marsad.cli import main; sys.exit(main())"
    proc = subprocess.Popen([sys.executable, "-c", boot,
                             "serve", "--db", f"sqlite:///{path}", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"load_api: server exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit("load_api: server did not start in 120 s")


# ----------------------------------------------------------------------------- the load

def request_mix(rng: random.Random, max_event: int, max_article: int, facets: dict) -> tuple[str, str, dict]:
    """(kind, path, params): what a dashboard user's browser asks for, weighted."""
    types = [t["type"] for t in facets.get("types", []) if t.get("type")] or ["ASSAULT"]
    c, a1, name, lat, lon = PLACES[rng.randrange(len(PLACES))]
    d0 = START + timedelta(days=rng.randrange(DAYS - 90))
    span = (d0.isoformat(), (d0 + timedelta(days=rng.choice([7, 30, 90]))).isoformat())
    sort = rng.choice(["-date", "date", "-confidence", "type", "country"])
    page = {"limit": rng.choice([25, 50, 100]), "offset": rng.choice([0, 0, 0, 50, 100, 500, 2000])}
    k = rng.random()
    if k < 0.22:
        return "events:page", "/api/events", {**page, "sort": sort}
    if k < 0.40:
        return "events:type+country+dates", "/api/events", {**page, "type": rng.choice(types), "country": c,
                                                            "from": span[0], "to": span[1], "sort": sort}
    if k < 0.48:
        return "events:q", "/api/events", {"q": rng.choice([name, "قصف", "غارة", "الجيش", "اجتماع"]),
                                           "limit": 50, "sort": sort}
    if k < 0.55:
        return "events:bbox", "/api/events", {"bbox": f"{lon - 1},{lat - 1},{lon + 1},{lat + 1}", "limit": 50}
    if k < 0.60:
        return "events:actor", "/api/events", {"actor": rng.choice(["SYR", "IRQGOV", "USA", "RUS", "الجيش"]),
                                               "limit": 50}
    if k < 0.70:
        return "stats", "/api/stats", {"type": rng.choice(types), "from": span[0], "to": span[1]}
    if k < 0.77:
        return "places", "/api/places", {"country": c, "from": span[0], "to": span[1]}
    if k < 0.82:
        return "canonical", "/api/canonical", {"limit": 50, "country": c}
    if k < 0.93:
        return "event:detail", f"/api/events/{rng.randint(1, max_event)}", {}
    if k < 0.97:
        return "article:detail", f"/api/articles/{rng.randint(1, max_article)}", {}
    return "facets", "/api/facets", {}


async def run_load(base: str, clients: int, total: int, duration: float, seed: int) -> dict:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30,
                                 limits=httpx.Limits(max_connections=clients, max_keepalive_connections=clients)) as c:
        facets = (await c.get("/api/facets")).json()
        ev = (await c.get("/api/events", params={"limit": 1, "sort": "-id"})).json()["items"]
        art = (await c.get("/api/articles", params={"limit": 1})).json()
        max_event = ev[0]["id"] if ev else 1  # totals are capped at 10,000: ask for the newest row
        max_article = max([it["id"] for it in art["items"]] + [art["total"], 1])
        results: list[tuple[str, float, int]] = []
        errors: list[str] = []
        issued = 0
        t_end = time.monotonic() + duration

        async def client(i: int) -> None:
            nonlocal issued
            rng = random.Random(seed * 1000 + i)
            while issued < total and time.monotonic() < t_end:
                issued += 1
                kind, path, params = request_mix(rng, max_event, max_article, facets)
                t0 = time.perf_counter()
                try:
                    r = await c.get(path, params=params)
                    code = r.status_code
                    _ = r.content
                except httpx.HTTPError as e:
                    code = 0
                    errors.append(f"{kind} {path}: {e.__class__.__name__}: {e}")
                dt = time.perf_counter() - t0
                results.append((kind, dt, code))
                if code and code not in (200, 404):  # 404: a detail id that a filter never saw is fine
                    errors.append(f"{kind} {path} {params}: HTTP {code}")

        t0 = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        wall = time.perf_counter() - t0
    return {"results": results, "errors": errors, "wall": wall}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(out: dict, args, n_events: int) -> int:
    res, errors, wall = out["results"], out["errors"], out["wall"]
    lat = [r[1] * 1000 for r in res]
    print(f"machine: {machine()}")
    print(f"database: SQLite, {n_events} events; server: marsad serve (uvicorn, {args.workers} worker(s)) on 127.0.0.1, "
          f"queries: {args.variant}")
    print(f"load: {args.clients} concurrent clients, {len(res)} requests in {wall:.1f} s "
          f"(limits: {args.requests} requests, {args.duration:g} s)")
    print(f"throughput: {len(res) / wall:.1f} requests/s")
    print(f"latency ms: p50 {pct(lat, 50):.0f}  p95 {pct(lat, 95):.0f}  p99 {pct(lat, 99):.0f}  max {max(lat):.0f}")
    print(f"errors: {len(errors)}")
    kinds = sorted({r[0] for r in res})
    print(f"{'kind':28} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
    for k in kinds:
        xs = [r[1] * 1000 for r in res if r[0] == k]
        print(f"{k:28} {len(xs):6d} {pct(xs, 50):7.0f} {pct(xs, 95):7.0f} {pct(xs, 99):7.0f}")
    for e in errors[:10]:
        print(f"  error: {e}")
    return 1 if errors else 0


def max_ids(c) -> tuple[int, int]:
    """The highest event and article ids (totals are capped at 10,000, so ask for the rows)."""
    ev = c.get("/api/events", params={"limit": 1, "sort": "-id"}).json()["items"]
    art = c.get("/api/articles", params={"limit": 1}).json()
    return (ev[0]["id"] if ev else 1), max([it["id"] for it in art["items"]] + [art["total"], 1])


def profile(path: Path, n: int, seed: int) -> None:
    """Serial, in-process: each request kind's service time and the slowest SQL statements behind
    it (wall time per statement), to say which query or index a slow endpoint needs."""
    from collections import defaultdict

    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from marsad.api.app import create_app

    app = create_app(f"sqlite:///{path}")
    sql: dict[str, list[float]] = defaultdict(list)
    current: list[str] = [""]

    @event.listens_for(app.state.read_engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(app.state.read_engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):
        sql[current[0] + " | " + " ".join(statement.split())[:400]].append(time.perf_counter() - conn.info["t0"])

    per: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(seed)
    with TestClient(app) as c:
        facets = c.get("/api/facets").json()
        max_event, max_article = max_ids(c)
        for _ in range(n):
            kind, p, params = request_mix(rng, max_event, max_article, facets)
            current[0] = kind
            t0 = time.perf_counter()
            c.get(p, params=params)
            per[kind].append(time.perf_counter() - t0)
    print(f"profile: {n} requests, one at a time, in-process (no HTTP, no concurrency)")
    print(f"{'kind':28} {'n':>5} {'mean ms':>8} {'p95 ms':>8}")
    for k, xs in sorted(per.items(), key=lambda kv: -sum(kv[1]) / len(kv[1])):
        print(f"{k:28} {len(xs):5d} {1000 * sum(xs) / len(xs):8.1f} {1000 * pct(xs, 95):8.1f}")
    print("slowest statements (mean ms, calls, kind | SQL):")
    for stmt, xs in sorted(sql.items(), key=lambda kv: -sum(kv[1]) / len(kv[1]))[:12]:
        print(f"  {1000 * sum(xs) / len(xs):7.1f} {len(xs):5d}  {stmt}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path("/tmp/marsad-load/load.db"), help="SQLite file (reused)")
    ap.add_argument("--events", type=int, default=100_000, help="events in the database (default 100000)")
    ap.add_argument("--rebuild", action="store_true", help="build the database even if it exists")
    ap.add_argument("--cluster", action="store_true", help="also cluster events into canonical events (slower)")
    ap.add_argument("--batch", type=int, default=2000, help="records per ingest transaction")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--requests", type=int, default=20_000, help="stop after this many requests")
    ap.add_argument("--duration", type=float, default=60.0, help="stop after this many seconds")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=1, help="marsad serve --workers (default 1)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--variant", choices=["current", "proposed"], default="current",
                    help="proposed: measure with the query fixes of bench/RELIABILITY.md patched in")
    ap.add_argument("--profile", type=int, metavar="N", default=0,
                    help="instead of the load: N serial in-process requests, with per-kind and per-SQL times")
    args = ap.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    have = event_count(args.db) if args.db.exists() else 0
    if args.rebuild or have < args.events * 0.95:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        build_db(args.db, args.events, args.cluster, args.batch)
    n_events = event_count(args.db)
    if args.profile:
        if args.variant == "proposed":
            exec(PROPOSED, {})
        profile(args.db, args.profile, args.seed)
        return 0
    port = args.port or free_port()
    server = start_server(args.db, port, args.variant, args.workers)
    try:
        out = asyncio.run(run_load(f"http://127.0.0.1:{port}", args.clients, args.requests, args.duration, args.seed))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return report(out, args, n_events)


if __name__ == "__main__":
    sys.exit(main())
