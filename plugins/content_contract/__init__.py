"""Pelican glue for the content contract.

- Every build validates all content first and stops with every problem listed
  as ``path:line: problem — how to fix`` (see rules.py).
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

from . import frontmatter, rules
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


def load_sources(content_root: str, subdirs: list[str], ignore: list[str]) -> list[frontmatter.SourceFile]:
    out = []
    for sub in subdirs:
        for path in iter_markdown(os.path.join(content_root, sub), ignore):
            with open(path, encoding="utf-8") as fh:
                out.append(frontmatter.parse(fh.read(), display_path(path), path))
    return out


def category_names(settings) -> list[str]:
    return [vietnamese.normalize(c["name"]) for c in settings.get("PORTAL_CATEGORIES", [])]


def check_site(settings) -> list[Problem]:
    """All problems in the site's content, sorted; empty when it may be built."""
    root = settings["PATH"]
    ignore = settings.get("IGNORE_FILES", [])
    articles = load_sources(root, settings.get("ARTICLE_PATHS", ["articles"]), ignore)
    pages = load_sources(root, settings.get("PAGE_PATHS", ["pages"]), ignore)
    problems = rules.check_articles(articles, category_names(settings), root)
    problems += rules.check_pages(pages, root)
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


def validate_or_stop(pelican) -> None:
    problems = check_site(pelican.settings)
    if problems:
        report(problems)
        raise ContentError(f"{len(problems)} content problem(s); see the list above")


class NewsReader(YAMLMetadataReader):
    """pelican-yaml-metadata's reader with the portal's slugs and names."""

    def read(self, source_path):
        content, meta = super().read(source_path)
        if "title" in meta and "slug" not in meta:
            meta["slug"] = vietnamese.slugify(str(meta["title"]))
        category = meta.get("category")
        if category is not None:
            meta["category"] = self._category(category.name)
        if "tags" in meta:
            meta["tags"] = [Tag(vietnamese.normalize(t.name), self.settings) for t in meta["tags"]]
        return content, meta

    def _category(self, name: str) -> Category:
        name = vietnamese.normalize(name)
        cat = Category(name, self.settings)
        for conf in self.settings.get("PORTAL_CATEGORIES", []):
            if vietnamese.normalize(conf["name"]) == name:
                cat.slug = conf["slug"]  # set before the object is ever hashed
        return cat


def add_reader(readers):
    for ext in NewsReader.file_extensions:
        readers.reader_classes[ext] = NewsReader


def register():
    signals.initialized.connect(validate_or_stop)
    signals.readers_init.connect(add_reader)
