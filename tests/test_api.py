"""The HTTP API (marsad/api): read endpoints, filters, pagination, exports, and write safety.

The database is built in a tmp dir through the store's own ingest (`marsad.store.ingest`) from
hand-made records in SCHEMA.md's shape, so these tests do not depend on extractor quality.
`build_records()` / `make_db()` are shared with tests/test_web.py.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from marsad.api.app import create_app  # noqa: E402
from marsad.store.db import open_db  # noqa: E402
from marsad.store.ingest import ingest_records  # noqa: E402

# ----------------------------------------------------------------------------- test data

PLACES = {
    "إدلب": dict(name="Idlib", country="SYR", admin1="Idlib", lat=35.93, lon=36.63, precision="city"),
    "ساحة التحرير": dict(name="Tahrir Square", country="IRQ", admin1="Baghdad", lat=33.33, lon=44.43,
                         precision="site"),
    "القاهرة": dict(name="Cairo", country="EGY", admin1="Cairo", lat=30.04, lon=31.24, precision="city"),
    "طرابلس": dict(name="Tripoli", country="LBY", admin1="Tripoli", lat=32.89, lon=13.19, precision="city"),
    "اليمن": dict(name="Yemen", country="YEM", admin1=None, lat=15.5, lon=47.5, precision="country"),
    "صيدا": dict(name="Sidon", country="LBN", admin1="South Governorate", lat=33.56, lon=35.37,
                 precision="city"),
    "الموصل": dict(name="Mosul", country="IRQ", admin1="Nineveh", lat=36.34, lon=43.13, precision="city"),
    "حمص": dict(name="Homs", country="SYR", admin1="Homs", lat=34.73, lon=36.71, precision="city"),
}


def _at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


def _sentence(text: str, start: int) -> dict[str, int]:
    """The sentence around `start`: bounded by . ! ? or a newline."""
    b = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    while b < len(text) and text[b] == " ":
        b += 1
    ends = [i for i in (text.find(c, start) for c in ".!?\n") if i != -1]
    e = min(ends) + 1 if ends else len(text)
    return {"start": b, "end": e}


def _span(text: str, sub: str | None, **extra: Any) -> dict | None:
    if sub is None:
        return None
    s, e = _at(text, sub)
    return {"text": sub, "start": s, "end": e, **extra}


def record(id: str, text: str, *, published: str, title: str, outlet: str, url: str | None = None,
           entities: list[tuple] = (), times: list[tuple] = (), quotes: list[tuple] = (),
           events: list[dict] = ()) -> dict:
    """A record in SCHEMA.md's shape; every span is given by its substring (first occurrence)."""
    ents = []
    for i, (sub, typ, code) in enumerate(entities):
        ents.append({**_span(text, sub), "id": f"e{i + 1}", "type": typ,
                     "canonical": {"ar": sub, "en": None}, "actor_code": code, "wikidata": None})
    tms = [{**_span(text, sub), "value": v, "precision": p, "calendar": "gregorian"} for sub, v, p in times]
    qts = [{**_span(text, sub), "kind": kind, "cue": _span(text, cue),
            "speaker": _span(text, spk, entity=None, code=None)} for sub, kind, cue, spk in quotes]
    evs = []
    for i, v in enumerate(events):
        trig = _span(text, v["trigger"])
        loc = None
        if v.get("location"):
            loc = {**_span(text, v["location"]), **PLACES[v["location"]], "geonameid": None, "name_ar": None}
        evs.append({
            "id": f"v{i + 1}", "type": v["type"], "mode": v.get("mode"), "contexts": v.get("contexts", []),
            "status": v.get("status", "actual"), "trigger": trig,
            "actor": _span(text, v["actor"][0], entity=None, code=v["actor"][1]) if v.get("actor") else None,
            "recipient": (_span(text, v["recipient"][0], entity=None, code=v["recipient"][1])
                          if v.get("recipient") else None),
            "location": loc,
            "date": {"value": v["date"][0], "precision": v["date"][1], "from": v["date"][2]},
            "size": {"dead": v.get("dead"), "injured": None, "arrested": v.get("arrested")},
            "cameo_root": v.get("cameo"), "acled": None, "sentence": _sentence(text, trig["start"]),
            "confidence": v.get("confidence", 0.8), "mentions": []})
    return {"id": id, "url": url, "outlet": outlet, "published": published, "title": title, "text": text,
            "language": "ar", "entities": ents, "times": tms, "quotes": qts, "events": evs, "places": [],
            "schema_version": 1}


