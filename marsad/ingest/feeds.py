"""RSS/Atom feeds and OPML lists, and safe fetching of feed URLs.

Fetching refuses non-http(s) schemes and, unless `allow_private=True`, hosts that resolve to
private, loopback, link-local, multicast, reserved or other non-global addresses (a server that
fetches feeds for users must not become a way into its own network). The check is made on the
name, on every redirect, and on the address actually connected to (against DNS rebinding).
Responses are capped in size and in total time.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Iterator

from marsad.errors import InputError
from marsad.ingest.dates import parse_published
from marsad.ingest.html import html_to_text
from marsad.types import Article

MAX_FEED_BYTES = 10_000_000
TIMEOUT_S = 20          # per connect and per read
TOTAL_TIMEOUT_S = 60    # the whole fetch: a server dripping one byte at a time cannot hold a worker
USER_AGENT = "Marsad/0.1 (+https://github.com/marsad-project/marsad)"

# IPv6 forms that carry an IPv4 address inside (RFC 6052 NAT64); mapped, 6to4 and Teredo are
# unwrapped by `ipaddress` itself.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast, judged on the IPv4 address an IPv6 one may embed
    (::ffff:127.0.0.1 is loopback). `is_global` also excludes CGNAT 100.64/10, 192.0.0/24 etc."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip.teredo is not None:
            ip = ip.teredo[1]
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)


def _refuse(url: str, ip: object) -> InputError:
    return InputError(f"{url}: refusing to fetch from a non-public address ({ip}); "
                      "pass --allow-private to permit it")


def check_url(url: str, allow_private: bool = False) -> None:
    """Raise InputError unless `url` is http(s) to a public address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs can be fetched")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # port out of range or not a number
        raise InputError(f"{url}: bad port in URL") from None
    if not host:
        raise InputError(f"{url}: no host in URL")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        raise InputError(f"{url}: cannot resolve host ({e})") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not is_public_address(ip):
            raise _refuse(url, ip)


def _public_only_connection(url: str):
    """socket.create_connection that refuses a non-public peer. The name was checked before,
    but DNS may answer differently now (rebinding): the address actually connected to decides."""
    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, *a, **kw):
        sock = socket.create_connection(address, timeout, source_address, *a, **kw)
        peer = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
        if not is_public_address(peer):
            sock.close()
            raise _refuse(url, peer)
        return sock
    return create_connection


def _guarded(conn_class, req: urllib.request.Request, allow_private: bool):
    # Through a proxy the peer is the proxy, which resolves the name itself: only check_url applies.
    check = not allow_private and not req.has_proxy() and not getattr(req, "_tunnel_host", None)

    def make(*args, **kwargs):
        conn = conn_class(*args, **kwargs)
        if check:
            conn._create_connection = _public_only_connection(req.full_url)
        return conn
    return make


class _GuardedHTTP(urllib.request.HTTPHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def http_open(self, req):
        return self.do_open(_guarded(http.client.HTTPConnection, req, self.allow_private), req)


class _GuardedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def https_open(self, req):
        return self.do_open(_guarded(http.client.HTTPSConnection, req, self.allow_private), req,
                            context=self._context)


class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # each hop must pass the same checks as the first URL (file:, ftp:, private hosts)
        check_url(urllib.parse.urljoin(req.full_url, newurl), allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, allow_private: bool = False, max_bytes: int = MAX_FEED_BYTES,
          timeout: float = TIMEOUT_S, total_timeout: float = TOTAL_TIMEOUT_S) -> bytes:
    """GET `url` (redirects followed, each hop checked) and return at most `max_bytes` bytes,
    within about `total_timeout` seconds; InputError otherwise."""
    check_url(url, allow_private)
    deadline = time.monotonic() + total_timeout
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_GuardedHTTP(allow_private), _GuardedHTTPS(allow_private),
                                         _CheckedRedirect(allow_private))
    chunks: list[bytes] = []
    n = 0
    try:
        with opener.open(req, timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise InputError(f"{url}: response larger than {max_bytes} bytes")
            while n <= max_bytes:
                if time.monotonic() > deadline:
                    raise InputError(f"{url}: fetch took longer than {total_timeout:g} s")
                # read1: whatever has arrived, so the deadline is checked between small reads
                chunk = resp.read1(min(1 << 16, max_bytes + 1 - n))
                if not chunk:
                    break
                chunks.append(chunk)
                n += len(chunk)
    except InputError:
        raise
    except Exception as e:
        raise InputError(f"{url}: fetch failed ({e.__class__.__name__}: {e})") from None
    if n > max_bytes:
        raise InputError(f"{url}: response larger than {max_bytes} bytes")
    return b"".join(chunks)


def articles_from_feed(data: bytes, where: str) -> Iterator[Article | InputError]:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        why = getattr(parsed, "bozo_exception", None)
        yield InputError(f"{where}: not a feed or no entries" + (f" ({why})" if why else ""))
        return
    outlet = (parsed.feed.get("title") or None) if hasattr(parsed, "feed") else None
    for n, e in enumerate(parsed.entries, 1):
        html = ""
        if e.get("content"):
            html = " ".join(c.get("value", "") for c in e["content"])
        html = html or e.get("summary") or e.get("description") or ""
        text = html_to_text(html).strip()
        if not text:
            yield InputError(f"{where}: entry {n}: empty article")
            continue
        yield Article(text=text, id=e.get("id") or None, url=e.get("link") or None,
                      title=html_to_text(e.get("title") or "") or None, outlet=outlet,
                      published=parse_published(e.get("published") or e.get("updated")),
                      source=f"{where}#{n}")


def feed_urls_from_opml(data: bytes, where: str) -> list[str]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise InputError(f"{where}: not valid OPML ({e})") from None
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    if not urls:
        raise InputError(f"{where}: OPML lists no feeds (no outline with xmlUrl)")
    return urls
