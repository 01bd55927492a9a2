"""The front-matter of every văn bản file, with line numbers, for validation.

Pure: no Pelican. The build reads the same files through Pelican's readers (plugin.py);
validation reads them here, as the content contract reads articles, so that every problem
has its line.
"""

from __future__ import annotations

import fnmatch
import os

from plugins import vietnamese
from plugins.content_contract import frontmatter

from .fields import to_attributes
from .model import Entry


def slug_of(src: frontmatter.SourceFile) -> str:
    """The ``slug:`` given, else the file name slugified (the URL is /van-ban/{slug}.html)."""
    explicit = src.meta.get("slug")
    if explicit:
        return str(explicit).strip()
    return vietnamese.slugify(os.path.splitext(os.path.basename(src.abs_path or src.path))[0])


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def load_sources(folder: str, ignore: list[str] | None = None,
                 skip: list[str] | None = None, store=None) -> list[frontmatter.SourceFile]:
    """Every .md under folder (sorted), except the subfolders in skip (absolute).
    store: a content_contract.cache.FileCache, so only changed files are parsed."""
    ignore = ignore or []
    skip = {os.path.abspath(s) for s in (skip or [])}
    out = []
    if not os.path.isdir(folder):
        return out
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(
            d for d in dirnames
            if not any(fnmatch.fnmatch(d, p) for p in ignore)
            and os.path.abspath(os.path.join(dirpath, d)) not in skip
        )
        for name in sorted(filenames):
            if name.endswith(".md") and not any(fnmatch.fnmatch(name, p) for p in ignore):
                out.append(_read(os.path.join(dirpath, name), store))
    return out


# Validation (at `initialized`) and the generator (for explicit slugs) read the same files
# in one process: parse each once. Keyed by mtime and size, so `invoke regenerate` sees edits.
_PARSED: dict[str, tuple[tuple, frontmatter.SourceFile]] = {}


def _read(path: str, store=None) -> frontmatter.SourceFile:
    st = os.stat(path)
    stamp = (st.st_mtime_ns, st.st_size, os.path.relpath(path))
    hit = _PARSED.get(path)
    if store is not None:  # the cache must see every file, or it would drop the unseen ones
        src = store.get(path, "document",
                        lambda data: frontmatter.parse_bytes(data, display_path(path), path))
    elif hit is not None and hit[0] == stamp:
        return hit[1]
    else:
        with open(path, encoding="utf-8") as fh:
            src = frontmatter.parse(fh.read(), display_path(path), path)
    _PARSED[path] = (stamp, src)
    return src


def from_source(src: frontmatter.SourceFile, files_dir: str, files_url: str,
                url_pattern: str = "van-ban/{slug}.html") -> Entry:
    """A register entry from a source that passed validation, without Pelican (demo tools,
    benchmarks); the build reads the same files as plugin.Document."""
    return Entry(slug_of(src), url_pattern, src.path, src.body.strip(),
                 **to_attributes(src.meta, files_dir, files_url))
