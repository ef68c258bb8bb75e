"""An ingest killed at any moment loses nothing and leaves nothing half-written.

`marsad ingest` writes one transaction per batch. These tests run the real command in a
subprocess, SIGKILL it after some batches are committed, check the database is consistent
(no orphan rows, every article's layers complete, counters right), run it again to the end and
compare with a clean single run: every article stored exactly once, the same rows. With
MARSAD_TEST_PG set (`eval "$(scripts/ci_postgres.sh)"`), two ingest processes write overlapping
inputs into one PostgreSQL database at the same time.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import shared_path

MARSAD = [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"]
ENV = {**os.environ, "PYTHONHASHSEED": "0"}
PG_URL = os.environ.get("MARSAD_TEST_PG")


def ant_corpus(path: Path, n: int, step: int = 100) -> Path:
    """n real ANT articles (every `step`-th line, so outlets and topics vary) as a JSONL file."""
    src = shared_path("data", "news", "ant_multisource_v2.1.jsonl.gz")
    out = []
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % step == 0:
                out.append(line.rstrip("\n"))
                if len(out) == n:
                    break
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def ingest(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*MARSAD, "ingest", *args], capture_output=True, text=True, env=ENV, timeout=timeout)


def failures(stderr: str) -> list[str]:
    """The per-item error lines (analysis bugs in some article, bad lines): fine, if the same each run."""
    return sorted(line for line in stderr.splitlines() if line.startswith("marsad: ") and "error" not in line[:15])


def assert_clean_exit(p: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in p.stderr, p.stderr[-3000:]
    assert p.returncode in (0, 1), p.stderr[-3000:]  # 1: some item failed, reported one line each


def sqlite_rows(db: Path, sql: str) -> int:
    """Read the SQLite file while the writer runs (WAL: readers never block it)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not created / not migrated yet
        return 0


# ----------------------------------------------------------------------------- the checks

LAYERS = ("entities", "times", "places", "quotes", "events")


def check_consistent(url: str) -> None:
    """Nothing half-written: the invariants a complete batch leaves, whatever was interrupted."""
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            q = lambda sql: c.execute(text(sql)).all()  # noqa: E731
            one = lambda sql: c.execute(text(sql)).scalar()  # noqa: E731
            assert q("SELECT key FROM articles GROUP BY key, version HAVING COUNT(*) > 1") == []
            assert q("SELECT key FROM articles WHERE is_latest = TRUE GROUP BY key HAVING COUNT(*) > 1") == []
            for t in (*LAYERS, "event_sources"):
                assert one(f"SELECT COUNT(*) FROM {t} x LEFT JOIN articles a ON a.id = x.article_id "
                           "WHERE a.id IS NULL") == 0, f"orphan rows in {t}"
            assert one("SELECT COUNT(*) FROM event_sources s LEFT JOIN events e ON e.id = s.event_id "
                       "WHERE e.id IS NULL") == 0, "event_sources without their event"
            assert one("SELECT COUNT(*) FROM events e LEFT JOIN canonical_events c ON c.id = e.canonical_id "
                       "WHERE e.canonical_id IS NOT NULL AND c.id IS NULL") == 0, "events of a missing canonical"
            # an article's own counter matches its rows: its events were written with it
            assert one("SELECT COUNT(*) FROM articles a WHERE a.n_events <> "
                       "(SELECT COUNT(*) FROM events e WHERE e.article_id = a.id)") == 0
            # canonical events: their member counts match, and none is left without members
            assert one("SELECT COUNT(*) FROM canonical_events c WHERE c.n_events <> "
                       "(SELECT COUNT(*) FROM events e WHERE e.canonical_id = c.id)") == 0
            assert one("SELECT COUNT(*) FROM canonical_events c WHERE NOT EXISTS "
                       "(SELECT 1 FROM event_sources s WHERE s.canonical_id = c.id)") == 0
            assert one("SELECT COUNT(*) FROM events e WHERE e.canonical_id IS NOT NULL AND NOT EXISTS "
                       "(SELECT 1 FROM event_sources s WHERE s.event_id = e.id "
                       "AND s.canonical_id = e.canonical_id)") == 0
            # actor mention counters equal the mentions actually stored
            assert one("SELECT COUNT(*) FROM actors x WHERE x.mentions <> (SELECT COUNT(*) FROM entities n "
                       "JOIN articles a ON a.id = n.article_id WHERE n.actor_id = x.id AND a.is_latest = TRUE)") == 0
            # every stored text is whole (its hash) and every span points into it
            texts = {}
            for aid, t, h in q("SELECT id, text, content_hash FROM articles"):
                assert hashlib.sha256(t.encode("utf-8")).hexdigest() == h
                texts[aid] = t
            for t in ("entities", "times", "places", "quotes"):
                for aid, s, e, span in q(f"SELECT article_id, start, \"end\", text FROM {t}"):
                    assert texts[aid][s:e] == span, (t, aid, s, e)
            for aid, s, e, span in q("SELECT article_id, trigger_start, trigger_end, trigger_text FROM events"):
                assert texts[aid][s:e] == span
            if eng.dialect.name == "sqlite":
                assert q("PRAGMA integrity_check") == [("ok",)]
                assert q("PRAGMA foreign_key_check") == []
    finally:
        eng.dispose()


