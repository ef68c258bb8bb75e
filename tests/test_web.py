"""The dashboard in a real browser (slow): Playwright driving Debian's Chromium against the real
server on a free 127.0.0.1 port. Screenshots go to test-artifacts/ (gitignored).

Needs `pip install playwright` (no `playwright install`: we use /usr/bin/chromium) and
`apt-get install chromium`; skipped when either is missing.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

from tests.test_api import build_records, bulk_records, make_db, record  # noqa: E402

XSS_TITLE = '<img src=x onerror="window.__xss=1">عنوان خبيث'
XSS_TEXT = ('نص يحتوي <script>window.__xss=2</script> ثم <img src=x onerror="window.__xss=3"> في وسطه.\n'
            'وتظاهر مئات في مدينة صيدا احتجاجا على انقطاع الكهرباء.')


def xss_record() -> dict:
    return record("xss-1", XSS_TEXT, published="2024-03-18", title=XSS_TITLE, outlet='<b onmouseover="x()">outlet',
                  url="javascript:window.__xss=4",
                  entities=[("<script>window.__xss=2</script>", "ORG", None), ("صيدا", "GPE", None)],
                  events=[dict(type="PROTEST", mode="demo", trigger="تظاهر", actor=("مئات", None),
                               location="صيدا", date=("2024-03-18", "day", "published"))])


def long_record() -> dict:
    """An event at the very end of a long article: the view must scroll to it."""
    para = "من خلفية الخبر تتناول تاريخ المنطقة والتطورات السابقة فيها بالتفصيل."
    filler = "\n".join(f"فقرة رقم {i} {para}" for i in range(60))
    text = filler + "\nوفي ختام اليوم داهمت قوات الأمن منزلا في مدينة الموصل واعتقلت مطلوبا."
    return record("long-1", text, published="2024-03-19", title="تقرير مطول", outlet="مجلة",
                  events=[dict(type="COERCE", mode="arrest", trigger="داهمت", actor=("قوات الأمن", "IRQCOP"),
                               location="الموصل", date=("2024-03-19", "day", "published"))])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from marsad.api.app import create_app

    url = make_db(tmp_path_factory.mktemp("web") / "marsad.db",
                  build_records() + bulk_records(60) + [xss_record(), long_record()])
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.time() + 20
    while not srv.started:
        if time.time() > deadline or not th.is_alive():
            pytest.fail("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    # bypass_csp: lets wait_for_function evaluate, and makes the XSS test check that rendering
    # alone is safe, without the page's CSP as a safety net.
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US", bypass_csp=True)
    pg = ctx.new_page()
    pg.errors = []          # uncaught JS errors
    pg.foreign = []         # any request that leaves the server: the page must work offline
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(server) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.foreign.append(r.request.url)
            r.abort()
    pg.route("**/*", route)
    yield pg
    ctx.close()


def _open(page, server, path="/"):
    page.goto(server + path)
    page.wait_for_selector("body[data-ready='1']", timeout=20000)


def _rows(page):
    return page.locator("#events tbody tr[data-event]")


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_dashboard_loads_map_timeline_table_offline(page, server):
    _open(page, server)
    assert _rows(page).count() == 50
    assert "70 events" in page.locator("#summary").inner_text()
    # basemap outlines and aggregated place points are drawn
    assert page.locator(".leaflet-overlay-pane path").count() > 150
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive[fill='#e4572e']").count() == 8  # places
    assert page.locator("#timeline rect.bar").count() > 10
    page.wait_for_timeout(300)
    _shot(page, "dashboard.png")
    assert page.errors == [] and page.foreign == []


def test_filter_then_click_event_highlights_its_sentence(page, server):
    _open(page, server)
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function("document.querySelectorAll('#events tbody tr[data-event]').length === 3")
    # the summary loads in parallel with the table: wait for it rather than race it
    page.wait_for_function("document.querySelector('#summary').textContent.startsWith('3 events')")
    row = _rows(page).filter(has_text="طرابلس")
    row.click()
    page.wait_for_selector("#article-text .selected-trigger")
    text = page.locator("#article-text")
    assert text.get_attribute("dir") == "rtl" and text.get_attribute("lang") == "ar"
    assert page.locator("#article-title").inner_text() == "اشتباكات في طرابلس"
    assert page.locator("#article-text .selected-trigger").inner_text() == "اشتباكات مسلحة"
    sentence = "".join(page.locator("#article-text .in-sentence").all_inner_texts())
    assert "اشتباكات مسلحة" in sentence and sentence.startswith("اندلعت")
    assert page.locator("#article-text .role-location").inner_text() == "طرابلس"
    assert "ASSAULT" in page.locator("#event-card").inner_text()
    assert page.locator("#events tbody tr.selected").count() == 1
    _shot(page, "filtered-assault.png")
    assert page.errors == [] and page.foreign == []


def test_article_view_colours_every_layer_and_links_triggers(page, server):
    _open(page, server)
    page.fill("#f-q", "بغداد")
    page.press("#f-q", "Enter")
    page.wait_for_function("document.querySelectorAll('#events tbody tr[data-event]').length === 2")
    _rows(page).filter(has_text="PROTEST").click()
    page.wait_for_selector("#article-text .selected-trigger")
    body = page.locator("#article-text")
    assert body.locator(".hl.ent-ORG").count() >= 1
    assert body.locator(".hl.time").inner_text() == "يوم الجمعة"
    triggers = body.locator("a.hl.trigger")
    assert triggers.count() == 2
    # the second trigger (اعتقلت) is a link to its own event: clicking it moves the selection
    triggers.filter(has_text="اعتقلت").click()
    page.wait_for_function("document.querySelector('#event-card').textContent.includes('COERCE')")
    assert page.locator("#article-text .selected-trigger").inner_text() == "اعتقلت"
    assert page.locator("#article-text .role-date").inner_text() == "يوم الجمعة"
    assert page.url.endswith("#event=" + body.locator(".selected-trigger").get_attribute("data-event"))
    _shot(page, "article-view.png")

    # two reports of one strike: the deduplicated view shows it once with both outlets
    page.fill("#f-q", "")
    page.click("#view-canonical")
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function("document.querySelectorAll('#events tbody tr[data-event]').length === 2")
    _rows(page).filter(has_text="Idlib").click()
    page.wait_for_selector("#event-card ol.sources li >> nth=1")
    assert page.locator("#event-card ol.sources li").count() == 2
    _shot(page, "canonical-sources.png")
    assert page.errors == [] and page.foreign == []


def test_map_point_and_timeline_bar_drive_the_view(page, server):
    _open(page, server)
    # the Tripoli point is the westernmost: click it and open its event from the popup
    points = page.locator(".leaflet-overlay-pane path.leaflet-interactive[fill='#e4572e']")
    boxes = [points.nth(i).bounding_box() for i in range(points.count())]
    west = min(range(len(boxes)), key=lambda i: boxes[i]["x"])
    points.nth(west).click(force=True)
    page.wait_for_selector(".leaflet-popup .popup-list button")
    page.locator(".leaflet-popup .popup-list button").first.click()
    page.wait_for_selector("#article-text .selected-trigger")
    assert page.locator("#article-title").inner_text() == "اشتباكات في طرابلس"
    # timeline: a click on a bar narrows the date filters to that bar
    page.locator("#timeline rect.bar").last.click()
    page.wait_for_function("document.querySelector('#f-from').value !== ''")
    assert page.locator("#f-from").input_value() <= page.locator("#f-to").input_value()
    page.wait_for_timeout(300)
    assert 0 < _rows(page).count() < 50
    assert page.errors == [] and page.foreign == []


def test_sorting_and_paging_are_server_side(page, server):
    _open(page, server)
    first = _rows(page).first.locator("td").first.inner_text()
    page.click("#events thead th:has-text('Date')")  # -date -> date
    page.wait_for_function(f"document.querySelector('#events tbody td').textContent !== '{first}'")
    assert _rows(page).first.locator("td").first.inner_text() == "2024-01-01"
    page.click("#next")
    page.wait_for_function("document.querySelector('#page-info').textContent.startsWith('51')")
    assert _rows(page).count() == 20
    assert page.errors == []


def test_article_markup_is_shown_as_text_never_run(page, server):
    _open(page, server)
    page.fill("#f-q", "صيدا")
    page.press("#f-q", "Enter")
    page.wait_for_function("document.querySelectorAll('#events tbody tr[data-event]').length === 1")
    _rows(page).first.click()
    page.wait_for_selector("#article-text .selected-trigger")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#article-title").inner_text() == XSS_TITLE
    assert "<script>window.__xss=2</script>" in page.locator("#article-text").inner_text()
    assert page.locator("#article-panel img, #article-panel script, #events img").count() == 0
    assert page.locator("#article-url").is_hidden()  # javascript: URLs are not linked
    page.hover("#article-text .hl.ent-ORG")
    page.locator("#article-title").hover()
    assert page.evaluate("window.__xss") is None
    _shot(page, "xss-inert.png")
    assert page.errors == []


def test_links_into_the_article_view(page, server):
    _open(page, server, "/#article=cairo-1")  # by record id
    page.wait_for_selector("#article-text a.hl.trigger")
    assert page.locator("#article-title").inner_text() == "شكري يستقبل الصفدي في القاهرة"
    assert page.locator("#event-card").is_hidden()
    assert page.locator("#article-text .hl.quote").count() >= 1
    eid = page.locator("#article-text a.hl.trigger").first.get_attribute("data-event")
    page.evaluate(f"location.hash = '#event={eid}'")
    page.wait_for_selector("#article-text .selected-trigger")
    assert page.locator("#event-card").is_visible()
    assert page.errors == [] and page.foreign == []


def test_long_article_scrolls_to_the_event_sentence(page, server):
    _open(page, server)
    page.fill("#f-q", "داهمت")
    page.press("#f-q", "Enter")
    page.wait_for_function("document.querySelectorAll('#events tbody tr[data-event]').length === 1")
    _rows(page).first.click()
    page.wait_for_selector("#article-text .selected-trigger")
    page.wait_for_timeout(200)
    panel = page.locator("#article-panel").bounding_box()
    trig = page.locator("#article-text .selected-trigger").bounding_box()
    assert panel["y"] <= trig["y"] and trig["y"] + trig["height"] <= panel["y"] + panel["height"]
    assert page.locator("#article-panel").evaluate("el => el.scrollTop") > 500
    _shot(page, "long-article-scrolled.png")
