"""The precompressed twins (.gz, .br) a static server sends as they are (nginx gzip_static,
brotli_static). Pure. The one place that says how the build compresses: ``precompress`` (every
text file) and ``search_index`` (its shards, cached by their inputs) both call it."""

from __future__ import annotations

import gzip
import hashlib

import brotli

GZIP_LEVEL = 9
EXTENSIONS = (".gz", ".br")


def compress(data: bytes, ext: str, quality: int) -> bytes:
    """``data`` compressed for the sibling ``ext`` (".gz" or ".br"): the same bytes every build."""
    if ext == ".gz":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    if ext == ".br":
        return brotli.compress(data, quality=quality, mode=brotli.MODE_TEXT)
    raise ValueError(f"no compressor for {ext!r}")


def twins(data: bytes, quality: int) -> dict[str, bytes]:
    return {ext: compress(data, ext, quality) for ext in EXTENSIONS}


def settings_key(quality: int) -> str:
    """What shapes the compressed bytes besides the data: a cache keyed by it never hands out
    bytes an older compressor or level made."""
    text = f"gz{GZIP_LEVEL}|br{quality}|text|brotli{brotli.__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]
