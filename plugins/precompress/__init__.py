"""Precompress the output (publish build): `.gz` and `.br` next to HTML, CSS, JS, JSON, XML.

Enabled in publishconf.py (PRECOMPRESS = True). Runs last at ``finalized`` so that
sitemaps and search indexes written by other plugins are included; files that
already have fresh `.gz`/`.br` siblings are skipped. Compressed blobs are cached by
content hash under CACHE_PATH/precompress.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor

from pelican import signals

from .compress import EXTENSIONS, candidates, compress_file

log = logging.getLogger(__name__)


def _job(args):
    return compress_file(*args)


def precompress(pelican) -> None:
    settings = pelican.settings
    if not settings.get("PRECOMPRESS", False):
        return
    cache_dir = os.path.join(settings["CACHE_PATH"], "precompress")
    quality = int(settings.get("PRECOMPRESS_BROTLI_QUALITY", 11))
    page_quality = int(settings.get("PRECOMPRESS_BROTLI_QUALITY_PAGES", 9))
    exts = tuple(settings.get("PRECOMPRESS_EXTENSIONS", EXTENSIONS))
    jobs = [(p, gz, br, cache_dir, quality, page_quality)
            for p, gz, br in candidates(pelican.output_path, exts)]
    workers = int(settings.get("PRECOMPRESS_WORKERS", 2))
    if workers > 1 and len(jobs) > 50:
        with ProcessPoolExecutor(workers) as pool:
            fresh = sum(pool.map(_job, jobs, chunksize=32))
    else:
        fresh = sum(_job(j) for j in jobs)
    log.info("precompress: %d files, %d compressed now, the rest from cache", len(jobs), fresh)


def register():
    signals.finalized.connect(precompress)
