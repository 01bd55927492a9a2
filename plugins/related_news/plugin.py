"""Pelican glue for related_news (see the package docstring)."""

from __future__ import annotations

import json
import logging
import os
import time

from pelican import signals

from plugins.markup import html_to_text

from .config import Config
from .count_cache import CountCache
from .model import Doc
from .ranking import compute
from .same_category import same_category
from .tokens import content_hash

log = logging.getLogger(__name__)

def _slug_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


# Part of the cache key: bump when the text given to the ranking changes for the same HTML.
TEXT_VERSION = "html-to-text-2"


def to_doc(article) -> Doc:
    meta = article.metadata
    summary = str(meta.get("summary") or "")
    content = str(article._content or "")
    title = str(article.title)
    return Doc(
        slug=article.slug,
        title=title,
        # Plain text is made only for articles missing from the token cache, a batch at a
        # time; the key hashes the HTML, so a rebuild never strips tags.
        text=lambda: html_to_text(summary) + "\n" + html_to_text(content),
        key=content_hash(title, f"{TEXT_VERSION}\0{summary}\0{content}"),
        date=article.date,
        category=article.category.name if getattr(article, "category", None) else "",
        tags=[t.name for t in getattr(article, "tags", [])],
        related=_slug_list(meta.get("related")),
        related_exclude=_slug_list(meta.get("related_exclude")),
        no_related=meta.get("no_related") is True,
    )


def cache_file(settings) -> str:
    return os.path.join(settings["CACHE_PATH"], "related_news", "counts.bin")


PARENT = "\0parent/"  # slugs of the province's articles among a commune's (no real slug has NUL)


def parent_docs(settings) -> list[tuple[Doc, dict]]:
    """A commune's related news may show its province's articles (NETWORK's
    related_include_parent, docs/network.md): (Doc, item) of each, the item a link to the
    province's site. Empty otherwise: related news stays within a site."""
    from plugins.network import latest
    from plugins.network.config import Config as NetworkConfig
    from plugins.scheduling import schedule

    net = NetworkConfig.from_settings(settings)
    if not (net.related_include_parent and net.parent):
        return []
    base = net.parent["url"].rstrip("/") + "/"
    out = []
    for a in latest.articles(net.parent["content"], settings["ARTICLE_URL"], schedule.now(settings), None,
                             settings.get("ARTICLE_PATHS", ["articles"]), settings.get("IGNORE_FILES", []),
                             with_body=True):
        text = a["summary"] + "\n" + a["body"]
        doc = Doc(slug=PARENT + a["slug"], title=a["title"], text=text, date=a["date"], category=a["category"],
                  tags=a["tags"], key=content_hash(a["title"], f"{TEXT_VERSION}\0parent\0{text}"))
        out.append((doc, {"title": a["title"], "date": a["date"], "url": a["url"], "href": base + a["url"],
                          "site_name": net.parent["name"]}))
    return out


def add_related(generator) -> None:
    settings = generator.settings
    config = Config.from_settings(settings)
    use_cache = config.cache
    articles = list(generator.articles)
    for art in articles + list(getattr(generator, "drafts", [])) + list(getattr(generator, "hidden_articles", [])):
        art.related_news, art.same_category, art.may_interest = [], [], []
    if not articles:
        return
    t0 = time.perf_counter()
    docs = [to_doc(a) for a in articles]
    extra = parent_docs(settings)
    cache = CountCache(cache_file(settings) if use_cache else None)
    result = compute(docs + [d for d, _item in extra], config, cache)
    newest = same_category(docs, config.k)
    by_slug = {a.slug: a for a in articles}
    outside = {d.slug: item for d, item in extra}
    for art in articles:
        art.related_news = [by_slug.get(s) or outside[s] for s in result.related.get(art.slug, [])]
        art.may_interest = [by_slug[s] for s in result.may_interest.get(art.slug, []) if s in by_slug]
        art.same_category = [by_slug[s] for s in newest.get(art.slug, [])]
    seconds = time.perf_counter() - t0
    stats = {**result.stats, "seconds": round(seconds, 3)}
    if use_cache:
        cache.save()
        legacy = os.path.join(os.path.dirname(cache_file(settings)), "counts.pickle")
        if os.path.exists(legacy):  # the first cache format, replaced by counts.bin
            os.remove(legacy)
        with open(os.path.join(os.path.dirname(cache_file(settings)), "last_run.json"), "w",
                  encoding="utf-8") as fh:
            json.dump(stats, fh)
    log.info("related_news: %d articles in %.2f s, tokenised %d (%d from cache), %d near-duplicates",
             stats["articles"], seconds, stats["tokenized"], stats["cached"], stats["near_duplicates"])


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.article_generator_finalized.connect(add_related)
