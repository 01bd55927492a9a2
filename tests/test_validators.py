"""Independent judges over every page of two real builds: the demo (`make serve`) and a
publish build (absolute SITEURL). The Nu Html Checker (npm vnu-jar, Java from Debian)
runs once per build over all files: it takes seconds to start."""

from __future__ import annotations

import email.utils
import json
import re
import shutil
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import PUBLIC_SITEURL, ROOT

# One worker holds both builds and both checker runs (pytest -n 2 --dist loadgroup).
pytestmark = pytest.mark.xdist_group("validators")

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BUILDS = ["demo_output", "publish_output"]


def run_vnu(root: Path) -> tuple[list[Path], list[dict]]:
    """Every HTML page, style sheet and SVG of a build through vnu; (files, messages)."""
    java = shutil.which("java")
    assert java, "Java is missing: run `make system-deps` (Debian default-jre-headless)"
    assert VNU_JAR.is_file(), "vnu-jar is missing: run `make setup` (npm ci)"
    files = sorted(p for ext in ("html", "css", "svg") for p in root.rglob(f"*.{ext}"))
    proc = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
         "--also-check-svg", *map(str, files)],
        capture_output=True, text=True, timeout=900, check=False,
    )
    text = proc.stderr  # vnu writes its JSON report on stderr, after anything Java says
    assert '{"' in text, f"vnu gave no report (exit {proc.returncode}):\n{text}\n{proc.stdout}"
    report, _ = json.JSONDecoder().raw_decode(text[text.index('{"'):])
    return files, report["messages"]


@pytest.fixture(scope="module", params=BUILDS)
def vnu_report(request):
    root = request.getfixturevalue(request.param)
    files, messages = run_vnu(root)
    return root, files, messages


def _describe(root: Path, messages: list[dict], limit: int = 15) -> str:
    lines = []
    for m in messages[:limit]:
        where = m.get("url", "").replace(root.as_uri(), "")
        lines.append(f"{where}:{m.get('lastLine', '?')}: {m['type']}/{m.get('subType', '')}: {m['message']}")
    return "\n".join(lines) + (f"\n… and {len(messages) - limit} more" if len(messages) > limit else "")


def test_vnu_checks_every_page(vnu_report):
    root, files, _ = vnu_report
    pages = [f for f in files if f.suffix == ".html"]
    # the demo has 53 articles, 7 pages, the văn bản pages, lists and archives
    assert len(pages) >= 190
    assert root / "index.html" in pages and root / "404.html" in pages


def test_vnu_reports_no_error(vnu_report):
    root, _, messages = vnu_report
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + _describe(root, errors)


def test_vnu_reports_no_warning(vnu_report):
    root, _, messages = vnu_report
    warnings = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"]
    assert not warnings, f"{len(warnings)} Nu Html Checker warnings:\n" + _describe(root, warnings)


# --- Feeds: the W3C feed validator's rules (its code is not on PyPI) -----------------------


DEMO_SITEURL = "http://127.0.0.1:8000"  # pelicanconf.ABSOLUTE_SITEURL: the preview server
BASES = {"demo_output": DEMO_SITEURL, "publish_output": PUBLIC_SITEURL}
ATOM = "{http://www.w3.org/2005/Atom}"
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+\.[a-z0-9.-]*,\d{4}(-\d{2}(-\d{2})?)?:\S+$|^tag:\d+(\.\d+){3},\d{4}-\d{2}-\d{2}:\S+$")


@pytest.fixture(scope="module", params=BUILDS)
def build(request):
    """(output dir, the build's absolute site URL)."""
    return request.getfixturevalue(request.param), BASES[request.param]


def _full_url(url: str | None, base: str) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https") and url.startswith(base + "/")


def _feeds(root: Path) -> list[Path]:
    return sorted((root / "feeds").glob("*.xml"))


