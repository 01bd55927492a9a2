"""Which source files really changed since the last look. Pure: no Pelican.

A file is looked at again when its size or mtime changed; it counts as changed only when
its bytes did (an editor that rewrites a file unchanged, or ``touch``, changes nothing).
"""

from __future__ import annotations

import dataclasses
import os

from plugins.fileutil import file_hash


def _walk(roots: list[str]):
    for root in roots:
        if os.path.isfile(root):
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                # hidden and backup files: editors' temporaries (write to temp, then rename)
                if not name.startswith(".") and not name.endswith("~"):
                    yield os.path.join(dirpath, name)


@dataclasses.dataclass
class Changes:
    changed: list[str] = dataclasses.field(default_factory=list)
    added: list[str] = dataclasses.field(default_factory=list)
    deleted: list[str] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.deleted)

    def all(self) -> list[str]:
        return self.changed + self.added + self.deleted


class Tracker:
    """Stamps (size, mtime) and content hashes of every file under ``roots``."""

    def __init__(self, roots: list[str]):
        self.roots = [os.path.abspath(r) for r in roots]
        self.stamps: dict[str, tuple[int, int]] = {}
        self.hashes: dict[str, str] = {}
        self.scan()

    def _stamp(self, path: str) -> tuple[int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def _hash(self, path: str) -> str | None:
        try:
            return file_hash(path)
        except OSError:
            return None

    def scan(self) -> Changes:
        """Look at every file; what changed since the last scan (the first scan: nothing)."""
        first = not self.stamps
        seen: dict[str, tuple[int, int]] = {}
        out = Changes()
        for path in _walk(self.roots):
            stamp = self._stamp(path)
            if stamp is None:
                continue
            seen[path] = stamp
            old = self.stamps.get(path)
            if old == stamp and not first:
                continue
            digest = self._hash(path)
            if first:
                self.hashes[path] = digest
            elif old is None:
                out.added.append(path)
                self.hashes[path] = digest
            elif digest != self.hashes.get(path):
                out.changed.append(path)
                self.hashes[path] = digest
        for path in self.stamps.keys() - seen.keys():
            out.deleted.append(path)
            self.hashes.pop(path, None)
        self.stamps = seen
        out.changed.sort()
        out.added.sort()
        out.deleted.sort()
        return out