def build_records() -> list[dict]:
    """Seven short Arabic news stories (two report the same strike) with events on a map."""
    recs = []
    t = ("شنت طائرات حربية غارات جوية على مدينة إدلب شمال غربي سوريا يوم الثلاثاء، ما أسفر عن مقتل "
         "سبعة مدنيين.\nوقال الدفاع المدني السوري إن \"فرق الإنقاذ ما زالت تبحث عن ناجين تحت الأنقاض\".")
    recs.append(record("idlib-1", t, published="2024-03-12", title="غارات جوية على إدلب توقع سبعة قتلى",
                       outlet="وكالة الأنباء", url="https://example.org/idlib-1",
                       entities=[("إدلب", "GPE", None), ("سوريا", "GPE", "SYR"),
                                 ("الدفاع المدني السوري", "ORG", "SYRNGO")],
                       times=[("يوم الثلاثاء", "2024-03-12", "day")],
                       quotes=[("\"فرق الإنقاذ ما زالت تبحث عن ناجين تحت الأنقاض\"", "direct", "وقال",
                                "الدفاع المدني السوري")],
                       events=[dict(type="ASSAULT", mode="aerial", trigger="غارات جوية",
                                    actor=("طائرات حربية", None), location="إدلب",
                                    date=("2024-03-12", "day", "text"), dead="7", cameo="19")]))
    t = "قتل سبعة مدنيين في غارات جوية استهدفت مدينة إدلب السورية الثلاثاء، بحسب الدفاع المدني."
    recs.append(record("idlib-2", t, published="2024-03-12", title="سبعة قتلى في إدلب",
                       outlet="صحيفة المساء", url="https://example.net/idlib",
                       entities=[("إدلب", "GPE", None), ("الدفاع المدني", "ORG", "SYRNGO")],
                       times=[("الثلاثاء", "2024-03-12", "day")],
                       events=[dict(type="ASSAULT", mode="aerial", trigger="غارات جوية", location="إدلب",
                                    date=("2024-03-12", "day", "text"), dead="7", cameo="19")]))
    t = ("تظاهر آلاف المحتجين في ساحة التحرير وسط بغداد يوم الجمعة للمطالبة بتحسين الخدمات. وفرقت قوات "
         "الأمن العراقية المتظاهرين باستخدام الغاز المسيل للدموع، واعتقلت عشرين شخصا.")
    recs.append(record("baghdad-1", t, published="2024-03-16", title="احتجاجات في بغداد واعتقالات",
                       outlet="وكالة الأنباء",
                       entities=[("بغداد", "GPE", None), ("قوات الأمن العراقية", "ORG", "IRQCOP")],
                       times=[("يوم الجمعة", "2024-03-15", "day")],
                       events=[dict(type="PROTEST", mode="demo", trigger="تظاهر",
                                    actor=("آلاف المحتجين", "IRQCVL"), location="ساحة التحرير",
                                    date=("2024-03-15", "day", "text"), cameo="14"),
                               dict(type="COERCE", mode="arrest", trigger="اعتقلت",
                                    actor=("قوات الأمن العراقية", "IRQCOP"), recipient=("عشرين شخصا", None),
                                    location="ساحة التحرير", date=("2024-03-15", "day", "text"),
                                    arrested="20", cameo="17")]))
    t = ("استقبل وزير الخارجية المصري سامح شكري في القاهرة اليوم الأحد نظيره الأردني أيمن الصفدي، وبحث "
         "الجانبان التطورات في قطاع غزة. وأكد شكري أن بلاده ترفض أي تهجير للفلسطينيين.")
    recs.append(record("cairo-1", t, published="2024-03-17", title="شكري يستقبل الصفدي في القاهرة",
                       outlet="صحيفة المساء",
                       entities=[("سامح شكري", "PER", "EGYGOV"), ("القاهرة", "GPE", None),
                                 ("أيمن الصفدي", "PER", "JORGOV"), ("قطاع غزة", "GPE", "PSE")],
                       times=[("اليوم الأحد", "2024-03-17", "day")],
                       quotes=[("بلاده ترفض أي تهجير للفلسطينيين", "indirect", "وأكد", "شكري")],
                       events=[dict(type="CONSULT", mode="visit", trigger="استقبل",
                                    actor=("سامح شكري", "EGYGOV"), recipient=("أيمن الصفدي", "JORGOV"),
                                    location="القاهرة", date=("2024-03-17", "day", "text"), cameo="04"),
                               dict(type="REJECT", trigger="ترفض", actor=("شكري", "EGYGOV"),
                                    date=("2024-03-17", "day", "published"), cameo="12")]))
    t = "اندلعت اشتباكات مسلحة بين مجموعتين مسلحتين في العاصمة الليبية طرابلس مساء السبت، وفق شهود عيان."
    recs.append(record("tripoli-1", t, published="2024-03-10", title="اشتباكات في طرابلس",
                       outlet="موقع ليبيا اليوم", entities=[("طرابلس", "GPE", None)],
                       times=[("مساء السبت", "2024-03-09", "day")],
                       events=[dict(type="ASSAULT", mode="firearms", trigger="اشتباكات مسلحة",
                                    location="طرابلس", date=("2024-03-09", "day", "text"), cameo="19")]))
    t = "أعلنت الولايات المتحدة فرض عقوبات جديدة على شبكة مالية مرتبطة بجماعة الحوثي في اليمن."
    recs.append(record("yemen-1", t, published="2024-03-05", title="عقوبات أميركية على شبكة حوثية",
                       outlet="وكالة الأنباء",
                       entities=[("الولايات المتحدة", "GPE", "USAGOV"), ("جماعة الحوثي", "ORG", "YEMREB"),
                                 ("اليمن", "GPE", "YEM")],
                       events=[dict(type="SANCTION", trigger="فرض عقوبات", actor=("الولايات المتحدة", "USAGOV"),
                                    recipient=("جماعة الحوثي", "YEMREB"), location="اليمن",
                                    date=("2024-03-05", "day", "published"), cameo="16")]))
    return recs


