"""Pelican glue for the content contract.

- Every build validates all content first (at ``initialized``, and again at the start of
  every later run of an autoreloading ``pelican -r``) and stops with every problem listed
  as ``path:line: problem — how to fix`` (see rules.py). Per-file results are cached in
  CACHE_PATH/content_contract/ (cache.py; CONTENT_CONTRACT_CACHE = False turns it off):
  a warm build parses only edited files, and checks that span files run every time.
  When many files must be parsed (a cold cache) and a core is idle, they are parsed in a
  fork pool (CONTENT_CONTRACT_WORKERS: "auto", or a number; from
  CONTENT_CONTRACT_MIN_PARALLEL = 256 files).
- The Markdown reader (pelican-yaml-metadata) is extended so that slugs come from
  the shared Vietnamese module and category/tag names are tone-normalised.
"""

from __future__ import annotations

import fnmatch
import importlib
import logging
import os
import sys

from pelican import signals
from pelican.contents import Category, Tag
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

from plugins import vietnamese

from . import cache, frontmatter, rules
from .frontmatter import Problem

log = logging.getLogger(__name__)


class ContentError(Exception):
    """Raised when content breaks the contract; the problems were printed already."""

    exitcode = 1


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def iter_markdown(root: str, ignore: list[str]):
    if not os.path.isdir(root):
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not any(fnmatch.fnmatch(d, p) for p in ignore))
        for name in sorted(filenames):
            if name.endswith(".md") and not any(fnmatch.fnmatch(name, p) for p in ignore):
                yield os.path.join(dirpath, name)


def category_names(settings) -> list[str]:
    return [vietnamese.normalize(c["name"]) for c in settings.get("PORTAL_CATEGORIES", [])]


def _sources(content_root: str, subdirs: list[str], ignore: list[str]):
    for sub in subdirs:
        yield from iter_markdown(os.path.join(content_root, sub), ignore)


def _article(categories: list[str]):
    def compute(path: str, data: bytes) -> rules.FileCheck:
        fc = rules.article_file(frontmatter.parse_bytes(data, display_path(path), path), categories)
        fc.src.body = ""  # scanned; the cache keeps the header only
        return fc
    return compute


def _page(path: str, data: bytes) -> rules.FileCheck:
    fc = rules.page_file(frontmatter.parse_bytes(data, display_path(path), path))
    fc.src.body = ""
    return fc


def pool_workers(settings) -> int:
    """CONTENT_CONTRACT_WORKERS, or with "auto" (the default) 2 when a core is idle, else 1.
    The pool costs ~40% more CPU (results are pickled back): measured at load 7 on 2 cores
    it was 1.4x slower than parsing in-process; it only pays when another core is free."""
    workers = settings.get("CONTENT_CONTRACT_WORKERS", "auto")
    if workers != "auto":
        return int(workers)
    try:
        load = os.getloadavg()[0]
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not available on this system
        return 1
    return 2 if cpus - load >= 1 else 1


def check_site(settings, stats: dict | None = None) -> list[Problem]:
    """All problems in the site's content, sorted; empty when it may be built.
    stats, if given, receives the cache's hits and misses, whether it was written, and how
    many files the pool parsed."""
    root = settings["PATH"]
    ignore = settings.get("IGNORE_FILES", [])
    categories = category_names(settings)
    store = cache.open_cache(settings, "validation", categories)
    computes = {"article": _article(categories), "page": _page}
    keys = [("article", p) for p in _sources(root, settings.get("ARTICLE_PATHS", ["articles"]), ignore)]
    keys += [("page", p) for p in _sources(root, settings.get("PAGE_PATHS", ["pages"]), ignore)]
    pooled = store.prefetch(keys, lambda kind, path, data: computes[kind](path, data),
                            pool_workers(settings), int(settings.get("CONTENT_CONTRACT_MIN_PARALLEL", 256)))
    checked = {"article": [], "page": []}
    for kind, path in keys:
        compute = computes[kind]
        checked[kind].append(store.get(path, kind, lambda data, path=path, compute=compute: compute(path, data)))
    problems = rules.finish_articles(checked["article"], root) + rules.finish_pages(checked["page"], root)
    saved = store.save()
    if stats is not None:
        stats.update(hits=store.hits, misses=store.misses, saved=saved, pooled=pooled)
    log.debug("content_contract: %d files from the cache, %d checked (%d in the pool)",
              store.hits, store.misses, pooled)
    # Other content types (documents, ...) add their checks by dotted name.
    for dotted in settings.get("CONTENT_CHECKS", []):
        module, _, func = dotted.partition(":")
        problems += getattr(importlib.import_module(module), func)(settings)
    return sorted(problems, key=lambda p: (p.path, p.line, p.message))


def report(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for p in problems:
        stream.write(f"{p}\n")
    stream.write(f"{len(problems)} lỗi nội dung. Sửa các lỗi trên rồi chạy lại.\n")


def _validate(settings) -> None:
    problems = check_site(settings)
    if problems:
        report(problems)
        raise ContentError(f"{len(problems)} content problem(s); see the list above")


def validate_or_stop(pelican) -> None:
    _validate(pelican.settings)
    pelican._content_contract_checked = True  # the first run need not check again


def validate_run(pelican):
    """Every run after the first (`pelican -r`, i.e. `invoke regenerate`, reuses one Pelican
    object, so `initialized` fires once): validate again; the cache keeps it cheap."""
    if getattr(pelican, "_content_contract_checked", False):
        pelican._content_contract_checked = False
    else:
        _validate(pelican.settings)
    return None  # no generator


# Normalising every category and tag occurrence again was the reader's biggest own cost.
_names = rules.normalize_name


class NewsReader(YAMLMetadataReader):
    """pelican-yaml-metadata's reader with the portal's slugs and names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._portal_categories = {}
        for conf in self.settings.get("PORTAL_CATEGORIES", []):
            self._portal_categories[_names(conf["name"])] = conf  # the last match wins, as before

    def read(self, source_path):
        content, meta = super().read(source_path)
        if "title" in meta and "slug" not in meta:
            meta["slug"] = vietnamese.slugify(str(meta["title"]))
        category = meta.get("category")
        if category is not None:
            meta["category"] = self._category(category.name)
        if "tags" in meta:
            meta["tags"] = [Tag(_names(t.name), self.settings) for t in meta["tags"]]
        return content, meta

    def _category(self, name: str) -> Category:
        name = _names(name)
        cat = Category(name, self.settings)
        conf = self._portal_categories.get(name)
        if conf is not None:
            cat.slug = conf["slug"]  # set before the object is ever hashed
        return cat


def add_reader(readers):
    for ext in NewsReader.file_extensions:
        readers.reader_classes[ext] = NewsReader


def register():
    signals.initialized.connect(validate_or_stop)
    signals.get_generators.connect(validate_run)
    signals.readers_init.connect(add_reader)
