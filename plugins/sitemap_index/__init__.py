"""Turn pelican-sitemap's single sitemap.xml into a sitemap index + parts past SITEMAP_MAX_URLS.

Runs at ``finalized`` after pelican-sitemap (listed after it in PLUGINS).
Other plugins add URLs that Pelican's writer never sees (attachments, …) with
``add_urls([(absolute_or_site_relative_url, "2024-05-17T08:30:00+07:00"), ...])`` before
``finalized``; they are merged in before the split.
"""


def register():
    from .plugin import register

    register()