def bulk_records(n: int, start: date = date(2024, 1, 1)) -> list[dict]:
    """n one-event wire items over n days, alternating cities: for pagination and sorting."""
    cities = ["الموصل", "حمص"]
    recs = []
    for i in range(n):
        d = start + timedelta(days=i)
        city = cities[i % 2]
        t = f"اعتقلت الشرطة {i + 2} أشخاص في مدينة {city} بتهمة التهريب، بحسب بيان رسمي."
        recs.append(record(f"bulk-{i:03d}", t, published=d.isoformat(), title=f"اعتقالات في {city}",
                           outlet="نشرة محلية",
                           events=[dict(type="COERCE", mode="arrest", trigger="اعتقلت",
                                        actor=("الشرطة", "IRQCOP" if city == "الموصل" else "SYRCOP"),
                                        location=city, date=(d.isoformat(), "day", "published"),
                                        arrested=str(i + 2), confidence=round(0.5 + (i % 5) / 10, 2))]))
    return recs


def make_db(path: Path, records: list[dict]) -> str:
    url = f"sqlite:///{path}"
    db = open_db(url)
    try:
        stats = ingest_records(db, records)
        assert stats.failed == 0, stats.errors
    finally:
        db.close()
    return url


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    return make_db(tmp_path_factory.mktemp("api") / "marsad.db", build_records() + bulk_records(60))


@pytest.fixture(scope="module")
def client(db_url) -> TestClient:
    with TestClient(create_app(db_url, write_token=None)) as c:
        yield c


def _event_id(client: TestClient, **params: Any) -> int:
    items = client.get("/api/events", params=params).json()["items"]
    assert items, params
    return items[0]["id"]


# ----------------------------------------------------------------------------- events

def test_events_are_paginated_with_total(client):
    r = client.get("/api/events", params={"limit": 25, "offset": 0})
    assert r.status_code == 200
    page1 = r.json()
    assert page1["total"] == 68  # 8 events in the stories + 60 wire items
    assert len(page1["items"]) == 25
    page3 = client.get("/api/events", params={"limit": 25, "offset": 50}).json()
    assert len(page3["items"]) == 18
    ids = [v["id"] for v in page1["items"]] + [v["id"] for v in page3["items"]]
    assert len(set(ids)) == len(ids)


