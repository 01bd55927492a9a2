"""The demo content: enough articles, spread over categories and years, clusters for
related news, search cases, and small local images that really exist."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, soup

from plugins import vietnamese
from scripts.demo import make_demo_images

CONTENT = ROOT / "content"
CLUSTERS = json.loads((ROOT / "tests" / "data" / "demo_clusters.json").read_text(encoding="utf-8"))
OUR_PAGES = ("gioi-thieu", "lien-he", "ban-do-hanh-chinh")
STATIC_RE = re.compile(r"\{static\}/images/([^\s)\"']+)")


def _settings():
    import pelicanconf

    return pelicanconf


def _articles() -> list[dict]:
    out = []
    for path in sorted((CONTENT / "articles").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, header, body = text.split("---\n", 2)
        meta = yaml.safe_load(header)
        meta["_path"], meta["_body"] = path, body
        meta["_slug"] = meta.get("slug") or vietnamese.slugify(meta["title"])
        out.append(meta)
    return out


ARTICLES = _articles()
PUBLISHED = [a for a in ARTICLES if a.get("status", "published") == "published"]


def _date(a) -> datetime.datetime:
    d = a["date"]
    return d if isinstance(d, datetime.datetime) else datetime.datetime.strptime(str(d), "%Y-%m-%d %H:%M")


def test_enough_published_articles_and_each_is_built(demo_output):
    assert len(PUBLISHED) >= 48
    for a in PUBLISHED:
        d = _date(a)
        page = demo_output / f"{d:%Y}" / f"{d:%m}" / f"{a['_slug']}.html"
        assert page.is_file(), f"{a['_path']} was not built as {page}"


def test_every_category_has_articles(demo_output):
    names = [c["name"] for c in _settings().PORTAL_CATEGORIES]
    used = {a["category"] for a in PUBLISHED}
    assert used <= set(names)
    for cat in _settings().PORTAL_CATEGORIES:
        count = sum(a["category"] == cat["name"] for a in PUBLISHED)
        assert count >= 4, f"{cat['name']} has {count} articles"
        listing = soup(demo_output / "chuyen-muc" / cat["slug"] / "index.html")
        assert listing.select("main a[href$='.html']"), f"category page {cat['slug']} lists nothing"


def test_every_year_2019_to_2026_has_articles(demo_output):
    for year in range(2019, 2027):
        count = sum(_date(a).year == year for a in PUBLISHED)
        assert count >= 4, f"{year}: {count} articles"
        assert (demo_output / "luu-tru" / str(year) / "index.html").is_file()
    # the demo "today" is 2026-11-20: nothing dated in the future of the demo
    assert max(_date(a) for a in PUBLISHED) < datetime.datetime(2026, 11, 20)


def test_articles_follow_the_shape_of_news():
    featured = [a["_slug"] for a in PUBLISHED if a.get("featured")]
    assert len(featured) == 5, featured
    with_image = [a for a in PUBLISHED if a.get("image")]
    assert len(PUBLISHED) * 0.4 <= len(with_image) <= len(PUBLISHED) * 0.6
    assert all(a.get("image_caption") for a in with_image)
    body_figures = [a for a in PUBLISHED if STATIC_RE.search(a["_body"])]
    assert len(body_figures) >= 8
    for a in PUBLISHED:
        words = len(a["_body"].split())
        assert 200 <= words <= 500, f"{a['_path']}: {words} words"
        assert a.get("summary") and a.get("author") and a.get("tags"), a["_path"]
        assert a["_body"].count("\n\n") >= 3, f"{a['_path']}: write several paragraphs"


def _referenced_images() -> dict[str, Path]:
    refs = {}
    for path in sorted(CONTENT.rglob("*.md")):
        for rel in STATIC_RE.findall(path.read_text(encoding="utf-8")):
            refs[rel] = path
    return refs


def test_every_referenced_image_exists_and_is_small():
    refs = _referenced_images()
    assert len(refs) >= 30
    for rel, source in refs.items():
        image = CONTENT / "images" / rel
        assert image.is_file(), f"{source} links missing image {rel}"
        limit = make_demo_images.MAP_LIMIT if rel.endswith(".png") else make_demo_images.PHOTO_LIMIT
        assert image.stat().st_size < limit, f"{rel}: {image.stat().st_size} bytes"


def test_every_generated_image_is_used_and_listed():
    generated = {rel for rel, _, _ in make_demo_images.PHOTOS} | {make_demo_images.MAP}
    refs = _referenced_images()
    assert generated <= set(refs), f"generated but unused: {generated - set(refs)}"
    ours = {rel for rel, src in refs.items() if "articles" in src.parts or src.stem in OUR_PAGES}
    assert ours <= generated, f"not made by scripts/demo/make_demo_images.py: {ours - generated}"


def test_images_are_generated_deterministically():
    rel, scene, size = make_demo_images.PHOTOS[0]
    assert make_demo_images.make_photo(rel, scene, size) == (CONTENT / "images" / rel).read_bytes()


def test_article_figures_have_alt_and_caption(demo_output):
    a = next(a for a in PUBLISHED if a.get("featured") and STATIC_RE.search(a["_body"]))
    d = _date(a)
    html = soup(demo_output / f"{d:%Y}" / f"{d:%m}" / f"{a['_slug']}.html")
    figures = html.select("main figure")
    assert len(figures) >= 2
    for fig in figures:
        assert fig.find("img")["alt"].strip()
        assert fig.find("figcaption").get_text(strip=True)


def test_clusters_exist_in_the_build(demo_output):
    assert len(CLUSTERS) >= 6
    built = {p.stem for p in demo_output.glob("20[0-9][0-9]/[01][0-9]/*.html")}
    seen = set()
    for name, slugs in CLUSTERS.items():
        assert 3 <= len(slugs) <= 5, name
        for slug in slugs:
            assert slug in built, f"cluster {name}: {slug} not built"
            assert slug not in seen, f"{slug} is in two clusters"
            seen.add(slug)
    unrelated = [a for a in PUBLISHED if a["_slug"] not in seen]
    assert len(unrelated) >= 15


@pytest.mark.parametrize("name", sorted(CLUSTERS))
def test_cluster_mates_share_vocabulary(name):
    """Related news needs shared words; categories may differ."""
    by_slug = {a["_slug"]: a for a in PUBLISHED}
    mates = [by_slug[s] for s in CLUSTERS[name]]
    bigrams = []
    for a in mates:
        syl = vietnamese.syllables(a["title"] + " " + a["_body"])
        bigrams.append({f"{x} {y}" for x, y in zip(syl, syl[1:])})
    common = set.intersection(*bigrams)
    assert len(common) >= 3, f"{name}: common bigrams {common}"


def test_search_cases_are_present():
    titles = [vietnamese.normalize(a["title"]).lower() for a in PUBLISHED]
    texts = [vietnamese.normalize(a["title"] + " " + a["_body"]).lower() for a in PUBLISHED]
    assert sum("dân vận" in t for t in titles) >= 2
    assert sum("dân vận" in t for t in texts) >= 5
    assert sum("sìn hồ" in t for t in texts) >= 5
    ensemble = [t for t in texts if "dàn văn công" in t]
    assert ensemble and all("dân vận" not in t for t in ensemble)
    # old tone placement in the raw text, so search must normalise it
    raw = " ".join(a["_body"] for a in PUBLISHED).lower()
    for old in ("hoà", "thuỷ lợi", "uỷ ban"):
        assert old in raw, old


def test_static_pages(demo_output):
    for slug in OUR_PAGES:
        assert (demo_output / f"{slug}.html").is_file()
    contact = soup(demo_output / "lien-he.html").select_one("main").get_text(" ")
    portal = _settings().PORTAL
    for key in ("address", "phone", "email"):
        assert portal[key] in contact, key
    intro = soup(demo_output / "gioi-thieu.html").select_one("main").get_text(" ")
    for commune, _ in make_demo_images.COMMUNES:
        assert commune.replace("TT. ", "") in intro, commune
    map_page = soup(demo_output / "ban-do-hanh-chinh.html")
    img = map_page.select_one("main figure img")
    assert img and "ban-do-hanh-chinh" in img["src"] and img["alt"].strip()
