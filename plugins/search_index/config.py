"""search_index's settings. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import PluginConfig

from . import builder, store


@dataclasses.dataclass(frozen=True)
class Config(PluginConfig):
    PREFIX = "SEARCH_"
    OWNER = "plugins.search_index"
    FOREIGN = frozenset({"SEARCH_URL", "SEARCH_SAVE_AS"})  # the search page: a direct template

    cache: bool = True  # year parts cached under CACHE_PATH/search_index
    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    brotli_quality: int = store.BROTLI_QUALITY
    lead_words: int = builder.LEAD_WORDS  # lead words indexed and shown as the snippet
    output_dir: str = "tim-kiem"  # shards, lunr.js and the manifest chi-muc.json
