"""Records the ranking reads and returns: ``Doc`` in, ``Result`` out. Pure: no Pelican."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence

from .tokens import content_hash

Text = str | Callable[[], str]


def _text(value: Text) -> str:
    return value if isinstance(value, str) else value()


def _texts(values: Sequence[Text]) -> list[str]:
    return [_text(v) for v in values]


@dataclasses.dataclass
class Doc:
    slug: str
    title: str
    # Summary + body as plain text (title is added), or a function that makes it: then the
    # text is made only for articles missing from the cache, a batch at a time.
    text: Text
    date: datetime.datetime
    category: str
    tags: Sequence[str] = ()
    related: Sequence[str] = ()
    related_exclude: Sequence[str] = ()
    no_related: bool = False
    key: str | None = None           # cache key; default content_hash(title, text)

    @property
    def full_text(self) -> str:
        return f"{self.title}.\n{_text(self.text)}"

    def read_full_text(self) -> str:  # a bound method is a lazy ``Text``
        return self.full_text

    @property
    def hash(self) -> str:
        return self.key or content_hash(self.title, _text(self.text))


@dataclasses.dataclass
class Result:
    related: dict[str, list[str]]
    may_interest: dict[str, list[str]]
    duplicates: dict[str, list[str]]
    stats: dict
