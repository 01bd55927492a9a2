"""sitemap_index's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig

from . import split


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "SITEMAP_"
    OWNER = "plugins.sitemap_index"

    max_urls: int = split.MAX_URLS  # the sitemap protocol's cap per file
