"""Tin cùng chuyên mục: the newest articles of an article's own category (not similarity).
Pure: no Pelican."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Doc
from .ranking import _days


def same_category(docs: Iterable[Doc], k: int = 5) -> dict[str, list[str]]:
    """Newest ``k`` articles of each article's category, excluding itself."""
    by_cat: dict[str, list[Doc]] = {}
    for d in docs:
        by_cat.setdefault(d.category, []).append(d)
    out: dict[str, list[str]] = {}
    for group in by_cat.values():
        group.sort(key=lambda d: (-_days(d.date), d.slug))
        head = [d.slug for d in group[: k + 1]]
        for d in group:
            out[d.slug] = [s for s in head if s != d.slug][:k]
    return out