def rss_problems(path: Path, url: str, base: str) -> list[str]:
    channel = ET.parse(path).getroot().find("channel")
    problems = []
    self_links = [e.get("href") for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    if self_links != [url]:
        problems.append(f"atom:link rel=self {self_links}, expected [{url}]")
    if not _full_url(channel.findtext("link"), base):
        problems.append(f"channel link {channel.findtext('link')!r} is not a full URL")
    dates = [("lastBuildDate", channel.findtext("lastBuildDate"))]
    guids = []
    for i, item in enumerate(channel.findall("item")):
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"item {i}: neither title nor description")
        if not _full_url(item.findtext("link"), base):
            problems.append(f"item {i}: link {item.findtext('link')!r} is not a full URL")
        guid = item.find("guid")
        if guid is not None:
            guids.append(guid.text)
            if guid.get("isPermaLink", "true") != "false" and not _full_url(guid.text, base):
                problems.append(f"item {i}: guid must be a full URL, unless isPermaLink attribute is false: {guid.text}")
        dates.append((f"item {i} pubDate", item.findtext("pubDate")))
    for what, value in dates:
        if value is not None and not (RFC822.match(value) and email.utils.parsedate_to_datetime(value)):
            problems.append(f"{what} {value!r} is not an RFC 822 date")
    if len(set(guids)) != len(guids):
        problems.append("duplicate guids")
    return problems


def atom_problems(path: Path, url: str, base: str) -> list[str]:
    feed = ET.parse(path).getroot()
    problems = []

    def check_id(what, value):
        if not (_full_url(value, base) or (value and TAG_URI.match(value))):
            problems.append(f"{what}: id {value!r} is neither a full URL nor a valid tag URI")

    def check_date(what, value):
        if not (value and RFC3339.match(value)):
            problems.append(f"{what}: {value!r} is not an RFC 3339 date")

    self_links = [e.get("href") for e in feed.findall(f"{ATOM}link") if e.get("rel") == "self"]
    if self_links != [url]:
        problems.append(f"link rel=self {self_links}, expected [{url}]")
    check_id("feed", feed.findtext(f"{ATOM}id"))
    check_date("feed updated", feed.findtext(f"{ATOM}updated"))
    ids = []
    for i, entry in enumerate(feed.findall(f"{ATOM}entry")):
        ids.append(entry.findtext(f"{ATOM}id"))
        check_id(f"entry {i}", ids[-1])
        check_date(f"entry {i} updated", entry.findtext(f"{ATOM}updated"))
        if not entry.findtext(f"{ATOM}title"):
            problems.append(f"entry {i}: no title")
        for link in entry.findall(f"{ATOM}link"):
            if not _full_url(link.get("href"), base):
                problems.append(f"entry {i}: link {link.get('href')!r} is not a full URL")
        if feed.find(f"{ATOM}author") is None and entry.find(f"{ATOM}author") is None:
            problems.append(f"entry {i}: no author")
    if len(set(ids)) != len(ids):
        problems.append("duplicate entry ids")
    return problems


def test_every_feed_follows_the_feed_validator_rules(build):
    root, base = build
    feeds = _feeds(root)
    assert len([f for f in feeds if f.name.endswith(".rss.xml")]) == 8
    assert len([f for f in feeds if f.name.endswith(".atom.xml")]) == 9
    problems = []
    for path in feeds:
        url = f"{base}/{path.relative_to(root).as_posix()}"
        check = rss_problems if path.name.endswith(".rss.xml") else atom_problems
        problems += [f"{path.name}: {p}" for p in check(path, url, base)]
    assert not problems, "\n".join(problems[:20])


def test_feeds_announced_in_pages_exist(build):
    root, _ = build
    for page in ("index.html", "chuyen-muc/kinh-te/index.html", "van-ban/index.html"):
        doc = BeautifulSoup((root / page).read_text(encoding="utf-8"), "html.parser")
        hrefs = [a["href"] for a in doc.select('link[rel="alternate"][href]')]
        assert hrefs
        for href in hrefs:
            assert (root / urlsplit(href).path.lstrip("/")).is_file(), (page, href)


