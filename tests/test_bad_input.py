"""Hostile and broken input: every case gives a clear error or a clean record, never a crash."""
import gzip
import json
import subprocess
import sys

import pytest

from marsad.errors import InputError
from marsad.ingest import read_inputs
from marsad.ingest import readers
from marsad.pipeline import analyse
from marsad.record import check_spans, to_json
from marsad.types import Article

AR = "قال وزير الخارجية إن الجيش قصف مواقع المسلحين في بغداد أمس."


def read(*paths):
    return list(read_inputs([str(p) for p in paths], published="2024-08-11"))


def test_bidi_controls_and_diacritics_keep_offsets():
    text = "\u202bقال\u200f الوزيرُ\u200e: «\u2067نرفض\u2069 ذلك» اليوم.\u202c"
    rec = to_json(analyse(Article(text=text, published="2024-08-11", id="b")))
    assert check_spans(rec) == []


def test_html_with_scripts_iframes_and_huge_attributes(tmp_path):
    junk = "x" * 2_000_000
    html = (f"<html><head><script>document.write('<p>{AR}</p>')</script></head><body>"
            f"<iframe src='javascript:alert(1)'></iframe><div data-junk='{junk}'>"
            + "".join(f"<p>{AR} {i}</p>" for i in range(8)) + "</div></body></html>")
    (tmp_path / "h.html").write_text(html, encoding="utf-8")
    (a,) = read(tmp_path / "h.html")
    assert AR in a.text and "alert" not in a.text and "document.write" not in a.text


def test_malformed_feeds_are_reported(tmp_path):
    (tmp_path / "a.rss").write_text("<rss><channel><item><title>x</title>", encoding="utf-8")
    (tmp_path / "b.xml").write_bytes(b"\x00\x01 not xml")
    got = read(tmp_path / "a.rss", tmp_path / "b.xml")
    assert got and all(isinstance(x, InputError) for x in got)


def test_compressed_input_that_expands_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_DECOMPRESSED", 1_000_000)
    p = tmp_path / "bomb.jsonl.gz"
    with gzip.open(p, "wb") as g:
        line = (json.dumps({"text": AR}, ensure_ascii=False) + "\n").encode()
        for _ in range(40_000):
            g.write(line)
    got = read(p)
    assert isinstance(got[-1], InputError) and "refused" in str(got[-1])
    assert sum(isinstance(x, Article) for x in got) > 0  # what came before the limit was kept


def test_compressed_text_bomb_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_DECOMPRESSED", 1_000_000)
    p = tmp_path / "bomb.txt.gz"
    with gzip.open(p, "wb") as g:
        g.write(b"a" * 5_000_000)
    (err,) = read(p)
    assert isinstance(err, InputError) and "refused" in str(err)


def test_jsonl_with_bad_lines_among_good_ones_via_cli(tmp_path):
    p = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": AR}, ensure_ascii=False) for i in range(5)]
    lines[1] = '{"id": "x", "text": '
    lines[3] = "\xff garbage"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "marsad.cli", "extract", str(p)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["a0", "a2", "a4"]
    assert f"{p}:2:" in r.stderr and f"{p}:4:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_a_five_megabyte_article():
    text = ("\n".join([AR, "وأضاف: \"نحن نرفض ذلك\"، مؤكداً أن الهجوم وقع في 5 أغسطس/آب الجاري."] * 20000))[:5_000_000]
    rec = to_json(analyse(Article(text=text, published="2024-08-11", id="big")))
    assert check_spans(rec) == [] and rec["events"]
