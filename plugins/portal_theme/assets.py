"""Content-hashed names for the theme's CSS and JS (no Pelican).

``css/main.css`` is also published as ``css/main.<hash>.css``; pages link the hashed name,
so a server may cache it for a year as immutable (docs/deploy.md), and a changed file gets
a new name. The plain names stay for anything that links them from outside.
"""

from __future__ import annotations

import hashlib
import os

from plugins.fileutil import atomic_write

EXTENSIONS = (".css", ".js")
HASH_CHARS = 12


def hashed_name(rel: str, data: bytes) -> str:
    stem, ext = os.path.splitext(rel)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}{ext}"


def fingerprint(static_dir: str, extensions: tuple[str, ...] = EXTENSIONS) -> dict[str, str]:
    """{'css/main.css': 'css/main.<hash>.css', …} for the theme's static folder."""
    names = {}
    for folder, _dirs, files in os.walk(static_dir):
        for name in files:
            if name.endswith(extensions):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, static_dir).replace(os.sep, "/")
                with open(path, "rb") as fh:
                    names[rel] = hashed_name(rel, fh.read())
    return names


def write(static_dir: str, out_dir: str, names: dict[str, str]) -> None:
    """Write each file under its hashed name into ``out_dir`` (the theme's output folder)."""
    for rel, hashed in names.items():
        with open(os.path.join(static_dir, rel), "rb") as fh:
            data = fh.read()
        dest = os.path.join(out_dir, hashed)
        if hashed_name(rel, data) != hashed:
            raise RuntimeError(f"{rel} đã thay đổi trong lúc dựng trang; dựng lại.")
        if not os.path.exists(dest):
            atomic_write(dest, data)
