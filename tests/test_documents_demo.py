"""The demo register and the government pages as built from content/, and the list
filters in Chromium (folded search: "quyet dinh" finds "Quyết định")."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from conftest import serious_axe_violations, soup

from plugins import vietnamese
from plugins.documents import fields

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def data(demo_output):
    return json.loads((demo_output / "van-ban/data.json").read_text(encoding="utf-8"))


def test_demo_register(demo_output, data):
    assert len(data) >= 15
    kinds = {d["l"] for d in data}
    assert {"Quyết định", "Kế hoạch", "Công văn", "Thông báo", "Báo cáo"} <= kinds
    assert len({d["c"] for d in data}) >= 4
    assert [d["d"] for d in data] == sorted((d["d"] for d in data), reverse=True)
    statuses = {d["s"] for d in data}
    assert {"Còn hiệu lực", "Hết hiệu lực"} <= statuses
    page = soup(demo_output / "van-ban/index.html")
    assert len(page.select("#ds-van-ban tbody tr")) == min(len(data), 20)


def test_every_demo_attachment_is_published_with_its_real_size(demo_output, data):
    for d in data:
        page = soup(demo_output / d["u"])
        links = page.select("a.doc-file__link")
        assert links, d["u"]
        for a in links:
            rel = a["href"].lstrip("/")
            f = demo_output / rel
            assert f.is_file() and f.read_bytes().startswith(b"%PDF"), rel
            meta = a.find_next_sibling(class_="doc-file__meta").get_text()
            assert f"(PDF, {fields.human_size(f.stat().st_size)})" in meta
            assert f.stat().st_size < 60_000, "demo PDFs stay small"


def test_demo_replacement_chain(demo_output):
    old = soup(demo_output / "van-ban/tb-31-ubnd-2024.html")
    mid = soup(demo_output / "van-ban/tb-402-ubnd-2024.html")
    new = soup(demo_output / "van-ban/tb-15-ubnd-2026.html")
    assert [a.strong.get_text() for a in old.select("#bi-thay-the a")] == ["402/TB-UBND"]
    assert [a.strong.get_text() for a in mid.select("#thay-the a")] == ["31/TB-UBND"]
    assert [a.strong.get_text() for a in mid.select("#bi-thay-the a")] == ["15/TB-UBND"]
    assert [a.strong.get_text() for a in new.select("#thay-the a")] == ["402/TB-UBND"]
    for page in (old, mid):
        assert page.select_one(".doc-fields .doc-status").get_text() == "Hết hiệu lực"


def test_home_has_the_five_newest_documents(demo_output, data):
    box = soup(demo_output / "index.html").select_one("#van-ban-moi")
    assert box is not None
    numbers = [n.get_text() for n in box.select(".doc-latest__number")]
    assert numbers == [d["n"] for d in data[:5]]


def test_demo_feed_and_sitemap(demo_output, data):
    feed = ET.parse(demo_output / "feeds/van-ban.atom.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == len(data)
    sitemap = (demo_output / "sitemap.xml").read_text(encoding="utf-8")
    if "<sitemapindex" in sitemap:  # large sites: an index of parts
        sitemap = "".join(p.read_text(encoding="utf-8") for p in demo_output.glob("sitemap*.xml"))
    locs = set(re.findall(r"<loc>([^<]*)</loc>", sitemap))
    for d in data:
        assert any(loc.endswith("/" + d["u"]) for loc in locs), d["u"]


def test_government_pages(demo_output):
    en = soup(demo_output / "english.html")
    assert en.select_one("article")["lang"] == "en"
    assert "Organisation and Contacts" in en.h1.get_text()
    assert en.select('a[href^="mailto:"]') and "+84 213 3 876 123" in en.get_text()
    org = soup(demo_output / "co-cau-to-chuc.html")
    rows = org.select("#lanh-dao ~ table tr")
    assert any("Chủ tịch UBND huyện" in r.get_text() and "0213 3 876 101" in r.get_text() for r in rows)
    assert len(org.select('table a[href^="mailto:"]')) >= 15
    faq = soup(demo_output / "hoi-dap.html")
    topics = [h["id"] for h in faq.select(".article__body h2[id]")]
    assert topics == ["thu-tuc-hanh-chinh", "dat-dai-xay-dung", "chinh-sach-xa-hoi", "giao-duc-y-te", "cong-thong-tin"]
    assert len(faq.select(".article__body h3[id]")) >= 10
    for a in faq.select('.article__body a[href^="#"]'):
        assert faq.select_one(a["href"]), a["href"]
    assert soup(demo_output / "chuc-nang-nhiem-vu.html").select_one("#nhiem-vu-quyen-han")
    home = soup(demo_output / "index.html")
    for url in ("chuc-nang-nhiem-vu.html", "co-cau-to-chuc.html", "hoi-dap.html", "english.html", "van-ban/"):
        assert home.select(f'.site-footer a[href$="/{url}"]'), url
    for url in ("hoi-dap.html", "van-ban/", "gioi-thieu.html"):
        assert home.select(f'.site-nav a[href$="/{url}"]'), url
    assert home.select_one('.header-links a[href$="/english.html"][lang="en"]')
    intro = soup(demo_output / "gioi-thieu.html")  # organisation pages beside every static page
    for url in ("chuc-nang-nhiem-vu.html", "co-cau-to-chuc.html", "ban-do-hanh-chinh.html", "lien-he.html"):
        assert intro.select(f'.sidebar a[href$="/{url}"]'), url


# --- in the browser -------------------------------------------------------------------

def expected(data, q="", **filters):
    words = vietnamese.fold(vietnamese.normalize(q)).lower().split()
    out = []
    for d in data:
        hay = vietnamese.fold(vietnamese.normalize(d["n"] + " " + d["t"])).lower()
        if all(w in hay for w in words) and all(
                (d["f"] if k == "f" else d[k][:4] if k == "d" else d[k]) == v or (k == "f" and v in d["f"])
                for k, v in filters.items()):
            out.append(d["n"])
    return out


def shown(page):
    return page.locator("#ds-van-ban tbody .doc-table__number").all_inner_texts()


def wait_rows(page, want):
    """Wait until the table shows exactly these numbers (the filter is debounced)."""
    page.wait_for_function(
        "w => JSON.stringify([...document.querySelectorAll('#ds-van-ban tbody .doc-table__number')]"
        ".map(e => e.textContent)) === JSON.stringify(w)", arg=want, timeout=5000)
    return shown(page)


@pytest.mark.browser
def test_list_filters_and_folded_search(page, demo_url, data):
    page.goto(f"{demo_url}/van-ban/")
    form = page.locator("#loc-van-ban")
    form.wait_for(state="visible")
    initial = shown(page)
    assert len(initial) == min(len(data), 20)

    page.fill("#vb-q", "quyet dinh")
    want = expected(data, "quyet dinh")
    assert len(want) >= 5 and all("QĐ" in n for n in want)
    assert wait_rows(page, want) == want
    assert page.locator("#vb-trang-thai").inner_text() == f"Tìm thấy {len(want)} văn bản."
    assert all("Quyết định" in t for t in page.locator("#ds-van-ban tbody .doc-table__title a").all_inner_texts())
    assert "q=quyet+dinh" in page.url

    page.fill("#vb-q", "412/qd")  # a số ký hiệu typed without diacritics
    assert wait_rows(page, ["412/QĐ-UBND"]) == ["412/QĐ-UBND"]

    page.fill("#vb-q", "")
    page.select_option("#vb-loai", "Thông báo")
    want = expected(data, l="Thông báo")
    assert wait_rows(page, want) == want

    page.select_option("#vb-loai", "")
    page.select_option("#vb-co-quan", "Phòng Y tế")
    assert wait_rows(page, ["88/TB-PYT"]) == expected(data, c="Phòng Y tế")

    page.select_option("#vb-co-quan", "")
    page.select_option("#vb-linh-vuc", "Lâm nghiệp")
    page.select_option("#vb-nam", "2025")
    want = expected(data, f="Lâm nghiệp", d="2025")
    assert want == ["19/KH-UBND"]
    assert wait_rows(page, want) == want
    row = page.locator("#ds-van-ban tbody tr").first
    assert row.locator(".doc-status").inner_text() == "Hết hiệu lực"
    href = row.locator("a").get_attribute("href")
    assert href.endswith("/van-ban/kh-19-ubnd-2025.html")

    page.fill("#vb-q", "khong co van ban nao nhu the nay")
    page.wait_for_function("document.getElementById('vb-trang-thai').textContent.startsWith('Không tìm thấy')")
    assert wait_rows(page, []) == []

    page.click("#loc-van-ban button[type=reset]")
    assert wait_rows(page, initial) == initial
    assert page.locator("#vb-trang-thai").inner_text() == ""
    assert page.console_errors == []


@pytest.mark.browser
def test_filter_from_url(page, demo_url, data):
    page.goto(f"{demo_url}/van-ban/?loai={quote('Kế hoạch')}")
    want = expected(data, l="Kế hoạch")
    assert wait_rows(page, want) == want
    assert page.locator("#vb-loai").input_value() == "Kế hoạch"

    assert page.console_errors == []


@pytest.mark.browser
def test_list_on_a_phone(browser, demo_url):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    pg = ctx.new_page()
    pg.goto(f"{demo_url}/van-ban/")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the list must not scroll sideways on a phone"
    assert pg.locator("#ds-van-ban thead").bounding_box()["height"] <= 1
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/van-ban/?loai=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh", "/van-ban/qd-412-ubnd-2025.html",
                                  "/co-cau-to-chuc.html"])
def test_axe_finds_no_serious_violation(page, demo_url, path):
    page.goto(demo_url + path)
    page.locator("#noi-dung").wait_for()
    bad = serious_axe_violations(page)
    assert bad == [], json.dumps(bad, ensure_ascii=False, indent=1)
    assert page.console_errors == []