# --- Sitemap and robots.txt --------------------------------------------------------------

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap(root: Path) -> dict[str, str | None]:
    """{loc: lastmod or None} of sitemap.xml (one urlset at the demo's size)."""
    urlset = ET.parse(root / "sitemap.xml").getroot()
    assert urlset.tag == f"{SM}urlset"
    entries = [(u.findtext(f"{SM}loc"), u.findtext(f"{SM}lastmod")) for u in urlset]
    assert len({loc for loc, _ in entries}) == len(entries), "a URL is listed twice"
    return dict(entries)


def _file_of(root: Path, url: str, base: str) -> Path:
    rel = url[len(base) + 1:]
    return root / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def _noindex(path: Path) -> bool:
    doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    robots = doc.find("meta", attrs={"name": "robots"})
    return robots is not None and "noindex" in robots.get("content", "")


def test_sitemap_lists_only_indexable_pages_with_absolute_urls(build):
    root, base = build
    urls = sitemap(root)
    assert len(urls) >= 180
    bad = [u for u in urls if not _full_url(u, base)]
    assert not bad, f"not absolute on {base}: {bad[:5]}"
    for url in urls:
        assert _file_of(root, url, base).is_file(), url
    listed_html = [u for u in urls if _file_of(root, u, base).suffix == ".html"]
    assert not [u for u in listed_html if _noindex(_file_of(root, u, base))], "a noindex page is listed"
    assert f"{base}/404.html" not in urls
    # the pages that are left out are exactly the noindex ones
    every = {f"{base}/" + p.relative_to(root).as_posix().removesuffix("index.html")
             for p in root.rglob("*.html") if not p.relative_to(root).as_posix().startswith("theme/")}
    assert {u for u in every - set(urls) if not _noindex(_file_of(root, u, base))} == set()


def _article_links(root: Path, page: Path, base: str, articles: set[str]) -> set[str]:
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    page_url = f"{base}/{page.relative_to(root).as_posix().removesuffix('index.html')}"
    links = {urljoin(page_url, a["href"]) for a in doc.select("main a[href]")}
    return links & articles


def test_listing_lastmod_is_the_newest_of_its_items(build):
    root, base = build
    urls = sitemap(root)
    articles = {u: m for u, m in urls.items() if re.search(r"/\d{4}/\d{2}/[^/]+\.html$", u)}
    documents = {u: m for u, m in urls.items() if re.search(r"/van-ban/[^/]+\.html$", u)}
    assert len(articles) == 53 and len(documents) >= 20
    assert all(articles.values()) and all(documents.values())
    newest = max(articles.values())
    # every lastmod is the date of some content, never the build's clock
    content_dates = set(articles.values()) | set(documents.values())
    assert {m for m in urls.values() if m} <= content_dates
    groups: dict[str, list[str]] = {}
    for url in urls:
        if url not in articles and url not in documents:
            groups.setdefault(re.sub(r"trang-\d+/$", "", url), []).append(url)
    checked = 0
    for first, pages in groups.items():
        rel = first[len(base) + 1:]
        if re.fullmatch(r"(the|chuyen-muc|tac-gia)/[^/]+/|luu-tru/\d{4}/", rel):
            linked = set()
            for url in pages:
                linked |= _article_links(root, _file_of(root, url, base), base, set(articles))
            assert linked, first
            expected = max(articles[u] for u in linked)
            checked += 1
        elif rel in ("", "the/", "chuyen-muc/", "tac-gia/", "luu-tru/"):
            expected = newest
        elif rel == "van-ban/":
            expected = max(documents.values())
        else:  # a page (giới thiệu, liên hệ, …): no date in its source, so no <lastmod>
            assert rel.endswith(".html") and not rel.startswith(("the/", "chuyen-muc/")), rel
            expected = None
        for url in pages:
            assert urls[url] == expected, (url, urls[url], expected)
    assert checked >= 90  # 84 tags, 7 categories, 7 authors, 8 years in the demo


