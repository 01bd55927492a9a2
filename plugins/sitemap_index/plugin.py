"""Pelican glue for sitemap_index (see the package docstring)."""

from __future__ import annotations

import glob
import logging
import os
import re

from pelican import signals

from . import split as _split
from .config import Config
from .lastmod import KEEP, Dater

log = logging.getLogger(__name__)
_extra: list[tuple[str, str | None]] = []
_lastmod: dict[str, object] = {}  # site-relative URL -> lastmod.KEEP, a date or None
_dater = Dater()


def add_urls(urls) -> None:
    """Queue (url, lastmod or None) pairs for this build's sitemap.

    Site-relative URLs ("van-ban/a.pdf") get SITEURL prepended.
    """
    _extra.extend((str(u), m) for u, m in urls)


def date_page(path, context) -> None:
    """content_written: the <lastmod> of this page, keyed like pelican-sitemap's URLs."""
    rel = context.get("output_file") or os.path.relpath(path, context["OUTPUT_PATH"])
    url = re.sub(r"(?:^|(?<=/))index\.html$", "", rel.replace(os.sep, "/"))
    _lastmod[url] = _dater.lastmod(context)


def rewrite(pelican) -> None:
    settings = pelican.settings
    path = os.path.join(pelican.output_path, "sitemap.xml")
    extra = list(_extra)
    _extra.clear()
    if not os.path.exists(path):
        return
    for old in glob.glob(os.path.join(pelican.output_path, "sitemap-*.xml")):
        os.remove(old)  # parts of an earlier, bigger build (regenerate keeps output/)
    max_urls = Config.from_settings(settings).max_urls
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    siteurl = settings.get("ABSOLUTE_SITEURL") or settings.get("SITEURL", "")
    dates = dict(_lastmod)
    _lastmod.clear()
    prefix = len(siteurl.rstrip("/")) + 1
    blocks = []
    for block in _split.url_blocks(text):
        block = _split.absolute_loc(block, siteurl)
        date = dates.get(_split.loc(block)[prefix:], KEEP)
        blocks.append(block if date is KEEP else _split.with_lastmod(block, date))
    blocks += [_split.url_block(_split.absolute_url(siteurl, u), m) for u, m in extra]
    files = _split.split(blocks, siteurl, max_urls)
    for name, xml in files.items():
        with open(os.path.join(pelican.output_path, name), "w", encoding="utf-8") as fh:
            fh.write(xml)
    if len(files) > 1:
        log.info("sitemap: %d URLs -> sitemap index with %d parts", len(blocks), len(files) - 1)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.content_written.connect(date_page)
    signals.finalized.connect(rewrite)
