"""The event database: schema, idempotent versioned ingest, deduplication, exports, CLI.

Every test that touches a database runs against SQLite, and again against PostgreSQL when
MARSAD_TEST_PG points at one (`eval "$(scripts/ci_postgres.sh)"; pytest -m slow`); the
PostgreSQL half is marked slow and works in a private database it creates and drops, never
in the one named by the URL.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from marsad.store import dedup
from marsad.store.db import current_revision, head_revision, normalise_url, open_db
from marsad.store.export import (
    ACLED_COLUMNS,
    FLAT_COLUMNS,
    GDELT_COLUMNS,
    Filters,
    export,
    export_to_string,
)
from marsad.store.ingest import (
    Ingestor,
    RecordError,
    counts,
    ingest_records,
    parse_date,
    prepare,
)
from marsad.store.models import (
    Actor,
    Article,
    Base,
    CanonicalEvent,
    Entity,
    Event,
    EventSource,
)

PG_URL = os.environ.get("MARSAD_TEST_PG")


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_database():
    """A private PostgreSQL database for this test session (created, then dropped)."""
    if not PG_URL:
        pytest.skip("MARSAD_TEST_PG not set (eval \"$(scripts/ci_postgres.sh)\" to run the PostgreSQL half)")
    from sqlalchemy.engine import make_url

    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"marsad_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(normalise_url(PG_URL)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# The PostgreSQL half is marked slow: CI runs it (`pytest -m slow`) after starting a server.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'marsad.db'}"
    url = request.getfixturevalue("pg_database")
    eng = create_engine(url)
    with eng.begin() as c:  # a clean schema for every test
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url


@pytest.fixture
def db(db_url):
    d = open_db(db_url)
    yield d
    d.close()


# --- records as `marsad.record.to_json` writes them ------------------------------------------

def _span(text: str, s: str, nth: int = 0) -> dict:
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return {"text": s, "start": i, "end": i + len(s)}


def make_record(rid: str, text: str, outlet: str, published: str, events: list[dict], *,
                url: str | None = None, entities: list[tuple[str, str, str | None]] = ()) -> dict:
    """events: dicts with type, trigger, and optionally actor, actor_code, place, country, admin1, date."""
    ents = [{"id": f"e{i + 1}", **_span(text, t), "type": ty, "canonical": {"ar": t, "en": None},
             "actor_code": code, "wikidata": None} for i, (t, ty, code) in enumerate(entities)]
    evs = []
    for k, e in enumerate(events):
        loc = None
        if e.get("place"):
            loc = {**_span(text, e["place"]), "name": e.get("place_en", e["place"]), "name_ar": e["place"],
                   "country": e.get("country"), "admin1": e.get("admin1"), "lat": 36.2, "lon": 37.1,
                   "geonameid": e.get("geonameid"), "precision": e.get("precision", "city")}
        elif e.get("country"):
            loc = {"text": None, "name": None, "country": e["country"], "admin1": None, "lat": None, "lon": None,
                   "geonameid": None, "precision": "country"}
        actor = {**_span(text, e["actor"]), "entity": None, "code": e.get("actor_code")} if e.get("actor") else None
        recip = {**_span(text, e["recipient"]), "entity": None, "code": e.get("recipient_code")} \
            if e.get("recipient") else None
        trig = _span(text, e["trigger"], e.get("nth", 0))
        evs.append({"id": f"v{k + 1}", "type": e["type"], "mode": e.get("mode"), "contexts": e.get("contexts", []),
                    "status": e.get("status", "actual"), "trigger": trig, "actor": actor, "recipient": recip,
                    "location": loc,
                    "date": {"value": e.get("date", published), "precision": e.get("precision_date", "day"),
                             "from": "text"},
                    "size": {"dead": e.get("dead"), "injured": None, "arrested": None},
                    "cameo_root": e.get("cameo_root"), "acled": None,
                    "sentence": {"start": 0, "end": len(text)}, "confidence": e.get("confidence", 0.8),
                    "mentions": []})
    return {"id": rid, "url": url, "outlet": outlet, "published": published, "title": f"title {rid}",
            "text": text, "language": "ar", "entities": ents, "times": [], "quotes": [], "places": [],
            "events": evs, "schema_version": 1}


ALEPPO_1 = ("قصف الجيش السوري أحياء في مدينة حلب صباح اليوم ما أدى إلى مقتل خمسة مدنيين وإصابة آخرين "
            "بحسب ما أفاد ناشطون محليون في المدينة الواقعة شمال البلاد")
ALEPPO_2 = ("قال المرصد السوري لحقوق الإنسان إن خمسة مدنيين قتلوا في قصف نفذه الجيش السوري على حلب "
            "وسط تصعيد عسكري متواصل في المنطقة منذ أسابيع")
ALEPPO_3 = ("أفادت مصادر طبية بمقتل خمسة أشخاص جراء غارة شنها الجيش السوري على أحياء حلب الشرقية "
            "فيما تواصل القوات النظامية حشد تعزيزات على أطراف المدينة")
BAGHDAD = ("تظاهر آلاف العراقيين في ساحة التحرير وسط بغداد احتجاجا على تردي الخدمات والبطالة "
           "وطالب المتظاهرون الحكومة بمحاسبة الفاسدين وتوفير فرص العمل للشباب")


def aleppo_records() -> list[dict]:
    ev = dict(type="ASSAULT", mode="aerial", actor="الجيش السوري", actor_code="SYRMIL", place="حلب",
              country="SYR", admin1="Aleppo", geonameid=170063, dead=5)
    return [
        make_record("bbc-1", ALEPPO_1, "BBC Arabic", "2018-03-01", [{**ev, "trigger": "قصف", "date": "2018-03-01"}],
                    url="http://bbc.example/1", entities=[("الجيش السوري", "ORG", "SYRMIL")]),
        make_record("cnn-1", ALEPPO_2, "CNN Arabic", "2018-03-02", [{**ev, "trigger": "قصف", "date": "2018-03-01"}],
                    url="http://cnn.example/1", entities=[("الجيش السوري", "ORG", "SYRMIL")]),
        make_record("sky-1", ALEPPO_3, "Sky News Arabia", "2018-03-02",
                    [{**ev, "trigger": "غارة", "date": "2018-03-02"}], url="http://sky.example/1",
                    entities=[("الجيش السوري", "ORG", "SYRMIL")]),
        make_record("f24-1", BAGHDAD, "France 24", "2018-03-01",
                    [{"type": "PROTEST", "mode": "demo", "trigger": "تظاهر", "actor": "آلاف العراقيين",
                      "place": "بغداد", "country": "IRQ", "admin1": "Baghdad", "date": "2018-03-01"}],
                    url="http://f24.example/1"),
    ]


def n_rows(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


# --- schema -----------------------------------------------------------------------------------

def test_open_creates_schema_at_head_and_models_match_migrations(db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(db.engine) == head_revision()
    names = set(inspect(db.engine).get_table_names())
    assert {"articles", "entities", "actors", "events", "canonical_events", "event_sources", "quotes",
            "times", "places", "alembic_version"} <= names
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models.py and migrations disagree: {diff}"


def test_filter_columns_are_indexed(db):
    idx = {tuple(i["column_names"]) for i in inspect(db.engine).get_indexes("events")}
    for col in ("type", "country", "admin1", "date", "actor_code", "recipient_code"):
        assert any(c[0] == col for c in idx), col
    cidx = {tuple(i["column_names"]) for i in inspect(db.engine).get_indexes("canonical_events")}
    for col in ("type", "country", "date", "actor_code"):
        assert any(c[0] == col for c in cidx), col


def test_reopening_is_a_no_op(db_url):
    open_db(db_url).close()
    d = open_db(db_url)
    assert current_revision(d.engine) == head_revision()
    d.close()


def test_plain_path_means_sqlite(tmp_path):
    assert normalise_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


# --- ingest -----------------------------------------------------------------------------------

def test_ingest_stores_every_layer_with_offsets_into_the_text(db):
    st = ingest_records(db, aleppo_records())
    assert (st.added, st.failed, st.events) == (4, 0, 4)
    with db.session() as s:
        for art in s.scalars(select(Article)):
            for ev in art.events:
                assert art.text[ev.trigger_start:ev.trigger_end] == ev.trigger_text
                if ev.actor_text:
                    assert art.text[ev.actor_start:ev.actor_end] == ev.actor_text
                if ev.location_start is not None:
                    assert art.text[ev.location_start:ev.location_end] == ev.location_text
            for e in art.entities:
                assert art.text[e.start:e.end] == e.text
        ev = s.scalar(select(Event).where(Event.type == "PROTEST"))
        assert (ev.country, ev.admin1, str(ev.date), ev.mode) == ("IRQ", "Baghdad", "2018-03-01", "demo")
        army = s.scalar(select(Actor).where(Actor.code == "SYRMIL"))
        assert army is not None and army.mentions == 3
        assert s.scalar(select(func.count()).select_from(Entity).where(Entity.actor_id == army.id)) == 3


def test_same_articles_twice_store_nothing_new(db):
    recs = aleppo_records()
    ingest_records(db, recs)
    before = counts(db)
    st = ingest_records(db, recs)
    assert (st.added, st.versions, st.unchanged, st.events) == (0, 0, 4, 0)
    assert counts(db) == before
    ing = Ingestor(db)
    assert ing.is_stored("bbc-1", None, ALEPPO_1)
    assert not ing.is_stored("bbc-1", None, ALEPPO_1 + " تحديث")


def test_changed_text_under_the_same_id_is_a_new_version(db):
    recs = aleppo_records()
    ingest_records(db, recs)
    changed = make_record("bbc-1", ALEPPO_1 + " وارتفع عدد القتلى لاحقا", "BBC Arabic", "2018-03-01",
                          [{"type": "ASSAULT", "trigger": "قصف", "actor": "الجيش السوري", "actor_code": "SYRMIL",
                            "place": "حلب", "country": "SYR", "admin1": "Aleppo", "geonameid": 170063,
                            "date": "2018-03-01"}], url="http://bbc.example/1")
    st = ingest_records(db, [changed])
    assert (st.added, st.versions) == (0, 1)
    with db.session() as s:
        versions = s.scalars(select(Article).where(Article.key == "bbc-1").order_by(Article.version)).all()
        assert [(a.version, a.is_latest) for a in versions] == [(1, False), (2, True)]
        assert versions[0].text == ALEPPO_1  # history kept
        assert s.scalar(select(func.count()).select_from(Event).where(Event.article_id == versions[0].id)) == 0
        assert s.scalar(select(func.count()).select_from(Event).where(Event.article_id == versions[1].id)) == 1
        # the act is still one canonical event, fed by the new version instead of the old one
        ce = s.scalar(select(CanonicalEvent).where(CanonicalEvent.type == "ASSAULT"))
        assert (ce.n_sources, ce.n_articles) == (3, 3)
        assert versions[0].id not in {es.article_id for es in ce.sources}
    assert counts(db)["articles"] == 4 and counts(db)["article_versions"] == 5
    # the same changed text again: nothing new
    assert ingest_records(db, [changed]).unchanged == 1


def test_an_input_holding_two_versions_is_idempotent_too(db):
    """A corpus or feed that carries an article twice, edited in between, must not flip
    versions back and forth on every run."""
    old = aleppo_records()[0]
    new = json.loads(json.dumps(old))
    new["text"] = ALEPPO_1 + " وارتفع عدد القتلى"
    first = ingest_records(db, [old, new])
    assert (first.added, first.versions) == (1, 1)
    again = ingest_records(db, [old, new])
    assert (again.added, again.versions, again.unchanged) == (0, 0, 2)
    assert Ingestor(db).is_stored("bbc-1", None, ALEPPO_1)  # the older text: not worth analysing again
    with db.session() as s:
        latest = s.scalar(select(Article).where(Article.key == "bbc-1", Article.is_latest.is_(True)))
        assert latest.version == 2 and latest.text == new["text"]


def test_same_url_under_a_new_id_is_the_same_article(db):
    ingest_records(db, aleppo_records())
    rec = aleppo_records()[0]
    rec["id"] = None
    rec["text"] = ALEPPO_1 + " (محدث)"
    st = ingest_records(db, [rec])
    assert st.versions == 1 and counts(db)["articles"] == 4


def test_a_crash_mid_batch_leaves_no_half_written_article(db, monkeypatch):
    recs = aleppo_records()
    real = Ingestor._write
    calls = {"n": 0}

    def boom(self, s, p, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(self, s, p, *a, **kw)

    monkeypatch.setattr(Ingestor, "_write", boom)
    ing = Ingestor(db, batch_size=10)
    for r in recs:
        ing.add(r)
    with pytest.raises(RuntimeError):
        ing.flush()
    for model in (Article, Event, Entity, CanonicalEvent, EventSource, Actor):
        assert n_rows(db, model) == 0, model.__name__
    monkeypatch.setattr(Ingestor, "_write", real)
    st = ingest_records(db, recs)  # a rerun stores everything, once
    assert st.added == 4 and n_rows(db, Article) == 4


def test_earlier_batches_survive_a_crash_in_a_later_one(db, monkeypatch):
    recs = aleppo_records()
    ingest_records(db, recs[:2], batch_size=2)
    real = Ingestor._write
    monkeypatch.setattr(Ingestor, "_write", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("crash")))
    with pytest.raises(RuntimeError):
        ingest_records(db, recs[2:], batch_size=2)
    monkeypatch.setattr(Ingestor, "_write", real)
    assert n_rows(db, Article) == 2


def test_malformed_records_are_reported_and_the_rest_stored(db):
    good = aleppo_records()
    bad_offsets = json.loads(json.dumps(good[0]))
    bad_offsets["id"] = "broken"
    bad_offsets["events"][0]["trigger"]["start"] += 1  # text no longer matches its offsets
    no_text = {"id": "empty", "text": "  "}
    ing = Ingestor(db)
    for r in [good[0], bad_offsets, no_text, good[1]]:
        ing.add(r)
    ing.flush()
    assert (ing.stats.added, ing.stats.failed) == (2, 2)
    assert any("broken" in e and "trigger" in e for e in ing.stats.errors)
    assert n_rows(db, Article) == 2


def test_prepare_rejects_offsets_outside_the_text():
    rec = aleppo_records()[0]
    rec["entities"][0]["end"] = len(rec["text"]) + 5
    with pytest.raises(RecordError):
        prepare(rec)


@pytest.mark.parametrize("value,expected", [
    ("2024-08-09", "2024-08-09"), ("2024-08-09T14:00", "2024-08-09"), ("2024-08", "2024-08-01"),
    ("2024", "2024-01-01"), ("2024-W32", "2024-08-05"), ("2024-Q2", "2024-04-01"), ("2023-SU", "2023-06-01"),
    ("PRESENT_REF", None), (None, None), ("2024-13-01", None)])
def test_event_dates_are_stored_as_the_first_day_they_cover(value, expected):
    d = parse_date(value)
    assert (d.isoformat() if d else None) == expected


# --- deduplication ----------------------------------------------------------------------------

def test_near_duplicate_articles_are_marked_and_linked_to_the_first_copy(db):
    recs = aleppo_records()
    # a wire copy: the same body under another outlet's dateline
    copy = make_record("copy-1", "دمشق (رويترز) - " + ALEPPO_1, "Al Arabiya", "2018-03-01", [])
    st = ingest_records(db, recs + [copy])
    assert st.duplicates == 1
    with db.session() as s:
        first = s.scalar(select(Article).where(Article.key == "bbc-1"))
        dup = s.scalar(select(Article).where(Article.key == "copy-1"))
        assert dup.duplicate_of == first.id and dup.duplicate_score >= dedup.DUP_THRESHOLD
        others = s.scalars(select(Article).where(Article.key.in_(["cnn-1", "sky-1", "f24-1"]))).all()
        assert all(a.duplicate_of is None for a in others)  # same story, different wording: not copies


def test_duplicate_index_survives_reopening(db_url):
    d = open_db(db_url)
    ingest_records(d, aleppo_records()[:1])
    d.close()
    d = open_db(db_url)  # a new process: the index is rebuilt from stored signatures
    st = ingest_records(d, [make_record("copy-2", ALEPPO_1 + " .", "X", "2018-03-01", [])])
    d.close()
    assert st.duplicates == 1


def test_shingles_ignore_diacritics_and_letter_variants():
    assert dedup.shingles("قَصَفَ الجيشُ مدينةَ حلب") == dedup.shingles("قصف الجيش مدينة حلب")
    assert dedup.shingles("أعلنت الوزارة") == dedup.shingles("اعلنت الوزاره")


def test_reports_of_one_act_by_several_outlets_become_one_canonical_event(db):
    ingest_records(db, aleppo_records())
    with db.session() as s:
        ces = s.scalars(select(CanonicalEvent).order_by(CanonicalEvent.type)).all()
        assert [(c.type, c.n_sources, c.n_articles, c.n_events) for c in ces] == \
            [("ASSAULT", 3, 3, 3), ("PROTEST", 1, 1, 1)]
        assault = ces[0]
        assert assault.country == "SYR" and assault.actor_code == "SYRMIL"
        assert sorted(es.outlet for es in assault.sources) == ["BBC Arabic", "CNN Arabic", "Sky News Arabia"]
        assert {es.url for es in assault.sources} == {"http://bbc.example/1", "http://cnn.example/1",
                                                      "http://sky.example/1"}
        assert all(e.canonical_id == assault.id for e in s.scalars(select(Event).where(Event.type == "ASSAULT")))


@pytest.mark.parametrize("change", ["other country", "three days later", "other actor", "other type", "negated"])
def test_events_that_differ_are_not_merged(db, change):
    base = dict(type="ASSAULT", trigger="قصف", actor="الجيش السوري", actor_code="SYRMIL", place="حلب",
                country="SYR", admin1="Aleppo", geonameid=170063, date="2018-03-01")
    other = dict(base)
    if change == "other country":
        other.update(place="الموصل", country="IRQ", admin1="Nineveh", geonameid=99072)
    elif change == "three days later":
        other.update(date="2018-03-04")
    elif change == "other actor":
        other.update(actor="القوات الروسية", actor_code="RUSMIL")
    elif change == "other type":
        other.update(type="COERCE", trigger="قصف")
    elif change == "negated":
        other.update(status="negated")
    t2 = ALEPPO_2 + " وأكدت القوات الروسية والموصل"
    ingest_records(db, [make_record("a", ALEPPO_1, "BBC", "2018-03-01", [base]),
                        make_record("b", t2, "CNN", "2018-03-01", [other])])
    assert n_rows(db, CanonicalEvent) == 2


def test_outlets_that_name_one_side_differently_still_report_one_act(db):
    gaza = ("أعلنت حركة حماس التوصل إلى اتفاق لوقف إطلاق النار في غزة بوساطة مصرية وقال مسؤول فلسطيني "
            "إن الحركة وافقت على التهدئة")
    ev = dict(type="AGREE", trigger="اتفاق", place="غزة", country="PSE", admin1="Gaza", date="2018-07-14")
    recs = [make_record("a", gaza, "A", "2018-07-14", [{**ev, "actor": "حركة حماس", "actor_code": "PSEREB"}]),
            make_record("b", gaza + " .", "B", "2018-07-14", [{**ev, "actor": "حماس", "actor_code": "PSEREB"}]),
            make_record("c", gaza + " ..", "C", "2018-07-14", [{**ev, "actor": "مسؤول فلسطيني", "actor_code": "PSE"}]),
            make_record("d", gaza + " ...", "D", "2018-07-15", [{**ev, "actor": "الحركة", "date": "2018-07-15"}])]
    ingest_records(db, recs)
    (ce,) = _canon(db)
    assert (ce.n_sources, ce.actor_code, ce.actor_name) == (4, "PSEREB", "حركة حماس")


MEETING = "استقبل الرئيس الفرنسي إيمانويل ماكرون في باريس الرئيس الأمريكي دونالد ترامب وبحث معه الملف الإيراني"


def test_a_meeting_reported_from_either_side_is_one_act(db):
    ev = dict(type="CONSULT", trigger="استقبل", country="FRA", place="باريس", admin1="Ile-de-France",
              date="2018-04-23")
    ingest_records(db, [
        make_record("a", MEETING, "A", "2018-04-23", [{**ev, "actor": "إيمانويل ماكرون", "actor_code": "FRAGOV",
                                                       "recipient": "دونالد ترامب", "recipient_code": "USAGOV"}]),
        make_record("b", MEETING + " .", "B", "2018-04-23", [{**ev, "actor": "دونالد ترامب", "actor_code": "USAGOV",
                                                             "recipient": "إيمانويل ماكرون",
                                                             "recipient_code": "FRAGOV"}])])
    (ce,) = _canon(db)
    assert ce.n_sources == 2


def test_same_day_same_country_alone_is_not_enough(db):
    """Two statements of support for one side by different speakers are two acts, even in
    one country on one day: agreement on country and on the actors' country is only weak."""
    text = ("أعلنت السعودية دعمها لقرار الرئيس الأمريكي وأيدت الإمارات القرار كذلك في بيان رسمي "
            "بينما رحب مسؤولون في الرياض بالخطوة")
    ev = dict(type="SUPPORT", trigger="دعمها", country="USA", date="2018-05-09",
              recipient="الرئيس الأمريكي", recipient_code="USAGOV")
    ingest_records(db, [
        make_record("a", text, "A", "2018-05-09", [{**ev, "actor": "السعودية", "actor_code": "SAUGOV"}]),
        make_record("b", text + " .", "B", "2018-05-09", [{**ev, "actor": "مسؤولون", "actor_code": None}])])
    assert n_rows(db, CanonicalEvent) == 2


