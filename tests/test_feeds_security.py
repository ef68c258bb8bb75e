"""Feed fetching cannot be turned against the machine that runs it (SSRF), nor hang or flood it.

`marsad.ingest.feeds.fetch` refuses non-http(s) schemes and non-public addresses (private,
loopback, link-local, unspecified, CGNAT, IPv4 hidden in IPv6), on the first URL, on every
redirect and on the address actually connected to; it caps the response size and total time.
The network tests use real HTTP servers on loopback addresses.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marsad.errors import InputError
from marsad.ingest import feeds
from marsad.ingest.feeds import check_url, fetch, is_public_address
from marsad.ingest.readers import read_url
from marsad.types import Article

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>وكالة الاختبار</title>
<item><title>قصف على ادلب</title><link>http://example.org/1</link><guid>t-1</guid>
<description>قصفت طائرات حربية مدينة ادلب صباح اليوم.</description></item>
</channel></rss>""".encode()


# ----------------------------------------------------------------------------- a local server

class _Handler(BaseHTTPRequestHandler):
    hits: Counter  # set per server

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        self.server.hits[u.path] += 1  # type: ignore[attr-defined]
        if u.path == "/feed.xml":
            self._send(200, RSS, "application/rss+xml")
        elif u.path == "/redirect":
            self.send_response(int(q.get("code", "302")))
            self.send_header("Location", q["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif u.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif u.path == "/big":  # announces its size
            n = int(q["n"])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self._write_quietly(b"x" * n)
        elif u.path == "/big-unannounced":  # no Content-Length: only counting bytes can stop it
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self._write_quietly(b"x" * int(q["n"]))
        elif u.path == "/drip":  # one byte every 50 ms for up to 20 s: no single read times out
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            end = time.monotonic() + 20
            while time.monotonic() < end and self._write_quietly(b"x"):
                time.sleep(0.05)
        elif u.path == "/hang":  # headers, then silence
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            time.sleep(5)
        elif u.path == "/self.opml":
            me = f"http://{self.headers['Host']}"
            body = (f'<opml version="2.0"><body><outline xmlUrl="{me}/self.opml"/>'
                    f'<outline xmlUrl="{me}/feed.xml"/></body></opml>').encode()
            self._send(200, body, "text/x-opml")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._write_quietly(body)

    def _write_quietly(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except OSError:  # the client gave up, as it should
            return False


class Server:
    def __init__(self, host: str) -> None:
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.hits = Counter()  # type: ignore[attr-defined]
        self.host, self.port = host, self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def hits(self) -> Counter:
        return self.httpd.hits  # type: ignore[attr-defined]

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def _servers() -> Iterator[dict[str, Server | None]]:
    main = Server("127.0.0.1")
    try:
        other: Server | None = Server("127.0.0.2")
    except OSError:
        other = None
    yield {"main": main, "other": other}
    for s in (main, other):
        if s is not None:
            s.close()


@pytest.fixture()
def server(_servers) -> Server:
    _servers["main"].hits.clear()  # each test counts its own requests
    return _servers["main"]


@pytest.fixture()
def other_server(_servers) -> Server:
    """A second server on another loopback address, standing for an internal host."""
    if _servers["other"] is None:
        pytest.skip("cannot bind 127.0.0.2 here")
    _servers["other"].hits.clear()
    return _servers["other"]


@pytest.fixture()
def loopback_is_public(monkeypatch) -> None:
    """Pretend 127.0.0.1 is a public web server, so redirects from it to internal hosts can be tested."""
    real = feeds.is_public_address
    monkeypatch.setattr(feeds, "is_public_address", lambda ip: str(ip) == "127.0.0.1" or real(ip))


def _redirect(server: Server, to: str, code: int = 302) -> str:
    return server.url("/redirect?" + urllib.parse.urlencode({"to": to, "code": code}))


# ----------------------------------------------------------------------------- check_url

@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "ftp://example.org/feed.xml", "gopher://example.org:70/1",
    "data:text/xml,<rss/>", "javascript:alert(1)", "dict://127.0.0.1:11211/stat", "/etc/passwd",
    "example.org/feed.xml", "http:///feed.xml",
])
def test_only_http_and_https_with_a_host_are_fetched(url):
    for allow in (False, True):
        with pytest.raises(InputError):
            check_url(url, allow_private=allow)
        with pytest.raises(InputError):
            fetch(url, allow_private=allow)


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.1.2.3", "localhost", "2130706433", "0x7f000001", "0177.0.0.1",  # loopback, odd spellings
    "10.0.0.5", "172.16.3.4", "192.168.1.1",                 # private
    "169.254.169.254",                                        # link-local: cloud metadata service
    "0.0.0.0", "0",                                           # unspecified (reaches local services)
    "100.64.0.1",                                             # carrier-grade NAT, not global
    "224.0.0.1", "255.255.255.255", "240.0.0.1",              # multicast, broadcast, reserved
    "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]",  # IPv4-mapped
    "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]",              # NAT64 of loopback / metadata
    "[2002:7f00:1::]",                                        # 6to4 of loopback
])
def test_non_public_addresses_are_refused_unless_allowed(host):
    url = f"http://{host}:8080/feed.xml"
    with pytest.raises(InputError, match="non-public address"):
        check_url(url)
    with pytest.raises(InputError, match="non-public address"):
        check_url(url.replace("http:", "https:"))
    check_url(url, allow_private=True)  # the operator's explicit choice


