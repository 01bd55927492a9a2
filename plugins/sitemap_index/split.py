"""Split a sitemap into a sitemap index + parts (the protocol caps a file at 50,000 URLs / 50 MB).

Pure: strings in, strings out. No Pelican.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

MAX_URLS = 50000
MAX_BYTES = 50 * 1000 * 1000  # uncompressed, per file
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLSET_OPEN = f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
URLSET_CLOSE = "</urlset>\n"
_URL_RE = re.compile(r"<url>.*?</url>", re.DOTALL)
_LASTMOD_RE = re.compile(r"<lastmod>([^<]*)</lastmod>")
_LASTMOD_LINE_RE = re.compile(r"<lastmod>[^<]*</lastmod>\n?")
_LOC_RE = re.compile(r"<loc>([^<]*)</loc>")
_ABSOLUTE_RE = re.compile(r"^[a-z][a-z0-9+.-]*://")


def url_blocks(xml_text: str) -> list[str]:
    """The <url>…</url> elements of a urlset, in order."""
    return _URL_RE.findall(xml_text)


def url_block(loc: str, lastmod: str | None = None, changefreq: str | None = None,
              priority: float | None = None) -> str:
    """One <url> element; ``loc`` must be an absolute URL on a public site."""
    parts = [f"<url>\n<loc>{escape(loc)}</loc>\n"]
    if lastmod:
        parts.append(f"<lastmod>{escape(lastmod)}</lastmod>\n")
    if changefreq:
        parts.append(f"<changefreq>{escape(changefreq)}</changefreq>\n")
    if priority is not None:
        parts.append(f"<priority>{priority}</priority>\n")
    parts.append("</url>")
    return "".join(parts)


def loc(block: str) -> str:
    m = _LOC_RE.search(block)
    return m.group(1) if m else ""


def absolute_url(base: str, url: str) -> str:
    """``url``, or a site-relative one ("van-ban/a.pdf") on ``base``."""
    return url if _ABSOLUTE_RE.match(url) else base.rstrip("/") + "/" + url.lstrip("/")


def absolute_loc(block: str, base: str) -> str:
    """``block`` with a site-relative <loc> (an empty SITEURL) made absolute on ``base``."""
    url = loc(block)
    if not url or _ABSOLUTE_RE.match(url):
        return block
    return block.replace(f"<loc>{url}</loc>", f"<loc>{absolute_url(base, url)}</loc>", 1)


def with_lastmod(block: str, lastmod: str | None) -> str:
    """``block`` with its <lastmod> replaced, or removed when ``lastmod`` is None."""
    if lastmod is None:
        return _LASTMOD_LINE_RE.sub("", block, count=1)
    if _LASTMOD_RE.search(block):
        return _LASTMOD_RE.sub(f"<lastmod>{escape(lastmod)}</lastmod>", block, count=1)
    return block.replace("</loc>\n", f"</loc>\n<lastmod>{escape(lastmod)}</lastmod>\n", 1)


def urlset(blocks: list[str]) -> str:
    return URLSET_OPEN + "\n".join(blocks) + "\n" + URLSET_CLOSE


def chunk(blocks: list[str], max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> list[list[str]]:
    """Consecutive groups of at most ``max_urls`` blocks and ``max_bytes`` bytes each."""
    budget = max_bytes - len(URLSET_OPEN) - len(URLSET_CLOSE)
    groups: list[list[str]] = [[]]
    size = 0
    for b in blocks:
        n = len(b.encode("utf-8")) + 1
        if groups[-1] and (len(groups[-1]) >= max_urls or size + n > budget):
            groups.append([])
            size = 0
        groups[-1].append(b)
        size += n
    return groups


def split(blocks: list[str], siteurl: str, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES,
          name: str = "sitemap") -> dict[str, str]:
    """{file name: XML}. One ``sitemap.xml`` urlset while it fits, else an index + ``sitemap-N.xml`` parts."""
    groups = chunk(blocks, max_urls, max_bytes)
    if len(groups) == 1:
        return {f"{name}.xml": urlset(groups[0])}
    base = siteurl.rstrip("/")
    files = {}
    entries = []
    for i, group in enumerate(groups, 1):
        part = f"{name}-{i}.xml"
        files[part] = urlset(group)
        dates = [m.group(1) for b in group for m in [_LASTMOD_RE.search(b)] if m]
        lastmod = f"<lastmod>{escape(max(dates))}</lastmod>" if dates else ""
        entries.append(f"<sitemap><loc>{escape(base + '/' + part)}</loc>{lastmod}</sitemap>")
    files[f"{name}.xml"] = (f'<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="{NS}">\n'
                            + "\n".join(entries) + "\n</sitemapindex>\n")
    return files