def test_two_events_of_one_article_stay_two_acts(db):
    text = ALEPPO_1 + " ثم قصف الجيش السوري حلب مرة ثانية"
    ev = dict(type="ASSAULT", actor="الجيش السوري", actor_code="SYRMIL", place="حلب", country="SYR",
              admin1="Aleppo", geonameid=170063, date="2018-03-01")
    ingest_records(db, [make_record("a", text, "BBC", "2018-03-01",
                                    [{**ev, "trigger": "قصف"}, {**ev, "trigger": "قصف", "nth": 1}])])
    assert n_rows(db, CanonicalEvent) == 2


def test_clustering_does_not_depend_on_batch_boundaries(db_url, tmp_path):
    recs = aleppo_records()
    one = open_db(db_url)
    ingest_records(one, recs, batch_size=1)
    a = sorted((c.type, c.n_sources) for c in _canon(one))
    one.close()
    other = open_db(f"sqlite:///{tmp_path / 'other.db'}")
    ingest_records(other, recs, batch_size=100)
    b = sorted((c.type, c.n_sources) for c in _canon(other))
    other.close()
    assert a == b == [("ASSAULT", 3), ("PROTEST", 1)]


def _canon(db):
    with db.session() as s:
        return s.scalars(select(CanonicalEvent)).all()


