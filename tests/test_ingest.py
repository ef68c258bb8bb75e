"""Ingest: formats, encodings, dates, and bad input that never stops good input."""
import gzip
import io
import json

import pytest

from marsad.errors import InputError
from marsad.ingest import read_inputs
from marsad.ingest.dates import parse_published
from marsad.ingest.decode import decode_bytes
from marsad.types import Article

AR = "أعلنت وزارة الداخلية العراقية اعتقال خمسة أشخاص في بغداد."


def items(*paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


def test_plain_text_in_utf8_cp1256_and_utf16_with_bom(tmp_path):
    for name, data in {"a.txt": AR.encode("utf-8"), "b.txt": AR.encode("cp1256"),
                       "c.txt": b"\xef\xbb\xbf" + AR.encode("utf-8"),
                       "d.txt": AR.encode("utf-16")}.items():
        (tmp_path / name).write_bytes(data)
    got = items(tmp_path)
    assert [a.text for a in got] == [AR] * 4
    assert len({a.id for a in got}) == 1  # id is a stable hash of the text


def test_jsonl_fields_and_broken_lines_reported_with_line_numbers(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "a1", "text": AR, "src": "BBC", "time": "Sun, 18 Feb 2018 21:35:43 +0400"}, ensure_ascii=False),
        "{broken",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": AR, "published": "2024-08-11", "url": "https://x.example/1"}, ensure_ascii=False),
    ]), encoding="utf-8")
    got = items(f)
    assert isinstance(got[0], Article) and got[0].id == "a1" and got[0].outlet == "BBC"
    assert got[0].published == "2018-02-18"
    errors = [str(e) for e in got if isinstance(e, InputError)]
    assert errors == [f"{f}:2: broken JSON (Expecting property name enclosed in double quotes at column 2)",
                      f"{f}:3: no 'text' field", f"{f}:4: empty article"]
    assert got[-1].published == "2024-08-11" and got[-1].id  # id from the URL hash


def test_gzipped_jsonl_and_the_dev_gold_are_valid_input(tmp_path, dev_gold):
    f = tmp_path / "x.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as g:
        g.write(json.dumps({"text": AR}, ensure_ascii=False) + "\n")
    assert items(f)[0].text == AR
    from tests.conftest import shared_path
    got = items(shared_path("eval", "dev"))
    assert all(isinstance(a, Article) for a in got) and len(got) == len(dev_gold)


def test_html_main_text_and_metadata(tmp_path):
    body = "".join(f"<p>{AR} فقرة رقم {i} من نص الخبر الطويل بما يكفي لاستخراجه.</p>" for i in range(6))
    html = (f"<html><head><title>خبر</title><meta property='article:published_time' content='2024-08-11'>"
            f"<script>alert(1)</script></head><body><nav>قائمة</nav><article>{body}</article></body></html>")
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    (a,) = items(tmp_path / "p.html")
    assert AR in a.text and "alert" not in a.text
    assert a.published == "2024-08-11"


def test_rss_feed_entries(tmp_path):
    rss = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>وكالة</title>
    <item><title>عنوان</title><link>https://x.example/2</link><pubDate>Sat, 10 Aug 2024 10:00:00 GMT</pubDate>
    <description>&lt;p&gt;{AR}&lt;/p&gt;</description></item></channel></rss>"""
    (tmp_path / "f.rss").write_text(rss, encoding="utf-8")
    (a,) = items(tmp_path / "f.rss")
    assert a.text == AR and a.published == "2024-08-10" and a.outlet == "وكالة" and a.url == "https://x.example/2"


def test_warc_html_responses(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    body = ("<html><body><article>" + "".join(f"<p>{AR} {i}</p>" for i in range(5)) + "</article></body></html>").encode()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
    w.write_record(w.create_warc_record("https://x.example/3", "response", payload=io.BytesIO(body), http_headers=headers))
    (tmp_path / "a.warc.gz").write_bytes(buf.getvalue())
    (a,) = items(tmp_path / "a.warc.gz")
    assert AR in a.text and a.url == "https://x.example/3"


def test_bad_files_each_give_one_clear_error(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (tmp_path / "empty.txt").write_text("  \n ")
    (tmp_path / "x.docx").write_bytes(b"PK")
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    got = items(tmp_path / "bin.txt", tmp_path / "empty.txt", tmp_path / "x.docx",
                tmp_path / "broken.jsonl.gz", tmp_path / "missing.txt")
    assert all(isinstance(e, InputError) for e in got)
    msgs = [str(e) for e in got]
    assert "binary data" in msgs[0] and "empty article" in msgs[1] and "unknown format" in msgs[2]
    assert "cannot read" in msgs[3] and "no such file" in msgs[4]


def test_publication_date_default_and_formats():
    assert parse_published("٢٠٢٤-٠٨-١١") == "2024-08-11"
    assert parse_published("11/08/2024") == "2024-08-11"
    assert parse_published("2024-08-11T23:59:00+03:00") == "2024-08-11"
    assert parse_published("yesterday") is None


def test_decode_refuses_legacy_text_that_is_not_arabic():
    with pytest.raises(InputError, match="not UTF-8"):
        decode_bytes("Grüße aus Köln, schöne Straße. ".encode("latin-1") * 20, "x")


def test_truncated_utf8_is_repaired_not_refused():
    text, enc = decode_bytes(AR.encode("utf-8")[:-2], "x")
    assert text.startswith(AR[:-2]) and enc == "utf-8 (repaired)"