def test_events_sort_by_date_both_ways(client):
    newest = client.get("/api/events", params={"sort": "-date", "limit": 68}).json()["items"]
    days = [v["date"]["day"] for v in newest]
    assert days == sorted(days, reverse=True)
    assert days[0] == "2024-03-17"
    oldest = client.get("/api/events", params={"sort": "date", "limit": 3}).json()["items"]
    assert [v["date"]["day"] for v in oldest] == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_unknown_sort_key_falls_back_and_is_not_sql(client):
    r = client.get("/api/events", params={"sort": "date; DROP TABLE events", "limit": 1})
    assert r.status_code == 200
    assert client.get("/api/events").json()["total"] == 68


@pytest.mark.parametrize("params, expected", [
    ({"type": "ASSAULT"}, 3),
    ({"type": "ASSAULT,PROTEST"}, 4),
    ({"type": "assault", "mode": "firearms"}, 1),
    ({"country": "SYR"}, 32),  # 2 Idlib + 30 Homs
    ({"country": "SYR", "type": "ASSAULT"}, 2),
    ({"admin1": "Baghdad"}, 2),
    ({"actor": "EGYGOV"}, 2),
    ({"actor": "EGY"}, 2),            # code prefix: the whole country
    ({"actor": "JORGOV"}, 1),         # as recipient
    ({"actor": "الصفدي"}, 1),         # by name
    ({"from": "2024-03-10", "to": "2024-03-15"}, 4),  # Idlib x2, Baghdad x2
    ({"bbox": "35,33,37,37"}, 32),    # Idlib 2 + Homs 30
    ({"q": "غارات"}, 2),
    ({"q": "Tahrir"}, 2),
    ({"q": "ادلب"}, 2),               # spelling variants: ادلب finds إدلب
    ({"q": "الصفدى"}, 2),             # final ى/ي (recipient, and the title of both events)
    ({"q": "صفدا"}, 0),               # ... but only where variants occur
    ({"q": "%"}, 0),                  # LIKE wildcards are literal
    ({"q": "_"}, 0),
    ({"status": "actual"}, 68),
])
def test_event_filters(client, params, expected):
    r = client.get("/api/events", params=params)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == expected


def test_bad_filter_values_are_422(client):
    assert client.get("/api/events", params={"bbox": "1,2,3"}).status_code == 422
    assert client.get("/api/events", params={"bbox": "a,b,c,d"}).status_code == 422
    assert client.get("/api/events", params={"from": "yesterday"}).status_code == 422
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422


def test_event_detail_has_article_sentence_sources_and_highlights(client):
    eid = _event_id(client, type="COERCE", country="IRQ", admin1="Baghdad")
    v = client.get(f"/api/events/{eid}").json()
    text = v["article"]["text"]
    assert v["type"] == "COERCE" and v["mode"] == "arrest"
    assert v["sentence"]["text"] == text[v["sentence"]["start"]:v["sentence"]["end"]]
    assert v["sentence"]["text"].startswith("وفرقت قوات الأمن العراقية")
    roles = {h["role"]: h for h in v["highlights"]}
    assert set(roles) >= {"trigger", "actor", "recipient", "location", "date"}
    for h in v["highlights"]:
        assert text[h["start"]:h["end"]] == h["text"]
    assert roles["trigger"]["text"] == "اعتقلت"
    assert roles["location"]["text"] == "ساحة التحرير"
    assert roles["date"]["text"] == "يوم الجمعة"  # the time expression that stated the date
    assert v["location"]["country"] == "IRQ" and v["location"]["lat"] == pytest.approx(33.33)
    assert v["size"]["arrested"] == "20"
    assert v["sources"] and v["sources"][0]["article_id"] == v["article"]["id"]
    assert client.get("/api/events/999999").status_code == 404


def test_same_strike_in_two_articles_is_one_canonical_event_with_two_sources(client):
    r = client.get("/api/canonical", params={"type": "ASSAULT", "country": "SYR"}).json()
    assert r["total"] == 1
    c = r["items"][0]
    assert c["n_articles"] == 2 and c["n_sources"] == 2
    assert sorted(s["outlet"] for s in c["sources"]) == ["صحيفة المساء", "وكالة الأنباء"]
    one = client.get(f"/api/canonical/{c['id']}").json()
    assert len(one["sources"]) == 2
    # the event detail lists the same sources
    v = client.get(f"/api/events/{c['sources'][0]['event_id']}").json()
    assert v["canonical"]["id"] == c["id"] and len(v["sources"]) == 2
    assert client.get("/api/canonical/999999").status_code == 404


