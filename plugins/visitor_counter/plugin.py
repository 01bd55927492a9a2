"""Pelican glue for visitor_counter (see the package docstring)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from pelican import signals

from . import manifest
from .config import Config

log = logging.getLogger(__name__)

_state: dict = {}


def _init(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["counter_path"] = manifest.path_for
    generator.context["COUNTER_SITE_PATH"] = urlsplit(generator.settings.get("SITEURL", "")).path.rstrip("/")


def _collect(generators):
    items = []
    context = None
    for g in generators:
        context = g.context
        for a in getattr(g, "articles", []) + getattr(g, "translations", []):
            items.append((a.url, "article", a.title))
        for p in getattr(g, "pages", []) + getattr(g, "hidden_pages", []):
            items.append((p.url, "page", p.title))
    _state["items"] = items
    _state["context"] = context
    settings = generators[0].settings if generators else {}
    # Drafts are not published: their folder (DRAFT_SAVE_AS) is never counted.
    _state["skip"] = tuple({s.split("/", 1)[0] for s in (settings.get("DRAFT_SAVE_AS", ""),
                            settings.get("DRAFT_PAGE_SAVE_AS", ""), settings.get("THEME_STATIC_DIR", "theme"))
                            if "/" in s or s == settings.get("THEME_STATIC_DIR")})


def _write(pelican):
    context = _state.pop("context", None) or {}
    data = manifest.build(_state.pop("items", []), list(context.get("counter_extra_paths", [])),
                          manifest.html_paths(pelican.output_path, _state.pop("skip", ())))
    path = manifest.write(data, pelican.output_path)
    log.info("counter manifest: %d paths -> %s", len(data["paths"]), path)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.generator_init.connect(_init)
    signals.all_generators_finalized.connect(_collect)
    signals.finalized.connect(_write)
