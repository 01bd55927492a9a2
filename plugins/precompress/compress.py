"""Write `.gz` and `.br` next to text files, so a web server can send them as they are.

Pure. The bytes come from ``plugins.compression``. Results are cached by content hash and
compressor settings: Pelican rewrites every file on every build, but unchanged bytes are
never compressed twice.
"""

from __future__ import annotations

import hashlib
import os

from plugins.compression import compress, settings_key
from plugins.fileutil import atomic_write, link_or_copy

EXTENSIONS = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt")
PAGE_EXTENSIONS = (".html", ".xml", ".txt")  # many files: a faster brotli level
MIN_SIZE = 256  # below this, compression costs more than it saves


def candidates(root: str, extensions=EXTENSIONS, min_size: int = MIN_SIZE):
    """(path, want_gz, want_br) for every text file lacking an up-to-date sibling."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith(extensions):
                continue
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            if st.st_size < min_size:
                continue
            # Files precompressed by their own plugin (search shards, ...) are left alone.
            want = [not _fresh(path + ext, st.st_mtime) for ext in (".gz", ".br")]
            if any(want):
                yield path, want[0], want[1]


def _fresh(sibling: str, mtime: float) -> bool:
    try:
        return os.stat(sibling).st_mtime >= mtime
    except OSError:
        return False


def compress_file(path: str, want_gz: bool, want_br: bool, cache_dir: str | None,
                  quality: int = 11, page_quality: int = 9) -> int:
    """Write the siblings; returns how many were freshly compressed (0 = all from cache)."""
    with open(path, "rb") as fh:
        data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    q = page_quality if path.endswith(PAGE_EXTENSIONS) else quality
    fresh = 0
    for ext, want in ((".gz", want_gz), (".br", want_br)):
        if not want:
            continue
        cached = os.path.join(cache_dir, digest[:2], f"{digest}-{settings_key(q)}{ext}") if cache_dir else None
        if cached and os.path.exists(cached):
            _place(cached, path + ext)
            continue
        blob = compress(data, ext, q)
        fresh += 1
        if cached:
            atomic_write(cached, blob)
            _place(cached, path + ext)
        else:
            atomic_write(path + ext, blob)
    return fresh


def _place(src: str, dest: str) -> None:
    link_or_copy(src, dest)
    os.utime(dest)  # newer than its original: counts as up to date
