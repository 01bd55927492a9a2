"""Search in a real Pelican build: files under /tim-kiem/, the page, the header box."""

from __future__ import annotations

import brotli
import gzip
import json

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
    assert art.find("script", src="/theme/js/search.js").has_attr("defer")
    assert box.find(attrs={"role": "status"})["aria-live"] == "polite"
