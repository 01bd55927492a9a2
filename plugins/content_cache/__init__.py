"""Pelican's content cache, safe to keep across builds (CI keeps CACHE_PATH).

Pelican's reader cache (``CACHE_CONTENT``/``LOAD_CONTENT_CACHE``) is keyed by each file's
stamp only: after a change to the Markdown settings or to a reader plugin it would hand
back HTML rendered the old way. At ``initialized`` this plugin compares a key of what the
readers' output depends on (``key``: settings that can change it, the reader code, library
versions) with the key the cache was written under, and drops the reader caches when they
differ. Stamps: ``CHECK_MODIFIED_METHOD`` (the portal uses a content hash, so a fresh
checkout with new mtimes keeps the cache). Modules: ``key`` (pure), ``plugin`` (glue).
"""


def register():
    from .plugin import register

    register()
