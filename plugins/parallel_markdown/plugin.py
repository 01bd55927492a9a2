"""Pelican glue for parallel_markdown (see the package docstring)."""

from __future__ import annotations

import logging
import os

import yaml
from pelican import signals
from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE

from plugins.content_contract.plugin import NewsReader

from .config import Config
from .render import Loader, Prerender

log = logging.getLogger(__name__)


class _State:
    prerender: Prerender | None = None
    started: set = set()


S = _State()


class _MarkdownProxy:
    """Stands in for the reader's Markdown object: HTML rendered ahead, else render here."""

    def __init__(self, md):
        self._md = md
        self.Meta = {}

    def reset(self):
        return self

    def convert(self, text: str) -> str:
        html = S.prerender.take(text) if S.prerender is not None else None
        return html if html is not None else self._md.reset().convert(text)


class ParallelNewsReader(NewsReader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._md = _MarkdownProxy(self._md)

    def _load_yaml_metadata(self, text, source_path):
        # yaml_metadata's method with libyaml; same errors, same results.
        try:
            metadata = yaml.load(text, Loader=Loader)
        except Exception:  # noqa: BLE001 (as upstream)
            log.error("Error parsing YAML for file '%s", source_path, exc_info=True)
            return {}
        if not isinstance(metadata, dict):
            log.error("YAML header didn't parse as a dict for file '%s'", source_path)
            return {}
        return self._parse_yaml_metadata(metadata, source_path)


def add_reader(readers):
    for ext in ParallelNewsReader.file_extensions:
        if readers.reader_classes.get(ext) is NewsReader:
            readers.reader_classes[ext] = ParallelNewsReader


def start(generator, paths_setting="ARTICLE_PATHS", excludes_setting="ARTICLE_EXCLUDES", paths=None,
          excludes=None):
    """First read of a generator: render ahead every file the reader cache lacks.
    ``paths``/``excludes``: the folders themselves, for a generator whose folders are a
    plugin's settings (plugins.documents)."""
    if id(generator) in S.started:
        return
    S.started.add(id(generator))
    settings = generator.settings
    cfg = Config.from_settings(settings)
    if cfg.workers < 2:
        return
    exts = tuple("." + e for e in ParallelNewsReader.file_extensions)
    folders = settings[paths_setting] if paths is None else paths
    excludes = settings[excludes_setting] if excludes is None else excludes
    paths = []
    # Not sorted: the generator reads files in the iteration order of the same set
    # (get_files builds it identically), so results arrive just as the reader needs
    # them and reading overlaps rendering. Sorted, the first reads waited for almost
    # the whole pool (measured: ~1,900 of 2,000 results buffered before reading resumed).
    for f in generator.get_files(folders, exclude=excludes):
        path = os.path.abspath(os.path.join(generator.path, f))
        if not path.endswith(exts):
            continue
        if generator.readers.get_cached_data(path, None) is not None:
            continue  # the reader cache has it: nothing to render
        paths.append(path)
    if len(paths) >= cfg.min_files:
        S.prerender = Prerender(paths, settings["MARKDOWN"], settings["FORMATTED_FIELDS"], HEADER_RE,
                                cfg.workers)


def finish(generator):
    p = S.prerender
    if p is not None:
        log.debug("parallel_markdown: %d rendered ahead, %d in-process", p.hits, p.misses)
        p.close()
    S.prerender = None
    S.started.discard(id(generator))


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.readers_init.connect(add_reader)
    signals.article_generator_preread.connect(start)
    signals.article_generator_finalized.connect(finish)
