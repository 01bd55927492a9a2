"""Pelican glue for the portal theme: filters, and the context the templates need."""


def register():
    from .plugin import register

    register()
