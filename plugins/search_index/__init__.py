"""Pelican glue: write lunr search shards (one per year) to ``tim-kiem/``.

Collects articles when all generators are done and writes, at ``finalized``,
content-hashed shard files with .gz/.br twins, lunr.js from node_modules (served
by the site, no CDN) and ``chi-muc.json``, the manifest search.js starts from.
Each part (year x core/lead) is cached in CACHE_PATH/search_index under a digest of
its inputs (store.py): a rebuild redoes only the parts an edit touched.
Settings: SEARCH_CACHE (True), SEARCH_WORKERS (2 processes for big builds),
SEARCH_BROTLI_QUALITY (10), SEARCH_LEAD_WORDS (24), SEARCH_OUTPUT_DIR ("tim-kiem").
"""


def register():
    from .plugin import register

    register()
