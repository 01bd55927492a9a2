"""Văn bản: a real build of a small register (list, detail, relations, feed, sitemap,
home block), validation through the build and through check(settings), and the model."""

from __future__ import annotations

import datetime
import json
import re
import textwrap
import xml.etree.ElementTree as ET

import pytest
import yaml
from conftest import Site

from plugins.documents import fields, model, validate

TODAY = "2025-06-01"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PROBLEM_RE = re.compile(r"^(?P<path>\S+\.md):(?P<line>\d+): (?P<msg>.+) — (?P<hint>.+)$")


def write_doc(site: Site, slug: str, body: str = "", raw: str | None = None, **meta) -> None:
    folder = site.content / "documents"
    folder.mkdir(exist_ok=True)
    text = raw if raw is not None else (
        "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body)
    (folder / f"{slug}.md").write_text(text, encoding="utf-8")


def write_file(site: Site, name: str, size: int) -> None:
    folder = site.content / "documents" / "files"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"%PDF-1.4\n" + b"0" * (size - 9))


def doc_meta(number, title, kind, issuer, issued, effective=None, **extra):
    return dict(so_ky_hieu=number, title=title, loai_van_ban=kind, co_quan_ban_hanh=issuer,
                nguoi_ky="Lường Văn Hải", linh_vuc=extra.pop("linh_vuc", ["Đất đai"]),
                ngay_ban_hanh=issued, ngay_hieu_luc=effective or issued, **extra)


# Tiny registers with two or three articles: related news needs a real corpus (the demo
# tests build with every plugin), so leave it out here.
ISOLATE = """
PLUGINS = [p for p in PLUGINS if p != "plugins.related_news"]
"""

