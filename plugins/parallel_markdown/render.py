"""Render Markdown files ahead of the reader, on all cores. Pure: no Pelican.

``Prerender`` renders the body and formatted fields (e.g. summary) of a list of files with
``plugins.pool.fork_map``, in the order the reader will ask for them; ``take(text)`` hands
the reader the HTML of a text rendered ahead, keyed by the text itself, so the reader's
result is the same with or without it.
"""

from __future__ import annotations

import hashlib
import re

import yaml

from plugins import markup, pool

# libyaml's C loader: the same results as yaml.safe_load, several times faster
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def formatted_texts(meta: dict, formatted_fields) -> list[str]:
    """The texts pelican-yaml-metadata renders as Markdown, exactly as it builds them."""
    out = []
    for name, value in meta.items():
        if value is None or str(name).lower() not in formatted_fields:
            continue
        if isinstance(value, list):
            out.append("\n".join(x for x in value if x is not None))
        else:
            out.append(str(value))
    return out


class Prerender:
    """HTML of files' Markdown texts, computed ahead in a fork pool."""

    def __init__(self, paths: list[str], markdown_setting: dict, formatted_fields,
                 header_re: re.Pattern, workers: int, in_flight: int = 8):
        self._md = None
        self._markdown_setting = markdown_setting
        self._fields = formatted_fields
        self._header_re = header_re
        self.html: dict[bytes, str] = {}
        self.pending = len(paths)
        self.hits = self.misses = 0
        self._results = pool.fork_map(self._render, paths, workers, chunk=16, in_flight=in_flight,
                                      label=str)

    def _render(self, path: str) -> list[tuple[bytes, str]]:
        try:
            if self._md is None:
                self._md = markup.make_markdown(self._markdown_setting)
            with open(path, encoding="utf-8-sig") as fh:  # as pelican_open reads
                m = self._header_re.fullmatch(fh.read())
            if not m:
                return []
            meta = yaml.load(m.group("metadata"), Loader=Loader)
            texts = [m.group("content")]
            if isinstance(meta, dict):
                texts += formatted_texts(meta, self._fields)
            return [(text_key(t), self._md.reset().convert(t)) for t in texts]
        except Exception:  # noqa: BLE001 - the reader renders (and reports) it in-process
            return []

    def take(self, text: str) -> str | None:
        k = text_key(text)
        while k not in self.html and self.pending:
            self.html.update(next(self._results))
            self.pending -= 1
        html = self.html.pop(k, None)
        if html is None:
            self.misses += 1
        else:
            self.hits += 1
        if not self.pending:
            self.close()
        return html

    def close(self) -> None:
        if self._results is not None:
            self._results.close()  # a map stopped early kills and reaps its children
            self._results = None
            self.pending = 0
