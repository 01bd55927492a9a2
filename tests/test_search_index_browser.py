"""Search in headless Chromium on the demo portal (and on a build with a hostile title)."""

from __future__ import annotations

import urllib.parse

import pytest
from conftest import Site, serious_axe_violations, serve_directory


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path, settings='PLUGINS = [p for p in PLUGINS if "related_news" not in p]\n')

pytestmark = pytest.mark.browser


def results(page, sel="#ket-qua-tim-kiem .search-hit__title"):
    return [t.strip() for t in page.locator(sel).all_inner_texts()]


def wait_loaded(page):
    # All years loaded: the status no longer says it is fetching older ones.
    page.wait_for_function(
        "() => { const s = document.getElementById('ket-qua-trang-thai').textContent;"
        " return s && !s.includes('đang tải') && !s.includes('Đang'); }")


def test_header_box_dan_van_by_keyboard(page, demo_url):
    page.goto(demo_url + "/")
    page.keyboard.press("Tab")  # skip link
    page.focus("#o-tim-kiem")
    page.keyboard.type("dan van", delay=30)
    page.wait_for_selector(".search-suggest .search-hit")
    # The newest year answers first; older years (this article is from 2022) arrive after.
    page.wait_for_function("""() => [...document.querySelectorAll('.search-suggest .search-hit__title')]
        .some(a => a.textContent.includes('công tác dân vận'))""")
    titles = results(page, ".search-suggest .search-hit__title")
    assert sum("dân vận" in t for t in titles) >= 3, titles
    assert all("dân vận" in t for t in titles[:3]), titles  # adjacent syllables first
    assert page.is_visible("#goi-y-tim-kiem")
    marks = page.locator(".search-suggest mark").all_inner_texts()
    assert "dân" in [m.lower() for m in marks]  # highlighted although typed without diacritics
    # every year has arrived (the list is re-rendered as each one does): then move into it
    page.wait_for_selector('.search-suggest ol[aria-busy="false"]', state="attached")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.search-suggest') !== null")
    href = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    assert page.console_errors == []


def test_a_year_arriving_while_the_reader_is_on_a_result_keeps_the_focus(page, demo_url):
    """Older years arrive while the reader has moved into the header list: the list must not be
    re-rendered under the focused link (Enter would then do nothing). The older shards are held
    back by the test and released once the reader is on a result."""
    held, first, hold = [], [], [True]

    def route(r):
        if "-core." in r.request.url and not first:
            first.append(r.request.url)  # the newest year: let it through
            r.continue_()
        elif hold[0]:
            held.append(r)
        else:  # released: the years asked for one after another go straight through
            r.continue_()

    page.route("**/*-core.*.json*", route)
    page.route("**/*-lead.*.json*", route)
    page.goto(demo_url + "/")
    page.focus("#o-tim-kiem")
    page.keyboard.type("nam pang", delay=30)
    page.wait_for_selector(".search-suggest ol .search-hit a")
    # the newest year's answer for the whole query is shown (not a render of "nam" still due)
    page.wait_for_function("() => /kết quả/.test(document.querySelector('.search-suggest [role=status]').textContent)")
    page.wait_for_timeout(300)  # longer than the 120 ms debounce: no earlier keystroke's render is pending
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.href")
    assert page.evaluate("document.activeElement.closest('.search-suggest ol') !== null")
    for _ in range(200):  # the older years are asked for just after the first results show
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "older years should be on their way"
    hold[0] = False
    while held:
        held.pop(0).continue_()
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")  # every year has arrived (none is held any more)
    page.wait_for_timeout(600)  # longer than the 120 ms debounce of a re-render
    assert page.evaluate("document.activeElement.href") == href
    assert page.get_attribute(".search-suggest ol", "aria-busy") == "true"  # not re-rendered yet
    # back in the box: the years that arrived meanwhile are shown now
    page.keyboard.press("ArrowUp")
    page.wait_for_selector('.search-suggest ol[aria-busy="false"]', state="attached")
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    assert page.console_errors == []


