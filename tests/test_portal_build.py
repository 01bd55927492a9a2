"""A real Pelican build of a small portal, asserted on the HTML."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import Site

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("portal"), settings="DEFAULT_PAGINATION = 3\n")
    site.image("2020/che.jpg", size=(80, 50))
    site.article(
        "doi-moi", title="Đổi mới nâng cao hiệu quả công tác dân vận", date="2020-12-09 10:45",
        modified="2020-12-10 08:00", category="Chính trị", tags=["dân vận", "nông thôn mới"],
        author=["Hữu Việt", "Lò Thị Hoa"], summary="Huyện tổng kết <b>năm</b> công tác dân vận.",
        image="{static}/images/2020/che.jpg", image_caption="Thu hoạch chè tại xã Quảng Long.",
        source="Báo Hoàng Sơn", featured=True,
        body="Đoạn mở đầu.\n\n![Nông dân hái chè]({static}/images/2020/che.jpg "
             "\"Nông dân xã Quảng Long hái chè.\")\n\nĐoạn cuối.",
    )
    site.article("xss", title="<script>alert(1)</script> Tiêu đề có thẻ", category="Chính trị",
                 date="2021-01-05 09:00", summary="Tóm tắt.")
    for i in range(5):
        site.article(f"kt-{i}", title=f"Tin kinh tế số {i}", category="Kinh tế",
                     date=f"2023-0{i + 1}-10 07:00", tags=["chè"], summary=f"Tóm tắt {i}.")
    site.article("draft", title="Bản nháp chưa đăng", status="draft", category="Kinh tế")
    site.page("gioi-thieu", title="Giới thiệu", slug="gioi-thieu", body="Huyện Nậm Păng.")
    site.build()
    return site


ARTICLE = "2020/12/doi-moi-nang-cao-hieu-qua-cong-tac-dan-van.html"


def test_article_url_uses_the_vietnamese_slug(built):
    assert (built.output / ARTICLE).is_file()
    assert (built.output / "2023/01/tin-kinh-te-so-0.html").is_file()
    assert not (built.output / "2024/05/ban-nhap-chua-dang.html").exists()
    assert (built.output / "nhap/ban-nhap-chua-dang.html").is_file()


def test_article_page_parts(built):
    doc = built.html(ARTICLE)
    assert doc.html["lang"] == "vi"
    assert doc.select_one("h1").get_text(strip=True) == "Đổi mới nâng cao hiệu quả công tác dân vận"
    crumbs = [a.get_text(strip=True) for a in doc.select(".breadcrumb li")]
    assert crumbs == ["Trang chủ", "Chính trị"]
    assert doc.select(".breadcrumb a")[1]["href"].endswith("/chuyen-muc/chinh-tri/")
    assert doc.select_one(".article__meta time").get_text() == "Thứ Tư, 09/12/2020, 10:45 (GMT+7)"
    assert re.search(r"\d+ phút đọc", doc.select_one(".article__reading").get_text())
    assert doc.select_one(".article__lead").get_text(strip=True) == "Huyện tổng kết năm công tác dân vận."
    fig = doc.select_one(".article__body figure")
    assert fig.img["alt"] == "Nông dân hái chè"
    assert fig.figcaption.get_text() == "Nông dân xã Quảng Long hái chè."
    assert not fig.img.has_attr("title")
    assert [a.get_text() for a in doc.select(".article__byline a")] == ["Hữu Việt", "Lò Thị Hoa"]
    assert doc.select_one(".article__source").get_text() == "Nguồn: Báo Hoàng Sơn"
    assert {a.get_text() for a in doc.select(".tags a")} == {"dân vận", "nông thôn mới"}
    # related blocks with nothing to show are left out (this fixture has no related text)
    for slot in ("tin-lien-quan", "tin-cung-chuyen-muc", "co-the-ban-quan-tam"):
        box = doc.find(id=slot)
        assert box is None or box.select("a"), slot
    assert "Chưa có tin" not in doc.get_text()
    assert doc.select_one('[data-font="1"]') and doc.select_one('[data-action="print"]')
    assert doc.select_one('link[rel=stylesheet][media=print]')
    assert "zalo" in doc.select_one(".tools").decode()
    assert doc.select_one("a.back").get_text() == "« Quay lại"
    assert doc.select_one(".skip-link")["href"] == "#noi-dung"
    assert doc.find("main", id="noi-dung") and doc.find("nav") and doc.find("footer")


def test_newer_and_older_in_category(built):
    doc = built.html("2023/03/tin-kinh-te-so-2.html")
    assert doc.select_one('.article-nav a[rel=next]')["href"].endswith("2023/04/tin-kinh-te-so-3.html")
    assert doc.select_one('.article-nav a[rel=prev]')["href"].endswith("2023/02/tin-kinh-te-so-1.html")


def test_open_graph_and_canonical(built):
    doc = built.html(ARTICLE)
    og = {m["property"]: m["content"] for m in doc.select("meta[property]")}
    assert og["og:locale"] == "vi_VN"
    assert og["og:type"] == "article"
    assert og["article:published_time"] == "2020-12-09T10:45:00+07:00"
    assert og["article:section"] == "Chính trị"
    assert doc.select_one("link[rel=canonical]")["href"].endswith(ARTICLE)


def test_news_article_json_ld(built):
    doc = built.html(ARTICLE)
    data = json.loads(doc.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Đổi mới nâng cao hiệu quả công tác dân vận"
    assert data["datePublished"] == "2020-12-09T10:45:00+07:00"
    assert data["dateModified"] == "2020-12-10T08:00:00+07:00"
    assert data["articleSection"] == "Chính trị"
    assert [a["name"] for a in data["author"]] == ["Hữu Việt", "Lò Thị Hoa"]
    assert data["image"][0].endswith("images/2020/che-80w.jpg")  # the largest resized variant, never the upload


def test_html_in_titles_is_escaped(built):
    raw = (built.output / "2021/01/script-alert-1-script-tieu-de-co-the.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    data = built.html("2021/01/script-alert-1-script-tieu-de-co-the.html").select_one(
        'script[type="application/ld+json"]').string
    assert "</script" not in data
    home = (built.output / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in home


def test_category_page_paginated_with_description_and_feed(built):
    doc = built.html("chuyen-muc/kinh-te/index.html")
    assert doc.h1.get_text() == "Kinh tế"
    assert "Sản xuất nông, lâm nghiệp" in doc.select_one(".list-header__desc").get_text()
    titles = [a.get_text() for a in doc.select(".list .card__title a")]
    assert titles == ["Tin kinh tế số 4", "Tin kinh tế số 3", "Tin kinh tế số 2"]
    assert doc.select_one('a[rel=next]')["href"].endswith("chuyen-muc/kinh-te/trang-2/")
    page2 = built.html("chuyen-muc/kinh-te/trang-2/index.html")
    assert [a.get_text() for a in page2.select(".list .card__title a")] == ["Tin kinh tế số 1", "Tin kinh tế số 0"]
    assert doc.select_one('link[type="application/atom+xml"][href$="feeds/kinh-te.atom.xml"]')
    assert doc.select_one('a[href$="feeds/kinh-te.rss.xml"]')


def test_home_page_blocks(built):
    doc = built.html("index.html")
    headline = doc.select(".headline .card__title a")
    assert headline[0].get_text() == "Đổi mới nâng cao hiệu quả công tác dân vận"  # featured
    sections = [h.get_text(strip=True) for h in doc.select(".home-cat h2")]
    assert sections == ["Chính trị", "Kinh tế"]  # configured order, only non-empty ones
    assert "Liên kết website" in doc.get_text()
    assert doc.select_one('.home-map a')["href"].endswith("ban-do-hanh-chinh.html")
    menu = [a.get_text() for a in doc.select(".site-nav a")]
    assert menu[:8] == ["Trang chủ", "Tin tức - Sự kiện", "Chính trị", "Kinh tế", "Văn hóa - Xã hội",
                        "Quốc phòng - An ninh", "Nông thôn mới", "Y tế - Giáo dục"]


def test_footer_comes_from_settings(built):
    import pelicanconf

    text = built.html("index.html").select_one("footer.site-footer").get_text(" ", strip=True)
    for key in ("agency", "address", "phone", "email", "editor_in_chief"):
        assert pelicanconf.PORTAL[key] in text
    assert "Ghi rõ nguồn" in text


def test_tag_author_and_year_archive_pages(built):
    tag = built.html("the/dan-van/index.html")
    assert "Đổi mới nâng cao" in tag.get_text()
    author = built.html("tac-gia/huu-viet/index.html")
    assert "Đổi mới nâng cao" in author.get_text()
    year = built.html("luu-tru/2023/index.html")
    assert len(year.select(".archive-list li")) == 5
    archives = built.html("luu-tru/index.html")
    assert [a.get_text() for a in archives.select(".year-list a")] == ["Năm 2023", "Năm 2021", "Năm 2020"]


def test_feeds_site_and_category(built):
    feed = ET.parse(built.output / "feeds/all.atom.xml").getroot()
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert "Đổi mới nâng cao hiệu quả công tác dân vận" in titles
    assert "Bản nháp chưa đăng" not in titles
    cat = ET.parse(built.output / "feeds/kinh-te.atom.xml").getroot()
    assert len(cat.findall(f"{ATOM}entry")) == 5
    rss = ET.parse(built.output / "feeds/all.rss.xml").getroot()
    assert rss.tag == "rss" and len(rss.findall("channel/item")) == 7


def test_sitemap_and_robots(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(built.output / "sitemap.xml").getroot()
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    assert any(loc.endswith(ARTICLE) for loc in locs)
    assert any(loc.endswith("gioi-thieu.html") for loc in locs)
    assert not any("nhap/" in loc for loc in locs)
    robots = (built.output / "robots.txt").read_text()
    assert "Sitemap:" in robots and "Disallow: /nhap/" in robots


def test_static_page(built):
    doc = built.html("gioi-thieu.html")
    assert doc.h1.get_text() == "Giới thiệu"
    assert "Huyện Nậm Păng" in doc.select_one(".article__body").get_text()