# ----------------------------------------------------------------------------- articles, actors, stats

def test_article_list_and_detail_with_every_span(client):
    r = client.get("/api/articles", params={"limit": 5}).json()
    assert r["total"] == 66 and len(r["items"]) == 5
    assert r["items"][0]["published"] == "2024-03-17"  # newest first
    found = client.get("/api/articles", params={"q": "شكري"}).json()
    assert found["total"] == 1
    a = client.get(f"/api/articles/{found['items'][0]['id']}").json()
    assert a["title"] == "شكري يستقبل الصفدي في القاهرة"
    text = a["text"]
    for layer in ("entities", "times", "quotes"):
        assert a[layer], layer
        for s in a[layer]:
            assert text[s["start"]:s["end"]] == s["text"]
    assert {v["type"] for v in a["events"]} == {"CONSULT", "REJECT"}
    for v in a["events"]:
        assert text[v["trigger"]["start"]:v["trigger"]["end"]] == v["trigger"]["text"]
        assert v["sentence"]["start"] <= v["trigger"]["start"] < v["sentence"]["end"]
    assert a["quotes"][0]["speaker"]["text"] == "شكري"
    # by record id too
    assert client.get("/api/articles/cairo-1").json()["id"] == a["id"]
    assert client.get("/api/articles/nope").status_code == 404


def test_actors_ranked_with_event_counts(client):
    r = client.get("/api/actors", params={"q": "EGY"}).json()
    assert r["total"] >= 1
    egy = r["items"][0]
    assert egy["code"] == "EGYGOV" and egy["name_ar"] == "سامح شكري"
    assert egy["events_as_actor"] == 2
    assert client.get("/api/actors", params={"q": "الحوثي"}).json()["items"][0]["code"] == "YEMREB"


def test_stats_by_day_type_country_follow_filters(client):
    s = client.get("/api/stats").json()
    assert s["total"] == 68
    assert sum(d["n"] for d in s["by_day"]) == 68
    assert {t["type"]: t["n"] for t in s["by_type"]}["COERCE"] == 61
    assert {c["country"]: c["n"] for c in s["by_country"]}["IRQ"] == 32
    f = client.get("/api/stats", params={"type": "ASSAULT"}).json()
    assert f["total"] == 3 and f["by_day"] == [{"date": "2024-03-09", "n": 1}, {"date": "2024-03-12", "n": 2}]


def test_places_aggregate_one_point_per_place(client):
    p = client.get("/api/places").json()["items"]
    by_name = {x["name"]: x["n"] for x in p}
    assert by_name["Mosul"] == 30 and by_name["Homs"] == 30 and by_name["Idlib"] == 2
    assert len(p) == 8 - 1  # the Sidon story is not in this database
    assert client.get("/api/places", params={"country": "LBY"}).json()["items"][0]["name"] == "Tripoli"


def test_facets_list_values_for_filter_controls(client):
    f = client.get("/api/facets").json()
    assert {t["type"] for t in f["types"]} == {"ASSAULT", "PROTEST", "COERCE", "CONSULT", "REJECT", "SANCTION"}
    assert f["countries"][0]["country"] in {"IRQ", "SYR"}
    assert f["date_min"] == "2024-01-01" and f["date_max"] == "2024-03-17"


# ----------------------------------------------------------------------------- downloads