@pytest.mark.parametrize("url", ["http://93.184.215.14/rss", "https://8.8.8.8:8443/feed",
                                 "http://[2606:4700:4700::1111]/atom.xml"])
def test_public_addresses_pass(url):
    check_url(url)


def test_bad_ports_and_unresolvable_hosts_are_input_errors_not_crashes():
    with pytest.raises(InputError, match="port"):
        check_url("http://8.8.8.8:99999/feed")
    with pytest.raises(InputError, match="port"):
        check_url("http://8.8.8.8:http/feed")
    with pytest.raises(InputError, match="resolve"):
        check_url("http://no-such-host.invalid/feed")


@pytest.mark.parametrize("addr,public", [
    ("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:8.8.8.8", True), ("64:ff9b::808:808", True), ("64:ff9b::a00:1", False), ("2002:a00:1::", False),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo whose client address is 127.0.0.1
    ("100.64.0.1", False), ("169.254.1.1", False), ("fe80::1", False), ("ff02::1", False), ("::", False),
])
def test_is_public_address_looks_inside_ipv6_forms(addr, public):
    assert is_public_address(ipaddress.ip_address(addr)) is public


# ----------------------------------------------------------------------------- real fetches

def test_local_server_is_refused_before_any_request_unless_allowed(server):
    with pytest.raises(InputError, match="non-public address"):
        fetch(server.url("/feed.xml"))
    assert server.hits["/feed.xml"] == 0  # refused before connecting
    assert fetch(server.url("/feed.xml"), allow_private=True) == RSS
    items = list(read_url(server.url("/feed.xml"), allow_private=True))
    assert [type(x) for x in items] == [Article] and "ادلب" in items[0].text


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirects_to_internal_hosts_are_refused(server, other_server, loopback_is_public, code):
    assert fetch(server.url("/feed.xml")) == RSS  # the pretend-public server itself is fine
    for target in (other_server.url("/feed.xml"), "http://169.254.169.254/latest/meta-data/",
                   "http://[::ffff:127.0.0.2]:%d/feed.xml" % other_server.port, "http://10.1.2.3/"):
        with pytest.raises(InputError, match="non-public address"):
            fetch(_redirect(server, target, code))
    assert other_server.hits["/feed.xml"] == 0
    # relative redirects stay on the checked host and work
    assert fetch(_redirect(server, "/feed.xml", code)) == RSS


def test_redirect_chains_are_checked_at_every_hop(server, other_server, loopback_is_public):
    hop2 = _redirect(server, other_server.url("/feed.xml"))
    with pytest.raises(InputError, match="non-public address"):
        fetch(_redirect(server, hop2))
    assert other_server.hits["/feed.xml"] == 0


def test_redirects_with_allow_private_reach_internal_hosts(server, other_server):
    assert fetch(_redirect(server, other_server.url("/feed.xml")), allow_private=True) == RSS
    assert other_server.hits["/feed.xml"] == 1


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/",
                                    "data:text/plain,hello"])
def test_redirects_to_other_schemes_are_refused_even_when_private_is_allowed(server, target):
    with pytest.raises(InputError) as e:
        fetch(_redirect(server, target), allow_private=True)
    assert "root:" not in str(e.value)


def test_redirect_loops_and_long_chains_end(server):
    chain = "/feed.xml"
    for _ in range(3):
        chain = "/redirect?" + urllib.parse.urlencode({"to": chain})
    assert fetch(server.url(chain), allow_private=True) == RSS  # a few hops are fine
    for _ in range(5):
        chain = "/redirect?" + urllib.parse.urlencode({"to": chain})
    with pytest.raises(InputError, match="fetch failed"):
        fetch(server.url(chain), allow_private=True)  # 8 hops: too many
    with pytest.raises(InputError, match="fetch failed"):
        fetch(server.url("/loop"), allow_private=True)