def test_robots_txt_points_to_the_absolute_sitemap(build):
    root, base = build
    lines = (root / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {base}/sitemap.xml" in lines


# --- Absolute URLs of the demo as well as the publish build ------------------------------

def test_canonical_og_url_and_share_links_are_absolute(build):
    root, base = build
    # quan-tri/: the web editor, a noindex tool page, not a page of the portal
    pages = [p for p in root.rglob("*.html") if not p.relative_to(root).as_posix().startswith(("theme/", "quan-tri/"))]
    assert len(pages) >= 190
    for page in pages:
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        canonical = doc.select_one('link[rel="canonical"]')["href"]
        assert _full_url(canonical, base), (page, canonical)
        assert doc.select_one('meta[property="og:url"]')["content"] == canonical
        for share in doc.select(".tools a[href]"):
            target = re.search(r"[?&](?:u|url)=([^&]+)", share["href"])
            assert target and _full_url(urllib.parse.unquote(target.group(1)), base), (page, share["href"])
        copy = doc.select_one('[data-action="copy"]')
        if copy is not None:
            assert _full_url(copy["data-url"], base)


# --- Structured data, read with extruct ----------------------------------------------------

def _articles(root: Path) -> list[Path]:
    return sorted(root.glob("20[0-9][0-9]/[01][0-9]/*.html"))


def _output_file(root: Path, url: str, base: str) -> Path:
    assert _full_url(url, base), url
    return root / urlsplit(url).path.lstrip("/")


def test_every_article_has_a_wide_absolute_image_and_author_pages(build):
    import extruct
    from PIL import Image

    root, base = build
    articles = _articles(root)
    assert len(articles) == 53
    problems = []
    for page in articles:
        url = f"{base}/{page.relative_to(root).as_posix()}"
        text = page.read_text(encoding="utf-8")
        data = extruct.extract(text, base_url=url, syntaxes=["json-ld", "opengraph"], uniform=True)
        news = [d for d in data["json-ld"] if d.get("@type") == "NewsArticle"]
        og = {}
        for block in data["opengraph"]:
            og.update({k: v for k, v in block.items() if isinstance(v, str)})
        if len(news) != 1:
            problems.append(f"{page.name}: {len(news)} NewsArticle")
            continue
        news = news[0]
        images = news.get("image") or []
        images = [images] if isinstance(images, str) else images
        widths = []
        for image in images:
            if not _full_url(image, base):
                problems.append(f"{page.name}: image {image!r} is not absolute")
                continue
            with Image.open(_output_file(root, image, base)) as img:
                widths.append(img.width)
        if not widths or max(widths) < 1200:
            problems.append(f"{page.name}: no image at least 1200 px wide ({widths})")
        if og.get("og:image") not in images:
            problems.append(f"{page.name}: og:image {og.get('og:image')!r} is not one of {images}")
        own = BeautifulSoup(text, "html.parser").select_one(".article__image img")
        if own is not None:  # its photo (shown as a -800w variant, shared as another variant) comes first
            shown = Path(urlsplit(urljoin(url, own["src"])).path)
            first = Path(urlsplit(images[0]).path)
            photo = re.sub(r"-\d+w$", "", first.stem)  # the variant's photo
            if shown.parent != first.parent or not shown.name.startswith(photo):
                problems.append(f"{page.name}: its own photo {shown} is not the first image {first}")
        authors = news.get("author") or []
        for author in authors:
            target = author.get("url", "")
            if not target.startswith(f"{base}/tac-gia/") or not _file_of(root, target, base).is_file():
                problems.append(f"{page.name}: author {author.get('name')} url {target!r}")
        if not authors:
            problems.append(f"{page.name}: no author")
    assert not problems, "\n".join(problems[:20])
