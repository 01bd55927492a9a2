"""Pelican glue for web_editor (see the package docstring)."""

from __future__ import annotations

import logging
import os

from pelican import signals

from plugins.fileutil import atomic_write, link_or_copy

from .cms_config import config_yaml, index_html
from .config import Config

log = logging.getLogger(__name__)
BUNDLE = "decap-cms.js"


def _bundle_files(folder: str) -> list[str]:
    """The main bundle, its lazily loaded chunks and wasm files (no source maps)."""
    return sorted(n for n in os.listdir(folder)
                  if n.endswith(("." + BUNDLE, ".wasm")) or n == BUNDLE)


def write_editor(pelican) -> None:
    settings = pelican.settings
    cfg = Config.from_settings(settings)
    if not cfg.enabled:
        return
    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = cfg.bundle_dir if os.path.isabs(cfg.bundle_dir) else os.path.join(project, cfg.bundle_dir)
    if not os.path.isfile(os.path.join(src, BUNDLE)):
        log.warning("web_editor: %s not found (run `make setup`); /%s/ not written", BUNDLE, cfg.path)
        return
    out = os.path.join(pelican.output_path, cfg.path)
    for name in _bundle_files(src):
        link_or_copy(os.path.join(src, name), os.path.join(out, name))
    atomic_write(os.path.join(out, "config.yml"), config_yaml(settings, cfg).encode("utf-8"))
    atomic_write(os.path.join(out, "index.html"), index_html(settings, BUNDLE).encode("utf-8"))


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.finalized.connect(write_editor)
