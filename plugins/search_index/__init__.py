"""Pelican glue: write lunr search shards (one per year) to ``tim-kiem/``.

Collects articles when all generators are done and writes, at ``finalized``,
content-hashed shard files with .gz/.br twins, lunr.js from node_modules (served
by the site, no CDN) and ``chi-muc.json``, the manifest search.js starts from.
Each part (year x core/lead) is cached in CACHE_PATH/search_index under a digest of
its inputs (store.py): a rebuild redoes only the parts an edit touched.
Settings: SEARCH_CACHE (True), SEARCH_WORKERS (2 processes for big builds),
SEARCH_BROTLI_QUALITY (10), SEARCH_LEAD_WORDS (24), SEARCH_OUTPUT_DIR ("tim-kiem").
"""

from __future__ import annotations

import html
import logging
import re
import time
from pathlib import Path

from pelican import signals

from . import builder, store

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent.parent
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
MANIFEST = "chi-muc.json"
_BLOCK_RE = re.compile(r"<(?:br|/?p|/li|/div|/h[1-6]|/td)\b[^>]*>", re.I)  # words on both sides
_TAG_RE = re.compile(r"<[^>]+>")

_pending: dict = {}


def plain(text) -> str:
    """HTML (Pelican's rendered summary) -> plain text."""
    text = _TAG_RE.sub("", _BLOCK_RE.sub(" ", str(text or "")))
    return " ".join(html.unescape(text).split())


def article_doc(article) -> dict:
    lead = article.metadata.get("summary") or getattr(article, "summary", "") or ""
    return {
        "title": " ".join(str(article.title).split()),  # text (templates autoescape it)
        "url": article.url,
        "date": article.date,
        "category": article.category.name if getattr(article, "category", None) else "",
        "tags": [t.name for t in getattr(article, "tags", []) or []],
        "lead": plain(lead),
    }


def collect(generators):
    docs = []
    for gen in generators:
        if type(gen).__name__ == "ArticlesGenerator":
            docs += [article_doc(a) for a in gen.articles]
    _pending["docs"] = docs


def write(pelican):
    t0 = time.perf_counter()
    settings = pelican.settings
    docs = _pending.pop("docs", [])
    out = Path(pelican.output_path) / settings.get("SEARCH_OUTPUT_DIR", "tim-kiem")
    if not LUNR_JS.exists():
        raise RuntimeError(f"{LUNR_JS} không tồn tại: chạy `make setup` (npm install) để cài lunr.js cho tìm kiếm.")
    # Parts whose inputs did not change come from here (a warm rebuild redoes one year).
    cache = Path(settings["CACHE_PATH"]) / "search_index" if settings.get("SEARCH_CACHE", True) else None
    lunr_js = LUNR_JS.read_bytes()
    lunr_name = f"lunr-2.3.9.{builder.content_hash(lunr_js)}.min.js"
    manifest, stats = store.publish(
        docs, out, lead_words=settings.get("SEARCH_LEAD_WORDS", builder.LEAD_WORDS), cache_dir=cache,
        workers=settings.get("SEARCH_WORKERS", 2),
        quality=settings.get("SEARCH_BROTLI_QUALITY", store.BROTLI_QUALITY), static={lunr_name: lunr_js})
    manifest["lunr"] = lunr_name
    data = builder.dumps(manifest)
    store.write_twins(out, MANIFEST, store.twins(data, store.STATIC_BROTLI_QUALITY))
    log.info("search_index: %d articles, %d years -> %s (%d parts built, %d from cache) in %.2f s", len(docs),
             len(manifest["years"]), out, len(stats["built"]), len(stats["reused"]), time.perf_counter() - t0)


def register():
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write)
