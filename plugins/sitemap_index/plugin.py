"""Pelican glue for sitemap_index (see the package docstring)."""

from __future__ import annotations

import glob
import logging
import os
import re

from pelican import signals

from . import split as _split
from .config import Config

log = logging.getLogger(__name__)
_extra: list[tuple[str, str | None]] = []


def add_urls(urls) -> None:
    """Queue (url, lastmod or None) pairs for this build's sitemap.

    Site-relative URLs ("van-ban/a.pdf") get SITEURL prepended.
    """
    _extra.extend((str(u), m) for u, m in urls)


def _absolute(siteurl: str, url: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*://", url):
        return url
    return siteurl.rstrip("/") + "/" + url.lstrip("/")


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
    blocks = _split.url_blocks(text)
    siteurl = settings.get("SITEURL", "")
    blocks += [_split.url_block(_absolute(siteurl, u), m) for u, m in extra]
    if len(blocks) <= max_urls and not extra:
        return  # pelican-sitemap's file is already valid
    files = _split.split(blocks, siteurl, max_urls)
    for name, xml in files.items():
        with open(os.path.join(pelican.output_path, name), "w", encoding="utf-8") as fh:
            fh.write(xml)
    if len(files) > 1:
        log.info("sitemap: %d URLs -> sitemap index with %d parts", len(blocks), len(files) - 1)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.finalized.connect(rewrite)
