"""When an article is published and when it expires. Pure: no Pelican.

Times in front-matter are site time (TIMEZONE, Asia/Ho_Chi_Minh) without an offset.
"""

from __future__ import annotations

import datetime
import zoneinfo

from plugins.content_contract import rules

SCHEDULED, LIVE, EXPIRED = "scheduled", "live", "expired"


class ClockError(ValueError):
    pass


def site_zone(settings) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.get("TIMEZONE") or "Asia/Ho_Chi_Minh")


def as_site_time(value, zone: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    """A front-matter or Pelican date as an aware datetime in site time (None if unreadable)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = rules.parse_date(value.strip())
        if value is None:
            return None
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=zone)
    return None


def now(settings) -> datetime.datetime:
    """The build's clock: PORTAL_NOW when set (tests, previews), the real time otherwise."""
    zone = site_zone(settings)
    fixed = str(settings.get("PORTAL_NOW") or "").strip()
    if not fixed:
        return datetime.datetime.now(zone)
    value = as_site_time(fixed, zone)
    if value is None:
        raise ClockError(f"thiết lập PORTAL_NOW = {fixed!r} không đọc được: viết dạng '2027-01-15 08:00' "
                         "hoặc để trống (dùng giờ thật)")
    return value


def state(date, expires, at: datetime.datetime) -> str:
    """SCHEDULED before `date`, EXPIRED from `expires` on, LIVE in between."""
    if date is not None and date > at:
        return SCHEDULED
    if expires is not None and expires <= at:
        return EXPIRED
    return LIVE


def vi_time(value: datetime.datetime) -> str:
    return f"{value:%H:%M %d/%m/%Y}"


def upcoming(settings) -> list[str]:
    """Lines for `invoke check`: articles not yet published, and live ones that will expire."""
    from plugins.content_contract import frontmatter
    from plugins.content_contract.check import _sources, display_path

    zone, at = site_zone(settings), now(settings)
    rows = []
    for path in _sources(settings["PATH"], settings.get("ARTICLE_PATHS", ["articles"]),
                         settings.get("IGNORE_FILES", [])):
        with open(path, "rb") as fh:
            src = frontmatter.parse_bytes(fh.read(), display_path(path), path)
        if str(src.meta.get("status", "published")).strip() == "draft":
            continue
        date = as_site_time(src.meta.get("date"), zone)
        expires = as_site_time(src.meta.get("expires"), zone)
        current = state(date, expires, at)
        if current == SCHEDULED:
            rows.append((date, f"  {vi_time(date)}  hẹn đăng   {src.path}"))
        if expires is not None and current != EXPIRED:
            action = "gỡ bài" if src.meta.get("remove_when_expired") else "hết hạn"
            rows.append((expires, f"  {vi_time(expires)}  {action:<10} {src.path}"))
    return [line for _, line in sorted(rows, key=lambda r: (r[0], r[1]))]