UBND = "UBND huyện Nậm Păng"
PNN = "Phòng Nông nghiệp và Phát triển nông thôn"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Seven documents, three per page, status pinned to 2025-06-01, counter hooks on."""
    site = Site(tmp_path_factory.mktemp("docs"), settings=textwrap.dedent(f"""
        DOCUMENTS_TODAY = {TODAY!r}
        DOCUMENTS_PER_PAGE = 3
        COUNTER_URL = "http://counter.invalid"
        SITEURL = "https://nampang.example.gov.vn"
        """) + ISOLATE)
    for i, text in enumerate(["Nông dân thu hoạch chè xuân trên đồi.", "Trường học khai giảng năm học mới.",
                              "Đường giao thông liên xã được nâng cấp."]):
        site.article(f"tin-{i}", body=text, title=text.rstrip("."))
    for name, size in [("qd-1.pdf", 2048), ("qd-9.pdf", 3000), ("qd-9-phu-luc.docx", 1536 * 1024),
                       ("kh-5.pdf", 900), ("tb-3.pdf", 1000), ("cv-7.pdf", 1000), ("bc-2.pdf", 1000),
                       ("qd-4.pdf", 1000)]:
        write_file(site, name, size)
    write_doc(site, "qd-1-2024", **doc_meta("01/QĐ-UBND", "Quyết định ban hành quy chế cũ", "Quyết định", UBND,
                                            "2024-01-10", files=["qd-1.pdf"]))
    write_doc(site, "qd-9-2025", **doc_meta(
        "09/QĐ-UBND", "Quyết định ban hành quy chế mới", "Quyết định", UBND, "2025-02-20", "2025-03-01",
        linh_vuc=["Đất đai", "Cải cách hành chính"],
        files=["qd-9.pdf", {"file": "qd-9-phu-luc.docx", "title": "Phụ lục kèm theo"}],
        thay_the=["qd-1-2024"], lien_quan=["kh-5-2025"]))
    write_doc(site, "kh-5-2025", body="**Mục tiêu** của kế hoạch.\n", **doc_meta(
        "05/KH-UBND", "Kế hoạch trồng rừng năm 2025", "Kế hoạch", UBND, "2025-01-15",
        ngay_het_hieu_luc="2025-12-31", linh_vuc=["Lâm nghiệp"], files=["kh-5.pdf"]))
    write_doc(site, "tb-3-2024", **doc_meta("03/TB-PNN", "Thông báo lịch tiêm phòng gia súc", "Thông báo", PNN,
                                            "2024-05-05", ngay_het_hieu_luc="2024-12-31", files=["tb-3.pdf"]))
    write_doc(site, "cv-7-2025", **doc_meta("07/UBND-VP", "Công văn về việc chuẩn bị mùa mưa lũ", "Công văn", UBND,
                                            "2025-05-30", "2025-06-10", files=["cv-7.pdf"]))
    write_doc(site, "bc-2-2023", **doc_meta("02/BC-UBND", "Báo cáo tổng kết năm 2023", "Báo cáo", UBND,
                                            "2023-12-20", files=["bc-2.pdf"]))
    write_doc(site, "qd-4-2025", **doc_meta("04/QĐ-PNN", "Quyết định thành lập tổ công tác", "Quyết định", PNN,
                                            "2025-04-01", files=["qd-4.pdf"]))
    site.build()
    return site


NEWEST_FIRST = ["cv-7-2025", "qd-4-2025", "qd-9-2025", "kh-5-2025", "tb-3-2024", "qd-1-2024", "bc-2-2023"]


def row_slugs(soup):
    return [a["href"].rsplit("/", 1)[1].removesuffix(".html")
            for a in soup.select("#ds-van-ban tbody td.doc-table__title a")]


def test_list_is_newest_first_paginated_with_status(built):
    pages = [built.html("van-ban/index.html"), built.html("van-ban/trang-2/index.html"),
             built.html("van-ban/trang-3/index.html")]
    assert [s for p in pages for s in row_slugs(p)] == NEWEST_FIRST
    assert not (built.output / "van-ban/trang-4").exists()
    first = pages[0]
    rows = first.select("#ds-van-ban tbody tr")
    assert [r.select_one(".doc-table__number").get_text() for r in rows] == ["07/UBND-VP", "04/QĐ-PNN", "09/QĐ-UBND"]
    assert rows[0].select_one("time")["datetime"] == "2025-05-30"
    assert rows[0].select_one("time").get_text() == "30/05/2025"
    assert [r.select_one(".doc-status").get_text() for r in rows] == ["Chưa có hiệu lực", "Còn hiệu lực", "Còn hiệu lực"]
    statuses = {r.select_one(".doc-table__number").get_text(): r.select_one(".doc-status").get_text()
                for p in pages for r in p.select("#ds-van-ban tbody tr")}
    assert statuses["01/QĐ-UBND"] == "Hết hiệu lực"  # replaced by 09/QĐ-UBND, in force since 01/03/2025
    assert statuses["03/TB-PNN"] == "Hết hiệu lực"  # its own end date passed
    assert statuses["05/KH-UBND"] == "Còn hiệu lực"
    nav = first.select_one("#vb-phan-trang")
    assert nav.select_one('a[rel="next"]')["href"].endswith("/van-ban/trang-2/")
    assert "Trang 1 / 3" in nav.get_text()
    assert pages[2].select_one('#vb-phan-trang a[rel="prev"]')["href"].endswith("/van-ban/trang-2/")
    assert first.select_one("link[rel=canonical]")["href"] == "https://nampang.example.gov.vn/van-ban/"


def test_list_filter_choices_and_data_cover_every_document(built):
    soup = built.html("van-ban/index.html")
    form = soup.select_one("form#loc-van-ban")
    # painted from the start (no shift when documents.js starts); CSS hides it without scripts
    assert not form.has_attr("hidden")
    assert form.select_one("button[type=submit]")

    def options(name):
        return [o.get_text() for o in form.select(f"select[name={name}] option")][1:]
    assert options("loai") == ["Báo cáo", "Công văn", "Kế hoạch", "Quyết định", "Thông báo"]
    assert options("co_quan") == [PNN, UBND]
    assert options("linh_vuc") == ["Cải cách hành chính", "Đất đai", "Lâm nghiệp"]
    assert options("nam") == ["2025", "2024", "2023"]
    assert soup.find("script", src=re.compile(r"js/vietnamese\.[0-9a-f]{12}\.js$"))
    assert soup.find("script", src=re.compile(r"js/documents\.[0-9a-f]{12}\.js$"))
    data = json.loads((built.output / "van-ban/data.json").read_text(encoding="utf-8"))
    assert [d["u"] for d in data] == [f"van-ban/{s}.html" for s in NEWEST_FIRST]
    assert data[2] == {"u": "van-ban/qd-9-2025.html", "n": "09/QĐ-UBND", "t": "Quyết định ban hành quy chế mới",
                       "l": "Quyết định", "c": UBND, "f": ["Đất đai", "Cải cách hành chính"], "d": "2025-02-20",
                       "s": "Còn hiệu lực"}


def test_detail_shows_every_field_and_attachments_with_size_and_type(built):
    soup = built.html("van-ban/qd-9-2025.html")
    fields = {tr.th.get_text(): tr.td.get_text(" ", strip=True) for tr in soup.select(".doc-fields tr")}
    assert fields == {
        "Số ký hiệu": "09/QĐ-UBND", "Trích yếu": "Quyết định ban hành quy chế mới", "Loại văn bản": "Quyết định",
        "Cơ quan ban hành": UBND, "Người ký": "Lường Văn Hải", "Lĩnh vực": "Đất đai , Cải cách hành chính",
        "Ngày ban hành": "20/02/2025", "Ngày có hiệu lực": "01/03/2025", "Ngày hết hiệu lực": "Không xác định",
        "Tình trạng hiệu lực": "Còn hiệu lực",
    }
    assert soup.select_one("h1").get_text() == "Quyết định ban hành quy chế mới"
    assert soup.title.get_text() == "Quyết định 09/QĐ-UBND – Cổng thông tin điện tử huyện Nậm Păng"
    files = soup.select(".doc-file")
    assert len(files) == 2
    link = files[0].select_one("a.doc-file__link")
    assert link.get_text() == "Tải về: Quyết định số 09/QĐ-UBND"
    assert link["href"] == "https://nampang.example.gov.vn/documents/files/qd-9.pdf"
    assert link.has_attr("download") and link["type"] == "application/pdf"
    assert link["data-count-hit"] == "/documents/files/qd-9.pdf"
    assert "(PDF, 2,9 KB)" in files[0].select_one(".doc-file__meta").get_text()
    assert files[1].select_one("a").get_text() == "Tải về: Phụ lục kèm theo"
    assert "(Word, 1,5 MB)" in files[1].get_text()
    assert (built.output / "documents/files/qd-9-phu-luc.docx").stat().st_size == 1536 * 1024
    # a filter link per field value, read by documents.js from the query string
    assert soup.select_one(".doc-fields a[href*='?linh_vuc=']")["href"].endswith("?linh_vuc=%C4%90%E1%BA%A5t%20%C4%91ai")


def slugs_in(soup, selector):
    return [a["href"].rsplit("/", 1)[1].removesuffix(".html") for a in soup.select(f"{selector} li a")]


def test_relations_in_both_directions(built):
    new = built.html("van-ban/qd-9-2025.html")
    old = built.html("van-ban/qd-1-2024.html")
    plan = built.html("van-ban/kh-5-2025.html")
    assert slugs_in(new, "#thay-the") == ["qd-1-2024"]
    assert new.select_one("#thay-the h2").get_text() == "Văn bản này thay thế"
    assert slugs_in(old, "#bi-thay-the") == ["qd-9-2025"]
    assert old.select_one("#bi-thay-the h2").get_text() == "Được thay thế bởi"
    assert slugs_in(new, "#van-ban-lien-quan") == ["kh-5-2025"]
    assert slugs_in(plan, "#van-ban-lien-quan") == ["qd-9-2025"]  # declared only on qd-9
    assert not new.select("#bi-thay-the") and not old.select("#thay-the")
    assert "Hết hiệu lực" in old.select_one(".article__meta").get_text()
    fields = {tr.th.get_text(): tr.td.get_text(strip=True) for tr in old.select(".doc-fields tr")}
    assert fields["Ngày hết hiệu lực"] == "01/03/2025(ngày văn bản thay thế có hiệu lực)"
    assert plan.select_one(".document__body strong").get_text() == "Mục tiêu"


def test_same_type_and_same_issuer(built):
    soup = built.html("van-ban/qd-9-2025.html")
    assert soup.select_one("#cung-loai h2").get_text() == "Quyết định khác"
    assert slugs_in(soup, "#cung-loai") == ["qd-4-2025", "qd-1-2024"]
    assert soup.select_one("#cung-co-quan h2").get_text() == f"Văn bản khác của {UBND}"
    assert slugs_in(soup, "#cung-co-quan") == ["cv-7-2025", "kh-5-2025", "qd-1-2024", "bc-2-2023"]


def test_counter_hooks_for_views_and_downloads(built):
    soup = built.html("van-ban/qd-9-2025.html")
    views = soup.select('[data-count-path="/van-ban/qd-9-2025.html"][data-count-kind="view"]')
    downloads = soup.select('[data-count-path="/documents/files/qd-9.pdf"][data-count-kind="download"]')
    assert views and len(downloads) == 2  # header "lượt tải" and the attachment's own count
    assert soup.select('[data-count-path="/documents/files/qd-9-phu-luc.docx"]')
    assert soup.select_one("article.document")["data-path"] == "/van-ban/qd-9-2025.html"
    home = built.html("index.html")
    item = home.select("#van-ban-moi .doc-latest__item")[0]
    assert item.select_one('[data-count-path="/van-ban/cv-7-2025.html"]').parent.get_text(" ", strip=True) \
        == "– lượt xem | – lượt tải"


def test_document_and_attachment_paths_reach_the_counter_manifest(built):
    manifest = json.loads((built.output / "counter/manifest.json").read_text(encoding="utf-8"))["paths"]
    assert manifest["/van-ban/qd-9-2025.html"] == {"kind": "document",
                                                    "title": "09/QĐ-UBND – Quyết định ban hành quy chế mới"}
    assert manifest["/documents/files/qd-9-phu-luc.docx"] == {"kind": "attachment", "title": "Phụ lục kèm theo"}
    assert all(f"/van-ban/{s}.html" in manifest for s in NEWEST_FIRST)


def test_without_counter_url_no_count_widgets(tmp_path):
    site = Site(tmp_path, settings="COUNTER_URL = ''\n" + ISOLATE)
    site.article("tin-a", title="Tin thử nghiệm", body="Nông dân thu hoạch chè xuân trên đồi.")
    site.article("tin-b", title="Tin thứ hai", body="Trường học khai giảng năm học mới.")
    write_file(site, "a.pdf", 100)
    write_doc(site, "a", **doc_meta("1/TB-UBND", "Thông báo thử", "Thông báo", UBND, "2025-01-02", files=["a.pdf"]))
    site.build()
    for rel in ("van-ban/a.html", "index.html", "van-ban/index.html"):
        assert not site.html(rel).select("[data-count-path]"), rel
    assert site.html("van-ban/a.html").select_one("a[data-count-hit]")  # the click hook stays harmless


def test_home_block_lists_the_five_newest(built):
    soup = built.html("index.html")
    box = soup.select_one("#van-ban-moi")
    assert box.select_one("h2").get_text() == "Văn bản mới"
    items = box.select(".doc-latest__item")
    assert [i.select_one("a")["href"].rsplit("/", 1)[1] for i in items] == [f"{s}.html" for s in NEWEST_FIRST[:5]]
    assert items[0].select_one(".doc-latest__number").get_text() == "07/UBND-VP"
    assert items[0].select_one(".doc-latest__title").get_text() == "Công văn về việc chuẩn bị mùa mưa lũ"
    # the sidebar of any page carries it too
    assert built.html("van-ban/index.html").select("#van-ban-moi .doc-latest__item")


def test_atom_feed(built):
    root = ET.parse(built.output / "feeds/van-ban.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"https://nampang.example.gov.vn/van-ban/{s}.html" for s in NEWEST_FIRST]
    first = entries[0]
    assert first.find(f"{ATOM}title").text == "07/UBND-VP: Công văn về việc chuẩn bị mùa mưa lũ"
    assert first.find(f"{ATOM}published").text == "2025-05-30T00:00:00+07:00"
    assert "Chưa có hiệu lực" in first.find(f"{ATOM}summary").text
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {"Công văn", "Đất đai"}
    assert built.html("van-ban/index.html").select_one(
        'link[rel=alternate][type="application/atom+xml"][href$="feeds/van-ban.atom.xml"]')


def test_sitemap_lists_documents_and_list_pages(built):
    root = ET.parse(built.output / "sitemap.xml").getroot()
    urls = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    base = "https://nampang.example.gov.vn/"
    for slug in NEWEST_FIRST:
        assert base + f"van-ban/{slug}.html" in urls, slug
    assert urls[base + "van-ban/qd-9-2025.html"].find(f"{SM}lastmod").text.startswith("2025-02-20T00:00:00")
    assert urls[base + "van-ban/qd-9-2025.html"].find(f"{SM}changefreq").text == "monthly"
    for page in ("van-ban/", "van-ban/trang-2/", "van-ban/trang-3/"):
        assert base + page in urls, page


# --- validation ---------------------------------------------------------------------

def broken_register(site: Site) -> None:
    write_file(site, "ok.pdf", 100)
    write_doc(site, "thieu", raw="---\ntitle: Chỉ có trích yếu\n---\n")
    # Unquoted impossible dates: PyYAML raises ValueError on them, not a YAML error.
    write_doc(site, "ngay-sai", raw=f"---\nso_ky_hieu: 2/QĐ-UBND\ntitle: Ngày sai\nloai_van_ban: Quyết định\n"
                                    f"co_quan_ban_hanh: {UBND}\nnguoi_ky: Lường Văn Hải\nlinh_vuc: [Đất đai]\n"
                                    "ngay_ban_hanh: 2024-13-45\nngay_hieu_luc: 2024-02-30\nfiles: [ok.pdf]\n---\n")
    write_doc(site, "hieu-luc-truoc", **doc_meta("3/QĐ-UBND", "Hiệu lực trước ban hành", "Quyết định", UBND,
                                                 "2024-05-10", "2024-05-01", files=["ok.pdf"]))
    write_doc(site, "thieu-tep", **doc_meta("4/QĐ-UBND", "Thiếu tệp", "Quyết định", UBND, "2024-05-10",
                                            files=["ok.pdf", "khong-co.pdf"]))
    write_doc(site, "lien-ket-sai", **doc_meta("5/QĐ-UBND", "Liên kết sai", "Quyết định", UBND, "2024-05-10",
                                               files=["ok.pdf"], thay_the=["khong-ton-tai"],
                                               lien_quan=["thieu-tepp"]))
    write_doc(site, "trung-1", **doc_meta("12/QĐ-UBND", "Trùng số 1", "Quyết định", UBND, "2024-06-01",
                                          files=["ok.pdf"]))
    write_doc(site, "trung-2", **doc_meta(" 12/qđ-ubnd", "Trùng số 2", "Quyết định", UBND, "2024-07-01",
                                          files=["ok.pdf"]))
    write_doc(site, "khac-nam", **doc_meta("12/QĐ-UBND", "Cùng số, năm khác: hợp lệ", "Quyết định", UBND,
                                           "2025-01-03", files=["ok.pdf"]))
    write_doc(site, "loai-sai", **doc_meta("6/QĐ-UBND", "Loại sai", "Quyết đinh", UBND, "2024-05-10",
                                           files=["ok.pdf"], nguoi_ki="Ai đó"))


EXPECTED = [
    ("thieu.md", 1, "thiếu số ký hiệu 'so_ky_hieu'"),
    ("thieu.md", 1, "thiếu loại văn bản 'loai_van_ban'"),
    ("thieu.md", 1, "thiếu cơ quan ban hành 'co_quan_ban_hanh'"),
    ("thieu.md", 1, "thiếu người ký 'nguoi_ky'"),
    ("thieu.md", 1, "thiếu lĩnh vực 'linh_vuc'"),
    ("thieu.md", 1, "thiếu ngày ban hành 'ngay_ban_hanh'"),
    ("thieu.md", 1, "thiếu ngày có hiệu lực 'ngay_hieu_luc'"),
    ("thieu.md", 1, "thiếu tệp đính kèm 'files'"),
    ("ngay-sai.md", 8, "không đọc được ngày ban hành 'ngay_ban_hanh: 2024-13-45'"),
    ("ngay-sai.md", 9, "không đọc được ngày có hiệu lực 'ngay_hieu_luc: 2024-02-30'"),
    ("hieu-luc-truoc.md", 10, "ngày có hiệu lực (01/05/2024) trước ngày ban hành (10/05/2024)"),
    ("thieu-tep.md", 11, "không tìm thấy tệp đính kèm: khong-co.pdf"),
    ("lien-ket-sai.md", 13, "'thay_the' nhắc tới văn bản không tồn tại 'khong-ton-tai'"),
    ("lien-ket-sai.md", 15, "'lien_quan' nhắc tới văn bản không tồn tại 'thieu-tepp'"),
    ("trung-2.md", 2, "trùng số ký hiệu ' 12/qđ-ubnd' với "),
    ("loai-sai.md", 4, "loại văn bản không có trong danh sách: 'Quyết đinh'"),
    ("loai-sai.md", 13, "trường không được hỗ trợ 'nguoi_ki'"),
]


def test_check_reports_every_problem_with_line_and_hint(tmp_path):
    site = Site(tmp_path)
    broken_register(site)
    problems = validate.check({"PATH": str(site.content), "IGNORE_FILES": []})
    got = [(p.path.rsplit("/", 1)[1], p.line, p.message) for p in problems]
    for name, line, msg in EXPECTED:
        assert any(g[0] == name and g[1] == line and g[2].startswith(msg) for g in got), (name, line, msg, got)
    assert len(problems) == len(EXPECTED), got
    assert all(p.hint for p in problems)
    dup = next(p for p in problems if "trùng" in p.message).message
    assert dup.endswith("/trung-1.md:2 (cùng cơ quan, cùng năm 2024)"), dup
    assert next(p for p in problems if "không tồn tại 'thieu-tepp'" in p.message).hint == "có phải ý bạn là 'thieu-tep'?"
    assert next(p for p in problems if "Quyết đinh" in p.message).hint == "có phải ý bạn là 'Quyết định'?"
    assert next(p for p in problems if "nguoi_ki" in p.message).hint == "có phải ý bạn là 'nguoi_ky'?"


def test_build_fails_listing_document_and_article_problems_together(site):
    broken_register(site)
    site.article("chuyen-muc-sai", title="Chuyên mục sai", category="Thể thao")
    proc = site.build(check=False)
    assert proc.returncode != 0
    lines = [m for m in map(PROBLEM_RE.match, proc.stderr.splitlines()) if m]
    assert len(lines) == len(EXPECTED) + 1, proc.stderr
    for name, line, msg in EXPECTED:
        assert any(m["path"].endswith("/" + name) and int(m["line"]) == line and m["msg"].startswith(msg)
                   for m in lines), (name, line, msg, proc.stderr)
    assert any(m["path"].endswith("chuyen-muc-sai.md") for m in lines)
    assert f"{len(EXPECTED) + 1} lỗi nội dung" in proc.stderr
    assert not site.output.exists()


def test_yaml_error_and_self_reference_and_bad_attachment_path(tmp_path):
    site = Site(tmp_path)
    write_file(site, "ok.pdf", 100)
    write_doc(site, "yaml", raw='---\nso_ky_hieu: "1/TB\ntitle: x\n---\n')
    write_doc(site, "index", **doc_meta("9/TB-UBND", "Tên tệp trùng trang danh sách", "Thông báo", UBND,
                                        "2024-01-02", files=["ok.pdf"]))
    write_doc(site, "tu-than", **doc_meta("1/QĐ-UBND", "Tự thay thế", "Quyết định", UBND, "2024-01-02",
                                          files=["../../pelicanconf.py"], thay_the=["tu-than"]))
    problems = validate.check({"PATH": str(site.content)})
    msgs = [p.message for p in problems]
    assert any(m.startswith("lỗi cú pháp YAML") for m in msgs), msgs
    assert "văn bản không thể thay thế chính nó ('tu-than')" in msgs
    assert "tệp đính kèm nằm ngoài thư mục văn bản: ../../pelicanconf.py" in msgs
    assert "đường dẫn 'index' trùng với trang danh sách văn bản" in msgs


def test_no_documents_folder_is_fine(tmp_path):
    assert validate.check({"PATH": str(tmp_path)}) == []


# --- model --------------------------------------------------------------------------

def make(slug, issued, effective=None, ends=None, thay_the=(), lien_quan=()):
    return model.Entry(slug, source_path=f"{slug}.md", number=slug, title=slug, doc_type="Quyết định",
                       issuer=UBND, signer="A", fields=["X"], issued=issued, effective=effective or issued,
                       expires=ends, attachments=[], replaces_slugs=list(thay_the), related_slugs=list(lien_quan))


def test_status_by_date_and_by_replacement():
    d = datetime.date
    old = make("old", d(2024, 1, 1))
    new = make("new", d(2025, 1, 1), d(2025, 2, 1), thay_the=["old"])
    ends = make("ends", d(2024, 1, 1), ends=d(2024, 12, 31))
    model.Library([old, new, ends], d(2025, 1, 15))
    assert (old.legal_status, new.legal_status, ends.legal_status) == (model.STATUS_ACTIVE, model.STATUS_PENDING,
                                                           model.STATUS_EXPIRED)
    model.Library([old, new, ends], d(2025, 2, 1))
    assert (old.legal_status, new.legal_status) == (model.STATUS_EXPIRED, model.STATUS_ACTIVE)
    assert model.status_on(ends, d(2024, 12, 30)) == model.STATUS_ACTIVE
    assert model.status_on(ends, d(2024, 12, 31)) == model.STATUS_EXPIRED


def test_library_links_paths_and_facets():
    d = datetime.date
    a = make("a", d(2024, 1, 1))
    b = make("b", d(2025, 1, 1), lien_quan=["a", "a", "missing"])
    a.attachments = [fields.Attachment("a.pdf", "A", 10, "documents/files/a.pdf")]
    lib = model.Library([a, b], d(2025, 6, 1))
    assert lib.documents == [b, a]
    assert a.related == [b] and b.related == [a]
    assert lib.counter_paths() == ["/van-ban/b.html", "/van-ban/a.html", "/documents/files/a.pdf"]
    assert lib.facets()["years"] == [2025, 2024]
    assert [len(p) for p in lib.pages(1)] == [1, 1]


@pytest.mark.parametrize("value,expected", [
    ("2024-05-17", datetime.date(2024, 5, 17)), ("17/05/2024", datetime.date(2024, 5, 17)),
    (datetime.date(2024, 5, 17), datetime.date(2024, 5, 17)),
])
def test_parse_date(value, expected):
    assert fields.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-13-01", "31/02/2024", "hôm qua", "2024/05/17"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        fields.parse_date(value)


def test_sizes_and_numbers():
    assert fields.human_size(900) == "900 byte"
    assert fields.human_size(2048) == "2 KB"
    assert fields.human_size(3000) == "2,9 KB"
    assert fields.human_size(1536 * 1024) == "1,5 MB"
    assert model.number_key("Số: 152/KH-UBND") == model.number_key("152/kh-ubnd") == "152/KH-UBND"


def test_an_unreadable_field_is_reported_once(tmp_path):
    # The YAML error of one field is the problem; "missing" or "wrong type" for that same
    # field would be a second, wrong line for the editor to chase.
    site = Site(tmp_path)
    write_file(site, "ok.pdf", 100)
    meta = doc_meta("5/QĐ-UBND", "Quyết định về chợ phiên", "Quyết định", UBND, "2024-03-01", files=["ok.pdf"])
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
    text = text.replace("so_ky_hieu: 5/QĐ-UBND", 'so_ky_hieu: "5/QĐ-UBND')
    text = re.sub(r"ngay_ban_hanh: .*", "ngay_ban_hanh: [2024-03-01", text)
    write_doc(site, "cho-phien", raw=text)
    problems = validate.check({"PATH": str(site.content)})
    assert problems, "the broken fields must be reported"
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.message)
    assert all(len(m) == 1 for m in by_line.values()), by_line
    assert not any(m.startswith(("thiếu", "để trống")) for ms in by_line.values() for m in ms), by_line
