"""Pelican glue for url_memo (see the package docstring)."""

from __future__ import annotations

from pelican import signals
from pelican.contents import Article, Content, Page

_original = Content.get_url_setting
_active = False


def _get_url_setting(self, key):
    if not _active or not isinstance(self, (Article, Page)):
        return _original(self, key)
    memo = self.__dict__.setdefault("_url_memo", {})
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = _original(self, key)
        return value


def _on(*_args):
    global _active
    _active = True


def _off(*_args):
    global _active
    _active = False


def register():
    Content.get_url_setting = _get_url_setting
    signals.all_generators_finalized.connect(_on)
    signals.finalized.connect(_off)
