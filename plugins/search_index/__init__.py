"""Pelican glue: write lunr search shards (one per year) to ``tim-kiem/``.

Collects articles when all generators are done and writes, at ``finalized``,
content-hashed shard files with .gz/.br twins, lunr.js from node_modules (served
by the site, no CDN) and ``chi-muc.json``, the manifest search.js starts from.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from pelican import signals

from . import builder

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
    settings = pelican.settings
    docs = _pending.pop("docs", [])
    out = Path(pelican.output_path) / settings.get("SEARCH_OUTPUT_DIR", "tim-kiem")
    if not LUNR_JS.exists():
        raise RuntimeError(f"{LUNR_JS} không tồn tại: chạy `make setup` (npm install) để cài lunr.js cho tìm kiếm.")
    cache = Path(settings["CACHE_PATH"]) / "search_index" if settings.get("SEARCH_CACHE", True) else None
    workers = settings.get("SEARCH_WORKERS", 2) if len(docs) > 3000 else 1  # a pool costs more on small sites
    manifest, files = builder.build_shards(
        docs, settings.get("SEARCH_LEAD_WORDS", builder.LEAD_WORDS), cache_dir=cache, workers=workers)
    lunr_js = LUNR_JS.read_bytes()
    lunr_name = f"lunr-2.3.9.{builder.content_hash(lunr_js)}.min.js"
    files[lunr_name] = lunr_js
    manifest["lunr"] = lunr_name
    files[MANIFEST] = builder.dumps(manifest)
    builder.write_files(out, files)
    log.info("search_index: %d articles, %d years -> %s", len(docs), len(manifest["years"]), out)


def register():
    signals.all_generators_finalized.connect(collect)
    signals.finalized.connect(write)
