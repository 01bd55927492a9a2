"""Render articles' Markdown on all cores, behind Pelican's reader cache.

Pelican reads articles one by one in one process; Markdown is the biggest part of
reading. When the article generator reads its first file, this plugin starts a
fork-based process pool (PARALLEL_MARKDOWN_WORKERS, default 2) that renders the
body and formatted fields (summary) of every article the reader cache does not
already hold. The reader (content_contract's ``NewsReader``, subclassed here so its
slugs and category/tag names are unchanged) takes a file's HTML from the pool
instead of rendering it itself; anything the pool lacks is rendered in-process as
before. The reader also parses the YAML header with libyaml's C loader (same
results as ``yaml.safe_load``, several times faster).

Listed after ``plugins.content_contract`` in PLUGINS.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import yaml
from pelican import signals
from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE

from plugins.content_contract import NewsReader

log = logging.getLogger(__name__)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_FILES = 64  # below this, forking costs more than it saves


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _md_settings(settings) -> dict:
    md = copy.deepcopy(settings["MARKDOWN"])
    # as MarkdownReader.__init__ completes it, then yaml_metadata drops "meta"
    md.setdefault("extension_configs", {})
    md.setdefault("extensions", [])
    md["extensions"] += [e for e in md["extension_configs"] if e not in md["extensions"]]
    try:
        md["extensions"].remove("markdown.extensions.meta")
    except (KeyError, ValueError):
        pass
    return md


def _formatted_texts(meta: dict, settings) -> list[str]:
    """The texts yaml_metadata renders as Markdown, exactly as it builds them."""
    out = []
    for name, value in meta.items():
        if value is None or str(name).lower() not in settings["FORMATTED_FIELDS"]:
            continue
        if isinstance(value, list):
            out.append("\n".join(x for x in value if x is not None))
        else:
            out.append(str(value))
    return out


# --- worker side (forked: inherits settings and imported extensions) -----------
_W: dict = {}


def _render(path: str):
    try:
        md = _W.get("md")
        if md is None:
            from markdown import Markdown

            md = _W["md"] = Markdown(**_md_settings(_W["settings"]))
        with open(path, encoding="utf-8-sig") as fh:  # as pelican_open reads
            m = HEADER_RE.fullmatch(fh.read())
        if not m:
            return path, []
        meta = yaml.load(m.group("metadata"), Loader=Loader)
        texts = [m.group("content")]
        if isinstance(meta, dict):
            texts += _formatted_texts(meta, _W["settings"])
        return path, [(_key(t), md.reset().convert(t)) for t in texts]
    except Exception:  # the reader will render (and report) it in-process
        return path, []


# --- main process --------------------------------------------------------------
class _Pool:
    def __init__(self):
        self.executor = None
        self.results = None
        self.html: dict[bytes, str] = {}
        self.pending = 0
        self.hits = self.misses = 0

    def start(self, settings, paths: list[str], workers: int) -> None:
        _W.clear()
        _W["settings"] = settings
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        self.results = self.executor.map(_render, paths, chunksize=16)
        self.pending = len(paths)

    def take(self, text: str) -> str | None:
        if self.executor is None and not self.html:
            return None
        k = _key(text)
        while k not in self.html and self.pending:
            _, pairs = next(self.results)
            self.pending -= 1
            self.html.update(pairs)
        html = self.html.pop(k, None)
        if html is None:
            self.misses += 1
        else:
            self.hits += 1
        if not self.pending:
            self.stop()
        return html

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
            self.results = None
            self.pending = 0


POOL = _Pool()


class _MarkdownProxy:
    """Stands in for the reader's Markdown object: pool result first, else render here."""

    def __init__(self, md):
        self._md = md
        self.Meta = {}

    def reset(self):
        return self

    def convert(self, text: str) -> str:
        html = POOL.take(text)
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


_started: set = set()


def start_pool(generator):
    """First article read: render every uncached article in the pool."""
    if id(generator) in _started:
        return
    _started.add(id(generator))
    settings = generator.settings
    workers = int(settings.get("PARALLEL_MARKDOWN_WORKERS", 2))
    if workers < 2:
        return
    exts = tuple("." + e for e in ParallelNewsReader.file_extensions)
    paths = []
    # Not sorted: the generator reads files in the iteration order of the same set
    # (get_files builds it identically), so results arrive just as the reader needs
    # them and reading overlaps rendering. Sorted, the first reads waited for almost
    # the whole pool (measured: ~1,900 of 2,000 results buffered before reading resumed).
    for f in generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]):
        path = os.path.abspath(os.path.join(generator.path, f))
        if not path.endswith(exts):
            continue
        if generator.readers.get_cached_data(path, None) is not None:
            continue  # the reader cache has it: nothing to render
        paths.append(path)
    if len(paths) >= int(settings.get("PARALLEL_MARKDOWN_MIN_FILES", MIN_FILES)):
        POOL.start(settings, paths, workers)


def finish(generator):
    if POOL.hits or POOL.misses:
        log.debug("parallel_markdown: %d from the pool, %d rendered in-process", POOL.hits, POOL.misses)
    POOL.stop()
    POOL.html.clear()
    POOL.hits = POOL.misses = 0
    _started.discard(id(generator))


def register():
    signals.readers_init.connect(add_reader)
    signals.article_generator_preread.connect(start_pool)
    signals.article_generator_finalized.connect(finish)