# --- exports ----------------------------------------------------------------------------------

def test_plover_export_has_polecat_field_names_and_source_counts(db):
    ingest_records(db, aleppo_records())
    lines = export_to_string(db, "plover").splitlines()
    rows = [json.loads(x) for x in lines]
    assert len(rows) == 2
    a = next(r for r in rows if r["event_type"] == "ASSAULT")
    for k in ("event_id", "event_date", "event_mode", "quad_code", "contexts", "actor_name", "recipient_name",
              "placename", "country", "latitude", "longitude", "source", "num_sources", "event_text"):
        assert k in a
    assert (a["event_date"], a["country"], a["num_sources"], a["quad_code"]) == \
        ("2018-03-01", "SYR", 3, "Material Conflict")
    assert a["event_text"] in (ALEPPO_1, ALEPPO_2, ALEPPO_3)
    # article level: one row per reported event
    assert len(export_to_string(db, "plover", level="article").splitlines()) == 4


def test_acled_export_keeps_acled_types_with_acled_columns(db):
    ingest_records(db, aleppo_records())
    rows = list(csv.DictReader(io.StringIO(export_to_string(db, "acled"))))
    assert list(rows[0].keys()) == ACLED_COLUMNS
    by_type = {r["event_type"]: r for r in rows}
    assert set(by_type) == {"Explosions/Remote violence", "Protests"}
    ex = by_type["Explosions/Remote violence"]
    assert (ex["event_date"], ex["country"], ex["admin1"], ex["fatalities"], ex["geo_precision"]) == \
        ("2018-03-01", "SYR", "Aleppo", "5", "1")
    assert ex["sub_event_type"] == "Shelling/artillery/missile attack"
    assert "BBC Arabic" in ex["source"] and "CNN Arabic" in ex["source"]


