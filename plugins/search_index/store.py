"""Shard files on disk: compressed twins, a cache keyed by each part's inputs, placement.

Pure (no Pelican). ``publish`` builds and compresses only the parts (year x core/lead)
whose inputs changed since the cache was written; every other part's .json/.gz/.br is
hard-linked from the cache into the output. Cold or warm, the output is the same bytes.
A cache entry that is missing, unreadable or does not match its recorded digests is
rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from plugins import compression, pool
from plugins.fileutil import atomic_write, link_or_copy

from . import builder

# Shards: quality 10 costs ~40% of quality 11's CPU for <1% more bytes (docs/benchmarks.md,
# ## Search). lunr.js is compressed once (cached) and the manifest is tiny: they get 11.
BROTLI_QUALITY = 10
STATIC_BROTLI_QUALITY = 11
# Rows (articles x parts) to build before a fork pool pays: a cold 10k build uses it; one
# edited year or a 1k site did not gain from it on this 2-core machine (docs/benchmarks.md).
PARALLEL_MIN_DOCS = 4000
SUFFIXES = ("", ".gz", ".br")
# Files this module writes; an older build's ones are removed from the output directory.
_OURS_RE = re.compile(r"^(?:\d{4}-(?:core|lead)\.[0-9a-f]{12}\.json|lunr-[\d.]+\.[0-9a-f]{12}\.min\.js)"
                      r"(?:\.gz|\.br)?$")


def twins(data: bytes, quality: int = BROTLI_QUALITY) -> dict[str, bytes]:
    """The file and its .gz/.br, as ``plugins.compression`` makes them for every text file."""
    return {"": data, **compression.twins(data, quality)}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_key(content_key: str, quality: int) -> str:
    """Cache key: the content's key plus everything that shapes the compressed bytes."""
    return _sha(f"{content_key}|{compression.settings_key(quality)}".encode())[:32]


class Cache:
    """``<key>.json``, ``.json.gz``, ``.json.br`` and ``<key>.meta`` (name + digests) per entry."""

    def __init__(self, root):
        self.root = Path(root)

    def _paths(self, key: str) -> dict[str, Path]:
        return {s: self.root / f"{key}.data{s}" for s in SUFFIXES}

    def get(self, key: str) -> tuple[str, dict[str, Path], dict[str, bytes]] | None:
        """(file name, cached paths, their bytes) if the entry is whole and matches its digests."""
        paths = self._paths(key)
        try:
            meta = json.loads((self.root / f"{key}.meta").read_text("utf-8"))
            name, digests = meta["name"], meta["sha256"]
            blobs = {s: p.read_bytes() for s, p in paths.items()}
            if any(_sha(blobs[s]) != digests[s] for s in SUFFIXES):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return name, paths, blobs

    def put(self, key: str, name: str, blobs: dict[str, bytes]) -> dict[str, Path]:
        paths = self._paths(key)
        for s in SUFFIXES:  # the original first: its twins are never older (plugins/precompress)
            atomic_write(str(paths[s]), blobs[s])
        meta = {"name": name, "sha256": {s: _sha(blobs[s]) for s in SUFFIXES}}
        atomic_write(str(self.root / f"{key}.meta"), json.dumps(meta).encode())  # last: marks it whole
        return paths

    def prune(self, keep: set[str]) -> None:
        """Drop entries not used by this build (edited years' old versions, old code)."""
        if not self.root.is_dir():
            return
        for p in self.root.iterdir():
            if p.is_file() and p.name.split(".")[0] not in keep:
                p.unlink()


def _place(src: Path, dest: Path, blob: bytes) -> None:
    """Hard-link a cached file into the output; write ``blob`` if it vanished meanwhile."""
    try:
        if dest.exists() and os.path.samefile(src, dest):
            return
        link_or_copy(str(src), str(dest))
    except FileNotFoundError:  # another build sharing CACHE_PATH pruned it
        atomic_write(str(dest), blob)


