"""The counter's build side (manifest, widgets, COUNTER_URL empty) and the widget in
Chromium against a real service process."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import brotli
import pytest
from conftest import ROOT, Site, open_page, serve_directory
from counter_helpers import free_port

pytestmark = pytest.mark.xdist_group("counter_widget")

ARTICLE = dict(title="Nậm Păng khai mạc phiên chợ vùng cao", date="2024-05-17 08:30")
SLUG_PATH = "/2024/05/nam-pang-khai-mac-phien-cho-vung-cao.html"


def _make_site(base, counter_url: str) -> Site:
    site = Site(base, settings=f"COUNTER_URL = {counter_url!r}\n")
    site.article("phien-cho", "Phiên chợ họp mỗi sáng Chủ nhật bên bờ suối, bà con bán chè và mật ong.\n\n"
                 '<p><a href="#tai-ve" id="tai-ve" data-count-hit="/gioi-thieu.html">Tải về</a></p>', **ARTICLE)
    site.article("lua-nuong", "Nông dân xã Quang Long xuống đồng cấy lúa nương vụ mùa.",
                 title="Quang Long xuống đồng vụ mùa", date="2024-06-02 07:00")
    site.article("tiem-chung", "Trạm y tế tổ chức tiêm chủng mở rộng cho trẻ em bản Pa Cò.",
                 title="Tiêm chủng mở rộng ở Pa Cò", date="2024-06-10 09:00")
    site.page("gioi-thieu", "Giới thiệu về huyện.", title="Giới thiệu")
    site.build()
    return site


@pytest.fixture(scope="module")
def counted_site(tmp_path_factory):
    port = free_port()
    site = _make_site(tmp_path_factory.mktemp("counted"), f"http://127.0.0.1:{port}")
    site.counter_port = port
    return site


def test_no_counter_url_renders_no_widget(tmp_path):
    site = _make_site(tmp_path, "")
    for rel in ("index.html", SLUG_PATH.lstrip("/")):
        html = site.html(rel)
        assert html.select_one("#thong-ke-truy-cap") is None
        assert html.select_one(".view-count") is None
        assert not [s for s in html.select("script[src]") if "/counter." in s["src"]]
        assert not html.select("[data-count-stat], [data-count-path]")
    assert (site.output / "counter" / "manifest.json").exists()  # the build still lists what may be counted


def test_widgets_and_script_rendered_with_counter_url(counted_site):
    home = counted_site.html("index.html")
    stats = home.select_one("#thong-ke-truy-cap")
    labels = [dt.get_text(strip=True) for dt in stats.select("dt")]
    assert labels == ["Đang truy cập", "Hôm nay", "Hôm qua", "Tháng hiện tại", "Tháng trước", "Tổng lượt truy cập"]
    assert [dd["data-count-stat"] for dd in stats.select("dd")] == \
        ["online", "today", "yesterday", "this_month", "last_month", "total"]
    script = [s for s in home.select("script[src]") if "/counter." in s["src"]]
    assert len(script) == 1 and script[0].has_attr("defer")
    assert script[0]["data-counter-url"] == f"http://127.0.0.1:{counted_site.counter_port}"
    art = counted_site.html(SLUG_PATH.lstrip("/"))
    view = art.select_one(".article__meta .view-count [data-count-path]")
    assert view["data-count-path"] == SLUG_PATH
    assert "lượt xem" in art.select_one(".view-count").get_text().lower()
    assert art.select_one("#thong-ke-truy-cap") is not None


def test_manifest_lists_countable_paths(counted_site):
    data = json.loads((counted_site.output / "counter" / "manifest.json").read_text(encoding="utf-8"))
    paths = data["paths"]
    assert paths[SLUG_PATH] == {"kind": "article", "title": ARTICLE["title"]}
    assert paths["/gioi-thieu.html"]["kind"] == "page"
    assert paths["/"]["kind"] == "index"
    assert any(p.startswith("/chuyen-muc/") and p.endswith("/") for p in paths)
    assert not any(p.startswith(("/theme/", "/nhap/", "/counter/")) for p in paths)


def test_extra_paths_from_other_plugins():
    from plugins.visitor_counter import manifest
    from plugins.visitor_counter.manifest import add_paths

    ctx = {}
    add_paths(ctx, ["/van-ban/qd-12.html", "/van-ban/files/qd-12.pdf"])
    add_paths(ctx, [{"path": "/van-ban/qd-13.html", "kind": "document", "title": "Quyết định 13"}])
    data = manifest.build([("2024/05/a.html", "article", "A")], ctx["counter_extra_paths"], ["/", "/chuyen-muc/x/"])
    assert data["paths"]["/van-ban/qd-12.html"] == {"kind": "document"}
    assert data["paths"]["/van-ban/files/qd-12.pdf"] == {"kind": "attachment"}
    assert data["paths"]["/van-ban/qd-13.html"]["title"] == "Quyết định 13"
    assert manifest.path_for("chuyen-muc/x/index.html") == "/chuyen-muc/x/"


def test_widget_script_is_small():
    raw = (ROOT / "theme" / "static" / "js" / "counter.js").read_bytes()
    assert len(brotli.compress(raw)) <= 2048


# --- in Chromium ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live(counted_site, tmp_path_factory):
    """The built site on a static server, and the counter service for its origin."""
    url, stop_static = serve_directory(counted_site.output)
    work = tmp_path_factory.mktemp("counter-live")
    db = work / "counter.sqlite3"
    subprocess.run([sys.executable, "-m", "counter_service", "import", "--db", str(db), "--site", "portal",
                    "--total", "18912473"], cwd=ROOT, check=True, capture_output=True)
    from counter_helpers import Service

    class Live:
        pass

    lv = Live()
    lv.url = url

    def start():
        svc = Service.__new__(Service)
        # Service() with this site's origin and manifest, on the port baked into the build
        import time

        import httpx  # noqa: E401
        svc.port = counted_site.counter_port
        svc.base = f"http://127.0.0.1:{svc.port}"
        svc.log = open(work / "service.log", "a")
        svc.proc = subprocess.Popen(
            [sys.executable, "-m", "counter_service", "--port", str(svc.port), "--db", str(db), "--site", "portal",
             "--origin", url, "--manifest", str(counted_site.output / "counter" / "manifest.json")],
            cwd=ROOT, stdout=svc.log, stderr=subprocess.STDOUT)
        svc.http = httpx.Client(base_url=svc.base, timeout=5)
        for _ in range(200):
            try:
                if svc.http.get("/healthz").status_code == 200:
                    return svc
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("service did not start")

    lv.start = start
    lv.svc = start()
    yield lv
    lv.svc.stop()
    stop_static()


@pytest.fixture
def page(browser):
    """Like conftest's page, but with a desktop Chrome user agent: the service rightly
    treats "HeadlessChrome" as a bot and would not count it."""
    from counter_helpers import UA

    pg, context = open_page(browser, user_agent=UA, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()


def _numbers(page):
    return page.eval_on_selector_all("[data-count-stat],[data-count-path]",
                                     "ns => ns.map(n => n.textContent)")


def _stats_box(page):
    return page.eval_on_selector("#thong-ke-truy-cap", "e => { const r = e.getBoundingClientRect(); "
                                 "return [r.top, r.height, r.width]; }")


@pytest.mark.browser
def test_widget_shows_live_numbers(page, live):
    page.goto(live.url + SLUG_PATH)
    page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent !== '…'", timeout=5000)
    stat = {k: page.text_content(f"[data-count-stat={k}]") for k in ("online", "today", "total", "last_month")}
    assert stat["total"] == "18.912.474"  # imported 18,912,473 + this visit, vi-VN grouping
    assert stat["online"] == "1" and stat["today"] == "1" and stat["last_month"] == "0"
    assert page.text_content(".view-count [data-count-path]") == "1"
    counts = live.svc.http.get("/v1/counts", params={"path": SLUG_PATH}).json()
    assert counts["views"][SLUG_PATH] == 1 and counts["total"] == 18912474
    page.goto(live.url + "/")  # same visitor, another page: no new visit
    page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent !== '…'", timeout=5000)
    assert page.text_content("[data-count-stat=total]") == "18.912.474"
    assert page.console_errors == []
    assert live.svc.http.get("/metrics").text.count('reason="bot"} 0') == 1


@pytest.mark.browser
def test_link_with_count_hit_sends_a_hit_when_clicked(page, live):
    """Attachment links (documents) carry data-count-hit: a click is counted by sendBeacon."""
    before = live.svc.http.get("/v1/counts", params={"path": "/gioi-thieu.html"}).json()["views"]["/gioi-thieu.html"]
    page.goto(live.url + SLUG_PATH)
    page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent !== '…'", timeout=5000)
    page.click("#tai-ve")
    for _ in range(50):
        n = live.svc.http.get("/v1/counts", params={"path": "/gioi-thieu.html"}).json()["views"]["/gioi-thieu.html"]
        if n == before + 1:
            break
        page.wait_for_timeout(100)
    assert n == before + 1
    assert page.console_errors == []


@pytest.mark.browser
def test_no_layout_shift_when_numbers_arrive(browser, live):
    ctx = browser.new_context(locale="vi-VN", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(live.url + SLUG_PATH)
    before = _stats_box(pg)
    ctx.close()
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()  # HeadlessChrome: not counted, but the numbers are filled all the same
    pg.goto(live.url + SLUG_PATH)
    pg.wait_for_function("document.querySelector('[data-count-stat=total]').textContent !== '…'", timeout=5000)
    assert _stats_box(pg) == before
    ctx.close()


@pytest.mark.browser
def test_slow_service_shows_dash_after_3_seconds(page, live):
    held = []  # requests to the service are held, never answered: a service that hangs
    page.route(re.compile(r".*/v1/(hit|counts).*"), lambda route: held.append(route))
    page.goto(live.url + SLUG_PATH, wait_until="domcontentloaded")
    page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent === '—'", timeout=6000)
    waited = page.evaluate("performance.now()")  # since this page's navigation began
    assert held and set(_numbers(page)) == {"—"}
    assert 3000 <= waited < 6000
    assert page.locator("h1.article__title").is_visible()
    assert page.console_errors == []
    page.unroute_all(behavior="ignoreErrors")


@pytest.mark.browser
def test_stopped_service_shows_dash_and_page_works(page, live):
    """Service down: one hit is tried, no counts request follows it, and the rest of the
    tab sends nothing (so nothing more is logged)."""
    live.svc.stop()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/v1/" in r.url else None)
    try:
        page.goto(live.url + SLUG_PATH)
        page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent === '—'",
                               timeout=5000)
        assert set(_numbers(page)) == {"—"}
        page.click("[data-font='1']")  # the rest of the page still works
        page.click("#tai-ve")  # an attachment link: the service is known down, no beacon
        page.wait_for_timeout(300)
        assert [u.rsplit("/", 1)[-1] for u in sent] == ["hit"]
        # Our script throws and logs nothing; the only console line is Chromium's own
        # record of the refused connection, which no page script can suppress.
        ours = [e for e in page.console_errors if "ERR_CONNECTION_REFUSED" not in e]
        assert ours == [] and len(page.console_errors) <= 1
        errors_first_page = len(page.console_errors)
        page.goto(live.url + "/")  # same tab: backed off, not a single request
        page.wait_for_function("document.querySelector('[data-count-stat=total]').textContent === '—'",
                               timeout=5000)
        assert len(sent) == 1 and len(page.console_errors) == errors_first_page
    finally:
        live.svc = live.start()
