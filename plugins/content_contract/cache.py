"""A per-file cache for validation, so a warm build re-checks only the files that changed.

Pure: no Pelican. One pickle file maps each ``(kind, source path)`` to
``(kind, size, mtime_ns, racy, blake2b, record)``:

- same size and mtime_ns: the record is reused without reading the file;
- otherwise the file is read and hashed: same content (a touch, a checkout) reuses the
  record, new content computes it again;
- a file whose mtime was under RACY_NS old when it was read could be rewritten within the
  same timestamp tick with the same size, so it is always verified by its hash ("racy git").

The fingerprint covers the code and settings the records depend on; a cache with another
fingerprint, version, or that cannot be read is ignored (never an error). It is written
atomically, and only when an entry changed or a file went away.

prefetch() computes the records that get() would compute one by one in a fork map:
with a cold cache that is every file, and validation runs before anything else.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import time
from collections.abc import Callable

from plugins import pool
from plugins.content_contract.config import Config
from plugins.fileutil import atomic_write

log = logging.getLogger(__name__)

VERSION = 1
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granularity (FAT: 2 s)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def fingerprint(*parts, files=()) -> str:
    """A hash of plain values and of source files' contents (the code records depend on)."""
    h = hashlib.blake2b(repr((VERSION, parts)).encode("utf-8"), digest_size=16)
    for path in files:
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def open_cache(settings, name: str, *parts) -> FileCache:
    """CACHE_PATH/content_contract/<name>.pickle (in memory only without CACHE_PATH or with
    CONTENT_CONTRACT_CACHE = False). Its records depend on the parsing and rules code, on
    parts (settings they use) and on the working directory (problems name files relative
    to it), so all of these are in the fingerprint."""
    import yaml

    from plugins import vietnamese

    base = settings.get("CACHE_PATH")
    use = base and Config.from_settings(settings).cache
    here = os.path.dirname(os.path.abspath(__file__))
    fp = fingerprint(name, parts, os.getcwd(), yaml.__version__, getattr(yaml, "__with_libyaml__", False),
                     files=[os.path.join(here, n) for n in ("check.py", "frontmatter.py", "rules.py", "cache.py")]
                     + [vietnamese.__file__])
    return FileCache(os.path.join(base, "content_contract", f"{name}.pickle") if use else None, fp)


class FileCache:
    def __init__(self, path: str | None, fingerprint: str):
        self.path = path  # None: in memory only
        self.fingerprint = fingerprint
        self.old: dict = self._load()
        self.new: dict = {}
        self.dirty = False
        self.hits = self.misses = 0
        self.pre: dict = {}  # key -> (entry, parsed) computed by prefetch(), taken by get()
        self.stats: dict = {}  # key -> os.stat result taken by prefetch(), taken by get()

    def _load(self) -> dict:
        if not self.path:
            return {}
        try:
            with open(self.path, "rb") as fh:
                raw = fh.read()
            gc.disable()  # unpickling 10k records otherwise triggers many useless collections
            try:
                data = pickle.loads(raw)
            finally:
                gc.enable()
            if data["version"] == VERSION and data["fingerprint"] == self.fingerprint:
                return data["entries"]
        except FileNotFoundError:
            pass
        except Exception as exc:  # corrupt or from other code: start afresh
            log.warning("content_contract: ignoring unreadable cache %s (%s)", self.path, exc)
        return {}

    def _fresh(self, key, st) -> tuple | None:
        old = self.old.get(key)
        if old is not None and old[1] == st.st_size and old[2] == st.st_mtime_ns and not old[3]:
            return old
        return None

    def _entry(self, key, st, compute) -> tuple[tuple, bool]:
        """(entry, parsed) for a file whose stat is not trusted: read, hash, compute if new."""
        kind, path = key
        with open(path, "rb") as fh:
            data = fh.read()
        h = digest(data)
        racy = time.time_ns() - st.st_mtime_ns < RACY_NS
        old = self.old.get(key)
        if old is not None and old[4] == h:
            return (kind, st.st_size, st.st_mtime_ns, racy, h, old[5]), False
        return (kind, st.st_size, st.st_mtime_ns, racy, h, compute(data)), True

    def get(self, path: str, kind: str, compute: Callable[[bytes], object]):
        """compute(file bytes) for the file at path, or its cached result."""
        key = (kind, path)  # a file under both ARTICLE_PATHS and PAGE_PATHS is checked as both
        pre = self.pre.pop(key, None)
        # stat before reading: a write in between only makes the entry stale
        st = self.stats.pop(key, None) or os.stat(path)
        if pre is not None and pre[0][1:3] == (st.st_size, st.st_mtime_ns):
            entry, parsed = pre
        else:
            entry = self._fresh(key, st)
            if entry is not None:
                self.new[key] = entry
                self.hits += 1
                return entry[5]
            entry, parsed = self._entry(key, st, compute)
        if parsed:
            self.misses += 1
        else:
            self.hits += 1
        old = self.old.get(key)
        if old is None or entry[:5] != old[:5]:
            self.dirty = True
        self.new[key] = entry
        return entry[5]

    def prefetch(self, keys: list[tuple[str, str]], compute: Callable[[str, str, bytes], object],
                 workers: int, min_files: int) -> int:
        """Compute, in `workers` processes (plugins.pool), the records get() would compute one by one:
        a cold cache parses everything, and validation has both cores to itself at start-up.
        compute(kind, path, data). Returns how many files went to the pool."""
        todo = []
        for key in keys:
            try:
                st = self.stats[key] = os.stat(key[1])  # get() reuses it
            except OSError:
                continue  # get() reports it
            if self._fresh(key, st) is None:
                todo.append(key)
        if workers < 2 or len(todo) < min_files:
            return 0

        def compute_one(key):
            try:
                entry, parsed = self._entry(key, self.stats[key], lambda data: compute(key[0], key[1], data))
            except Exception:  # noqa: BLE001 - get() redoes it in the main process and reports it
                return None
            return key, entry, parsed

        for result in pool.fork_map(compute_one, todo, workers, label=lambda key: key[1]):
            if result is not None:
                key, entry, parsed = result
                self.pre[key] = (entry, parsed)
        return len(todo)

    def save(self) -> bool:
        """Write the entries seen in this run, atomically and only when something changed."""
        if not self.path or not (self.dirty or self.new.keys() != self.old.keys()):
            return False
        data = {"version": VERSION, "fingerprint": self.fingerprint, "entries": self.new}
        try:
            atomic_write(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:  # a read-only cache folder must not fail the build
            log.warning("content_contract: cannot write cache %s (%s)", self.path, exc)
            return False
        self.old, self.dirty = self.new, False
        return True
