"""Write pages on all cores, and skip the pages a rebuild would not change.

Pelican renders every page one by one on every build. This writer collects a
generator's ``write_file`` calls instead, and when the generator is done:

1. keys each page by what it is rendered from (``fingerprint``): build code and
   settings, every content object's card, and the page's own object in full;
2. a page whose key and output file are unchanged since the last build is kept
   (hard-linked from the previous output when building into a fresh directory);
3. the rest are rendered by ``plugins.pool.fork_map`` on PAGE_WRITER_WORKERS processes
   (default BUILD_WORKERS), forked so that they share the site model.

``content_written`` is sent for every page, kept or written, in Pelican's order
(pelican-sitemap listens to it). Feeds and other files are written as before.

Settings (config.py): PAGE_WRITER_WORKERS (1: in-process), PAGE_WRITER_MIN_FORK_JOBS (24),
PAGE_WRITER_CACHE (default True), PAGE_WRITER_PREVIOUS_OUTPUT (where the last good build
lives, when this build writes into a fresh directory: the staged build sets it).
Modules: ``fingerprint`` (pure: page keys), ``plugin`` (the writer and its signals).
"""


def register():
    from .plugin import register

    register()
