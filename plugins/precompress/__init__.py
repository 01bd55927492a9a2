"""Precompress the output (publish build): `.gz` and `.br` next to HTML, CSS, JS, JSON, XML.

Enabled in publishconf.py (PRECOMPRESS = True). Runs last at ``finalized`` so that
sitemaps and search indexes written by other plugins are included; files that
already have fresh `.gz`/`.br` siblings are skipped. Compressed blobs are cached by
content hash under CACHE_PATH/precompress.
"""


def register():
    from .plugin import register

    register()
