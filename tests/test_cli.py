"""The marsad command: records on good input, one-line errors on bad input, exit codes."""
import json
import subprocess
import sys
from pathlib import Path

from marsad.record import check_spans

MARSAD = [sys.executable, "-m", "marsad.cli"]


def run(*args, stdin=None):
    return subprocess.run([*MARSAD, *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_extract_a_text_file_with_a_publication_date(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("أعلنت السلطات العراقية، اليوم الأحد، اعتقال خمسة أشخاص في بغداد.", encoding="utf-8")
    r = run("extract", str(f), "--published", "2024-08-11")
    assert r.returncode == 0, r.stderr
    (rec,) = [json.loads(line) for line in r.stdout.splitlines()]
    for key in ("id", "url", "outlet", "published", "title", "text", "language", "entities", "times", "quotes", "events"):
        assert key in rec
    assert rec["published"] == "2024-08-11" and rec["language"] == "ar"
    assert check_spans(rec) == []


def test_bad_input_is_one_line_each_and_good_articles_still_written(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "g", "text": "قال الوزير إن المفاوضات مستمرة."}, ensure_ascii=False) + "\n{oops\n",
                    encoding="utf-8")
    r = run("extract", str(good), str(tmp_path / "missing.txt"))
    assert r.returncode == 1
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == ["g"]
    errs = r.stderr.strip().splitlines()
    assert len(errs) == 2 and all(e.startswith("marsad: ") for e in errs)
    assert "good.jsonl:2: broken JSON" in errs[0] and "Traceback" not in r.stderr


def test_usage_errors_exit_2_without_traceback(tmp_path):
    r = run("extract", "--published", "someday", str(tmp_path))
    assert r.returncode == 2 and "not a date" in r.stderr and "Traceback" not in r.stderr
    r = run("eval", str(tmp_path / "nope.jsonl"))
    assert r.returncode == 2 and r.stderr.startswith("marsad: error:")


def test_standard_input(tmp_path):
    r = run("extract", "-", "--published", "2024-08-11", stdin="قال الرئيس إن الحوار مستمر.")
    assert r.returncode == 0 and json.loads(r.stdout)["text"] == "قال الرئيس إن الحوار مستمر."


def test_help_teaches():
    r = run("--help")
    assert r.returncode == 0 and "examples:" in r.stdout
    r = run("extract", "--help")
    assert "standard input" in r.stdout
