"""Inputs -> Articles. `read_inputs` takes paths, folders, URLs or '-' and yields Article or
InputError items in input order, so one bad file or line never stops the good ones.

Formats, by extension (or content for standard input):
  .txt                 one article (encoding detected: UTF-8, BOMs, cp1256)
  .html .htm           main text and metadata via trafilatura
  .jsonl .json .ndjson one article a line: `text` required; `id`/`docno`, `url`, `title`,
                       `outlet`/`src`/`source`, `published`/`time`/`date` optional
  .rss .atom .xml      RSS/Atom feed (one article per entry)
  .opml                a list of feeds, each fetched
  .warc .warc.gz       HTML responses in a web archive
  any of these + .gz   gzip-compressed (refused past MAX_DECOMPRESSED bytes)
  folder               every supported file inside it, recursively, sorted
  http(s)://…          a feed URL (fetched safely, see feeds.py)
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from marsad.errors import InputError
from marsad.ingest.dates import parse_published
from marsad.ingest.decode import decode_bytes
from marsad.ingest.feeds import articles_from_feed, feed_urls_from_opml, fetch
from marsad.ingest.html import article_from_html
from marsad.types import Article

MAX_DECOMPRESSED = 2 * 1024**3  # a .gz that expands past this is refused (zip bomb guard)
MAX_FILE_BYTES = 512 * 1024**2  # a single non-JSONL file
MAX_LINE_BYTES = 64 * 1024**2
SUPPORTED = (".txt", ".html", ".htm", ".jsonl", ".ndjson", ".json", ".rss", ".atom", ".xml",
             ".opml", ".warc")

Item = Article | InputError


def stable_id(*parts: str | None) -> str:
    h = hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return h[:16]


def finish(article: Article, published: str | None = None) -> Article:
    """Fill defaults: a stable id, the fallback publication date; strip a BOM."""
    if article.text.startswith("\ufeff"):
        article.text = article.text[1:]
    if not article.published and published:
        article.published = published
    if not article.id:
        article.id = stable_id(article.url) if article.url else stable_id(article.text)
    article.id = str(article.id)
    return article


def _kind(name: str) -> tuple[str, bool]:
    low = name.lower()
    gz = low.endswith(".gz")
    if gz:
        low = low[:-3]
    for ext in SUPPORTED:
        if low.endswith(ext):
            return ext, gz
    return "", gz


class _CappedReader(io.RawIOBase):
    """Counts bytes read from a decompressing stream and stops past a limit."""

    def __init__(self, raw: IO[bytes], limit: int, where: str):
        self.raw, self.limit, self.where, self.n = raw, limit, where, 0

    def readable(self):
        return True

    def readinto(self, b):
        data = self.raw.read(len(b))
        self.n += len(data)
        if self.n > self.limit:
            raise InputError(f"{self.where}: decompresses past {self.limit // 1024**2} MB; refused")
        b[:len(data)] = data
        return len(data)


def _open_bytes(path: Path, gz: bool) -> IO[bytes]:
    f = open(path, "rb")
    if gz:
        return io.BufferedReader(_CappedReader(gzip.GzipFile(fileobj=f), MAX_DECOMPRESSED, str(path)),
                                 buffer_size=1 << 16)
    return f


def _read_all(path: Path, gz: bool) -> bytes:
    with _open_bytes(path, gz) as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{path}: larger than {MAX_FILE_BYTES // 1024**2} MB")
    return data


def article_from_json(obj: dict, where: str) -> Article:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: no 'text' field")
    if not text.strip():
        raise InputError(f"{where}: empty article")
    s = lambda k: (str(obj[k]) if obj.get(k) not in (None, "") else None)  # noqa: E731
    return Article(text=text, id=s("id") or s("docno"), url=s("url") or s("link"), title=s("title"),
                   outlet=s("outlet") or s("src") or s("source"),
                   published=parse_published(obj.get("published") or obj.get("time") or obj.get("date")),
                   source=where)


def read_jsonl(stream: IO[bytes], name: str) -> Iterator[Item]:
    for n, raw in enumerate(stream, 1):
        where = f"{name}:{n}"
        if len(raw) > MAX_LINE_BYTES:
            yield InputError(f"{where}: line longer than {MAX_LINE_BYTES // 1024**2} MB")
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            obj = json.loads(line)
        except UnicodeDecodeError as e:
            yield InputError(f"{where}: not UTF-8 (byte {e.start})")
            continue
        except json.JSONDecodeError as e:
            yield InputError(f"{where}: broken JSON ({e.msg} at column {e.colno})")
            continue
        try:
            yield article_from_json(obj, where)
        except InputError as e:
            yield e


def read_json_document(data: bytes, name: str) -> Iterator[Item]:
    """A .json file: a single article object, or a list of them."""
    try:
        obj = json.loads(decode_bytes(data, name)[0])
    except json.JSONDecodeError:
        yield from read_jsonl(io.BytesIO(data), name)  # JSON Lines saved as .json
        return
    items = obj if isinstance(obj, list) else [obj]
    for i, o in enumerate(items, 1):
        try:
            yield article_from_json(o, f"{name}[{i}]" if isinstance(obj, list) else name)
        except InputError as e:
            yield e


def read_warc(stream: IO[bytes], name: str) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    try:
        for rec in ArchiveIterator(stream):
            if rec.rec_type != "response":
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            where = f"{name}#{uri}"
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            charset = None
            if "charset=" in ctype.lower():
                charset = ctype.lower().split("charset=")[-1].split(";")[0].strip() or None
            try:
                body = rec.content_stream().read(MAX_FILE_BYTES)
                html, _ = decode_bytes(body, where, declared=charset)
                art = article_from_html(html, where, url=uri)
                art.id = art.id or stable_id(uri)
                yield art
            except InputError as e:
                yield e
    except InputError as e:
        yield e
    except Exception as e:  # warcio raises ArchiveLoadFailed and friends on damaged archives
        yield InputError(f"{name}: damaged WARC archive ({e.__class__.__name__}: {e})")


def read_text_bytes(data: bytes, name: str, kind: str) -> Iterator[Item]:
    if kind in (".jsonl", ".ndjson"):
        yield from read_jsonl(io.BytesIO(data), name)
        return
    if kind == ".json":
        yield from read_json_document(data, name)
        return
    if kind in (".rss", ".atom", ".xml"):
        yield from articles_from_feed(data, name)
        return
    if kind == ".opml":
        for url in feed_urls_from_opml(data, name):
            yield from read_url(url)
        return
    text, _ = decode_bytes(data, name)
    if kind in (".html", ".htm") or (kind == "" and text.lstrip()[:1] == "<"):
        yield article_from_html(text, name)
        return
    if not text.strip():
        raise InputError(f"{name}: empty article")
    yield Article(text=text, source=name)


MAX_OPML_DEPTH = 3  # OPML lists that list OPML lists: a hostile or looping list cannot recurse forever


def read_url(url: str, allow_private: bool = False, _via: tuple[str, ...] = ()) -> Iterator[Item]:
    if url in _via or len(_via) >= MAX_OPML_DEPTH:
        yield InputError(f"{url}: OPML lists nested too deep or in a loop (via {' -> '.join(_via)})")
        return
    try:
        data = fetch(url, allow_private=allow_private)
    except InputError as e:
        yield e
        return
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<opml") or b"<opml" in head[:200]:
        try:
            urls = feed_urls_from_opml(data, url)
        except InputError as e:
            yield e
            return
        for u in urls:
            yield from read_url(u, allow_private, _via + (url,))
    elif b"<rss" in head or b"<feed" in head or b"<rdf" in head:
        yield from articles_from_feed(data, url)
    else:
        try:
            html, _ = decode_bytes(data, url)
            yield article_from_html(html, url, url=url)
        except InputError as e:
            yield e


def read_path(path: Path) -> Iterator[Item]:
    name = str(path)
    kind, gz = _kind(path.name)
    try:
        if kind == ".warc":
            with _open_bytes(path, gz) as f:
                yield from read_warc(f, name)
        elif kind in (".jsonl", ".ndjson"):
            with _open_bytes(path, gz) as f:
                yield from read_jsonl(f, name)
        elif kind == "" and not gz and path.suffix:
            yield InputError(f"{name}: unknown format '{path.suffix}' (expected one of {', '.join(SUPPORTED)}, "
                             "optionally .gz)")
        else:
            yield from read_text_bytes(_read_all(path, gz), name, kind)
    except InputError as e:
        yield e
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        yield InputError(f"{name}: cannot read ({e.__class__.__name__}: {e})")


def iter_folder(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and _kind(p.name)[0]:
            yield p


def read_stdin() -> Iterator[Item]:
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        yield InputError(f"<stdin>: larger than {MAX_FILE_BYTES // 1024**2} MB")
        return
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            yield InputError(f"<stdin>: broken gzip ({e})")
            return
    s = data.lstrip()[:1]
    kind = ".jsonl" if s == b"{" else ""
    try:
        yield from read_text_bytes(data, "<stdin>", kind)
    except InputError as e:
        yield e


def read_inputs(inputs: Iterable[str], published: str | None = None,
                allow_private: bool = False) -> Iterator[Item]:
    """Yield Articles (ids and default publication date filled) or InputErrors, in order."""
    published = parse_published(published) if published else None
    for inp in inputs:
        if inp == "-":
            items = read_stdin()
        elif inp.startswith(("http://", "https://")) or "://" in inp:
            items = read_url(inp, allow_private)
        else:
            p = Path(inp)
            if p.is_dir():
                files = list(iter_folder(p))
                if not files:
                    yield InputError(f"{inp}: folder holds no supported files")
                items = (x for f in files for x in read_path(f))
            elif p.exists():
                items = read_path(p)
            else:
                yield InputError(f"{inp}: no such file or folder")
                continue
        for item in items:
            if isinstance(item, Article):
                if not item.text.strip():
                    yield InputError(f"{item.source or inp}: empty article")
                    continue
                yield finish(item, published)
            else:
                yield item
