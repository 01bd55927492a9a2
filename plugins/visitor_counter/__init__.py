"""Visitor counter glue: writes output/counter/manifest.json (countable paths) after
the build, and gives templates `counter_path(url)` and `COUNTER_SITE_PATH`.

Other plugins add countable paths (e.g. documents and their attachments) by
appending to the shared context list `counter_extra_paths` (strings like
"/van-ban/x.html", or {"path", "kind", "title"} dicts) before the build finishes,
or by calling `add_paths(context, paths)`.
"""


def register():
    from .plugin import register

    register()
