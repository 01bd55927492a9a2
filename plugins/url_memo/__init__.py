"""Memoise articles' and pages' ``url``/``save_as`` while the site is written.

Pelican recomputes ``url`` from settings and a copy of the metadata on every access
(about 40 accesses per article at 1k articles: sidebars, cards, related news, feeds,
sitemap), about a tenth of the portal's build. An article's URL inputs (slug, date,
category, lang, draft status) are final once it is read: from
``article_generator_pretaxonomy`` (every article read; the plugins after it compute
related lists, comment states, cards) articles are memoised; pages and documents, whose
plugins may still set a slug, from ``all_generators_finalized``; until ``finalized``.
Static files are not memoised (``{attach}`` moves them while pages are written).
"""


def register():
    from .plugin import register

    register()
