"""Reader participation in Debian's Chromium against the running services: the built
site on a static server and `python -m counter_service` (counter, ratings, Isso comments)
for its origin, as `make serve` runs them. Also the build side: settings, front-matter,
closed articles, page weight with and without the reader blocks."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time

import brotli
import httpx
import pytest
from conftest import ROOT, Site, open_page, serve_directory
from counter_helpers import UA, free_port

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("reader_browser")]

PASSWORD = "bien-tap-2026-thu"
A1 = "/2024/05/nam-pang-khai-mac-phien-cho-vung-cao.html"
A2 = "/2024/06/quang-long-xuong-dong-vu-mua.html"
A_OFF = "/2024/06/tiem-chung-mo-rong-o-pa-co.html"
A_OLD = "/2020/01/bai-cu-da-dong-y-kien.html"
XSS = [
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=1</script>',
    '"><svg onload="window.__xss=1">',
    '[bấm](javascript:window.__xss=1)',
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
]


def make_site(base, counter_url: str, extra: str = "") -> Site:
    # open long enough for the 2024 articles, not for the 2020 one, whatever today is
    days = (dt.date.today() - dt.date(2022, 1, 1)).days
    site = Site(base, settings=f"COUNTER_URL = {counter_url!r}\nCOMMENTS_CLOSE_AFTER_DAYS = {days}\n{extra}")
    site.image("phien-cho.jpg", size=(800, 500))
    site.article("phien-cho", "Phiên chợ họp mỗi sáng Chủ nhật bên bờ suối, bà con bán chè và mật ong.\n\n" * 20,
                 title="Nậm Păng khai mạc phiên chợ vùng cao", date="2024-05-17 08:30",
                 image="{static}/images/phien-cho.jpg")
    site.article("lua-nuong", "Nông dân xã Quang Long xuống đồng cấy lúa nương vụ mùa.",
                 title="Quang Long xuống đồng vụ mùa", date="2024-06-02 07:00")
    site.article("tiem-chung", "Trạm y tế tổ chức tiêm chủng mở rộng cho trẻ em bản Pa Cò.",
                 title="Tiêm chủng mở rộng ở Pa Cò", date="2024-06-10 09:00", comments=False)
    site.article("cu", "Bài đăng từ lâu.", title="Bài cũ đã đóng ý kiến", date="2020-01-05 09:00")
    site.page("gioi-thieu", "Giới thiệu về huyện.", title="Giới thiệu")
    site.build()
    return site


# --- build side ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    port = free_port()
    site = make_site(tmp_path_factory.mktemp("reader-site"), f"http://127.0.0.1:{port}")
    site.port = port
    return site


def test_article_sections_and_policy_file(built):
    art = built.html(A1.lstrip("/"))
    sec = art.select_one("#y-kien")
    assert sec.select_one("h2").get_text(strip=True) == "Ý kiến bạn đọc"
    assert sec["data-comments-state"] == "open"
    assert sec.select_one("[data-comments-status]").get_text(strip=True).startswith("Cần bật JavaScript")
    assert [i["name"] for i in sec.select("form input, form textarea")] == ["author", "email", "text", "homepage"]
    rating = art.select_one("#danh-gia")
    radios = rating.select("input[type=radio]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    assert [rating.select_one(f'label[for="{r["id"]}"]').get_text(strip=True) for r in radios] == \
        [f"★{n} sao" for n in range(1, 6)]
    assert rating.select_one("legend").get_text(strip=True) == "Chọn số sao cho bài viết"
    assert rating.select_one("[data-rating-total]").get_text() == \
        "Tổng số điểm của bài viết là: — trong — đánh giá"
    assert art.select_one("#tin-xem-nhieu").has_attr("hidden")
    assert built.html("index.html").select_one("#tin-xem-nhieu").has_attr("hidden")
    # comments.js is not in the page: reader.js loads it near the section
    assert not [s for s in art.select("script[src]") if "comments.js" in s["src"]]
    assert built.html(A_OFF.lstrip("/")).select_one("#y-kien") is None  # `comments: false`
    old = built.html(A_OLD.lstrip("/")).select_one("#y-kien")
    assert old["data-comments-state"] == "closed" and old.select_one("form") is None
    policy = json.loads((built.output / "counter" / "comments.json").read_text(encoding="utf-8"))
    assert set(policy["open"]) == {A1, A2} and policy["closed"] == [A_OLD]
    assert policy["links"] == 0 and policy["max_length"] == 2000
    # One cards file per first path segment (a year here): the block fetches only its items' years.
    files = sorted(p.name for p in (built.output / "counter" / "cards").iterdir())
    years = sorted({p.split("/")[1] for p in (A1, A2, A_OFF, A_OLD)})
    assert files == [f"{y}.json" for y in years], files
    cards = json.loads((built.output / "counter" / "cards" / f"{A1.split('/')[1]}.json").read_text("utf-8"))["cards"]
    assert cards[A1]["t"] == "Nậm Păng khai mạc phiên chợ vùng cao" and cards[A1]["u"] == A1.lstrip("/")
    assert cards[A1]["i"].endswith(".jpg")
    assert all(p.split("/")[1] == A1.split("/")[1] for p in cards)


def test_site_switch_off(tmp_path):
    site = Site(tmp_path, settings="COUNTER_URL = 'http://127.0.0.1:9'\nCOMMENTS = False\nRATINGS = False\n"
                                   "MOST_READ = False\n")
    site.article("a", "Nội dung.", title="Bài một", date="2024-05-17 08:30")
    site.build()
    art = site.html("2024/05/bai-mot.html")
    assert art.select_one("#y-kien") is None and art.select_one("#danh-gia") is None
    assert art.select_one("#tin-xem-nhieu") is None
    assert json.loads((site.output / "counter" / "comments.json").read_text())["open"] == {}


def test_bad_reader_setting_stops_the_build(tmp_path):
    site = Site(tmp_path, settings="COMMENTS_MAX_LENGHT = 10\n")
    site.article("a", "Nội dung.", title="Bài một")
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert "COMMENTS_MAX_LENGHT" in proc.stdout + proc.stderr and "COMMENTS_MAX_LENGTH" in proc.stdout + proc.stderr


def _first_view_brotli(output, rel) -> int:
    """HTML + stylesheets + scripts the page itself names (not photos, not lazy scripts), brotli 11."""
    html = (output / rel).read_text(encoding="utf-8")
    total = len(brotli.compress(html.encode(), quality=11))
    for ref in re.findall(r'<(?:link rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"', html):
        path = output / ref.split("?")[0].lstrip("/")
        total += len(brotli.compress(path.read_bytes(), quality=11))
    return total


def test_page_weight_before_and_after(built, tmp_path):
    before = make_site(tmp_path, f"http://127.0.0.1:{built.port}",
                       "COMMENTS = False\nRATINGS = False\nMOST_READ = False\n")
    rel = A1.lstrip("/")
    b, a = _first_view_brotli(before.output, rel), _first_view_brotli(built.output, rel)
    lazy = len(brotli.compress((ROOT / "theme/static/js/comments.js").read_bytes(), quality=11))
    print(f"\narticle first view (brotli 11, no photo): without reader blocks {b} B, with {a} B, "
          f"comments.js (lazy) {lazy} B")
    assert a <= 50 * 1024
    assert a - b < 3 * 1024


# --- in Chromium against the services --------------------------------------------------------

@pytest.fixture(scope="module")
def live(built, tmp_path_factory):
    url, stop_static = serve_directory(built.output)
    work = tmp_path_factory.mktemp("reader-live")
    (work / "password").write_text(PASSWORD, encoding="utf-8")

    class Live:
        pass

    lv = Live()
    lv.url = url
    lv.base = f"http://127.0.0.1:{built.port}"

    def start():
        env = {**os.environ, "COUNTER_TEST_CLOCK": "1", "COMMENTS_DB": str(work / "comments.sqlite3"),
               "COMMENTS_ADMIN_PASSWORD_FILE": str(work / "password")}
        lv.log = open(work / "service.log", "a")
        lv.proc = subprocess.Popen(
            [sys.executable, "-m", "counter_service", "--port", str(built.port), "--db", str(work / "c.sqlite3"),
             "--site", "portal", "--origin", url, "--manifest", str(built.output / "counter" / "manifest.json"),
             "--trusted-proxy", "127.0.0.1", "--test-clock"],
            cwd=ROOT, stdout=lv.log, stderr=subprocess.STDOUT, env=env)
        for _ in range(300):
            try:
                if httpx.get(lv.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError((work / "service.log").read_text())

    def stop():
        lv.proc.terminate()
        lv.proc.wait(20)
        lv.log.close()

    lv.start, lv.stop = start, stop
    start()
    yield lv
    if lv.proc.poll() is None:
        stop()
    stop_static()


def _page(browser, **kw):
    pg, ctx = open_page(browser, user_agent=UA, viewport={"width": 1280, "height": 900}, **kw)
    pg.on("dialog", lambda d: d.accept())
    return pg, ctx


def _open_comments(pg, url):
    pg.goto(url)
    pg.locator("#y-kien").scroll_into_view_if_needed()
    pg.wait_for_selector("#y-kien[data-comments-ready]")
    pg.wait_for_function("""() => document.querySelector('#y-kien [data-comments-count]').textContent.length > 0
        || document.querySelector('#y-kien [data-comments-status]').textContent.indexOf('Chưa tải') === 0""")


def _heading(pg) -> str:
    return pg.locator("#y-kien-h").text_content().strip()


def _moderate(browser, live, text, action):
    pg, ctx = _page(browser)
    try:
        pg.goto(live.base + "/comments/admin/")
        pg.fill('input[name="password"]', PASSWORD)
        pg.press('input[name="password"]', "Enter")
        pg.wait_for_url(re.compile(r".*/admin/?.*"))
        pg.goto(live.base + "/comments/admin/?mode=2")
        item = pg.locator(".isso-comment", has_text=text)
        assert item.count() == 1
        label = "Duyệt" if action == "approve" else "Xóa"
        with pg.expect_response(re.compile(r".*/id/\d+/(activate|delete)/.*")) as resp:
            item.get_by_text(label, exact=True).click()
        assert resp.value.status == 200
    finally:
        ctx.close()


def test_comment_flow_premoderation(browser, live):
    pg, ctx = _page(browser)
    try:
        _open_comments(pg, live.url + A1)
        assert _heading(pg) == "Ý kiến bạn đọc (0)"
        assert pg.locator("script[src*='/js/comments.']").count() == 1  # comments.<hash>.js
        for text in ("Phiên chợ năm nay đông vui, mong huyện duy trì.", "Ý kiến này sẽ bị Ban biên tập từ chối."):
            pg.fill("#y-kien-ten", "Lò Thị Mai")
            pg.fill("#y-kien-noi-dung", text)
            pg.click("#y-kien form button[type=submit]")
            pg.wait_for_function("() => document.querySelector('[data-comments-sent]').textContent"
                                 ".indexOf('chờ duyệt') > 0")
            assert pg.locator("[data-comments-sent]").inner_text() == "Ý kiến của bạn đã được gửi và đang chờ duyệt"
        pg.reload()
        _open_comments(pg, live.url + A1)
        assert _heading(pg) == "Ý kiến bạn đọc (0)"
        assert pg.locator(".comments__item").count() == 0
        _moderate(browser, live, "Phiên chợ năm nay", "approve")
        _moderate(browser, live, "sẽ bị Ban biên tập từ chối", "reject")
        # A reader who opens the article after moderation sees it at once (the service drops its
        # list cache on every moderation). This reader's browser may keep the list it already
        # has for LIST_TTL seconds (Cache-Control), so the next reader looks, in a fresh browser.
        console = pg.console_errors
        ctx.close()
        pg, ctx = _page(browser)
        _open_comments(pg, live.url + A1)
        assert _heading(pg) == "Ý kiến bạn đọc (1)"
        items = pg.locator(".comments__item")
        assert items.count() == 1
        assert items.first.locator(".comments__text").inner_text() == "Phiên chợ năm nay đông vui, mong huyện duy trì."
        assert items.first.locator(".comments__author").inner_text() == "Lò Thị Mai"
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", items.first.locator("time").inner_text())
        assert "từ chối" not in pg.locator("#y-kien").inner_text()
        assert console == [] and pg.console_errors == []
    finally:
        ctx.close()


def test_xss_payloads_never_execute(browser, live):
    """Every field carries payloads; they show as text on the article and in the moderation page."""
    ids = []
    for i, p in enumerate(XSS):
        r = httpx.post(live.base + "/comments/new", params={"uri": A2}, timeout=10, headers={
            "Origin": live.url, "User-Agent": UA, "Content-Type": "application/json",
            "X-Forwarded-For": f"10.{40 + i}.0.1"}, content=json.dumps({"author": p[:80], "text": "Nội dung " + p,
                                                                         "email": "a@b.vn"}))
        if r.status_code == 202:
            ids.append(r.json()["id"])
    assert len(ids) == len(XSS)
    pg, ctx = _page(browser)
    try:
        pg.goto(live.base + "/comments/admin/")
        pg.fill('input[name="password"]', PASSWORD)
        pg.press('input[name="password"]', "Enter")
        pg.goto(live.base + "/comments/admin/?mode=2")
        pg.wait_for_timeout(300)
        assert pg.evaluate("window.__xss") is None
        assert pg.evaluate("document.querySelectorAll('.isso-comment script, .isso-comment iframe, "
                           ".isso-comment [onerror], .isso-comment [onload]').length") == 0
        for text in ("Nội dung <img", "Nội dung <script"):
            item = pg.locator(".isso-comment", has_text=text)
            if item.count():
                item.first.get_by_text("Duyệt", exact=True).click()
        pg.wait_for_timeout(500)
        _open_comments(pg, live.url + A2)
        pg.wait_for_selector(".comments__item")
        pg.wait_for_timeout(300)
        assert pg.evaluate("window.__xss") is None
        assert pg.evaluate("document.querySelectorAll('#y-kien script, #y-kien img, #y-kien svg, #y-kien iframe')"
                           ".length") == 0
        shown = pg.locator(".comments__text").all_inner_texts()
        assert any(XSS[0] in t or XSS[1] in t for t in shown), shown
    finally:
        ctx.close()


def _rating_line(pg) -> str:
    return pg.locator("[data-rating-total]").inner_text()


def test_rating_once_per_visitor(browser, live):
    pg, ctx = _page(browser)
    try:
        pg.goto(live.url + A1)
        pg.wait_for_selector("#danh-gia fieldset:not([disabled])")
        assert _rating_line(pg) == "Tổng số điểm của bài viết là: 0 trong 0 đánh giá"
        pg.get_by_role("radio", name="5 sao").focus()
        pg.keyboard.press("ArrowLeft")  # keyboard: the arrow moves the choice to 4 stars
        assert pg.get_by_role("radio", name="4 sao").is_checked()
        pg.get_by_role("button", name="Gửi đánh giá").click()
        pg.wait_for_function("() => document.querySelector('[data-rating-total]').textContent.indexOf('trong 1') > 0")
        assert _rating_line(pg).startswith("Tổng số điểm của bài viết là: 4 trong 1 đánh giá")
        pg.reload()
        pg.wait_for_function("() => document.querySelector('[data-rating-votes]').textContent !== '—'")
        assert pg.get_by_role("radio", name="3 sao").is_disabled()
        assert "đã đánh giá" in pg.locator("[data-rating-note]").inner_text()
    finally:
        ctx.close()
    # the same visitor (same address and browser) in a fresh profile: the vote does not count
    pg, ctx = _page(browser)
    try:
        pg.goto(live.url + A1)
        pg.wait_for_selector("#danh-gia fieldset:not([disabled])")
        pg.locator('label[for="sao-1"]').click()  # a pointer on the star
        assert pg.get_by_role("radio", name="1 sao").is_checked()
        pg.get_by_role("button", name="Gửi đánh giá").click()
        pg.wait_for_function("() => document.querySelector('[data-rating-note]').textContent.length > 0")
        assert _rating_line(pg).startswith("Tổng số điểm của bài viết là: 4 trong 1 đánh giá")
        assert "mỗi người một lượt" in pg.locator("[data-rating-note]").inner_text()
    finally:
        ctx.close()


def test_most_read_lists_visited_pages(browser, live):
    pg, ctx = _page(browser)
    try:
        for path in (A2, A1, A2):
            with pg.expect_response(re.compile(r".*/v1/hit")):
                pg.goto(live.url + path)
        # Each article page asked /v1/top too (before its own hit counted), and a browser keeps
        # that answer 60 s (Cache-Control): the home page is opened by another reader.
        ctx.close()
        pg, ctx = _page(browser)
        pg.goto(live.url + "/")
        pg.wait_for_selector("#tin-xem-nhieu:not([hidden]) li")
        links = pg.locator("#tin-xem-nhieu li a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert {h.lstrip("/") for h in hrefs} >= {A1.lstrip("/"), A2.lstrip("/")}
        assert "Nậm Păng khai mạc phiên chợ vùng cao" in pg.locator("#tin-xem-nhieu").inner_text()
        from plugins.reader.policy import card_group

        paths = [A1, "/gioi-thieu.html", "/", "//2024/x.html", "/chuyen-muc/tin-tuc/", "/van-ban/qd-1.html", "x"]
        assert pg.evaluate("ps => ps.map(window.readerCardGroup)", paths) == [card_group(p) for p in paths]
    finally:
        ctx.close()


def test_header_date_in_ho_chi_minh_without_shift(browser, live):
    pg, ctx = _page(browser, timezone_id="America/New_York")
    try:
        instant = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)  # 01:30 on 2 Dec in Hà Nội
        pg.clock.set_fixed_time(instant)
        pg.add_init_script("""window.__cls = 0; window.__moved = []; new PerformanceObserver(l => {
            for (const e of l.getEntries()) if (!e.hadRecentInput) { window.__cls += e.value;
              for (const s of e.sources) window.__moved.push(s.node ? (s.node.id || s.node.className
                || s.node.nodeName) + ' ' + Math.round(s.previousRect.y) + '->' + Math.round(s.currentRect.y) : '?'); }
            }).observe({type: 'layout-shift', buffered: true});""")
        pg.goto(live.url + "/")
        pg.wait_for_function("() => document.querySelector('[data-today]').textContent.length > 0")
        assert pg.locator("[data-today]").inner_text() == "Thứ Tư, 02/12/2026"
        pg.wait_for_timeout(1500)
        assert pg.evaluate("window.__cls") < 0.01, pg.evaluate("window.__moved")
    finally:
        ctx.close()


def test_javascript_off_and_service_down(browser, live, built):
    pg, ctx = _page(browser, java_script_enabled=False)
    try:
        pg.goto(live.url + A1)
        assert pg.locator("[data-comments-status]").inner_text() == "Cần bật JavaScript để xem và gửi ý kiến bạn đọc."
        assert pg.locator("#y-kien form").is_hidden() and pg.locator("#tin-xem-nhieu").is_hidden()
        assert pg.locator("[data-rating-points]").inner_text() == "—"
    finally:
        ctx.close()
    live.stop()
    try:
        pg, ctx = _page(browser)
        try:
            pg.goto(live.url + A1)
            pg.locator("#y-kien").scroll_into_view_if_needed()
            pg.wait_for_function("() => document.querySelector('[data-comments-status]').textContent"
                                 ".indexOf('Chưa tải được') === 0", timeout=15000)
            assert pg.locator("#y-kien form").is_hidden()
            assert pg.locator("[data-rating-points]").inner_text() == "—"
            assert pg.get_by_role("radio", name="3 sao").is_disabled()
            assert pg.locator("#tin-xem-nhieu").is_hidden()
            assert pg.locator("h1").inner_text() == "Nậm Păng khai mạc phiên chợ vùng cao"
        finally:
            ctx.close()
    finally:
        live.start()


def test_reader_sections_have_no_serious_axe_violations(browser, live):
    from conftest import serious_axe_violations

    pg, ctx = _page(browser)
    try:
        _open_comments(pg, live.url + A1)
        pg.wait_for_selector("#y-kien form:not([hidden])")
        pg.wait_for_function("() => document.querySelector('[data-rating-votes]').textContent !== '—'")
        found = serious_axe_violations(pg)
        assert found == []
    finally:
        ctx.close()


def test_popularity_feeds_may_interest_and_build_works_offline(live, tmp_path):
    for i in range(3):  # three visitors read A2
        r = httpx.post(live.base + "/v1/hit", content=json.dumps({"path": A2}), timeout=10, headers={
            "Origin": live.url, "User-Agent": f"{UA} p{i}", "X-Forwarded-For": f"10.123.{i}.1",
            "Content-Type": "text/plain"})
        assert r.status_code == 204
    site = make_site(tmp_path / "on", "http://127.0.0.1:9", f"MOST_READ_BUILD_URL = {live.base!r}\n")
    firsts, related = 0, 0
    for rel in (A1, A_OFF, A_OLD):
        html = site.html(rel.lstrip("/"))
        rel_links = [a["href"] for a in html.select("#tin-lien-quan a")]
        may = [a["href"] for a in html.select("#co-the-ban-quan-tam a")]
        if any(h.endswith(A2) for h in rel_links):
            related += 1
            assert not any(h.endswith(A2) for h in may)  # never twice on one page
        else:
            assert may and may[0].endswith(A2), (rel, may)
            firsts += 1
    assert firsts >= 1
    # Offline: the build still works, and the block is related_news' own list (an empty
    # block is left out of the page since issue 12), with no popular article pushed in.
    offline = make_site(tmp_path / "off", "http://127.0.0.1:9", "MOST_READ_BUILD_URL = 'http://127.0.0.1:9'\n")
    page = offline.html(A1.lstrip("/"))
    assert page.select_one("h1") is not None
    may_offline = [a["href"] for a in page.select("#co-the-ban-quan-tam a")]
    assert not (may_offline and may_offline[0].endswith(A2))


def test_blend_popular():
    from plugins.reader.policy import blend_popular

    a, b, c, d, e = "abcde"
    assert blend_popular([c, e, "f"], [b, a, d, c], a, [d], 2) == [b, c, e]  # not itself, not related
    assert blend_popular([], [b], a, [], 2) == [b]
    assert blend_popular([c, d], [a], a, [], 2) == [c, d]
