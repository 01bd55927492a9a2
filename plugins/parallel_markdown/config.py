"""parallel_markdown's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "PARALLEL_MARKDOWN_"
    OWNER = "plugins.parallel_markdown"

    workers: int = dataclasses.field(default=0, metadata={"workers": True})  # below 2: off
    min_files: int = 64  # below this, forking costs more than it saves
