"""The counter manifest: which published paths the counter service may count. Pure.

Paths are site-relative ("/" + Pelican url, without SITEURL's path), the form the
widget sends and the documents plugin uses for its `counter_extra_paths`.
"""

from __future__ import annotations

import json
import os

from counter_service.contract import MANIFEST_FILE
from counter_service.contract import MANIFEST_VERSION as VERSION
from counter_service.contract import canonical_path as path_for
from plugins.fileutil import atomic_write

__all__ = ["VERSION", "path_for", "html_paths", "build", "write"]


def html_paths(output_dir: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Every HTML page the build wrote (home, categories, tags, archives...): a visit
    may start on any of them. `skip`: top-level folders not to count (drafts, theme)."""
    found = []
    skip = {"theme", "counter", *skip}
    for root, dirs, files in os.walk(output_dir):
        top = root == output_dir
        dirs[:] = sorted(d for d in dirs if not (top and d in skip))
        for f in sorted(files):
            if f.endswith(".html"):
                rel = os.path.relpath(os.path.join(root, f), output_dir).replace(os.sep, "/")
                found.append(path_for(rel))
    return found


def _extra_kind(path: str) -> str:
    return "document" if path.endswith((".html", "/")) else "attachment"


def build(items: list[tuple[str, str, str]], extra: list, html: list[str]) -> dict:
    """items: (url, kind, title) for articles and pages; extra: paths other plugins add,
    strings or {"path", "kind", "title"} dicts; html: every HTML page written."""
    paths: dict[str, dict] = {}
    for p in html:
        paths[p] = {"kind": "index"}
    for e in extra:
        if isinstance(e, str):
            e = {"path": e}
        p = path_for(e["path"])
        paths[p] = {"kind": e.get("kind") or _extra_kind(p)}
        if e.get("title"):
            paths[p]["title"] = e["title"]
    for url, kind, title in items:
        paths[path_for(url)] = {"kind": kind, "title": title}
    return {"version": VERSION, "paths": dict(sorted(paths.items()))}


def write(data: dict, output_dir: str) -> str:
    path = os.path.join(output_dir, *MANIFEST_FILE.split("/"))
    # atomic: the service may be reading it right now
    atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return path


def add_paths(context: dict, paths) -> None:
    """Other plugins' countable paths ("/van-ban/x.html" or {"path", "kind", "title"})."""
    context.setdefault("counter_extra_paths", []).extend(paths)