def test_gdelt_export_is_tab_separated_with_gdelt_columns(db):
    ingest_records(db, aleppo_records())
    lines = export_to_string(db, "gdelt").splitlines()
    header = lines[0].split("\t")
    assert header == GDELT_COLUMNS
    rows = [dict(zip(header, ln.split("\t"))) for ln in lines[1:]]
    assert all(len(ln.split("\t")) == len(header) for ln in lines[1:])
    a = next(r for r in rows if r["QuadClass"] == "4" and r["EventRootCode"] == "19")
    assert (a["SQLDATE"], a["Actor1Code"], a["Actor1CountryCode"], a["NumSources"], a["ActionGeo_CountryCode"]) \
        == ("20180301", "SYRMIL", "SYR", "3", "SYR")
    assert a["SOURCEURL"].startswith("http://")
    p = next(r for r in rows if r["EventRootCode"] == "14")
    assert p["QuadClass"] == "4"


def test_csv_and_parquet_exports_hold_the_same_rows(db, tmp_path):
    import pyarrow.parquet as pq

    ingest_records(db, aleppo_records())
    rows = list(csv.DictReader(io.StringIO(export_to_string(db, "csv"))))
    assert list(rows[0].keys()) == FLAT_COLUMNS and len(rows) == 2
    path = tmp_path / "events.parquet"
    assert export(db, "parquet", str(path)) == 2
    table = pq.read_table(path)
    assert table.num_rows == 2
    assert sorted(table.column("type").to_pylist()) == ["ASSAULT", "PROTEST"]
    assert sorted(table.column("n_sources").to_pylist()) == [1, 3]


