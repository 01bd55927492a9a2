"""Render articles' Markdown on all cores, behind Pelican's reader cache.

Pelican reads articles one by one in one process; Markdown is the biggest part of reading.
When the article generator reads its first file, every article the reader cache does not
hold is rendered ahead (body and formatted fields) in a fork map (``render.Prerender``).
The reader (content_contract's ``NewsReader``, subclassed so slugs and names are unchanged)
takes a text's HTML from there, else renders it itself: the same bytes either way. It also
parses the YAML header with libyaml's C loader. Listed after ``plugins.content_contract``.

Settings: ``PARALLEL_MARKDOWN_WORKERS`` (default ``BUILD_WORKERS``; below 2: off),
``PARALLEL_MARKDOWN_MIN_FILES`` (64).
"""


def register():
    from .plugin import register

    register()