def test_dns_rebinding_is_caught_at_connect_time(server, monkeypatch):
    """The name resolves to a public address when checked, then to 127.0.0.1 when connected."""
    real = socket.getaddrinfo
    answers = iter([("93.184.215.14", server.port)])

    def rebinding(host, port, *args, **kw):
        if host == "rebind.example":
            ip, p = next(answers, ("127.0.0.1", server.port))
            return real(ip, p, *args, **kw)
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(InputError, match="non-public address.*127.0.0.1"):
        fetch(f"http://rebind.example:{server.port}/feed.xml")
    assert server.hits["/feed.xml"] == 0


def test_response_size_is_capped(server):
    assert fetch(server.url("/big?n=1000"), allow_private=True, max_bytes=1000) == b"x" * 1000
    with pytest.raises(InputError, match="larger than 1000 bytes"):
        fetch(server.url("/big?n=1001"), allow_private=True, max_bytes=1000)
    with pytest.raises(InputError, match="larger than 1000 bytes"):
        fetch(server.url("/big-unannounced?n=5000000"), allow_private=True, max_bytes=1000)
    assert feeds.MAX_FEED_BYTES <= 50_000_000  # the default cap exists and is sane


def test_a_silent_server_times_out(server):
    t0 = time.monotonic()
    with pytest.raises(InputError, match="fetch failed"):
        fetch(server.url("/hang"), allow_private=True, timeout=0.5)
    assert time.monotonic() - t0 < 4


def test_a_dripping_server_hits_the_total_time_limit(server):
    t0 = time.monotonic()
    with pytest.raises(InputError, match="longer than 1 s"):
        fetch(server.url("/drip"), allow_private=True, timeout=2, total_timeout=1)
    assert time.monotonic() - t0 < 4
    assert 0 < feeds.TOTAL_TIMEOUT_S <= 300 and 0 < feeds.TIMEOUT_S <= feeds.TOTAL_TIMEOUT_S


def test_an_opml_list_that_lists_itself_ends(server):
    items = list(read_url(server.url("/self.opml"), allow_private=True))
    arts = [x for x in items if isinstance(x, Article)]
    errs = [x for x in items if isinstance(x, InputError)]
    assert len(arts) == 1 and "ادلب" in arts[0].text
    assert len(errs) == 1 and "loop" in str(errs[0])
    assert server.hits["/self.opml"] == 1


def test_the_cli_refuses_a_private_feed_url_with_one_line(server, capsys):
    from marsad.cli import main

    rc = main(["extract", server.url("/feed.xml"), "-o", "-"])
    err = capsys.readouterr().err
    assert rc != 0 and "non-public address" in err and "Traceback" not in err
    assert server.hits["/feed.xml"] == 0


# ----------------------------------------------------------------------------- hostile XML

_BOMB_DTD = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lollollollollollollollollollol">'
             + "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10)) + "]>")


def test_entity_bombs_in_feeds_and_opml_are_cheap():
    from marsad.ingest.feeds import articles_from_feed, feed_urls_from_opml

    t0 = time.monotonic()
    with pytest.raises(InputError, match="not valid OPML"):
        feed_urls_from_opml((_BOMB_DTD + '<opml><body><outline xmlUrl="http://x/&l9;"/></body></opml>').encode(),
                            "bomb.opml")
    rss = _BOMB_DTD + ('<rss version="2.0"><channel><title>t</title><item><title>&l9;</title>'
                       "<description>&l9;</description></item></channel></rss>")
    for item in articles_from_feed(rss.encode(), "bomb.rss"):
        assert isinstance(item, InputError) or len(item.text) < 10_000  # never the 3 GB expansion
    assert time.monotonic() - t0 < 10


def test_external_entities_are_never_resolved():
    from marsad.ingest.feeds import articles_from_feed, feed_urls_from_opml

    dtd = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    rss = dtd + ('<rss version="2.0"><channel><title>t</title><item><title>a</title>'
                 "<description>خبر &x; انتهى</description></item></channel></rss>")
    for item in articles_from_feed(rss.encode(), "xxe.rss"):
        assert "root:" not in (str(item) if isinstance(item, InputError) else item.text)
    try:
        urls = feed_urls_from_opml((dtd + '<opml><body><outline xmlUrl="http://a/&x;"/></body></opml>').encode(),
                                   "xxe.opml")
        assert not any("root:" in u for u in urls)
    except InputError:
        pass  # refused outright: fine too
