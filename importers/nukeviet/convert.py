"""NukeViet text → the portal's text. Pure: no Pelican, no files.

- ``text``: NukeViet stores titles, codes and comments HTML-entity-encoded (its input
  filter turns ``"`` into ``&quot;``, ``/`` into ``&#x002F;``…): unescape exactly once.
- ``local_time``/``local_date``: epochs are instants; laws dates are local midnight, so
  they are read in the site's zone (Asia/Ho_Chi_Minh), never UTC (a day early).
- ``body_to_markdown``: CKEditor HTML, untrusted, sanitised by nh3 (ammonia) to an
  allow-list, then converted by markdownify. ``<figure><img><figcaption>`` becomes the
  portal's captioned figure ``![alt](src "caption")`` alone in a paragraph; simple tables
  become Markdown tables; tables Markdown cannot hold (merged cells, blocks in cells) stay
  as sanitised HTML blocks; styles, classes and scripts are gone.
"""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo
from collections.abc import Callable

import nh3
from bs4 import BeautifulSoup, NavigableString
from markdownify import MarkdownConverter

TIMEZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "div", "span", "pre", "code",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
}


def text(value) -> str:
    """One-line text from an entity-encoded NukeViet field."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", html.unescape(str(value))).strip()


def plain(value) -> str:
    """Text of an HTML field (hometext, comments): tags dropped, entities decoded once,
    paragraphs kept apart by a blank line."""
    if not value:
        return ""
    soup = BeautifulSoup(str(value), "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    parts = []
    for block in soup.find_all(["p", "div", "li"]) or [soup]:
        if block.find(["p", "div", "li"]):
            continue
        parts.append(block.get_text())
    if not soup.find(["p", "div", "li"]):
        parts = [soup.get_text()]
    paras = [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in "\n".join(parts).split("\n")]
    return "\n\n".join(p for p in paras if p)


def local_time(epoch) -> datetime.datetime | None:
    if not epoch:
        return None
    return datetime.datetime.fromtimestamp(int(epoch), TIMEZONE)


def local_date(epoch) -> datetime.date | None:
    t = local_time(epoch)
    return t.date() if t else None


def csv_ids(value) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", str(value or ""))]


class _Converter(MarkdownConverter):
    def escape(self, text, parent_tags):
        # Text that looked like markup in NukeViet ("&lt;script&gt;") stays text.
        text = super().escape(text, parent_tags)
        return text.replace("&", "&amp;").replace("<", "&lt;")

    def convert_table(self, el, text, parent_tags):
        if el.get("data-keep-html") is not None:
            del el["data-keep-html"]
            return "\n\n" + re.sub(r">\s+<", "><", str(el)) + "\n\n"
        return super().convert_table(el, text, parent_tags)


def _table_is_simple(table) -> bool:
    if table.find("table") or table.find(attrs={"colspan": True}) or table.find(attrs={"rowspan": True}):
        return False
    rows = table.find_all("tr")
    if not rows:
        return False
    for cell in table.find_all(["td", "th"]):
        if cell.find(["p", "ul", "ol", "img", "br", "div", "blockquote", "h2", "h3", "h4"]):
            if cell.find(["ul", "ol", "img", "blockquote"]) or len(cell.find_all(["p", "div", "br"])) > 1:
                return False
    return True


def body_to_markdown(body: str, image: Callable[[str, str], str | None],
                     link: Callable[[str], str], alt_fallback: str, notes: list[str]) -> str:
    """Sanitised Markdown of a CKEditor body.

    image(src, role) gives the new URL of an image (role "image"), or None to drop it;
    link(href) the new target of a link (a copied attachment, an imported article, or href
    itself). Changes worth reporting are appended to notes (Vietnamese is for editors, these
    are for the maintainer reading import-report.md, in English)."""
    if not body or not body.strip():
        return ""
    clean = nh3.clean(body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto", "tel"}, link_rel=None, strip_comments=True)
    if len(clean) < len(body) * 0.5 and "<script" in body.lower():
        notes.append("scripts removed from the body")
    soup = BeautifulSoup(clean, "html.parser")
    for img in soup.find_all("img"):
        src = (img.get("src") or "").strip()
        new = image(src, "image") if src else None
        if not new:
            notes.append(f"image dropped: {src or '(no src)'}")
            parent = img.parent
            img.decompose()
            if parent is not None and parent.name == "figure" and not parent.find("img"):
                parent.decompose()
            continue
        img["src"] = new
        caption = ""
        figure = img.find_parent("figure")
        if figure is not None and figure.find("figcaption"):
            caption = text(figure.find("figcaption").get_text())
        if not (img.get("alt") or "").strip():
            img["alt"] = caption or alt_fallback
            notes.append(f"image without alt text: alt set to {img['alt']!r}")
        img["alt"] = text(img["alt"]).replace("[", "(").replace("]", ")")
        if caption:
            img["title"] = caption
        elif img.get("title"):
            img["title"] = text(img["title"])
    for figure in soup.find_all("figure"):
        imgs = figure.find_all("img")
        if not imgs:
            figure.unwrap()
            continue
        p = soup.new_tag("p")
        for img in imgs:
            p.append(img.extract())
            if len(imgs) > 1:
                img.attrs.pop("title", None)
                p.append(soup.new_tag("br"))
        figure.replace_with(p)
    for a in soup.find_all("a"):
        href = (a.get("href") or "").strip()
        if not href:
            a.unwrap()
            continue
        a["href"] = link(href)
    for table in soup.find_all("table"):
        if table.find_parent("table"):
            continue
        if not _table_is_simple(table):
            table["data-keep-html"] = ""
            notes.append("table kept as HTML (merged cells or blocks in cells)")
    # Images alone in a paragraph become figures; keep images that sit in text inline.
    for s in soup.find_all(string=True):
        if isinstance(s, NavigableString) and "\xa0" in s:
            s.replace_with(s.replace("\xa0", " "))
    md = _Converter(heading_style="ATX", bullets="-", table_infer_header=True, strip=["span", "u"],
                    keep_inline_images_in=["td", "th"], newline_style="backslash").convert_soup(soup)
    md = re.sub(r"[ \t]+\n", "\n", md)
    md = re.sub(r"\n{3,}", "\n\n", md).strip()
    return md + "\n" if md else ""
