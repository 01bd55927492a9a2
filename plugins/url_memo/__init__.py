"""Memoise articles' and pages' ``url``/``save_as`` while the site is written.

Pelican recomputes ``url`` from settings and a copy of the metadata on every access
(about 40 accesses per article at 1k articles: sidebars, cards, related news, feeds,
sitemap), about a tenth of the portal's build. Between ``all_generators_finalized``
and ``finalized`` no metadata changes, so the result is stored per object then.
Static files are not memoised (``{attach}`` moves them while pages are written).
"""


def register():
    from .plugin import register

    register()