def snapshot(url: str) -> dict:
    """What a run stored, independent of row ids and timing."""
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            q = lambda sql: sorted(tuple(r) for r in c.execute(text(sql)).all())  # noqa: E731
            snap = {
                "articles": q("SELECT key, version, is_latest, content_hash, n_events, outlet FROM articles"),
                "events": q("SELECT a.key, e.eid, e.type, e.trigger_start, e.trigger_end, e.country, e.date "
                            "FROM events e JOIN articles a ON a.id = e.article_id"),
                "canonical": q("SELECT c.type, c.n_events, c.n_articles, c.n_sources FROM canonical_events c"),
                "actors": q("SELECT key, mentions FROM actors"),
            }
            for t in ("entities", "times", "places", "quotes"):
                snap[t] = q(f"SELECT a.key, x.start, x.\"end\" FROM {t} x JOIN articles a ON a.id = x.article_id")
            return snap
    finally:
        eng.dispose()


def assert_same(a: dict, b: dict) -> None:
    for k in a:
        assert len(a[k]) == len(b[k]) and a[k] == b[k], f"{k}: {len(a[k])} vs {len(b[k])} rows differ"


# ----------------------------------------------------------------------------- SIGKILL mid-run

def kill_and_resume(tmp_path: Path, n: int, batch: int, rerun: bool = True) -> None:
    corpus = ant_corpus(tmp_path / "corpus.jsonl", n)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    args = [str(corpus), "--batch", str(batch)]

    # the clean reference run goes on alongside the one we kill
    clean = subprocess.Popen([*MARSAD, "ingest", *args, "--db", f"sqlite:///{clean_db}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    victim = subprocess.Popen([*MARSAD, "ingest", *args, "--db", f"sqlite:///{killed_db}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    target = 2 * batch  # at least two batches committed, so there is something to lose
    deadline = time.monotonic() + 600
    stored = 0
    while victim.poll() is None and time.monotonic() < deadline:
        stored = sqlite_rows(killed_db, "SELECT COUNT(*) FROM articles")
        if stored >= target:
            break
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL, "ingest finished before it could be killed: use more articles"
    stored = sqlite_rows(killed_db, "SELECT COUNT(*) FROM articles")
    assert target <= stored < n - 1
    assert stored % batch == 0, f"{stored} articles stored: a batch of {batch} was half-written"
    check_consistent(f"sqlite:///{killed_db}")

    resumed = ingest(*args, "--db", f"sqlite:///{killed_db}")
    out, err = clean.communicate(timeout=600)
    assert_clean_exit(resumed)
    assert_clean_exit(subprocess.CompletedProcess(clean.args, clean.returncode, out, err))
    assert failures(resumed.stderr) == failures(err)  # the same items fail (if any), nothing else
    assert f"{stored} unchanged" in resumed.stderr  # the committed part was kept, not redone
    check_consistent(f"sqlite:///{killed_db}")
    killed, reference = snapshot(f"sqlite:///{killed_db}"), snapshot(f"sqlite:///{clean_db}")
    assert len(reference["articles"]) >= n - len(failures(err))
    assert all(version == 1 for _, version, *_ in killed["articles"])  # stored once, never re-versioned
    assert_same(killed, reference)

    if not rerun:
        return
    # and a third run over a finished database changes nothing
    again = ingest(*args, "--db", f"sqlite:///{killed_db}")
    assert_clean_exit(again)
    assert "0 new articles" in again.stderr
    assert_same(snapshot(f"sqlite:///{killed_db}"), reference)


@pytest.mark.slow  # ~20 s: three ingest processes with analysis
def test_sigkill_mid_ingest_then_resume_equals_a_clean_run(tmp_path):
    kill_and_resume(tmp_path, n=21, batch=3, rerun=False)


@pytest.mark.slow
def test_sigkill_mid_ingest_of_300_articles(tmp_path):
    kill_and_resume(tmp_path, n=300, batch=20)


def test_ctrl_c_stores_completed_batches_only(tmp_path):
    """SIGINT (Ctrl-C): the batch in progress is dropped, the committed ones stay, exit is clean."""
    corpus = ant_corpus(tmp_path / "corpus.jsonl", 200)  # long enough to be mid-run when interrupted
    db = tmp_path / "int.db"
    # a background CI job may start us with SIGINT ignored, which the child would inherit
    p = subprocess.Popen([*MARSAD, "ingest", str(corpus), "--batch", "3", "--db", f"sqlite:///{db}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while p.poll() is None and time.monotonic() < deadline and sqlite_rows(db, "SELECT COUNT(*) FROM articles") < 6:
        time.sleep(0.05)
    assert p.poll() is None, "ingest finished before it could be interrupted"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode != 0
    assert sqlite_rows(db, "SELECT COUNT(*) FROM articles") % 3 == 0
    check_consistent(f"sqlite:///{db}")


# ----------------------------------------------------------------------------- PostgreSQL, two writers

@pytest.fixture()
def pg_url():
    if not PG_URL:
        pytest.skip("MARSAD_TEST_PG not set (eval \"$(scripts/ci_postgres.sh)\")")
    from sqlalchemy.engine import make_url

    from marsad.store.db import normalise_url

    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    names = []

    def make() -> str:
        name = f"marsad_crash_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return make_url(normalise_url(PG_URL)).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as c:
        for name in names:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """~150 analysed records (`marsad extract`), so the writers' race is about storage alone."""
    d = tmp_path_factory.mktemp("records")
    corpus = ant_corpus(d / "corpus.jsonl", 150, step=150)
    out = d / "records.jsonl"
    p = subprocess.run([*MARSAD, "extract", str(corpus), "-o", str(out)], capture_output=True, text=True,
                       env=ENV, timeout=600)
    assert "Traceback" not in p.stderr and out.stat().st_size > 0, p.stderr[-2000:]
    return out


def _split_overlapping(records: Path, tmp: Path) -> tuple[Path, Path]:
    lines = [x for x in records.read_text(encoding="utf-8").splitlines() if x.strip()]
    third = len(lines) // 3
    a, b = tmp / "a.jsonl", tmp / "b.jsonl"
    a.write_text("\n".join(lines[: 2 * third]) + "\n", encoding="utf-8")          # first two thirds
    b.write_text("\n".join(lines[third:][::-1]) + "\n", encoding="utf-8")         # last two, reversed
    return a, b


def _two_writers(url: str, a: Path, b: Path, *extra: str) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([*MARSAD, "ingest", "--records", str(f), "--batch", "10", "--db", url, *extra],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for f in (a, b)]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


@pytest.mark.slow
def test_two_concurrent_ingests_into_postgresql_store_each_article_once(pg_url, records, tmp_path):
    """Fails until the store serialises batch transactions (bench/RELIABILITY.md §2): today one
    writer dies on a deadlock / unique violation of uq_actors_key or uq_articles_key_version."""
    a, b = _split_overlapping(records, tmp_path)
    shared, reference = pg_url(), pg_url()
    ingest("--records", str(records), "--db", reference)
    for p in _two_writers(shared, a, b):
        assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-3000:]
    check_consistent(shared)
    got, want = snapshot(shared), snapshot(reference)
    # canonical clustering may group differently when the order of arrival differs; the stored
    # articles, their layers and the actors may not
    for k in ("articles", "events", "entities", "times", "places", "quotes", "actors"):
        assert got[k] == want[k], k
    assert sum(n for _, n, *_ in got["canonical"]) == sum(n for _, n, *_ in want["canonical"])


@pytest.mark.slow
def test_two_concurrent_ingests_into_one_new_sqlite_file(records, tmp_path):
    """Two writers on one fresh SQLite file: both migrate it and write; SQLite serialises them.
    Fails until the store fix of bench/RELIABILITY.md §2 (migration race, actors.key race)."""
    a, b = _split_overlapping(records, tmp_path)
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    for p in _two_writers(url, a, b):
        assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-3000:]
    check_consistent(url)
    assert len(snapshot(url)["articles"]) == len([x for x in records.read_text().splitlines() if x.strip()])


def test_killed_ingest_with_records_input(tmp_path):
    """The --records path (no analysis, fast batches) under SIGKILL: same guarantees."""
    lines = []
    for i in range(1200):
        t = f"قصفت طائرات حربية مدينة ادلب في اليوم {i} وقتل {i % 7} مدنيين."
        trig = t.index("قصفت")
        lines.append(json.dumps({"id": f"r{i}", "text": t, "outlet": f"o{i % 5}", "published": "2024-03-01",
                                 "entities": [], "times": [], "quotes": [],
                                 "events": [{"id": "v1", "type": "ASSAULT", "mode": "aerial", "status": "actual",
                                             "trigger": {"text": "قصفت", "start": trig, "end": trig + 4}}]},
                                ensure_ascii=False))
    recs = tmp_path / "recs.jsonl"
    recs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "r.db"
    args = ["--records", str(recs), "--batch", "25", "--no-dedup", "--db", f"sqlite:///{db}"]
    p = subprocess.Popen([*MARSAD, "ingest", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    deadline = time.monotonic() + 300
    while p.poll() is None and time.monotonic() < deadline and sqlite_rows(db, "SELECT COUNT(*) FROM articles") < 50:
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if p.returncode != -signal.SIGKILL:
        pytest.skip("ingest finished before the kill (machine too fast for 1200 records)")
    n = sqlite_rows(db, "SELECT COUNT(*) FROM articles")
    assert n % 25 == 0 and n < 1200
    check_consistent(f"sqlite:///{db}")
    r = ingest(*args)
    assert_clean_exit(r)
    assert r.returncode == 0
    assert f"{1200 - n} new articles" in r.stderr and f"{n} unchanged" in r.stderr
    check_consistent(f"sqlite:///{db}")
    assert sqlite_rows(db, "SELECT COUNT(DISTINCT key) FROM articles") == 1200
    assert sqlite_rows(db, "SELECT COUNT(*) FROM events") == 1200


def test_a_relative_date_thousands_of_years_back_does_not_crash_the_analysis():
    """Found by this suite's 300-article ingest (ANT BB-technology-319-20180717): 'قبل 5000 عام'
    once shifted the publication date to year -2982 and raised ValueError."""
    from marsad.pipeline import analyse
    from marsad.types import Article

    analyse(Article(text="صنع الخبز قبل أكثر من 5000 عام في الأردن.", published="2018-07-16", id="x"))
