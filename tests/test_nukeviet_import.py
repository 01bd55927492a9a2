"""invoke import-nukeviet against a real MariaDB server (Debian mariadb-server, started here
on a free loopback port with its own data directory) loaded with a NukeViet 4.5-shaped
fixture database (tests/nukeviet_fixture.py), and against its mariadb-dump."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mariadb_server  # noqa: E402
import nukeviet_fixture as fx  # noqa: E402
from conftest import ROOT, Site, open_page, serve_directory, soup  # noqa: E402

from importers.nukeviet.cli import main as import_main  # noqa: E402
from importers.nukeviet.source import DumpSource, SourceError  # noqa: E402

pytestmark = [pytest.mark.xdist_group("nukeviet"),
              pytest.mark.skipif(not mariadb_server.available(), reason="mariadb-server not installed")]

ARTICLE = "articles/nukeviet/2026/khai-mac-ngay-hoi-van-hoa-cac-dan-toc.md"
OLD_URL = "/index.php/tin-tuc-su-kien/khai-mac-ngay-hoi-van-hoa-cac-dan-toc-1.html"
NEW_URL = "/2026/11/khai-mac-ngay-hoi-van-hoa-cac-dan-toc.html"


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory):
    server = mariadb_server.MariaDB(tmp_path_factory.mktemp("mariadb")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def nukeviet(mariadb, tmp_path_factory):
    """The fixture database loaded in MariaDB, its dump, and NukeViet's uploads/ folder."""
    base = tmp_path_factory.mktemp("nukeviet")
    mariadb.load("nukeviet", fx.schema_sql() + fx.rows_sql())
    return {"url": mariadb.url("nukeviet"), "dump": mariadb.dump("nukeviet", base / "dump.sql"),
            "uploads": fx.make_uploads(base / "uploads"), "base": base}


