"""Validation of the whole site's content: every problem at once. Pure: no Pelican.

``check_site(settings)`` parses every article and page (front-matter with line numbers,
frontmatter.py), applies the rules (rules.py) with a per-file cache (cache.py), runs the
checks that span files, then each ``CONTENT_CHECKS`` entry of other content types.
"""

from __future__ import annotations

import fnmatch
import importlib
import logging
import os
import sys

from plugins.categories import category_names

from . import cache, frontmatter, rules
from .config import Config
from .frontmatter import Problem

log = logging.getLogger(__name__)


class ContentError(Exception):
    """Raised when content breaks the contract; the problems were printed already."""

    exitcode = 1


class ContentStop(SystemExit):
    """Content problems at start-up: end the program with exit status 1 and no traceback (Pelican
    logs any Exception from a build with its traceback; editors must see only the list)."""

    def __init__(self, message: str):
        SystemExit.__init__(self, 1)
        self.message = message

    def __str__(self) -> str:
        return self.message


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


def check_site(settings, stats: dict | None = None) -> list[Problem]:
    """All problems in the site's content, sorted; empty when it may be built.
    stats, if given, receives the cache's hits and misses, whether it was written, and how
    many files the pool parsed."""
    cfg = Config.from_settings(settings)
    root = settings["PATH"]
    ignore = settings.get("IGNORE_FILES", [])
    categories = category_names(settings)
    store = cache.open_cache(settings, "validation", categories)
    computes = {"article": _article(categories), "page": _page}
    keys = [("article", p) for p in _sources(root, settings.get("ARTICLE_PATHS", ["articles"]), ignore)]
    keys += [("page", p) for p in _sources(root, settings.get("PAGE_PATHS", ["pages"]), ignore)]
    pooled = store.prefetch(keys, lambda kind, path, data: computes[kind](path, data),
                            cfg.workers, cfg.min_parallel)
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
    for dotted in cfg.checks:
        module, _, func = dotted.partition(":")
        problems += getattr(importlib.import_module(module), func)(settings)
    return sorted(problems, key=lambda p: (p.path, p.line, p.message))


def check_articles_alone(settings, paths: list[str]) -> list[Problem]:
    """The problems of these article files by themselves (their own fields and links), not the
    ones that span the site (slug collisions, `related`): a quick answer for the preview
    (plugins.live_preview), whose full build then runs ``check_site``."""
    compute = _article(category_names(settings))
    out: list[Problem] = []
    for path in paths:
        with open(path, "rb") as fh:
            fc = compute(path, fh.read())
        out.extend(fc.problems)
        rules.check_refs(fc, settings["PATH"], out)
    return out


def report(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for p in problems:
        stream.write(f"{p}\n")
    stream.write(f"{len(problems)} lỗi nội dung. Sửa các lỗi trên rồi chạy lại.\n")


def stopped_message(count: int) -> str:
    return f"{count} lỗi nội dung; trang chưa được dựng lại"




def existing_article(settings, title: str, slug: str) -> str:
    """'path:line (…)' of an article that already has this title or slug ('' when none):
    `invoke new` must not create a second file for one story or one URL."""
    from plugins import vietnamese

    wanted = vietnamese.normalize(title.strip()).casefold()
    ignore = settings.get("IGNORE_FILES", [])
    for path in _sources(settings["PATH"], settings.get("ARTICLE_PATHS", ["articles"]), ignore):
        with open(path, "rb") as fh:
            src = frontmatter.parse_bytes(fh.read(), display_path(path), path)
        if not src.meta:
            continue
        other = vietnamese.normalize(str(src.meta.get("title") or "").strip()).casefold()
        if other == wanted:
            return f"{src.path}:{src.line_of('title')} cùng tiêu đề"
        if rules.slug_of(src) == slug:
            return f"{src.path}:{src.line_of('title')} cùng đường dẫn (slug '{slug}')"
    return ""
