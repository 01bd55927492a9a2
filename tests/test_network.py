"""The network's pure parts: the settings loader, the scaffold, the deploy matrix and the
counter table, on real files in temp folders (no build here: tests/test_network_build.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plugins.network import counter_table, latest, matrix, scaffold, sites

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def net_root(tmp_path):
    """A project with the real pelicanconf.py, a province and two communes (one showing the
    province's related news), made by the scaffold."""
    shutil.copy(ROOT / "pelicanconf.py", tmp_path / "pelicanconf.py")
    known = ["nam-pang"]
    scaffold.new_site(str(tmp_path), "hoang-son", "Tỉnh Hoàng Sơn", "", known)
    scaffold.new_site(str(tmp_path), "xa-a", "Xã An Lạc", "hoang-son", known + ["hoang-son"])
    scaffold.new_site(str(tmp_path), "phuong-b", "Phường Bình Minh", "hoang-son", known + ["hoang-son", "xa-a"])
    f = tmp_path / "sites" / "phuong-b" / "site.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "related_include_parent: true\n", encoding="utf-8")
    return tmp_path


def test_default_facts_are_read_from_pelicanconf_without_running_it():
    slug, name, url = sites.default_facts(str(ROOT))
    assert (slug, name, url) == ("nam-pang", "Huyện Nậm Păng", "https://nampang.example.gov.vn")


def test_load_roles_and_overrides(net_root):
    net = sites.load_default(str(net_root))
    assert net.problems == {}
    assert list(net.sites) == ["nam-pang", "hoang-son", "phuong-b", "xa-a"]
    assert net.role("hoang-son") == "province" and net.role("xa-a") == "commune"
    assert net.role("nam-pang") == "standalone"
    o = sites.overrides(net, "xa-a")
    assert o["SITENAME"] == "Cổng thông tin điện tử xã An Lạc"
    assert o["SITESUBTITLE"] == "Tỉnh Hoàng Sơn"
    assert o["PORTAL"]["agency"] == "Ủy ban nhân dân xã An Lạc"
    assert o["PORTAL"]["province"] == "tỉnh Hoàng Sơn"
    assert [c["slug"] for c in o["PORTAL_CATEGORIES"]][:2] == ["tin-tuc-su-kien", "kinh-te"]
    assert o["ABSOLUTE_SITEURL"] == "http://xa-a.localhost:8000" and "SITEURL" not in o
    assert o["CACHE_PATH"] == str(net_root / "cache" / "sites" / "xa-a")
    assert o["NETWORK"]["parent"]["slug"] == "hoang-son" and o["NETWORK"]["search"] is False
    p = sites.overrides(net, "hoang-son", mode="publish")
    assert p["SITEURL"] == "https://hoang-son.example.gov.vn"
    assert [c["slug"] for c in p["NETWORK"]["children"]] == ["phuong-b", "xa-a"]
    assert p["NETWORK"]["children"][1]["url"] == "https://xa-a.example.gov.vn"
    assert p["NETWORK"]["search"] is True
    # the default portal keeps every setting of pelicanconf.py: only its place in the network
    d = sites.overrides(net, "nam-pang")
    assert set(d) == {"NETWORK", "ABSOLUTE_SITEURL", "FEED_DOMAIN", "RESPONSIVE_IMAGE_CACHE_DIR"}
    assert o["RESPONSIVE_IMAGE_CACHE_DIR"] == d["RESPONSIVE_IMAGE_CACHE_DIR"] == str(net_root / "cache" / "network" / "images")
    json.dumps(o)  # passed to Pelican as JSON (-e)


def test_a_broken_site_yaml_names_file_and_line_and_leaves_the_others(net_root):
    f = net_root / "sites" / "xa-a" / "site.yaml"
    text = f.read_text(encoding="utf-8").replace("agency:", "agencyy:")
    f.write_text(text + "network_search: có\n", encoding="utf-8")
    net = sites.load_default(str(net_root))
    assert "xa-a" not in net.sites and "phuong-b" in net.sites
    shown = [str(p) for p in net.problems["xa-a"]]
    line = text.splitlines().index(next(ln for ln in text.splitlines() if ln.startswith("agencyy:"))) + 1
    assert f"sites/xa-a/site.yaml:{line}: khóa 'agencyy' không được hỗ trợ — có phải ý bạn là 'agency'?" in shown
    assert any("thiếu 'agency'" in s for s in shown)
    assert any("'network_search' phải là true hoặc false" in s for s in shown)
    assert "xa-a" in net.slugs()  # still listed: its build runs, and reports


def test_unknown_parent_is_a_problem_of_that_site(net_root):
    f = net_root / "sites" / "xa-a" / "site.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("parent: hoang-son", "parent: hoang-sonn"), encoding="utf-8")
    net = sites.load_default(str(net_root))
    assert "không có cổng cấp trên 'hoang-sonn'" in str(net.problems["xa-a"][0])
    assert net.problems["xa-a"][0].line == 4


def test_scaffold_refuses_existing_slug_bad_name_missing_parent(net_root):
    known = sites.load_default(str(net_root)).slugs()
    with pytest.raises(scaffold.ScaffoldError, match="Đã có cổng 'xa-a'"):
        scaffold.new_site(str(net_root), "xa-a", "Xã An Lạc", "hoang-son", known)
    with pytest.raises(scaffold.ScaffoldError, match="Đã có cổng 'nam-pang'"):
        scaffold.new_site(str(net_root), "nam-pang", "Xã Nậm Păng", "hoang-son", known)
    with pytest.raises(scaffold.ScaffoldError, match="cần bắt đầu bằng loại đơn vị"):
        scaffold.new_site(str(net_root), "xa-c", "Huyện Cũ", "hoang-son", known)
    with pytest.raises(scaffold.ScaffoldError, match="Không có cổng cấp trên 'tinh-x'"):
        scaffold.new_site(str(net_root), "xa-c", "Xã Cát", "tinh-x", known)
    with pytest.raises(scaffold.ScaffoldError, match="không hợp lệ"):
        scaffold.new_site(str(net_root), "Xã-C", "Xã Cát", "hoang-son", known)
    assert not (net_root / "sites" / "xa-c").exists()


def test_scaffolded_site_holds_only_its_facts_and_the_standard_pages(net_root):
    folder = net_root / "sites" / "xa-a"
    facts = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    assert set(facts) <= set(sites.KNOWN)
    assert {p.stem for p in (folder / "content" / "pages").glob("*.md")} == {
        "gioi-thieu", "chuc-nang-nhiem-vu", "co-cau-to-chuc", "lien-he", "ban-do-hanh-chinh", "hoi-dap", "english"}
    assert [p.name for p in (folder / "content" / "articles").iterdir()] == ["README.md"]
    english = (folder / "content" / "pages" / "english.md").read_text(encoding="utf-8")
    assert "An Lac Commune" in english and "Hoang Son Province" in english


def rebuilt(net, *files):
    return sorted(matrix.affected(net, list(files)))


def test_matrix_commune_province_theme_settings(net_root):
    net = sites.load_default(str(net_root))
    every = sorted(net.slugs())
    # a commune's article: that commune and its province's "Tin từ cơ sở"
    assert rebuilt(net, "sites/xa-a/content/articles/2026/x.md") == ["hoang-son", "xa-a"]
    # a commune's page or photo: that commune only
    assert rebuilt(net, "sites/xa-a/content/pages/lien-he.md", "sites/xa-a/content/images/a.jpg") == ["xa-a"]
    # a commune's settings (its name is in the province's block)
    assert rebuilt(net, "sites/xa-a/site.yaml") == ["hoang-son", "xa-a"]
    # the province's documents: every commune shows "Văn bản của tỉnh"
    assert rebuilt(net, "sites/hoang-son/content/documents/qd-1.md") == ["hoang-son", "phuong-b", "xa-a"]
    # the province's articles: the communes that include its related news
    assert rebuilt(net, "sites/hoang-son/content/articles/2026/y.md") == ["hoang-son", "phuong-b"]
    assert rebuilt(net, "sites/hoang-son/content/pages/gioi-thieu.md") == ["hoang-son"]
    # the default portal's content
    assert rebuilt(net, "content/articles/2024/z.md") == ["nam-pang"]
    # shared theme, plugins, settings, pins: everything
    for shared in ("theme/templates/base.html", "plugins/related_news/ranking.py", "pelicanconf.py",
                   "publishconf.py", "pyproject.toml", "package-lock.json"):
        assert rebuilt(net, shared) == every, shared
    # what no build reads
    assert rebuilt(net, "docs/network.md", "tests/test_network.py", "counter_service/app.py", "README.md") == []
    # an unknown top-level file might be read by a build: everything
    assert rebuilt(net, "somewhere/new.txt") == every
    # a removed commune: the provinces (their lists change)
    assert rebuilt(net, "sites/xa-gone/content/articles/a.md") == ["hoang-son"]


def test_matrix_command_prints_the_actions_matrix(net_root):
    subprocess.run(["git", "init", "-q"], cwd=net_root, check=True)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "add", "-A"], cwd=net_root, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=net_root, check=True)
    page = net_root / "sites" / "phuong-b" / "content" / "articles" / "2026" / "tin.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Tin\n---\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=net_root, check=True)
    subprocess.run([*git, "commit", "-qm", "b"], cwd=net_root, check=True)
    out = subprocess.run([sys.executable, "-m", "plugins.network.matrix", "--root", str(net_root), "--base", "HEAD~1"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == {"include": [{"site": "hoang-son"}, {"site": "phuong-b"}]}


def test_counter_table_from_the_sites_settings(net_root):
    f = net_root / "sites" / "xa-a" / "site.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("counter_site: xa-a", "counter_site: an-lac"), encoding="utf-8")
    net = sites.load_default(str(net_root))
    local = counter_table.table(net, "local", "/srv/out", 8123)
    row = next(r for r in local["sites"] if r["site"] == "an-lac")
    assert row == {"site": "an-lac", "origins": ["http://xa-a.localhost:8123"],
                   "manifest": "/srv/out/xa-a/counter/manifest.json"}
    public = counter_table.table(net, "publish")
    assert {"site": "hoang-son", "origins": ["https://hoang-son.example.gov.vn"],
            "manifest": "https://hoang-son.example.gov.vn/counter/manifest.json"} in public["sites"]
    assert len({r["site"] for r in public["sites"]}) == len(public["sites"]) == 4
    g = net_root / "sites" / "phuong-b" / "site.yaml"
    g.write_text(g.read_text(encoding="utf-8").replace("counter_site: phuong-b", "counter_site: an-lac"),
                 encoding="utf-8")
    with pytest.raises(ValueError, match="an-lac"):
        counter_table.table(sites.load_default(str(net_root)))


def test_latest_articles_follow_the_build_rules(tmp_path):
    import datetime
    import zoneinfo

    arts = tmp_path / "articles" / "2026"
    arts.mkdir(parents=True)

    def art(name, **meta):
        head = "".join(f"{k}: {v}\n" for k, v in meta.items())
        (arts / f"{name}.md").write_text(f"---\n{head}---\n\nNội dung.\n", encoding="utf-8")

    art("a", title='"Khánh thành cầu treo"', date="2026-11-27 10:00", category="Kinh tế")
    art("b", title='"Bài nháp"', date="2026-11-28 10:00", status="draft")
    art("c", title='"Hẹn giờ"', date="2026-12-30 10:00")
    art("d", title='"Hết hạn"', date="2026-11-01 10:00", expires="2026-11-20 00:00")
    art("e", title='"Có slug riêng"', date="2026-10-01 07:00", slug="rieng")
    now = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    got = latest.articles(str(tmp_path), "{date:%Y}/{date:%m}/{slug}.html", now, 10)
    assert [a["url"] for a in got] == ["2026/11/khanh-thanh-cau-treo.html", "2026/10/rieng.html"]
    assert got[0]["title"] == "Khánh thành cầu treo"
