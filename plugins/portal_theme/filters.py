"""Jinja filters for Vietnamese dates, numbers and article metadata (no Pelican).

Dates use Babel's own CLDR data, never the OS locale (the machines have no vi_VN).
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re

from babel.dates import format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from plugins.markup import html_to_text, site_path

LOCALE = "vi"
_WORD_RE = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=65536)  # sidebars show the same articles on many pages
def vi_date(value: datetime.datetime, pattern: str = "dd/MM/yyyy") -> str:
    """Babel pattern, Vietnamese names: vi_date(d, 'EEEE') -> 'Thứ Tư'."""
    if value is None:
        return ""
    return format_datetime(value, pattern, locale=LOCALE, tzinfo=getattr(value, "tzinfo", None))


def vi_datetime_full(value: datetime.datetime) -> str:
    """The newspaper form: 'Thứ Tư, 09/12/2020, 10:45 (GMT+7)'."""
    if value is None:
        return ""
    offset = value.utcoffset() or datetime.timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return f"{vi_date(value, 'EEEE, dd/MM/yyyy, HH:mm')} (GMT{hours:+d})"


def vi_number(value) -> str:
    """Thousands grouped the Vietnamese way: 18912473 -> '18.912.473'."""
    return format_decimal(value or 0, locale=LOCALE)


def iso(value: datetime.datetime) -> str:
    return value.isoformat() if value else ""


def word_count(html: str) -> int:
    return len(_WORD_RE.findall(html_to_text(html)))


def reading_minutes(html: str, wpm: int = 220) -> int:
    return max(1, math.ceil(word_count(html) / wpm))


def json_script(data) -> Markup:
    """JSON safe inside <script>: no '</script>' or '<!--' can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


FILTERS = {
    "vi_date": vi_date,
    "vi_datetime_full": vi_datetime_full,
    "vi_number": vi_number,
    "iso": iso,
    "text": html_to_text,  # instead of striptags: block tags keep words apart
    "reading_minutes": reading_minutes,
    "static_url": site_path,
    "json_script": json_script,
}
