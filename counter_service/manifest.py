"""The manifest of published paths written by the build (output/counter/manifest.json).

Format: {"version": 1, "paths": {"/2024/03/x.html": {"kind": "article", "title": "…"}, …}}.
A file is re-read when its mtime changes (checked every 2 s), a URL re-fetched every
`refresh` seconds, by the app's background task.
A manifest that cannot be read keeps the last good one (and is reported by /healthz).
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.request

from .contract import MANIFEST_VERSION
from .contract import canonical_path as normalize

log = logging.getLogger("counter_service")

__all__ = ["Manifest", "normalize"]


class Manifest:
    def __init__(self, source: str | None, refresh: float = 60.0):
        self.source = source
        self.refresh = refresh
        self.paths: dict[str, dict] = {}
        self.error: str | None = None
        self._mtime = None
        self._checked = 0.0
        if source:
            self.reload(force=True)

    @property
    def is_url(self) -> bool:
        return bool(self.source) and self.source.startswith(("http://", "https://"))

    def reload(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < (self.refresh if self.is_url else 2.0):
            return
        self._checked = now
        try:
            if self.is_url:
                with urllib.request.urlopen(self.source, timeout=5) as resp:
                    data = json.loads(resp.read(50_000_000))
            else:
                mtime = os.stat(self.source).st_mtime_ns
                if mtime == self._mtime and not force:
                    return
                with open(self.source, encoding="utf-8") as fh:
                    data = json.load(fh)
                self._mtime = mtime
            if data.get("version") != MANIFEST_VERSION:
                raise ValueError(f"manifest version {data.get('version')!r}, this service reads {MANIFEST_VERSION}")
            paths = data["paths"]
            if isinstance(paths, list):
                paths = {p: {"kind": "page"} for p in paths}
            self.paths = {normalize(p): (v if isinstance(v, dict) else {}) for p, v in paths.items()}
            self.error = None
        except Exception as e:  # keep the last good manifest
            self.error = f"{type(e).__name__}: {e}"
            log.warning("manifest %s not loaded: %s", self.source, self.error)

    def __contains__(self, path: str) -> bool:
        return path in self.paths

    def info(self, path: str) -> dict:
        return self.paths.get(path, {})
