"""The portal in Debian's Chromium: phone layout, article tools, accessibility (axe-core)."""

import json

import pytest
from conftest import serious_axe_violations, soup

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def article_path(demo_output):
    """A demo article with an image (the richest page)."""
    for path in sorted(demo_output.glob("20*/*/*.html")):
        if soup(path).select_one(".article__body"):
            return "/" + str(path.relative_to(demo_output))
    pytest.fail("the demo has no article")


@pytest.fixture(scope="module")
def category_path(demo_output):
    return "/" + str(next(demo_output.glob("chuyen-muc/*/index.html")).relative_to(demo_output)).replace("index.html", "")


def test_article_on_a_phone(page, demo_url, article_path):
    page.set_viewport_size(PHONE)
    page.goto(demo_url + article_path)
    assert page.locator("h1.article__title").is_visible()
    # nothing wider than the screen: no horizontal scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("[data-font='1']").is_visible()
    assert page.locator("[data-action='print']").is_visible()
    for slot in ("#tin-lien-quan", "#tin-cung-chuyen-muc", "#co-the-ban-quan-tam"):
        assert page.locator(slot).count() == 1
    assert page.console_errors == []


def test_usable_at_320px(page, demo_url, article_path):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", article_path):
        page.goto(demo_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_font_size_buttons_change_and_remember_the_size(page, demo_url, article_path):
    page.goto(demo_url + article_path)
    body = page.locator(".article__body p").first
    before = body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.click("[data-font='1']")
    page.click("[data-font='1']")
    bigger = body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert bigger > before * 1.2
    page.reload()
    after_reload = page.locator(".article__body p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert after_reload == pytest.approx(bigger)
    page.click("[data-font='-1']")
    assert page.locator(".article__body p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)") < bigger
    assert "Cỡ chữ" in page.locator(".tools__status").inner_text()
    assert page.console_errors == []


def test_print_button_opens_the_print_dialog(page, demo_url, article_path):
    page.goto(demo_url + article_path)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    page.click("[data-action='print']")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".sidebar").is_visible()
    assert page.locator(".article__body").is_visible()


def test_skip_link_moves_focus_to_main(page, demo_url):
    page.goto(demo_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#noi-dung"


@pytest.mark.parametrize("which", ["home", "category", "article"])
def test_axe_finds_no_serious_violation(page, demo_url, which, article_path, category_path):
    path = {"home": "/", "category": category_path, "article": article_path}[which]
    page.goto(demo_url + path)
    bad = serious_axe_violations(page)
    assert bad == [], json.dumps(bad, ensure_ascii=False, indent=1)
    assert page.console_errors == []


@pytest.mark.parametrize("which", ["home", "article"])
def test_no_layout_shift_while_loading(page, demo_url, which, article_path):
    """Cumulative layout shift stays far below 0.1 (the 'good' threshold) on a phone."""
    page.set_viewport_size(PHONE)
    page.add_init_script("""
        window.__cls = 0;
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
        }).observe({type: 'layout-shift', buffered: true});
    """)
    page.goto(demo_url + ("/" if which == "home" else article_path), wait_until="load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cls") < 0.02
    assert page.console_errors == []
