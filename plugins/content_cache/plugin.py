"""Pelican glue for content_cache (see the package docstring)."""

from __future__ import annotations

import logging
import os

import markdown
import pelican
import yaml
from pelican import signals

from plugins.fileutil import atomic_write

from .key import reader_key

log = logging.getLogger(__name__)
PLUGINS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY_FILE = "content_cache.key"


def check(instance) -> None:
    settings = instance.settings
    if not (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")):
        return
    cache_dir = settings["CACHE_PATH"]
    key = reader_key(settings, [PLUGINS_DIR], (pelican.__version__, markdown.__version__, yaml.__version__))
    path = os.path.join(cache_dir, KEY_FILE)
    try:
        with open(path, encoding="ascii") as fh:
            old = fh.read().strip()
    except OSError:
        old = ""
    if old == key:
        return
    dropped = 0
    if os.path.isdir(cache_dir):
        for name in os.listdir(cache_dir):
            # Pelican's cache files: "<Generator>-Readers" (reader layer), "<Generator>" (generator layer)
            if name.endswith("Generator-Readers") or name.endswith("Generator"):
                os.remove(os.path.join(cache_dir, name))
                dropped += 1
    if old:
        log.info("content_cache: readers or their settings changed, %d cache files dropped", dropped)
    if settings.get("CACHE_CONTENT"):
        atomic_write(path, key.encode("ascii"))


def register():
    signals.initialized.connect(check)
