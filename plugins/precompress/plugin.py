"""Pelican glue for precompress (see the package docstring)."""

from __future__ import annotations

import logging
import os

from pelican import signals

from plugins import pool

from .compress import candidates, compress_file
from .config import Config

log = logging.getLogger(__name__)


def _job(args):
    return compress_file(*args)


def precompress(pelican) -> None:
    settings = pelican.settings
    cfg = Config.from_settings(settings)
    if not cfg.enabled:
        return
    cache_dir = os.path.join(settings["CACHE_PATH"], "precompress")
    jobs = [(p, gz, br, cache_dir, cfg.brotli_quality, cfg.brotli_quality_pages)
            for p, gz, br in candidates(pelican.output_path, tuple(cfg.extensions))]
    workers = cfg.workers if len(jobs) > cfg.min_parallel else 1
    fresh = sum(pool.fork_map(_job, jobs, workers, chunk=32, label=lambda j: j[0]))
    log.info("precompress: %d files, %d compressed now, the rest from cache", len(jobs), fresh)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.finalized.connect(precompress)
