"""Văn bản (legal documents) under /van-ban/: a Pelican content type.

``DocumentsGenerator`` (plugin.py) reads content/documents/*.md through Pelican's readers,
as PagesGenerator reads pages (reader cache, parallel_markdown, plugins.images and
pelican-sitemap work for them as for pages), and writes /van-ban/ (newest first, paginated
/van-ban/trang-N/), /van-ban/{slug}.html, van-ban/data.json for the client-side filter and
feeds/van-ban.atom.xml (theme template documents_feed.xml). Front-matter keys are
Vietnamese; fields.py maps them to the English attributes that Python and templates use.
validate.check (in CONTENT_CHECKS) reports every problem before the build. Settings:
config.py.
"""


def register():
    from .plugin import register

    register()
