"""Pelican glue for url_memo (see the package docstring)."""

from __future__ import annotations

from pelican import signals
from pelican.contents import Article, Content, Page

_original = Content.get_url_setting
_active: tuple[type, ...] = ()  # the classes memoised now


def _get_url_setting(self, key):
    if not _active or not isinstance(self, _active):
        return _original(self, key)
    memo = self.__dict__.setdefault("_url_memo", {})
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = _original(self, key)
        return value


def _articles_on(*_args):
    global _active
    if not _active:
        _active = (Article,)


def _on(*_args):
    global _active
    _active = (Article, Page)


def _off(*_args):
    global _active
    _active = ()


def register():
    Content.get_url_setting = _get_url_setting
    signals.article_generator_pretaxonomy.connect(_articles_on)
    signals.all_generators_finalized.connect(_on)
    signals.finalized.connect(_off)
