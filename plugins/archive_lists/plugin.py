"""Pelican glue for archive_lists (see the package docstring)."""

from __future__ import annotations

from pelican import signals
from pelican.generators import ArticlesGenerator

from .idlist import IdList, members_in_order

_original_build_period_archives = ArticlesGenerator._build_period_archives


def _build_period_archives(self, sorted_articles, articles, settings):
    archives = _original_build_period_archives(self, sorted_articles, [], settings)
    for groups in archives.values():
        for archive in groups:
            archive["articles"] = members_in_order(articles, archive["dates"])
    return archives


def fast_lists(generator) -> None:
    """Swap the lists that generate_tags/categories/authors test membership in."""
    generator.tags = {tag: IdList(arts) for tag, arts in generator.tags.items()}
    generator.categories = [(cat, IdList(arts)) for cat, arts in generator.categories]
    generator.authors = [(aut, IdList(arts)) for aut, arts in generator.authors]
    # the context holds the same lists, as Pelican's _update_context made them
    generator.context["tags"] = list(generator.tags.items())
    generator.context["categories"] = generator.categories
    generator.context["authors"] = generator.authors


def register():
    ArticlesGenerator._build_period_archives = _build_period_archives
    signals.article_generator_finalized.connect(fast_lists)
