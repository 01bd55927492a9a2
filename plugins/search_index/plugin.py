"""Pelican glue for search_index (see the package docstring)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican import signals

from plugins.markup import html_to_text

from . import builder, store
from .config import Config

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent.parent
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"
MANIFEST = "chi-muc.json"

_pending: dict = {}


def article_doc(article) -> dict:
    lead = article.metadata.get("summary") or getattr(article, "summary", "") or ""
    return {
        "title": " ".join(str(article.title).split()),  # text (templates autoescape it)
        "url": article.url,
        "date": article.date,
        "category": article.category.name if getattr(article, "category", None) else "",
        "tags": [t.name for t in getattr(article, "tags", []) or []],
        "lead": html_to_text(lead),
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
    cfg = Config.from_settings(settings)
    out = Path(pelican.output_path) / cfg.output_dir
    if not LUNR_JS.exists():
        raise RuntimeError(f"{LUNR_JS} không tồn tại: chạy `make setup` (npm install) để cài lunr.js cho tìm kiếm.")
    # Parts whose inputs did not change come from here (a warm rebuild redoes one year).
    cache = Path(settings["CACHE_PATH"]) / "search_index" if cfg.cache else None
    lunr_js = LUNR_JS.read_bytes()
    lunr_name = f"lunr-2.3.9.{builder.content_hash(lunr_js)}.min.js"
    manifest, stats = store.publish(
        docs, out, lead_words=cfg.lead_words, cache_dir=cache, workers=cfg.workers,
        quality=cfg.brotli_quality, static={lunr_name: lunr_js})
    manifest["lunr"] = lunr_name
    data = builder.dumps(manifest)
    store.write_twins(out, MANIFEST, store.twins(data, store.STATIC_BROTLI_QUALITY))
    log.info("search_index: %d articles, %d years -> %s (%d parts built, %d from cache) in %.2f s", len(docs),
             len(manifest["years"]), out, len(stats["built"]), len(stats["reused"]), time.perf_counter() - t0)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write)
