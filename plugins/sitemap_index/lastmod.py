"""The <lastmod> of each written page, from what the page shows (no Pelican).

An article or page keeps pelican-sitemap's date (its ``modified`` or ``date``); one with
neither gets no <lastmod> (the build time would change on every build). A listing (home,
category, tag, author, archive, văn bản list, and each of their numbered pages) is as new
as the newest of its items: a new item shifts every numbered page of its list.
"""

from __future__ import annotations

import datetime

KEEP = object()  # leave pelican-sitemap's <lastmod> as it is


def format_date(value: datetime.datetime) -> str:
    """W3C datetime, the form pelican-sitemap writes."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%dT%H:%M:%S") + "-00:00"
    tz = value.strftime("%z")
    return value.strftime("%Y-%m-%dT%H:%M:%S") + tz[:-2] + ":" + tz[-2:]


def _changed(obj):
    return getattr(obj, "modified", None) or getattr(obj, "date", None)


class Dater:
    """``lastmod(context)`` for each page a writer writes; newest item per list memoised
    (the numbered pages of one list share its item list: linear, not quadratic)."""

    def __init__(self):
        self._newest: dict[int, tuple[object, str | None]] = {}

    def newest(self, items) -> str | None:
        hit = self._newest.get(id(items))
        if hit is None or hit[0] is not items:
            dates = [d for d in map(_changed, items) if d is not None]
            hit = (items, format_date(max(dates)) if dates else None)
            self._newest[id(items)] = hit
        return hit[1]

    def lastmod(self, context: dict):
        """KEEP, a W3C datetime, or None (no <lastmod>) for the page written with ``context``."""
        obj = context.get("article") or context.get("page")
        if obj is not None:
            return KEEP if _changed(obj) else None
        library = context.get("document_library")
        if "documents_page" in context and library is not None:
            return self.newest(library.documents)
        return self.newest(context.get("dates") or context.get("articles") or ())
