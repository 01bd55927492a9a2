"""portal_theme's settings (the home page's blocks). Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "HOME_"
    OWNER = "plugins.portal_theme"

    featured_count: int = 5  # "Tin nổi bật": articles with `featured: true`, newest first
    latest_per_category: int = 4  # articles per category block