def test_search_page_sin_ho_from_url(page, demo_url):
    page.goto(demo_url + "/tim-kiem/?q=S%C3%ACn%20H%E1%BB%93")
    wait_loaded(page)
    titles = results(page)
    assert len(titles) >= 5 and all("Sìn Hồ" in t for t in titles[:5]), titles
    assert page.input_value("#tu-khoa") == "Sìn Hồ"
    status = page.inner_text("#ket-qua-trang-thai")
    assert f"Tìm thấy {len(titles)} kết quả" in status
    hit = page.locator("#ket-qua-tim-kiem .search-hit").first
    date = hit.locator("time").inner_text()
    assert len(date) == 10 and date[2] == "/" and date[5] == "/"  # dd/MM/yyyy
    assert hit.locator(".search-hit__meta").inner_text().split(" · ")[0] in {
        "Tin tức - Sự kiện", "Kinh tế", "Văn hóa - Xã hội", "Y tế - Giáo dục", "Chính trị",
        "Quốc phòng - An ninh", "Nông thôn mới"}
    # Without diacritics: the same articles, still highlighted.
    page.goto(demo_url + "/tim-kiem/?q=sin%20ho")
    wait_loaded(page)
    assert sorted(results(page)) == sorted(titles)
    assert "Sìn" in page.locator("#ket-qua-tim-kiem mark").all_inner_texts()
    href = page.locator("#ket-qua-tim-kiem .search-hit__title").first.get_attribute("href")
    assert page.request.get(demo_url + href if href.startswith("/") else href).ok
    assert page.console_errors == []


def test_exact_diacritics_rank_first(page, demo_url):
    page.goto(demo_url + "/tim-kiem/?q=" + urllib.parse.quote("dân vận"))
    wait_loaded(page)
    titles = results(page)
    look_alike = [i for i, t in enumerate(titles) if "Dàn văn" in t]
    exact = [i for i, t in enumerate(titles) if "dân vận" in t.lower()]
    assert look_alike and exact and max(exact) < look_alike[0], titles


def test_filters_and_no_results_message(page, demo_url):
    page.goto(demo_url + "/tim-kiem/?q=sin%20ho")
    wait_loaded(page)
    everything = results(page)
    page.focus("#loc-chuyen-muc")
    page.select_option("#loc-chuyen-muc", "Kinh tế")
    wait_loaded(page)
    metas = page.locator("#ket-qua-tim-kiem .search-hit__meta").all_inner_texts()
    assert metas and all(m.startswith("Kinh tế") for m in metas)
    assert len(metas) < len(everything)
    assert "cm=Kinh+t%E1%BA%BF" in page.url or "cm=Kinh%20t%E1%BA%BF" in page.url
    page.select_option("#loc-chuyen-muc", "")
    page.select_option("#loc-nam", "2023")
    wait_loaded(page)
    dates = page.locator("#ket-qua-tim-kiem time").all_inner_texts()
    assert dates and all(d.endswith("/2023") for d in dates)
    assert "nam=2023" in page.url
    page.fill("#tu-khoa", "không có bài nào như thế")
    page.keyboard.press("Enter")
    status = page.inner_text("#ket-qua-trang-thai")
    assert "Không tìm thấy" in status and "không dấu" in status and "bỏ lọc" in status
    assert results(page) == []
    assert page.console_errors == []


PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_script_in_query_is_not_executed(page, demo_url):
    page.goto(demo_url + "/tim-kiem/?q=" + urllib.parse.quote(PAYLOAD + " dân"))
    wait_loaded(page)
    page.focus("#o-tim-kiem")
    page.keyboard.type(PAYLOAD, delay=5)
    page.wait_for_selector(".search-suggest:not([hidden])")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert "<script>" in page.inner_text("#ket-qua-trang-thai")  # shown as text
    assert page.locator("#noi-dung img[src=x], .search-suggest img").count() == 0
    assert page.console_errors == []


def test_script_in_title_is_not_executed(site, page):
    site.article("x", title='<img src=x onerror="window.__xss=1"> Đổi mới công tác dân vận',
                 date="2024-05-17 08:00", summary='<script>window.__xss=2</script> dân vận')
    site.build()
    url, stop = serve_directory(site.output)
    try:
        page.goto(url + "/tim-kiem/?q=dan%20van")
        wait_loaded(page)
        assert results(page) == ['<img src=x onerror="window.__xss=1"> Đổi mới công tác dân vận']
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") is None
        assert page.locator("#ket-qua-tim-kiem img").count() == 0
    finally:
        stop()


def test_search_page_and_open_header_list_pass_axe(page, demo_url):
    import json

    page.goto(demo_url + "/tim-kiem/?q=dan%20van")
    wait_loaded(page)
    page.focus("#o-tim-kiem")
    page.keyboard.type("sin ho", delay=20)
    page.wait_for_selector(".search-suggest .search-hit")
    bad = serious_axe_violations(page)
    assert bad == [], json.dumps(bad, ensure_ascii=False, indent=1)
    assert page.console_errors == []


# --- search as you type (issue 19) ---------------------------------------------------------

