"""content_contract's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "CONTENT_CONTRACT_"
    OWNER = "plugins.content_contract"
    FOREIGN = frozenset()

    cache: bool = True  # per-file results under CACHE_PATH/content_contract
    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    min_parallel: int = 256  # files to parse before a fork map pays
    # Other content types' checks, "module:function" (called with settings -> Problems).
    checks: list = dataclasses.field(default_factory=list, metadata={"setting": "CONTENT_CHECKS"})
