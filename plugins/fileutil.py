"""Small file helpers shared by the plugins that write generated files."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile


def atomic_write(path: str, data: bytes) -> None:
    """Write all of ``data`` or nothing: a crash never leaves half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the web server must read it
    os.replace(tmp, path)


def link_or_copy(src: str, dest: str) -> None:
    """Hard-link a cached file into the output (cheap), copy across filesystems.
    An existing ``dest`` is replaced, never written through: it may be a hard link into
    a cache or into the live site."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if os.path.lexists(dest):
        os.remove(dest)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)  # keeps mtime: page_writer checks it on the next build


def file_hash(path: str) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
