"""HTML pages -> Article: main text and metadata with trafilatura; a plain-text fallback."""
from __future__ import annotations

import json
import logging
from html.parser import HTMLParser

from marsad.errors import InputError
from marsad.ingest.dates import parse_published
from marsad.types import Article

log = logging.getLogger(__name__)
MAX_HTML_BYTES = 20_000_000


class _TextOnly(HTMLParser):
    """Visible text of an HTML fragment (feed summaries): drops script/style/iframe content."""
    SKIP = {"script", "style", "iframe", "noscript", "template", "svg", "object"}
    BLOCK = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    p = _TextOnly()
    p.feed(fragment)
    p.close()
    lines = [" ".join(line.split()) for line in "".join(p.parts).splitlines()]
    return "\n".join(line for line in lines if line)


def article_from_html(html: str, where: str, url: str | None = None) -> Article:
    if len(html) > MAX_HTML_BYTES:
        raise InputError(f"{where}: HTML page larger than {MAX_HTML_BYTES // 1_000_000} MB")
    import trafilatura

    try:
        out = trafilatura.extract(html, url=url, output_format="json", with_metadata=True,
                                  include_comments=False, include_tables=False, favor_precision=True)
    except Exception as e:  # trafilatura raises assorted lxml errors on hostile markup
        log.debug("trafilatura failed on %s: %s", where, e)
        out = None
    if out:
        meta = json.loads(out)
        text = (meta.get("text") or "").strip()
        if text:
            return Article(text=text, url=meta.get("url") or url, title=meta.get("title"),
                           outlet=meta.get("sitename") or meta.get("hostname"),
                           published=parse_published(meta.get("date")), source=where)
    text = html_to_text(html).strip()
    if not text:
        raise InputError(f"{where}: no article text found in the HTML")
    return Article(text=text, url=url, source=where)
