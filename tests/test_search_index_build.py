"""Search in a real Pelican build: files under /tim-kiem/, the page, the header box."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest
from conftest import ROOT, Site


@pytest.fixture
def site(tmp_path):
    # Only what search needs: related news has its own tests (and tiny sites are not its case).
    return Site(tmp_path, settings='PLUGINS = [p for p in PLUGINS if "related_news" not in p]\n')


def test_build_writes_shards_manifest_lunr_and_page(site):
    site.article("dan-van", title="Đổi mới công tác dân vận", date="2024-05-17 08:00",
                 category="Chính trị", tags=["dân vận"], summary="Cán bộ gần dân, sát dân.")
    site.article("xss", title="<script>alert(1)</script> Tin cũ", date="2023-02-01 08:00",
                 category="Kinh tế", summary="Tóm tắt <b>đậm</b>.")
    site.build()
    out = site.output / "tim-kiem"
    manifest = json.loads((out / "chi-muc.json").read_text(encoding="utf-8"))
    assert [y["year"] for y in manifest["years"]] == [2024, 2023]
    assert (out / manifest["lunr"]).read_bytes() == (ROOT / "node_modules/lunr/lunr.min.js").read_bytes()
    for name in [manifest["lunr"], "chi-muc.json"] + [y[p] for y in manifest["years"] for p in ("core", "lead")]:
        data = (out / name).read_bytes()
        assert gzip.decompress((out / f"{name}.gz").read_bytes()) == data
        assert brotli.decompress((out / f"{name}.br").read_bytes()) == data
    core = json.loads((out / manifest["years"][1]["core"]).read_text(encoding="utf-8"))
    assert core["docs"][0][0] == "<script>alert(1)</script> Tin cũ"  # text; the browser sets textContent
    lead = json.loads((out / manifest["years"][1]["lead"]).read_text(encoding="utf-8"))
    assert lead["leads"] == ["Tóm tắt đậm."]  # plain text, no markup
    new = json.loads((out / manifest["years"][0]["core"]).read_text(encoding="utf-8"))
    assert new["docs"][0][1] == 0  # URL equals the default derived from the title slug
    assert (site.output / "2024/05/doi-moi-cong-tac-dan-van.html").exists()

    page = site.html("tim-kiem/index.html")
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    form = page.find("form", id="trang-tim-kiem")
    assert form.find("input", attrs={"name": "q"})
    cats = [o.get_text() for o in page.select("#loc-chuyen-muc option")]
    assert "Chính trị" in cats and cats[0] == "Tất cả chuyên mục"
    assert [o.get("value") for o in page.select("#loc-nam option")] == ["", "2024", "2023"]
    assert page.find(id="ket-qua-trang-thai")["aria-live"] == "polite"

    art = site.html("2024/05/doi-moi-cong-tac-dan-van.html")
    box = art.find("form", attrs={"data-search-manifest": True})
    assert box["data-search-manifest"] == "/tim-kiem/chi-muc.json"
    assert box["action"] == "/tim-kiem/"
    assert art.find("script", src=re.compile(r"^/theme/js/search\.[0-9a-f]{12}\.js$")).has_attr("defer")
    assert box.find(attrs={"role": "status"})["aria-live"] == "polite"


def _search_tree(out):
    root = out / "tim-kiem"
    return {p.name: p.read_bytes() for p in root.iterdir() if p.is_file() and p.name != "index.html"}


def test_rebuild_after_one_edit_redoes_one_part_and_equals_a_cold_build(site, tmp_path):
    """Cold build; edit one 2023 title and rebuild (cache kept); cold build of the edited content."""
    def write(s, title_2023):
        s.article("moi", title="Đổi mới công tác dân vận", date="2024-05-17 08:00", category="Chính trị",
                  summary="Cán bộ gần dân.")
        s.article("cu", title=title_2023, date="2023-02-01 08:00", category="Kinh tế", summary="Tin năm cũ.")

    def entries():  # cache entry -> when it was written
        return {p.name: p.stat().st_mtime_ns for p in (site.base / "cache" / "search_index").glob("*.meta")}

    write(site, "Khởi công đường liên xã")
    site.build()
    before, cached = _search_tree(site.output), entries()
    assert len(cached) == 5  # 2 years x (core, lead) + lunr.js
    write(site, "Khởi công đường liên xã Sìn Hồ")
    site.build()
    after, recached = _search_tree(site.output), entries()
    assert len(recached.items() & cached.items()) == 4  # only 2023's core was built again
    assert len(recached) == 5  # the superseded entry was dropped
    cold = Site(tmp_path / "cold", settings='PLUGINS = [p for p in PLUGINS if "related_news" not in p]\n')
    write(cold, "Khởi công đường liên xã Sìn Hồ")
    cold.build()
    assert after == _search_tree(cold.output)
    assert after != before
    manifest = json.loads(after["chi-muc.json"])
    assert {manifest["years"][0]["core"], manifest["years"][0]["lead"]} <= before.keys()  # 2024 unchanged
