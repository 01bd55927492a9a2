"""The portal's categories (``PORTAL_CATEGORIES``) by name: one map for reader, checks,
templates and tasks. Pure: no Pelican. Names are compared tone-normalised ("Văn hoá" ==
"Văn hóa"); when two entries normalise alike, the last wins."""

from __future__ import annotations

from plugins import vietnamese


def category_map(settings) -> dict[str, dict]:
    """{normalised name: the category's settings entry}, in menu order."""
    return {vietnamese.normalize(c["name"]): c for c in settings.get("PORTAL_CATEGORIES", [])}


def category_names(settings) -> list[str]:
    """The normalised names, in menu order."""
    return list(category_map(settings))
