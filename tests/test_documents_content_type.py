"""Văn bản as a Pelican content type: read through Pelican's readers (reader and generator
caches, parallel Markdown, {static} links, responsive photos), settings checked by one
Config, and the pure modules importable without Pelican. Real builds into temp dirs."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
import yaml
from conftest import ROOT, Site
from test_documents import ISOLATE, UBND, doc_meta, write_doc, write_file


def small_register(site: Site, n: int = 3) -> None:
    site.article("tin-a", title="Tin thử nghiệm", body="Nông dân thu hoạch chè xuân trên đồi.")
    for i in range(1, n + 1):
        write_file(site, f"tb-{i}.pdf", 1000 + i)
        write_doc(site, f"tb-{i}-2025", body=f"Nội dung **thông báo {i}**.\n",
                  **doc_meta(f"{i}/TB-UBND", f"Thông báo số {i} về lịch tiếp dân", "Thông báo", UBND,
                             f"2025-01-0{i}", files=[f"tb-{i}.pdf"]))


def test_pure_modules_import_without_pelican():
    code = textwrap.dedent("""
        import sys
        sys.modules["pelican"] = None  # any `import pelican...` now raises ImportError
        import plugins.documents
        from plugins.documents import config, fields, model, sources, validate
        assert "pelican" not in {m.split(".")[0] for m in sys.modules if sys.modules[m] is not None}
        try:
            import plugins.documents.plugin
        except ImportError:
            print("glue needs pelican")
        print(sorted(f.key for f in fields.FIELDS if f.required))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "glue needs pelican" in proc.stdout  # the block is real
    assert "so_ky_hieu" in proc.stdout


def test_one_table_maps_front_matter_keys_to_attributes():
    from plugins.documents import fields

    table = {f.key: f.attr for f in fields.FIELDS}
    assert table["so_ky_hieu"] == "number" and table["co_quan_ban_hanh"] == "issuer"
    assert table["ngay_het_hieu_luc"] == "expires" and table["files"] == "attachments"
    assert len(set(table.values())) == len(table)  # one attribute per key
    assert all(re.fullmatch(r"[a-z_]+", a) and a.isascii() for a in table.values())


def test_mistyped_setting_fails_the_build_naming_it(tmp_path):
    site = Site(tmp_path, settings="DOCUMENTS_PER_PGE = 3\n" + ISOLATE)
    small_register(site, 1)
    proc = site.build(check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "thiết lập DOCUMENTS_PER_PGE không có trong plugins.documents; có phải ý bạn là DOCUMENTS_PER_PAGE?" \
        in " ".join(out.split()), out[-3000:]
    assert not site.output.exists()


def test_body_static_links_and_photos_as_in_articles(tmp_path):
    site = Site(tmp_path, settings=ISOLATE)
    small_register(site, 1)
    site.image("so-do.jpg", size=(1000, 600))
    write_file(site, "phu-luc.pdf", 500)
    write_doc(site, "qd-2-2025", body="Sơ đồ vị trí:\n\n![Sơ đồ khu đất]({static}/images/so-do.jpg)\n\n"
                                      "Xem [phụ lục]({static}/documents/files/phu-luc.pdf).\n",
              **doc_meta("2/QĐ-UBND", "Quyết định giao đất", "Quyết định", UBND, "2025-02-01",
                         files=["phu-luc.pdf"]))
    site.build()
    body = site.html("van-ban/qd-2-2025.html").select_one(".document__body")
    assert body.select_one('a[href$="/documents/files/phu-luc.pdf"]'), body
    assert "{static}" not in str(body)
    pic = body.select_one("picture")
    assert pic is not None and "400w" in pic.source["srcset"], body
    assert pic.img["alt"] == "Sơ đồ khu đất"


def test_file_name_is_the_slug_unless_given(tmp_path):
    site = Site(tmp_path, settings=ISOLATE)
    small_register(site, 1)
    meta = doc_meta("3/TB-UBND", "Thông báo có slug riêng", "Thông báo", UBND, "2025-03-01",
                    files=["tb-1.pdf"], slug="tb-slug-rieng")
    write_doc(site, "ten-tep-rieng", raw="---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n")
    site.build()
    assert (site.output / "van-ban/tb-1-2025.html").is_file()  # title slug would be thong-bao-so-1-...
    assert (site.output / "van-ban/tb-slug-rieng.html").is_file()
    assert not (site.output / "van-ban/ten-tep-rieng.html").exists()


@pytest.mark.parametrize("layer,name", [("reader", "DocumentsGenerator-Readers"), ("generator", "DocumentsGenerator")])
def test_content_cache_serves_unchanged_documents_and_sees_changes(tmp_path, layer, name):
    site = Site(tmp_path, settings=f"CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n"
                                   f"CONTENT_CACHING_LAYER = {layer!r}\n" + ISOLATE)
    small_register(site, 2)
    site.build()
    cache = site.base / "cache" / name
    assert cache.is_file()
    first = cache.stat().st_mtime_ns
    write_file(site, "tb-1.pdf", 5000)  # the .md (the cache key) is unchanged
    write_doc(site, "tb-2-2025", body="Nội dung đã sửa.\n",
              **doc_meta("2/TB-UBND", "Thông báo số 2 (sửa)", "Thông báo", UBND, "2025-01-02", files=["tb-2.pdf"]))
    site.build()
    assert cache.stat().st_mtime_ns != first
    one = site.html("van-ban/tb-1-2025.html")
    assert "(PDF, 4,9 KB)" in one.select_one(".doc-file__meta").get_text()
    assert one.select_one(".document__body strong").get_text() == "thông báo 1"
    two = site.html("van-ban/tb-2-2025.html")
    assert two.h1.get_text() == "Thông báo số 2 (sửa)"
    assert two.select_one(".document__body").get_text(strip=True) == "Nội dung đã sửa."


RUN_PELICAN = """
import logging, sys
sys.path.insert(0, sys.argv[1])
from pelican import Pelican
from pelican.settings import read_settings
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s")
Pelican(read_settings(sys.argv[2], override={"OUTPUT_PATH": sys.argv[3]})).run()
"""


def test_parallel_markdown_renders_documents_ahead(tmp_path):
    # Three documents and one article: only the documents reach PARALLEL_MARKDOWN_MIN_FILES.
    site = Site(tmp_path, settings="PARALLEL_MARKDOWN_WORKERS = 2\nPARALLEL_MARKDOWN_MIN_FILES = 3\n" + ISOLATE)
    small_register(site, 3)
    proc = subprocess.run([sys.executable, "-c", RUN_PELICAN, str(ROOT), str(site.settings_file()),
                           str(site.output)], cwd=site.base, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ahead = [tuple(map(int, m)) for m in re.findall(r"parallel_markdown: (\d+) rendered ahead, (\d+) in-process",
                                                   proc.stderr)]
    assert len(ahead) == 1 and ahead[0][0] >= 3, (ahead, proc.stderr[-3000:])
    for i in (1, 2, 3):
        assert site.html(f"van-ban/tb-{i}-2025.html").select_one(".document__body strong").get_text() \
            == f"thông báo {i}"
