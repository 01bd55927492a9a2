"""Which articles take comments, and the files the service and the widgets read. Pure."""

from __future__ import annotations

import datetime as dt
import json
import os

from plugins.fileutil import atomic_write

VERSION = 1


def comment_state(enabled: bool, front_matter, published: dt.datetime, close_after_days: int,
                  now: dt.datetime) -> tuple[str, float | None]:
    """("off" | "open" | "closed", closing epoch or None)."""
    if not enabled or front_matter is False:
        return "off", None
    if close_after_days <= 0:
        return "open", None
    closes = published + dt.timedelta(days=close_after_days)
    return ("open" if now < closes else "closed"), closes.timestamp()


def policy_file(items, max_length: int, links: int) -> dict:
    """items: (path, title, state, closes)."""
    return {
        "version": VERSION, "max_length": max_length, "links": links,
        "open": {p: {"title": t, "closes": c} for p, t, s, c in items if s == "open"},
        "closed": sorted(p for p, _t, s, _c in items if s == "closed"),
    }


def write_json(data, output_dir: str, name: str) -> str:
    path = os.path.join(output_dir, "counter", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())
    return path
