"""RSS/Atom feeds and OPML lists, and safe fetching of feed URLs.

Fetching refuses non-http(s) schemes and, unless `allow_private=True`, hosts that resolve to
private, loopback, link-local, multicast or reserved addresses (a server that fetches feeds for
users must not become a way into its own network). Responses are capped in size and time.
"""
from __future__ import annotations

import ipaddress
import socket
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Iterator

from marsad.errors import InputError
from marsad.ingest.dates import parse_published
from marsad.ingest.html import html_to_text
from marsad.types import Article

MAX_FEED_BYTES = 10_000_000
TIMEOUT_S = 20
USER_AGENT = "Marsad/0.1 (+https://github.com/marsad-project/marsad)"


def check_url(url: str, allow_private: bool = False) -> None:
    """Raise InputError unless `url` is http(s) to a public address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise InputError(f"{url}: no host in URL")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        raise InputError(f"{url}: cannot resolve host ({e})") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified):
            raise InputError(f"{url}: refusing to fetch from a non-public address ({ip}); "
                             "pass --allow-private to permit it")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # each hop must pass the same checks as the first URL
        check_url(newurl, allow_private=getattr(req, "allow_private", False))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.allow_private = getattr(req, "allow_private", False)
        return new


def fetch(url: str, allow_private: bool = False, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    check_url(url, allow_private)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    req.allow_private = allow_private
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=TIMEOUT_S) as resp:
            data = resp.read(max_bytes + 1)
    except InputError:
        raise
    except Exception as e:
        raise InputError(f"{url}: fetch failed ({e.__class__.__name__}: {e})") from None
    if len(data) > max_bytes:
        raise InputError(f"{url}: response larger than {max_bytes} bytes")
    return data


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
