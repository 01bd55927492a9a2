"""Pelican glue for reader (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo

from pelican import signals

from plugins.markup import html_to_text
from plugins.visitor_counter.manifest import path_for

from . import policy
from .config import Config

log = logging.getLogger(__name__)
_state: dict = {}
_SRC_RE = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def _thumb(image) -> str:
    """The smallest JPEG the images plugin made for the article's photo, or the photo."""
    if not image:
        return ""
    try:
        from plugins.images.plugin import responsive_img

        m = _SRC_RE.search(str(responsive_img(image, "", "80px", lazy=True, width=200)))
        return m.group(1) if m else ""
    except Exception:  # no images plugin in this build: no thumbnail
        return ""


def add_states(generator) -> None:
    cfg = Config.from_settings(generator.settings)
    now = dt.datetime.now(zoneinfo.ZoneInfo(generator.settings.get("TIMEZONE") or "UTC"))
    generator.context["READER"] = cfg
    items, cards = [], {}
    for a in generator.articles:
        state, closes = policy.comment_state(cfg.enabled, a.metadata.get("comments"), a.date,
                                             cfg.close_after_days, now)
        a.comments_state = state
        path = path_for(a.url)
        title = html_to_text(a.title)
        items.append((path, title, state, closes))
        cards[path] = {"t": title, "u": a.url, "i": _thumb(getattr(a, "image", ""))}
    _state["policy"] = policy.policy_file(items, cfg.max_length, cfg.links)
    _state["cards"] = cards if cfg.most_read else None


def add_popular(generators) -> None:
    """Popular articles first in "Có thể bạn quan tâm" (after related_news computed it)."""
    arts = [a for g in generators for a in getattr(g, "articles", [])]
    if not arts:
        return
    cfg = Config.from_settings(generators[0].settings)
    if not cfg.most_read_build_url or cfg.most_read_in_may_interest <= 0:
        return
    paths = policy.fetch_top(cfg.most_read_build_url, cfg.most_read_days, 50)
    if paths is None:
        log.warning("reader: %s/v1/top không đọc được; \"Có thể bạn quan tâm\" không có tin xem nhiều lần này",
                    cfg.most_read_build_url)
        return
    by_path = {path_for(a.url): a for a in arts}
    popular = [by_path[p] for p in paths if p in by_path]
    for a in arts:
        a.may_interest = policy.blend_popular(list(getattr(a, "may_interest", []) or []), popular, a,
                                              list(getattr(a, "related_news", []) or []),
                                              cfg.most_read_in_may_interest)
    log.info("reader: %d popular articles from %s", len(popular), cfg.most_read_build_url)


def write(pelican) -> None:
    if "policy" not in _state:
        return
    policy.write_json(_state.pop("policy"), pelican.output_path, "comments.json")
    cards = _state.pop("cards")
    if cards is not None:
        for name, data in policy.card_files(cards).items():
            policy.write_json(data, pelican.output_path, name)


def register():
    signals.initialized.connect(Config.check_at_start)
    signals.article_generator_finalized.connect(add_states)
    signals.all_generators_finalized.connect(add_popular)
    signals.finalized.connect(write)
