"""The persistent preview build of `make serve` / `invoke livereload`.

One long-lived process (``server``) builds the site once in-process and keeps the site
model (Pelican's generators and their context) in memory. After a save it re-reads only
the files whose bytes changed (``changes``: size and mtime, then a content hash), renders
the changed article's page (and, for a new article, the first page of the home page and
of its category) from the kept model into the live output at once, then runs the
fresh-process incremental build (``plugins.staged_build``, page keys of
``plugins.page_writer``) that brings every other page up to date and swaps it in.
An edit made while that build runs stops it and starts another.
Modules: ``changes`` (pure), ``server`` (pure: the loop), ``plugin`` (the kept model and
the first pages; Pelican glue). No settings.
"""


def register():
    from .plugin import register

    register()