NO_RESULTS = ("Không tìm thấy kết quả", "Chưa thấy kết quả")
# Titles whose first two syllables are shared by at most a few others (the header list shows 6;
# "Nậm Păng …" begins 14 titles, so on "Nậm P" no ranking can know which one is meant).
HEADER_TITLES = ["Chè Khe Vằn đạt chứng nhận OCOP 4 sao", "Xa Nam Xe ve dich nong thon moi"]
PAGE_TITLES = ["Mùa mận chín ở Tả Phìn", "Du lich cong dong ban Luot, xa Pa Co hut khach"]
# Counts renders: the list (header) or the status line (page) is rewritten on every search.
RENDERS = """sel => { window.__renders = 0; new MutationObserver(() => window.__renders++)
    .observe(document.querySelector(sel), {childList: true, subtree: true, characterData: true}); }"""


def type_title_letter_by_letter(page, box, rendered, read, title):
    """Type `title` one character at a time; after each, wait for the search of exactly that
    value to be shown with every year loaded, and return [(typed so far, titles, status)]."""
    seen = []
    for i, ch in enumerate(title):
        before = page.evaluate("window.__renders")
        page.keyboard.type(ch)
        value = title[: i + 1]
        page.wait_for_function(rendered, arg=[before, value.strip()])
        titles, status = read()
        seen.append((value, titles, status))
        assert page.input_value(box) == value
    return seen


def check_typing(seen, target, shown):
    from plugins import vietnamese as vn

    for value, titles, status in seen:
        assert not any(m in status for m in NO_RESULTS), (value, status)
        if len(vn.syllables(value)) >= 2:  # from the second syllable on
            assert target in titles, (value, titles)
    assert seen[-1][1][0] == target, seen[-1]
    assert all(len(t) <= shown for _, t, _ in seen)


@pytest.mark.parametrize("typed", HEADER_TITLES)
def test_header_box_typed_letter_by_letter_keeps_the_article(page, demo_url, typed):
    from plugins import vietnamese as vn

    page.goto(demo_url + "/")
    page.evaluate(RENDERS, ".search-suggest")
    page.focus("#o-tim-kiem")
    rendered = """([before, q]) => window.__renders > before
        && document.querySelector('.search-suggest > a').textContent === 'Xem tất cả kết quả cho “' + q + '”'
        && document.querySelector('.search-suggest ol').getAttribute('aria-busy') === 'false'"""

    def read():
        return (results(page, ".search-suggest .search-hit__title"),
                page.inner_text(".search-suggest [role=status]"))

    seen = type_title_letter_by_letter(page, "#o-tim-kiem", rendered, read, typed)
    target = next(t for t in seen[-1][1] if vn.fold(t) == vn.fold(typed))
    check_typing(seen, target, 6)
    assert page.console_errors == []


@pytest.mark.parametrize("typed", PAGE_TITLES)
def test_search_page_typed_letter_by_letter_keeps_the_article(page, demo_url, typed):
    from plugins import vietnamese as vn

    page.goto(demo_url + "/tim-kiem/")
    page.wait_for_selector("#ket-qua-tim-kiem[aria-busy=false]", state="attached")
    page.evaluate(RENDERS, "#ket-qua-trang-thai")
    page.focus("#tu-khoa")
    rendered = """([before, q]) => window.__renders > before
        && document.getElementById('ket-qua-trang-thai').textContent.includes('“' + q + '”')
        && document.getElementById('ket-qua-tim-kiem').getAttribute('aria-busy') === 'false'"""

    def read():
        return results(page), page.inner_text("#ket-qua-trang-thai")

    seen = type_title_letter_by_letter(page, "#tu-khoa", rendered, read, typed)
    target = next(t for t in seen[-1][1] if vn.fold(t) == vn.fold(typed))
    check_typing(seen, target, 20)
    assert page.console_errors == []


def test_typing_dan_va_ranks_dan_van_first_and_enter_keeps_the_results(page, demo_url):
    page.goto(demo_url + "/tim-kiem/")
    page.wait_for_selector("#ket-qua-tim-kiem[aria-busy=false]", state="attached")
    page.focus("#tu-khoa")
    page.keyboard.type("dân vậ", delay=30)
    page.wait_for_function("document.getElementById('ket-qua-trang-thai').textContent.includes('“dân vậ”')")
    typed = results(page)
    n = sum("dân vận" in t.lower() for t in typed)
    assert n >= 3 and all("dân vận" in t.lower() for t in typed[:n]), typed
    # The same query from the URL (not typing): the same articles, dân vận still first.
    page.goto(demo_url + "/tim-kiem/?q=" + urllib.parse.quote("dân vậ"))
    wait_loaded(page)
    assert "Không tìm thấy" not in page.inner_text("#ket-qua-trang-thai")
    again = results(page)
    assert sorted(again) == sorted(typed) and again[:n] == typed[:n], again
