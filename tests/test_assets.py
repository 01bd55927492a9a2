"""Theme CSS/JS are published under content-hashed names, which pages link and the
documented nginx configuration caches as immutable."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, Site, soup

HASHED = re.compile(r"\.([0-9a-f]{12})\.(css|js)$")


def _theme_assets(doc) -> list[str]:
    urls = [e["href"] for e in doc.select('link[rel="stylesheet"][href]')]
    urls += [e["src"] for e in doc.select("script[src]")]
    urls += [e["data-search-vn"] for e in doc.select("[data-search-vn]")]
    return [urlsplit(u).path for u in urls if "/theme/" in u]


@pytest.mark.parametrize("build", ["demo_output", "publish_output"])
def test_pages_link_hashed_theme_css_and_js(build, request):
    root: Path = request.getfixturevalue(build)
    seen = set()
    for page in ("index.html", "tim-kiem/index.html", "van-ban/index.html", "chuyen-muc/kinh-te/index.html",
                 next(root.glob("20[0-9][0-9]/[01][0-9]/*.html")).relative_to(root).as_posix()):
        assets = _theme_assets(soup(root / page))
        assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), page
        seen.update(assets)
    assert {re.sub(HASHED, r".\2", Path(a).name) for a in seen} >= {
        "main.css", "print.css", "portal.js", "search.js", "vietnamese.js", "documents.js"}
    for path in seen:
        m = HASHED.search(path)
        assert m, f"{path} has no content hash in its name"
        data = (root / path.lstrip("/")).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:12] == m.group(1), path
        source = ROOT / "theme" / "static" / re.sub(HASHED, r".\2", path.split("/theme/", 1)[1])
        assert data == source.read_bytes()


def test_deploy_doc_caches_hashed_assets_as_immutable(demo_output):
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    immutable = [re.compile(m.group(1), re.IGNORECASE)
                 for m in re.finditer(r"location ~\*? (\S+) \{[^}]*immutable", doc)]
    assert immutable
    assets = _theme_assets(soup(demo_output / "index.html"))
    assert assets and all(any(r.search(a) for r in immutable) for a in assets)
    for plain in ("/theme/css/main.css", "/theme/js/portal.js", "/index.html", "/van-ban/data.json"):
        assert not any(r.search(plain) for r in immutable), plain


def test_a_changed_style_sheet_gets_a_new_name_on_every_page(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site = Site(tmp_path / "site", settings=f"THEME = {str(theme)!r}\n")
    site.article("Bài một")
    site.build()
    before = [a for a in _theme_assets(site.html("index.html")) if "/main." in a]
    css = theme / "static" / "css" / "main.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.x{color:red}\n", encoding="utf-8")
    site.build()  # page_writer keeps unchanged pages: this one must not be kept with the old name
    after = [a for a in _theme_assets(site.html("index.html")) if "/main." in a]
    assert before != after and len(after) == 1
    assert (site.output / after[0].lstrip("/")).read_bytes().endswith(b".x{color:red}\n")
    article = next(site.output.glob("20*/*/*.html"))
    assert [a for a in _theme_assets(soup(article)) if "/main." in a] == after
