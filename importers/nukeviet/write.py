"""Writing the import, re-run safe. Pure: no Pelican.

``Writer`` keeps a state file (``imported/nukeviet/state.json``: for every file the importer
wrote, the hash of what it wrote). On the next run a file is

- **unchanged**: the new text equals the file: left alone;
- **updated**: the file is still what the importer wrote last time: replaced;
- **kept** (hand-edited): the file differs from what the importer wrote: not overwritten,
  reported, unless ``force``;
- **new**.

``--dry-run`` decides the same way and writes nothing but the report.
Also here: the formats of the generated files (Markdown front-matter, redirect pages,
the nginx map, the settings fragment).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

from plugins.fileutil import atomic_write

STATE = os.path.join("imported", "nukeviet", "state.json")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Writer:
    def __init__(self, out: str, dry_run: bool = False, force: bool = False):
        self.out = out
        self.dry_run = dry_run
        self.force = force
        state_path = os.path.join(out, STATE)
        self.old: dict[str, str] = {}
        if os.path.isfile(state_path):
            with open(state_path, encoding="utf-8") as fh:
                self.old = json.load(fh).get("files", {})
        self.new: dict[str, str] = {}
        self.outcome: dict[str, list[str]] = {"new": [], "updated": [], "unchanged": [], "kept": []}

    def _decide(self, rel: str, new_hash: str) -> str:
        path = os.path.join(self.out, rel)
        if not os.path.exists(path):
            return "new"
        current = file_digest(path)
        if current == new_hash:
            return "unchanged"
        if self.old.get(rel) == current or self.force:
            return "updated"
        return "kept"

    def _record(self, rel: str, new_hash: str, kind: str) -> None:
        self.outcome[kind].append(rel)
        # A kept (hand-edited) file keeps its old record: the next run still sees the edit.
        self.new[rel] = self.old.get(rel, new_hash) if kind == "kept" else new_hash

    def text(self, rel: str, content: str) -> str:
        return self.data(rel, content.encode("utf-8"))

    def data(self, rel: str, data: bytes) -> str:
        h = digest(data)
        kind = self._decide(rel, h)
        self._record(rel, h, kind)
        if kind in ("new", "updated") and not self.dry_run:
            atomic_write(os.path.join(self.out, rel), data)
        return kind

    def copy(self, rel: str, src: str) -> str:
        h = file_digest(src)
        kind = self._decide(rel, h)
        self._record(rel, h, kind)
        if kind in ("new", "updated") and not self.dry_run:
            dest = os.path.join(self.out, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            tmp = dest + ".importing"
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        return kind

    def stale(self) -> list[str]:
        """Files an earlier run wrote that this run did not (records deleted in NukeViet)."""
        return sorted(set(self.old) - set(self.new))

    def save_state(self) -> None:
        if self.dry_run:
            return
        atomic_write(os.path.join(self.out, STATE),
                     json.dumps({"files": dict(sorted(self.new.items()))}, indent=1,
                                ensure_ascii=False).encode("utf-8") + b"\n")


def front_matter(fields: dict) -> str:
    """A YAML header; dates as 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD', strings quoted."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None or value == [] or value == "":
            continue
        if hasattr(value, "hour"):
            lines.append(f"{key}: {value:%Y-%m-%d %H:%M}")
        elif hasattr(value, "year"):
            lines.append(f"{key}: {value:%Y-%m-%d}")
        else:
            # JSON scalars and arrays are YAML flow values: every string quoted and escaped
            # (titles with ':' or '#', codes like "01/2026/QĐ-UBND", the word "true").
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def redirect_page(target: str, title: str) -> str:
    """A static page that sends readers and search engines to the new URL."""
    t = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    u = target.replace("&", "&amp;").replace('"', "&quot;")
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
        f"<title>{t}</title>\n<meta name=\"robots\" content=\"noindex\">\n"
        f"<link rel=\"canonical\" href=\"{u}\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={u}\">\n"
        "</head><body>\n"
        f"<p>Trang đã chuyển tới địa chỉ mới: <a href=\"{u}\">{t}</a>.</p>\n"
        "</body></html>\n")


def nginx_map(entries: list[tuple[str, str]]) -> str:
    """`map $request_uri $nukeviet_new { … }` lines; old URIs as nginx writes them."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = ["# Generated by `invoke import-nukeviet`: old NukeViet URL -> new URL.",
           "# Include inside `http {}` and use as shown in docs/deploy.md.",
           "map $request_uri $nukeviet_new {", "    default \"\";"]
    out += [f"    {q(old)} {q(new)};" for old, new in entries]
    out.append("}")
    return "\n".join(out) + "\n"


def settings_fragment(categories: list[dict], document_types: list[str], redirects_dir: str) -> str:
    cats = json.dumps(categories, ensure_ascii=False, indent=4)
    types = json.dumps(document_types, ensure_ascii=False, indent=4)
    return f'''# Generated by `invoke import-nukeviet`; read by pelicanconf.py (see docs/migrate-nukeviet.md).
# The categories of the NukeViet portal, in its menu order (parents before children).
PORTAL_CATEGORIES = {cats}

# Document types of the laws module (plus the portal's defaults).
DOCUMENT_TYPES = {types}

# Redirect pages for the old NukeViet URLs, written at their old paths.
STATIC_PATHS = [*STATIC_PATHS, {redirects_dir!r}]
PATH_METADATA = r"{redirects_dir}/(?P<save_as>.+)"
'''