def test_csv_download_of_filtered_events(client):
    r = client.get("/api/events.csv", params={"country": "IRQ", "sort": "date"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 32
    assert rows[0]["date"] == "2024-01-01"
    baghdad = [x for x in rows if x["admin1"] == "Baghdad"]
    assert {x["type"] for x in baghdad} == {"PROTEST", "COERCE"}
    assert all(x["trigger"] in x["sentence"] for x in rows)


def test_parquet_download_of_filtered_events(client):
    pq = pytest.importorskip("pyarrow.parquet")
    r = client.get("/api/events.parquet", params={"type": "ASSAULT"})
    assert r.status_code == 200
    t = pq.read_table(io.BytesIO(r.content))
    assert t.num_rows == 3
    assert set(t.column("country").to_pylist()) == {"SYR", "LBY"}
    assert str(t.schema.field("lat").type) == "double"
    limited = pq.read_table(io.BytesIO(client.get("/api/events.parquet", params={"limit": 5}).content))
    assert limited.num_rows == 5


# ----------------------------------------------------------------------------- docs and dashboard

def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/canonical", "/api/articles",
                 "/api/articles/{ref}", "/api/actors", "/api/stats", "/api/events.csv",
                 "/api/events.parquet", "/api/ingest"):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_dashboard_page_and_assets_are_served_locally(client):
    r = client.get("/")
    assert r.status_code == 200 and "<html" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    # every asset the page references is local and served
    refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert refs
    for ref in refs:
        if ref.startswith("/api/") or ref == "/docs":
            continue
        assert ref.startswith("/static/"), ref
        assert client.get(ref).status_code == 200, ref
    for js in ("app.js", "js/article.js", "js/map.js", "js/timeline.js", "js/dom.js"):
        body = client.get(f"/static/{js}").text
        # article content reaches the page as text nodes only; nothing is fetched from elsewhere
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", body), js
        assert "http://" not in body.replace("http://www.w3.org", "")
        assert "https://" not in body
    geo = client.get("/static/basemap/countries.geojson")
    assert geo.headers.get("content-encoding") == "gzip" or len(geo.content) < 1_000_000
    iraq = [f for f in geo.json()["features"] if f["properties"]["iso3"] == "IRQ"]
    assert iraq and iraq[0]["properties"]["name_ar"] == "العراق"


# ----------------------------------------------------------------------------- writes

ARTICLE = {"id": "api-new-1", "title": "خبر", "published": "2024-04-01", "outlet": "اختبار",
           "text": "أعلنت الولايات المتحدة فرض عقوبات جديدة على شبكة مالية في اليمن."}


@pytest.fixture()
def write_client(tmp_path) -> TestClient:
    url = make_db(tmp_path / "w.db", build_records()[:1])
    with TestClient(create_app(url, write_token="s3cret", write_rate=(5, 60.0))) as c:
        yield c


def test_writes_disabled_without_a_configured_token(db_url, monkeypatch):
    monkeypatch.delenv("MARSAD_WRITE_TOKEN", raising=False)
    with TestClient(create_app(db_url)) as c:
        r = c.post("/api/ingest", json=[ARTICLE], headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403
        assert c.get("/api/health").json()["writes"] is False


def test_env_token_enables_writes(db_url, monkeypatch):
    monkeypatch.setenv("MARSAD_WRITE_TOKEN", "from-env")
    with TestClient(create_app(db_url)) as c:
        assert c.get("/api/health").json()["writes"] is True
        assert c.post("/api/ingest", json=[], headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_ingest_requires_the_bearer_token(write_client):
    rec = build_records()[2]
    assert write_client.post("/api/ingest", json=rec).status_code == 401
    assert write_client.post("/api/ingest", json=rec, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert write_client.post("/api/ingest", json=rec, headers={"Authorization": "Basic s3cret"}).status_code == 401
    r = write_client.post("/api/ingest", json={"records": [rec]}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1 and r.json()["events"] == 2
    assert write_client.get("/api/events", params={"admin1": "Baghdad"}).json()["total"] == 2
    # the same record again changes nothing
    again = write_client.post("/api/ingest", json=[rec], headers={"Authorization": "Bearer s3cret"}).json()
    assert again["unchanged"] == 1 and again["added"] == 0


def test_ingest_rejects_items_without_text(write_client):
    r = write_client.post("/api/ingest", json=[{"title": "no text"}], headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200 and r.json()["failed"] == 1 and r.json()["added"] == 0
    bad = write_client.post("/api/ingest", content=b"{not json", headers={"Authorization": "Bearer s3cret",
                                                                          "Content-Type": "application/json"})
    assert bad.status_code == 400


def test_request_body_over_limit_is_413(write_client):
    big = {"records": [{"text": "ا" * (2 * 1024 * 1024)}]}
    r = write_client.post("/api/ingest", content=json.dumps(big).encode(),
                          headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"})
    assert r.status_code == 413

    def chunks():  # no Content-Length: the limit holds for streamed bodies too
        for _ in range(40):
            yield b"x" * 65536
    r = write_client.post("/api/ingest", content=chunks(), headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 413


def test_writes_are_rate_limited_per_client(write_client):
    h = {"Authorization": "Bearer s3cret"}
    codes = [write_client.post("/api/ingest", json=[{"title": "x"}], headers=h).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    r = write_client.post("/api/ingest", json=[{"title": "x"}], headers=h)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    # failed logins count too: a token cannot be guessed faster than the limit
    assert write_client.post("/api/ingest", json=[], headers={"Authorization": "Bearer guess"}).status_code == 429
    # reads are not limited
    assert all(write_client.get("/api/events").status_code == 200 for _ in range(10))


def test_rate_limiter_window_slides():
    from marsad.api.app import RateLimiter

    now = [0.0]
    rl = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert rl.check("a") == 0 and rl.check("a") == 0
    assert rl.check("a") > 0 and rl.check("b") == 0
    now[0] = 10.5
    assert rl.check("a") == 0


def test_serve_command_defaults_to_localhost():
    from marsad.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.func is not None


def test_bare_articles_are_analysed_then_stored_once(write_client, monkeypatch):
    import marsad.pipeline
    from marsad.types import Record

    calls = []

    def fake_analyse(article):  # the pipeline's quality is not under test here
        calls.append(article)
        return Record(article=article)

    monkeypatch.setattr(marsad.pipeline, "analyse", fake_analyse)
    h = {"Authorization": "Bearer s3cret"}
    r = write_client.post("/api/ingest", json=ARTICLE, headers=h).json()
    assert r["analysed"] == 1 and r["added"] == 1
    assert calls[0].id == "api-new-1" and calls[0].published == "2024-04-01"
    a = write_client.get("/api/articles/api-new-1").json()
    assert a["text"] == ARTICLE["text"] and a["outlet"] == "اختبار"
    # the same text again is recognised before any analysis
    r = write_client.post("/api/ingest", json=[ARTICLE], headers=h).json()
    assert r["unchanged"] == 1 and r["analysed"] == 0 and len(calls) == 1


def test_serve_reports_a_busy_port_as_a_user_error(tmp_path):
    import socket

    from marsad.commands import serve
    from marsad.errors import UserError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        args = argparse.Namespace(db=str(tmp_path / "x.db"), host="127.0.0.1", port=port)
        with pytest.raises(UserError, match="cannot listen"):
            serve.run(args)


@pytest.mark.slow
def test_same_answers_on_postgresql(client):
    """The read queries are portable: PostgreSQL gives what SQLite gives (needs MARSAD_TEST_PG)."""
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from marsad.store.db import normalise_url

    base = os.environ.get("MARSAD_TEST_PG")
    if not base:
        pytest.skip("MARSAD_TEST_PG not set (eval \"$(scripts/ci_postgres.sh)\")")
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    name = f"marsad_api_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)
        db = open_db(url)
        ingest_records(db, build_records() + bulk_records(60))
        try:
            with TestClient(create_app(url, db=db)) as pg:
                for path, params in [("/api/events", {"country": "SYR", "sort": "date", "limit": 40}),
                                     ("/api/events", {"q": "ادلب"}), ("/api/events", {"actor": "EGY"}),
                                     ("/api/events", {"bbox": "35,33,37,37", "sort": "-confidence"}),
                                     ("/api/stats", {}), ("/api/places", {}), ("/api/canonical", {"type": "ASSAULT"}),
                                     ("/api/actors", {"q": "EGY"}), ("/api/articles", {"q": "شكري"})]:
                    a, b = client.get(path, params=params).json(), pg.get(path, params=params).json()
                    if "total" in a:
                        assert a["total"] == b["total"], (path, params)
                    if path == "/api/events":
                        key = [(v["date"]["day"], v["type"], v["trigger"]["text"]) for v in a["items"]]
                        assert key == [(v["date"]["day"], v["type"], v["trigger"]["text"]) for v in b["items"]]
                    if path == "/api/stats":
                        assert a["by_day"] == b["by_day"] and a["by_country"] == b["by_country"]
                    if path == "/api/places":
                        assert sorted((p["name"], p["n"]) for p in a["items"]) == \
                            sorted((p["name"], p["n"]) for p in b["items"])
                rows = pg.get("/api/events.csv", params={"country": "IRQ"}).text.count("\n")
                assert rows == 33  # header + 32
        finally:
            db.close()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_an_empty_database_serves_empty_answers(tmp_path):
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}")) as c:
        assert c.get("/api/events").json() == {"total": 0, "total_capped": False, "limit": 50, "offset": 0,
                                               "sort": "-date", "items": []}
        s = c.get("/api/stats").json()
        assert s["total"] == 0 and s["by_day"] == [] and s["date_min"] is None
        assert c.get("/api/places").json()["items"] == []
        assert c.get("/api/facets").json()["types"] == []
        assert c.get("/api/events.csv").text.startswith("event_id,")
        assert c.get("/").status_code == 200


# ----------------------------------------------------------------------------- speed features

def test_totals_past_the_cap_are_reported_as_capped(client, monkeypatch):
    from marsad.api import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 10)
    full = client.get("/api/events", params={"limit": 5}).json()
    assert full["total"] == 10 and full["total_capped"] is True  # 68 events: "10+"
    # a short page ends the result: its total is exact without counting
    last = client.get("/api/events", params={"limit": 25, "offset": 50}).json()
    assert last["total"] == 68 and last["total_capped"] is False
    few = client.get("/api/events", params={"country": "IRQ", "limit": 500}).json()
    assert few["total_capped"] is False and few["total"] == len(few["items"])


def test_cached_aggregates_follow_a_new_ingest_at_once(write_client):
    auth = {"Authorization": "Bearer s3cret"}
    before = write_client.get("/api/facets").json()
    stats_before = write_client.get("/api/stats").json()["total"]
    assert write_client.get("/api/facets").json() == before  # served again (from the cache)
    rec = build_records()[2]
    assert write_client.post("/api/ingest", json=[rec], headers=auth).status_code == 200
    after = write_client.get("/api/facets").json()
    assert after["articles"] == before["articles"] + 1
    assert write_client.get("/api/stats").json()["total"] == stats_before + len(rec["events"])


def test_ttl_cache_expires_and_follows_its_marker():
    from marsad.api.queries import TTLCache

    now = [0.0]
    calls: list[int] = []
    cache = TTLCache(ttl=30, clock=lambda: now[0])

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("k", 1, compute) == 1
    assert cache.get("k", 1, compute) == 1          # fresh
    assert cache.get("k", 2, compute) == 2          # marker changed: recomputed
    now[0] = 31
    assert cache.get("k", 2, compute) == 3          # expired


def test_text_filters_on_sqlite_are_plain_like_without_lower():
    from sqlalchemy.dialects import postgresql, sqlite

    from marsad.api.queries import EventFilter, _events_base

    stmt = _events_base(EventFilter(q="ادلب"))
    lite = str(stmt.compile(dialect=sqlite.dialect()))
    assert "lower(" not in lite and "LIKE" in lite and "articles" in lite  # titles via a subquery
    assert "JOIN" not in lite
    assert "ILIKE" in str(stmt.compile(dialect=postgresql.dialect()))


def test_newest_first_sort_walks_the_date_index(client):
    from sqlalchemy import text as sql

    from marsad.api.queries import EVENT_SORTS, order_clause
    from marsad.store.models import Event

    app_engine = client.app.state.read_engine
    stmt = (_select_ids().order_by(*order_clause("-date", EVENT_SORTS, Event.id)).limit(50).offset(10))
    compiled = stmt.compile(app_engine, compile_kwargs={"literal_binds": True})
    with app_engine.connect() as conn:
        plan = " ".join(r[-1] for r in conn.execute(sql(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_events_date" in plan and "TEMP B-TREE" not in plan, plan


def _select_ids():
    from sqlalchemy import select

    from marsad.store.models import Event

    return select(Event.id)


def test_read_connections_are_query_only(client):
    from sqlalchemy import text as sql
    from sqlalchemy.exc import OperationalError

    with client.app.state.read_engine.connect() as conn:
        with pytest.raises(OperationalError):
            conn.execute(sql("DELETE FROM events"))
    assert client.get("/api/events").json()["total"] == 68


def test_serve_workers_option(tmp_path):
    from marsad.cli import build_parser
    from marsad.commands.serve import run
    from marsad.errors import UserError

    assert build_parser().parse_args(["serve"]).workers == 1
    assert build_parser().parse_args(["serve", "--workers", "0"]).workers == 0  # one per core
    args = build_parser().parse_args(["serve", "--db", str(tmp_path / "x.db"), "--workers", "-1"])
    with pytest.raises(UserError, match="--workers"):
        run(args)
