"""Search in headless Chromium on the demo portal (and on a build with a hostile title)."""

from __future__ import annotations

import urllib.parse

import pytest

from conftest import Site, serve_directory, serious_axe_violations


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
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.search-suggest') !== null")
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