def test_acled_and_gdelt_leave_out_acts_that_did_not_happen(db):
    recs = aleppo_records()
    recs[3]["events"][0]["status"] = "future"  # a protest that is only called for
    ingest_records(db, recs)
    assert [r["event_type"] for r in csv.DictReader(io.StringIO(export_to_string(db, "acled")))] == \
        ["Explosions/Remote violence"]
    assert len(export_to_string(db, "gdelt").splitlines()) == 2  # header + the assault
    assert len(export_to_string(db, "plover").splitlines()) == 2  # PLOVER keeps status as a field


def test_export_filters(db):
    ingest_records(db, aleppo_records())
    one = export_to_string(db, "csv", filters=Filters(countries=["irq"]))
    assert len(list(csv.DictReader(io.StringIO(one)))) == 1
    multi = export_to_string(db, "csv", filters=Filters(min_sources=2))
    assert [r["type"] for r in csv.DictReader(io.StringIO(multi))] == ["ASSAULT"]


# --- command line -----------------------------------------------------------------------------

def _write_jsonl(path: Path, objs: list) -> Path:
    path.write_text("".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n"
                            for o in objs), encoding="utf-8")
    return path


def test_cli_ingest_records_is_idempotent_and_reports_bad_lines(db_url, tmp_path, capsys):
    from marsad.cli import main

    good = _write_jsonl(tmp_path / "records.jsonl", aleppo_records())
    assert main(["-q", "ingest", "--records", str(good), "--db", db_url, "--no-progress"]) == 0
    assert main(["-q", "ingest", "--records", str(good), "--db", db_url, "--no-progress"]) == 0
    d = open_db(db_url)
    assert counts(d)["articles"] == 4 and counts(d)["canonical_events"] == 2
    d.close()
    bad = _write_jsonl(tmp_path / "bad.jsonl", ["{not json", {"id": "x", "text": ""}])
    capsys.readouterr()
    assert main(["-q", "ingest", "--records", str(bad), str(tmp_path / "missing.jsonl"), "--db", db_url,
                 "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert any("bad.jsonl:1" in e and "broken JSON" in e for e in err)
    assert any("bad.jsonl:2" in e for e in err)
    assert any("missing.jsonl" in e for e in err)


def test_cli_export_writes_a_file(db_url, tmp_path):
    from marsad.cli import main

    recs = _write_jsonl(tmp_path / "records.jsonl", aleppo_records())
    assert main(["-q", "ingest", "--records", str(recs), "--db", db_url, "--no-progress"]) == 0
    out = tmp_path / "acled.csv"
    assert main(["-q", "export", "--format", "acled", "--db", db_url, "-o", str(out)]) == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 2


def test_cli_bad_database_is_a_one_line_error(tmp_path, capsys):
    from marsad.cli import main

    assert main(["export", "--format", "csv", "--db", str(tmp_path / "nope" / "x.db")]) == 2
    assert main(["ingest", "x.jsonl", "--db", "mysql+nodriver://u@h/db"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(e.startswith("marsad: error:") for e in err)


# --- the bundled sample -----------------------------------------------------------------------

def test_bundled_sample_is_small_attributed_2018_political_news():
    from marsad.commands.demo import sample_path

    with gzip.open(sample_path(), "rt", encoding="utf-8") as f:
        arts = [json.loads(x) for x in f]
    assert 20 <= len(arts) <= 50
    assert all(a["published"].startswith("2018") and a["url"] and a["outlet"] and a["text"] for a in arts)
    assert len({a["outlet"] for a in arts}) >= 3
    licences = (Path(__file__).resolve().parents[1] / "DATA_LICENSES.md").read_text(encoding="utf-8")
    assert "ant_sample.jsonl.gz" in licences


# --- ingest from articles (feeds, files): the analysis is faked, the plumbing is real ---------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Outlet</title>
<item><title>قصف في حلب</title><link>http://feed.example/1</link><guid>feed-1</guid>
<pubDate>Thu, 01 Mar 2018 10:00:00 +0000</pubDate><description>{a}</description></item>
<item><title>مظاهرة في بغداد</title><link>http://feed.example/2</link><guid>feed-2</guid>
<pubDate>Thu, 01 Mar 2018 11:00:00 +0000</pubDate><description>{b}</description></item>
</channel></rss>
""".format(a=ALEPPO_1, b=BAGHDAD)


@pytest.fixture
def fake_analyse(monkeypatch):
    """One event per article on its first word: enough to see articles flow into the store."""
    import marsad.pipeline
    from marsad.types import Event, Record, Span

    calls = []

    def analyse(article):
        calls.append(article.id)
        w = article.text.split()[0]
        ev = Event(id="v1", type="ASSAULT", mode=None, trigger=Span(0, len(w), w),
                   sentence=Span(0, len(article.text), article.text),
                   date={"value": article.published, "precision": "day", "from": "published"})
        return Record(article=article, events=[ev])

    monkeypatch.setattr(marsad.pipeline, "analyse", analyse)
    return calls


def test_cli_ingests_a_feed_and_skips_analysis_of_stored_articles(db_url, tmp_path, fake_analyse):
    from marsad.cli import main

    feed = tmp_path / "feed.rss"
    feed.write_text(RSS, encoding="utf-8")
    assert main(["-q", "ingest", str(feed), "--db", db_url, "--no-progress"]) == 0
    assert sorted(fake_analyse) == ["feed-1", "feed-2"]
    assert main(["-q", "ingest", str(feed), "--db", db_url, "--no-progress"]) == 0
    assert len(fake_analyse) == 2  # unchanged articles are not analysed again
    d = open_db(db_url)
    with d.session() as s:
        arts = s.scalars(select(Article).order_by(Article.key)).all()
        assert [(a.key, a.outlet, a.url, a.published) for a in arts] == [
            ("feed-1", "Test Outlet", "http://feed.example/1", "2018-03-01"),
            ("feed-2", "Test Outlet", "http://feed.example/2", "2018-03-01")]
    d.close()


def test_cli_watch_polls_until_interrupted(db_url, tmp_path, fake_analyse, monkeypatch):
    import marsad.commands.ingest as cmd
    from marsad.cli import main

    feed = tmp_path / "feed.rss"
    feed.write_text(RSS, encoding="utf-8")
    polls = []

    def sleep(seconds):
        polls.append(seconds)
        if len(polls) == 2:
            raise KeyboardInterrupt
        # the feed changes between polls: one article is updated
        feed.write_text(RSS.replace("ما أدى إلى", "ما أسفر عن"), encoding="utf-8")

    monkeypatch.setattr(cmd.time, "sleep", sleep)
    assert main(["-q", "ingest", str(feed), "--watch", "5", "--db", db_url, "--no-progress"]) == 0
    assert polls == [5.0, 5.0]
    d = open_db(db_url)
    c = counts(d)
    d.close()
    assert (c["articles"], c["article_versions"]) == (2, 3)


# --- slow: the real pipeline and the real corpus ----------------------------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.slow
def test_build_sample_is_deterministic_and_matches_the_shipped_file(tmp_path):
    import subprocess
    import sys

    from marsad.commands.demo import sample_path

    corpus = SHARED / "data" / "news" / "ant_multisource_v2.1.jsonl.gz"
    if not corpus.exists():
        pytest.skip("../shared (ANT corpus) not available")
    script = Path(__file__).resolve().parents[1] / "scripts" / "build_sample.py"
    out = tmp_path / "s.jsonl.gz"
    subprocess.run([sys.executable, str(script), "--corpus", str(corpus), "-o", str(out)], check=True)
    assert out.read_bytes() == sample_path().read_bytes()


@pytest.mark.slow
def test_demo_without_server_ingests_the_sample_once(tmp_path, capsys):
    from marsad.cli import main

    db = tmp_path / "demo.db"
    assert main(["demo", "--no-serve", "--db", str(db)]) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--no-serve", "--db", str(db)]) == 0
    assert capsys.readouterr().out == first  # a second run adds nothing
    d = open_db(str(db))
    c = counts(d)
    d.close()
    assert c["articles"] == 48 and c["events"] > 0 and c["canonical_events"] > 0
    assert c["multi_source_events"] > 0  # the sample holds stories told by several outlets


def test_cli_database_failure_mid_run_is_a_one_line_error(db_url, tmp_path, monkeypatch, capsys):
    from sqlalchemy.exc import OperationalError

    from marsad.cli import main

    recs = _write_jsonl(tmp_path / "records.jsonl", aleppo_records())

    def fail(*a, **k):
        raise OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Ingestor, "_write", fail)
    assert main(["-q", "ingest", "--records", str(recs), "--db", db_url, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "rolled back" in err[0] and "server closed" in err[0]
