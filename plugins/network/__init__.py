"""A network of portals in one repository: the default portal (``content/`` +
``pelicanconf.py``) and more portals under ``sites/<slug>/`` (``site.yaml`` + ``content/``).

Pure modules: ``sites`` (the settings loader: ``site.yaml`` → Pelican settings),
``latest`` (the newest articles and documents of another site, from its sources),
``scaffold`` (``invoke new-site``), ``matrix`` (which sites a change rebuilds),
``counter_table`` (the counter service's Origin → site table), ``runner`` (build and check
several sites, each failing alone), ``serve`` (every site under one local server).
The glue (``plugin.py``) puts ``network_news`` ("Tin từ cơ sở") and ``province_documents``
("Văn bản của tỉnh") in the template context. Settings: the one dict ``NETWORK``, set by
the runner; absent (the default single portal) the plugin does nothing.
"""


def register():
    from .plugin import register

    register()