def _build_job(job) -> tuple[str, dict[str, bytes]]:
    part, year, docs, categories, quality = job
    name, data = builder.make_part(part, year, docs, categories)
    return name, twins(data, quality)


def _run(jobs: list, workers: int) -> list:
    if sum(len(j[2]) for j in jobs) < PARALLEL_MIN_DOCS:
        workers = 1
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][2]))  # biggest first
    done = dict(zip(order, pool.fork_map(_build_job, [jobs[i] for i in order], workers, chunk=1,
                                         label=lambda j: f"{j[1]} {j[0]}")))
    return [done[i] for i in range(len(jobs))]


def publish(docs: list[dict], out_dir, *, lead_words: int = builder.LEAD_WORDS, cache_dir=None,
            workers: int = 1, quality: int = BROTLI_QUALITY,
            static: dict[str, bytes] | None = None) -> tuple[dict, dict]:
    """Write every year part (and ``static`` files, e.g. lunr.js) with .gz/.br into ``out_dir``.

    Returns (manifest, stats); stats lists the (year, part) pairs "built" and "reused".
    The caller adds its own keys to the manifest and writes it (``write_twins``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir) if cache_dir else None
    categories, years = builder.group_years(docs, lead_words)
    names: dict[tuple, str] = {}
    sources: dict[tuple, dict[str, Path]] = {}
    blobs_of: dict[tuple, dict[str, bytes]] = {}
    keys: dict[tuple, str] = {}
    jobs, stats = [], {"built": [], "reused": []}
    for year, ds in years.items():
        for part in builder.PARTS:
            ident = (year, part)
            if cache:
                keys[ident] = file_key(builder.part_key(part, year, ds, categories), quality)
                hit = cache.get(keys[ident])
                if hit:
                    names[ident], sources[ident], blobs_of[ident] = hit
                    stats["reused"].append(ident)
                    continue
            jobs.append((part, year, ds, categories, quality))
    for job, (name, blobs) in zip(jobs, _run(jobs, workers)):
        ident = (job[1], job[0])
        names[ident] = name
        stats["built"].append(ident)
        if cache:
            sources[ident], blobs_of[ident] = cache.put(keys[ident], name, blobs), blobs
        else:
            write_twins(out, name, blobs)
    for name, data in (static or {}).items():
        ident = ("static", name)
        if cache:
            keys[ident] = file_key(_sha(data) + name, STATIC_BROTLI_QUALITY)
            hit = cache.get(keys[ident])
            blobs_of[ident] = hit[2] if hit else twins(data, STATIC_BROTLI_QUALITY)
            sources[ident] = hit[1] if hit else cache.put(keys[ident], name, blobs_of[ident])
        else:
            write_twins(out, name, twins(data, STATIC_BROTLI_QUALITY))
        names[ident] = name
    for ident, paths in sources.items():
        for s, src in paths.items():
            _place(src, out / (names[ident] + s), blobs_of[ident][s])
    written = {names[i] + s for i in names for s in SUFFIXES}
    for p in out.iterdir():  # an older build's shards (this directory is ours alone)
        if _OURS_RE.match(p.name) and p.name not in written:
            p.unlink()
    if cache:
        cache.prune(set(keys.values()))
    entries = [{"year": y, "docs": len(ds), **{part: names[(y, part)] for part in builder.PARTS}}
               for y, ds in years.items()]
    return builder.manifest(categories, entries), stats


def write_twins(out_dir, name: str, blobs: dict[str, bytes]) -> list[Path]:
    """Write ``blobs`` ({"": data, ".gz": ..., ".br": ...}) as name, name.gz, name.br."""
    out = Path(out_dir)
    paths = []
    for s, blob in blobs.items():
        p = out / (name + s)
        atomic_write(str(p), blob)  # replaces the entry: never writes through a link into the cache
        paths.append(p)
    return paths


def write_files(out_dir, files: dict[str, bytes], quality: int = BROTLI_QUALITY) -> list[Path]:
    """Write each file plus its .gz and .br, compressing here (no cache); returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [p for name, data in files.items() for p in write_twins(out, name, twins(data, quality))]
