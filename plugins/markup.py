"""HTML and Markdown for the whole build: one place for each rule. Pure: no Pelican.

- ``html_to_text``: the text of an HTML fragment (search leads, descriptions, word counts);
  it is also the ``text`` Jinja filter that templates use instead of ``striptags``.
- ``{static}`` links: ``parse_static``, ``resolve_static``, ``site_path``.
- ``IMG_TAG_RE`` / ``ATTRS_RE``: the image tags of rendered or hand-written HTML.
- ``markdown_config``: the Markdown options Pelican's reader builds from ``MARKDOWN``.
"""

from __future__ import annotations

import copy
import html
import os
import re

# A block boundary separates words ("<p>a</p><p>b</p>" is "a b"); an inline tag does not
# ("dân <em>vận</em>" and "Nậm<b>Păng</b>" keep their letters together).
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_BLOCK_RE = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|"
    r"header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")

IMG_TAG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTRS_RE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)"')

# Pelican's intra-site link prefixes: {static} and {attach} name files, {filename} sources.
STATIC_RE = re.compile(r"^\{(static|filename|attach)\}(.*)$")


def html_to_text(markup) -> str:
    """Plain text of an HTML fragment: tags out, entities decoded, white space folded."""
    text = str(markup or "")
    if "<" in text:
        text = _TAG_RE.sub("", _BLOCK_RE.sub(" ", _COMMENT_RE.sub("", text)))
    return " ".join(html.unescape(text).split())


def parse_static(url) -> tuple[str, str] | None:
    """'{static}/images/a.jpg#x' -> ('static', '/images/a.jpg'); None for any other URL."""
    m = STATIC_RE.match(str(url or ""))
    if not m:
        return None
    return m.group(1), m.group(2).split("#", 1)[0].split("?", 1)[0]


def resolve_static(url, content_root: str, base_dir: str | None = None,
                   kinds: tuple[str, ...] = ("static", "filename", "attach")) -> str | None:
    """The file a {static} link names: '/x' from the content root, 'x' from ``base_dir``."""
    parsed = parse_static(url)
    if parsed is None or parsed[0] not in kinds:
        return None
    target = parsed[1]
    if target.startswith("/"):
        return os.path.normpath(os.path.join(content_root, target.lstrip("/")))
    return os.path.normpath(os.path.join(base_dir or content_root, target))


def site_path(url) -> str:
    """'{static}/images/a.jpg' -> 'images/a.jpg' (relative to SITEURL); other URLs unchanged."""
    if not url:
        return ""
    text = str(url)
    m = STATIC_RE.match(text)
    return m.group(2).lstrip("/") if m else text


def markdown_config(markdown_setting: dict) -> dict:
    """Keyword arguments for ``markdown.Markdown``: the ``MARKDOWN`` setting completed as
    Pelican's MarkdownReader completes it, without the ``meta`` extension (YAML front-matter
    is read before Markdown sees the text)."""
    md = copy.deepcopy(markdown_setting)
    md.setdefault("extension_configs", {})
    md.setdefault("extensions", [])
    md["extensions"] += [e for e in md["extension_configs"] if e not in md["extensions"]]
    if "markdown.extensions.meta" in md["extensions"]:
        md["extensions"].remove("markdown.extensions.meta")
    return md


def make_markdown(markdown_setting: dict):
    """A ``markdown.Markdown`` built from the ``MARKDOWN`` setting."""
    from markdown import Markdown

    return Markdown(**markdown_config(markdown_setting))
