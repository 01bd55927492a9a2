"""related_news' settings: the ``RELATED_NEWS`` dict. Pure: no Pelican."""

from __future__ import annotations

import dataclasses

from plugins.config import DictConfig


@dataclasses.dataclass
class Config(DictConfig):
    SETTING = "RELATED_NEWS"

    k: int = 5                      # items per list
    w_text: float = 1.0             # text cosine weight
    w_tags: float = 0.4             # idf-weighted tag cosine weight
    w_category: float = 0.05        # bonus when both share the category
    w_recency: float = 0.1          # bonus * 2^(-gap / half_life)
    recency_half_life_days: float = 90.0
    max_age_days: float | None = dataclasses.field(  # never relate articles further apart
        default=1825.0, metadata={"nullable": True})  # than this (None: no limit)
    near_duplicate: float = 0.85    # text cosine at or above: a repost, dropped
    min_score: float = 0.03         # text+tag score below this is not "related"
    min_df: int = 2                 # a term in one article cannot relate two
    max_df: float = 0.5             # terms in more than this share of articles are cut,
    max_df_count: int = 1000        # ...or in more than this many: keeps big archives sparse
    tag_max_df: float = 0.25        # tags on more than this share are dropped (Hugo's
    tag_max_df_count: int | None = dataclasses.field(  # cardinalityThreshold idea), or on
        default=None, metadata={"nullable": True})     # more than this many
    top_terms: int = 40             # terms kept per vector
    pool: int = 30                  # candidates per article before reranking
    chunk_size: int = 2000          # rows per sparse product
    # processes that count tokens and threads of the sparse product (0: BUILD_WORKERS)
    workers: int = dataclasses.field(default=0, metadata={"workers": True})
    cache: bool = True              # keep token counts under CACHE_PATH/related_news
