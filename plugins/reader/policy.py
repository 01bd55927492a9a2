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


def card_group(path: str) -> str:
    """The cards file of a counter path: its first segment ("/2024/05/x.html" -> "2024").
    With dated article URLs a file holds one year, so the most-read block fetches the year or
    two its items come from, not every article of the site. JS twin: reader.js cardGroup."""
    first = path.lstrip("/").split("/", 1)
    return first[0] if len(first) == 2 and first[0] else "_"


def card_files(cards: dict[str, dict]) -> dict[str, dict]:
    """{"cards/<group>.json": {"version", "cards": {path: card}}} for ``write_json``."""
    groups: dict[str, dict] = {}
    for path, card in cards.items():
        groups.setdefault(card_group(path), {})[path] = card
    return {f"cards/{g}.json": {"version": VERSION, "cards": c} for g, c in sorted(groups.items())}


def write_json(data, output_dir: str, name: str) -> str:
    path = os.path.join(output_dir, "counter", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())
    return path


def fetch_top(base_url: str, days: int, limit: int, timeout: float = 3.0) -> list[str] | None:
    """Most viewed article paths from the service's /v1/top; None when it cannot be read."""
    import urllib.request

    url = f"{base_url.rstrip('/')}/v1/top?days={days}&limit={limit}&kind=article"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data = json.loads(resp.read(1_000_000))
        return [it["path"] for it in data["items"] if isinstance(it.get("path"), str)]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def blend_popular(may_interest: list, popular: list, own, related: list, n: int) -> list:
    """Up to n popular articles first (not the article itself, not already in its related
    list), then the computed "may interest" list, same length as before."""
    size = len(may_interest) or n
    picked = [p for p in popular if p is not own and p not in related][:n]
    rest = [m for m in may_interest if m not in picked]
    return (picked + rest)[:max(size, len(picked))]
