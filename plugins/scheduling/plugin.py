"""Pelican glue for scheduling (see the package docstring)."""

from __future__ import annotations

import logging

from pelican import signals

from . import schedule
from .config import Config

log = logging.getLogger(__name__)


def apply(generator) -> None:
    """Before categories, tags, archives and feeds are built (article_generator_pretaxonomy):
    scheduled articles are dropped, expired ones become hidden (page kept, listed nowhere)."""
    settings = generator.settings
    zone, at = schedule.site_zone(settings), schedule.now(settings)
    kept, hidden = [], list(generator.hidden_articles)
    scheduled = expired = 0
    for article in generator.articles:
        expires = schedule.as_site_time(getattr(article, "expires", None), zone)
        current = schedule.state(schedule.as_site_time(article.date, zone), expires, at)
        if current == schedule.SCHEDULED:
            scheduled += 1
            continue
        if current == schedule.EXPIRED:
            expired += 1
            if getattr(article, "remove_when_expired", False):
                continue
            article.status = "hidden"
            article.expired = True
            article.expires = expires
            hidden.append(article)
            continue
        kept.append(article)
    # translations of a dropped article are dropped with it (the portal has none by default)
    gone = {id(a) for a in generator.articles} - {id(a) for a in kept}
    generator.translations = [t for t in generator.translations
                              if not any(id(o) in gone for o in getattr(t, "translations", []))]
    generator.articles = kept
    generator.hidden_articles = hidden
    if scheduled or expired:
        log.info("scheduling: %d articles scheduled later, %d expired (clock %s)",
                 scheduled, expired, schedule.vi_time(at))


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.article_generator_pretaxonomy.connect(apply)