def run_import(*args) -> int:
    return import_main([str(a) for a in args])


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def meta(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture(scope="module")
def imported(nukeviet):
    """One import from the database and one from its dump, each into its own content folder."""
    a, b = nukeviet["base"] / "from-db" / "content", nukeviet["base"] / "from-dump" / "content"
    assert run_import("--db", nukeviet["url"], "--uploads", nukeviet["uploads"], "--out", a) == 0
    assert run_import("--sql", nukeviet["dump"], "--uploads", nukeviet["uploads"], "--out", b) == 0
    return a, b


def test_database_and_dump_give_identical_files(imported):
    a, b = imported
    ta, tb = tree(a), tree(b)
    assert ta.keys() == tb.keys()
    assert [k for k in ta if ta[k] != tb[k]] == []
    assert len([k for k in ta if k.startswith("articles/")]) == 7  # not 7 + the 8 per-category copies


def test_mapping_rules(imported):
    c = imported[0]
    m = meta(c / ARTICLE)
    # entities unescaped exactly once
    assert m["title"] == 'Khai mạc "Ngày hội văn hóa" các dân tộc / lần V'
    assert m["summary"] == "Ngày hội quy tụ hơn 500 nghệ nhân & diễn viên quần chúng!"
    assert m["date"] == "2026-11-20 08:30" or str(m["date"]).startswith("2026-11-20 08:30")
    assert m["category"] == "Tin tức - Sự kiện"
    assert m["tags"] == ["lễ hội", "văn hóa"]  # tid 1 has an empty title: keywords are the text
    assert m["source"] == "Báo Điện Biên Phủ"
    assert m["image"] == "{static}/images/nukeviet/news/2026-11/mua-xoe-khai-mac.jpg"  # a space in its name
    assert (c / "images/nukeviet/news/2026-11/mua-xoe-khai-mac.jpg").is_file()
    body = (c / ARTICLE).read_text(encoding="utf-8").split("---\n", 2)[2]
    assert ('![Múa xòe]({static}/images/nukeviet/news/2026-11/mua-xoe-khai-mac.jpg '
            '"Màn múa xòe chào mừng ngày hội.")') in body
    assert "| Pà Cò | 12 |" in body  # simple table → Markdown
    assert '<table><tbody><tr><td colspan="2">Tổng hợp giải thưởng</td>' in body  # merged cells → HTML
    assert "[kế hoạch tổ chức]({static}/images/nukeviet/news/2026-11/ke-hoach-to-chuc.pdf)" in body
    for bad in ("<script", "style=", "onclick", "quang cao", "color:red"):
        assert bad not in body
    # status: scheduled keeps its future date, expired gets expires, drafts and suspended → draft
    sched = meta(c / "articles/nukeviet/2030/lich-tiep-cong-dan-6-2030.md")
    assert str(sched["date"]).startswith("2030-06-01 07:00") and "status" not in sched
    exp = meta(c / "articles/nukeviet/2025/thong-bao-tuyen-dung-2025.md")
    assert str(exp["expires"]).startswith("2025-06-01 00:00")
    assert meta(c / "articles/nukeviet/2026/ban-nhap-bao-cao.md")["status"] == "draft"
    assert meta(c / "articles/nukeviet/2026/bai-bi-dinh-chi.md")["status"] == "draft"
    # duplicate alias: the second gets its id
    assert meta(c / "articles/nukeviet/2026/hoi-nghi-tong-ket-3.md")["slug"] == "hoi-nghi-tong-ket-3"
    # remote image kept as a link (not downloaded) and reported
    remote = meta(c / "articles/nukeviet/2026/hoi-nghi-tong-ket.md")
    assert remote["image"] == "http://203.0.113.7/anh/lua-mua.jpg"
    assert remote["category"] == "Nông nghiệp & Nông thôn"
    report = (c / "imported/nukeviet/import-report.md").read_text(encoding="utf-8")
    assert "remote image kept as a link (not downloaded): http://203.0.113.7/anh/lua-mua.jpg" in report
    assert "| `nv4_vi_news_2` | 4 | no: per-category copy of `_rows` |" in report
    assert "duplicate alias 'hoi-nghi-tong-ket'" in report
    assert "laws 4 | skipped: no attachment file found" in report
    assert f"| `{OLD_URL}` | `{NEW_URL}` |" in report
    # văn bản: local-midnight dates, codes unescaped, files with spaces, replacement both ways
    d1 = meta(c / "documents/quy-che-lam-viec-2024.md")
    assert d1["so_ky_hieu"] == "15/QĐ-UBND"
    assert str(d1["ngay_ban_hanh"]) == "2024-03-10" and str(d1["ngay_hieu_luc"]) == "2024-03-20"
    assert d1["files"] == ["nukeviet/2024-03/qd-15-quy-che.pdf"]
    assert (c / "documents/files/nukeviet/2024-03/qd-15-quy-che.pdf").is_file()
    d2 = meta(c / "documents/quy-che-lam-viec-sua-doi-2025.md")
    assert d2["thay_the"] == ["quy-che-lam-viec-2024"] and d2["lien_quan"] == ["ke-hoach-chuyen-doi-so-2025"]
    assert d2["linh_vuc"] == ["Đất đai", "Tổ chức bộ máy"] and d2["nguoi_ky"] == "Lường Văn Hải"
    assert str(meta(c / "documents/ke-hoach-chuyen-doi-so-2025.md")["ngay_het_hieu_luc"]) == "2025-12-31"
    # comments: only news, the pending one marked pending
    comments = [json.loads(x) for x in (c / "imported/nukeviet/comments.jsonl").read_text().splitlines()]
    assert [(x["id"], x["status"], x["parent"]) for x in comments] == [
        (1, "published", None), (2, "published", 1), (3, "pending", None)]
    assert comments[0]["text"] == "Ngày hội rất ý nghĩa & bổ ích!" and comments[0]["thread"] == NEW_URL
    counters = json.loads((c / "imported/nukeviet/counters.json").read_text())
    assert counters["total"] == 18912473 and counters["months"] == {"2026-10": 1032001, "2026-11": 1119475}
    assert counters["views"][NEW_URL] == 1234
    assert counters["ratings"][NEW_URL] == {"total_rating": 45, "click_rating": 10}
    nginx = (c / "imported/nukeviet/redirects.map").read_text()
    assert f'"{OLD_URL}" "{NEW_URL}";' in nginx
    assert ('"/uploads/laws/2024_03/qd%2015%20quy%20che.pdf" "/documents/files/nukeviet/2024-03/qd-15-quy-che.pdf";'
            in nginx)
    assert '"/index.php?language=vi&nv=news&op=tin-tuc-su-kien/khai-mac-ngay-hoi-van-hoa-cac-dan-toc-1"' in nginx


def test_rerun_is_safe(mariadb, nukeviet, tmp_path):
    mariadb.load("rerun", fx.schema_sql() + fx.rows_sql())
    out = tmp_path / "content"
    args = ["--db", mariadb.url("rerun"), "--uploads", nukeviet["uploads"], "--out", out]
    assert run_import(*args) == 0
    first = tree(out)
    assert run_import(*args) == 0  # nothing changed in NukeViet
    second = tree(out)
    assert {k for k in first if first[k] != second[k]} == {"imported/nukeviet/import-report.md",
                                                           "imported/nukeviet/state.json"}
    assert "| unchanged | " in second["imported/nukeviet/import-report.md"].decode()
    # An editor fixes one imported article by hand; NukeViet changes it and another one.
    edited = out / ARTICLE
    edited.write_text(edited.read_text(encoding="utf-8").replace("lần thứ V", "lần thứ năm"), encoding="utf-8")
    mariadb.execute("rerun", "UPDATE nv4_vi_news_rows SET title='Khai mạc ngày hội (sửa)' WHERE id=1; "
                             "UPDATE nv4_vi_news_detail SET bodyhtml='<p>Toàn huyện gieo cấy 1.300 ha.</p>' WHERE id=2")
    before = tree(out)
    assert run_import(*args, "--dry-run") == 0
    after = tree(out)
    assert set(after) - set(before) == {"imported/nukeviet/import-report.dry-run.md"}
    assert {k for k in before if before[k] != after[k]} == set()
    assert run_import(*args) == 0
    assert "lần thứ năm" in edited.read_text(encoding="utf-8")  # the hand edit is kept …
    report = (out / "imported/nukeviet/import-report.md").read_text(encoding="utf-8")
    assert f"- `{ARTICLE}`" in report  # … and reported
    assert "1.300 ha" in (out / "articles/nukeviet/2026/hoi-nghi-tong-ket.md").read_text(encoding="utf-8")
    assert len(list((out / "articles").rglob("*.md"))) == 7  # no duplicates
    assert run_import(*args, "--force") == 0
    assert "Khai mạc ngày hội (sửa)" in edited.read_text(encoding="utf-8")


def test_dump_parser_streams_statements(tmp_path):
    """mysqldump/phpMyAdmin forms: multi-line INSERTs with column lists, escapes, '),(' inside strings."""
    dump = tmp_path / "d.sql"
    dump.write_text(textwrap.dedent("""\
        CREATE TABLE `nv4_vi_comment` (
          `cid` mediumint(8) unsigned NOT NULL AUTO_INCREMENT,
          `content` text NOT NULL,
          `post_name` varchar(100) NOT NULL,
          PRIMARY KEY (`cid`)
        ) ENGINE=MyISAM;
        INSERT INTO `nv4_vi_comment` VALUES (1,'a\\'b),(c;\\nd','X'),(2,'',NULL);
        INSERT INTO `nv4_vi_comment` (`cid`, `content`, `post_name`) VALUES
        ('3', 'dòng một
        dòng hai', 'Y'),
        (4, 'e\\\\f', 'Z');
        INSERT INTO `nv4_vi_other` VALUES (1,'skip');
        """), encoding="utf-8")
    src = DumpSource(str(dump), "nv4", lambda name: name == "nv4_vi_comment")
    rows = list(src.query("SELECT * FROM `nv4_vi_comment` ORDER BY `cid`"))
    assert rows == [{"cid": 1, "content": "a'b),(c;\nd", "post_name": "X"},
                    {"cid": 2, "content": "", "post_name": None},
                    {"cid": 3, "content": "dòng một\ndòng hai", "post_name": "Y"},
                    {"cid": 4, "content": "e\\f", "post_name": "Z"}]
    assert src.table_counts("nv4") == {"nv4_vi_comment": 4, "nv4_vi_other": 1}
    src.close()
    cut = tmp_path / "cut.sql"
    text = dump.read_text(encoding="utf-8")
    cut.write_text(text[:text.index("(4, ")], encoding="utf-8")  # a dump cut inside an INSERT
    with pytest.raises(SourceError, match="truncated"):
        DumpSource(str(cut), "nv4", lambda name: True)


@pytest.fixture(scope="module")
def built(imported, tmp_path_factory):
    """The imported content built as a portal: validation, Pelican, atomic swap."""
    base = tmp_path_factory.mktemp("imported-site")
    shutil.copytree(imported[1], base / "content")
    site = Site.__new__(Site)
    site.base, site.content, site.output = base, base / "content", base / "output"
    site.extra_settings = (f"exec(open({str(base / 'content/imported/nukeviet/settings.py')!r}, "
                           "encoding='utf-8').read())\n")
    return site


def test_imported_site_validates_and_builds(built):
    from pelican.settings import read_settings

    from plugins.content_contract.check import check_site

    settings = read_settings(str(built.settings_file()))
    assert [str(p) for p in check_site(settings)] == []
    built.build()
    out = built.output
    page = soup(out / NEW_URL.lstrip("/"))
    captions = [f.get_text() for f in page.select("figure.news-figure figcaption")]
    assert "Màn múa xòe chào mừng ngày hội." in captions
    assert len(page.find_all("table")) == 2
    redirect = soup(out / OLD_URL.lstrip("/"))
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={NEW_URL}"
    assert (out / "laws/detail/quy-che-lam-viec-2024/index.html").is_file()
    assert not (out / "imported").exists()
    assert (out / "documents/files/nukeviet/2024-03/qd-15-quy-che.pdf").is_file()
    every = b"".join(p.read_bytes() for p in out.rglob("*.html"))
    assert "CHỜ DUYỆT".encode() not in every  # a pending comment is never published
    assert "Bài bị đình chỉ".encode() not in b"".join(p.read_bytes() for p in out.glob("20*/**/*.html"))


@pytest.mark.browser
def test_imported_pages_in_chromium(built, browser):
    if not (built.output / "index.html").exists():
        built.build()
    url, stop = serve_directory(built.output)
    pg, context = open_page(browser)
    try:
        pg.goto(url + OLD_URL)
        pg.wait_for_url(url + NEW_URL)  # the redirect lands
        captions = pg.eval_on_selector_all("figure figcaption", "els => els.map(e => e.innerText)")
        assert "Màn múa xòe chào mừng ngày hội." in captions
        # lazy images load when scrolled to; make them eager, then every one must decode
        pg.eval_on_selector_all("figure img", "els => els.forEach(e => { e.loading = 'eager'; })")
        pg.wait_for_function("() => { const i = [...document.querySelectorAll('figure img')];"
                             " return i.length >= 2 && i.every(e => e.complete && e.naturalWidth > 0); }")
        cells = pg.eval_on_selector_all("table td", "els => els.map(e => e.innerText.trim())")
        assert "Pà Cò" in cells and "Tổng hợp giải thưởng" in cells
        pg.goto(url + "/laws/detail/quy-che-lam-viec-sua-doi-2025/")
        pg.wait_for_url(url + "/van-ban/quy-che-lam-viec-sua-doi-2025.html")
        link = pg.locator('a[href$="phu-luc-kem-theo.pdf"]').first
        resp = pg.request.get(url + link.get_attribute("href"))
        assert resp.status == 200 and resp.body().startswith(b"%PDF")
    finally:
        context.close()
        stop()


def test_counter_import_takes_the_nukeviet_counters(imported, tmp_path):
    from counter_service.storage_sqlite import SQLiteStorage

    db = tmp_path / "counter.sqlite3"
    counters = imported[0] / "imported/nukeviet/counters.json"
    subprocess.run([str(ROOT / ".venv/bin/invoke") if (ROOT / ".venv/bin/invoke").exists() else "invoke",
                    "counter-import", "--site", "portal.example", "--db", str(db), "--nukeviet", str(counters)],
                   cwd=ROOT, check=True, capture_output=True)

    async def counts():
        st = SQLiteStorage(str(db))
        await st.start()
        try:
            return await st.counts("portal.example", [NEW_URL, "/van-ban/quy-che-lam-viec-2024.html",
                                                      "/documents/files/nukeviet/2024-03/qd-15-quy-che.pdf"],
                                   fx.epoch(2026, 11, 30, 12))
        finally:
            await st.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # no event loop of other tests in this thread
        c = pool.submit(asyncio.run, counts()).result()
    assert c["total"] == 18912473 and c["this_month"] == 1119475 and c["last_month"] == 1032001
    assert c["views"] == {NEW_URL: 1234, "/van-ban/quy-che-lam-viec-2024.html": 310,
                          "/documents/files/nukeviet/2024-03/qd-15-quy-che.pdf": 42}


def test_bad_source_is_reported_without_traceback(tmp_path, capsys):
    assert run_import("--sql", tmp_path / "missing.sql", "--uploads", tmp_path, "--out", tmp_path / "c") == 2
    assert "dump file not found" in capsys.readouterr().err
    assert re.search(r"cannot connect", _connect_error(tmp_path, capsys))


def _connect_error(tmp_path, capsys) -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run_import("--db", f"mysql://root@127.0.0.1:{port}/x", "--uploads", tmp_path, "--out", tmp_path / "c") == 2
    return capsys.readouterr().err


def test_remote_images_downloaded_only_when_asked(tmp_path):
    from importers.nukeviet.importer import Files, Options, Report
    from importers.nukeviet.write import Writer

    web = tmp_path / "web"
    web.mkdir()
    (web / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    url, stop = serve_directory(web)
    try:
        out = tmp_path / "content"
        for download in (False, True):
            report, writer = Report(), Writer(str(out))
            files = Files(Options(uploads=str(tmp_path), out=str(out), download_remote=download), writer, report)
            got = files.remote(url + "/anh.jpg", "news 9")
            dead = files.remote(url + "/mat.jpg", "news 9")
            if not download:
                assert (got, dead) == (url + "/anh.jpg", url + "/mat.jpg")
                assert not (out / "images").exists()
        assert got.startswith("{static}/images/nukeviet/remote/") and dead is None
        assert (out / got[len("{static}/"):]).read_bytes() == b"\xff\xd8\xff\xe0 a photo"
        assert any("dead remote image dropped" in what for _, what, _ in report.changes)
    finally:
        stop()
