"""Lists with constant-time membership by identity (pure)."""

from __future__ import annotations

from collections.abc import Iterable


class IdList(list):
    """A list whose ``x in lst`` is a set lookup on ``id(x)``.

    For objects without ``__eq__`` (Pelican's articles), identity is exactly what
    ``list.__contains__`` finds. Only for lists that are not changed after creation.
    """

    def __init__(self, items: Iterable = ()):
        super().__init__(items)
        self._ids = {id(x) for x in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def members_in_order(items: Iterable, members: Iterable) -> list:
    """``[x for x in items if x in members]`` by identity, in one pass."""
    ids = {id(x) for x in members}
    return [x for x in items if id(x) in ids]
