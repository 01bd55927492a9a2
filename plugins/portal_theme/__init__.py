"""Pelican glue for the portal theme: filters, and the context the templates need."""

from __future__ import annotations

import os

from pelican import signals

from plugins import vietnamese

from . import feeds, seo, share
from .filters import FILTERS


def _share_images_for(settings):
    def images(article) -> list[dict]:
        found = share.share_images(getattr(article, "image", ""), settings.get("DEFAULT_SHARE_IMAGE", ""),
                                   settings["PATH"])
        return [{**i, "url": seo.absolute(seo.base_url(settings), i["path"])} for i in found]
    return images


def _jsonld_for(settings, share_images):
    def news_jsonld(article):
        # the editorial board (AUTHOR) is an organisation; each author has a /tac-gia/ page
        authors = [(a.name, a.url, a.name == settings.get("AUTHOR")) for a in getattr(article, "authors", [])]
        return seo.news_article(
            title=article.title,
            url=article.url,
            published=article.date,
            modified=getattr(article, "modified", None),
            section=article.category.name,
            authors=authors,
            summary=getattr(article, "summary", ""),
            images=[i["url"] for i in share_images(article)],
            siteurl=seo.base_url(settings),
            sitename=settings["SITENAME"],
            publisher_logo=f"{settings.get('THEME_STATIC_DIR', 'theme')}/img/logo.png",
        )
    return news_jsonld


def add_filters(generator):
    generator.env.filters.update(FILTERS)
    share_images = _share_images_for(generator.settings)
    generator.env.globals["share_images"] = share_images
    generator.env.filters["news_jsonld"] = _jsonld_for(generator.settings, share_images)
    generator.env.globals["absolute_url"] = lambda path: seo.absolute(
        seo.base_url(generator.settings), path)


def resolve_absolute_siteurl(pelican):
    pelican.settings.update(seo.absolute_siteurl(pelican.settings))


def finish_feed(context, feed):
    feeds.finish(feed, seo.base_url(context))


def link_neighbours(articles) -> None:
    """Newer/older article of the same category (``articles`` newest first)."""
    for i, art in enumerate(articles):
        art.newer_in_category = articles[i - 1] if i > 0 else None
        art.older_in_category = articles[i + 1] if i + 1 < len(articles) else None


def write_robots(pelican):
    """robots.txt with the absolute sitemap URL of this build."""
    siteurl = seo.base_url(pelican.settings)
    lines = ["User-agent: *", f"Disallow: /{pelican.settings['DRAFT_URL'].split('/')[0]}/", "Allow: /", "",
             f"Sitemap: {seo.absolute(siteurl, 'sitemap.xml') if siteurl else '/sitemap.xml'}", ""]
    with open(os.path.join(pelican.output_path, "robots.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def add_portal_context(generator):
    """Categories in configured menu order, with descriptions and newest articles."""
    settings = generator.settings
    by_name = {vietnamese.normalize(cat.name): (cat, arts) for cat, arts in generator.categories}
    portal_categories = []
    for conf in settings.get("PORTAL_CATEGORIES", []):
        cat, arts = by_name.get(vietnamese.normalize(conf["name"]), (None, []))
        portal_categories.append({
            "name": conf["name"],
            "slug": conf["slug"],
            "description": conf.get("description", ""),
            "url": settings["CATEGORY_URL"].format(slug=conf["slug"]),
            "category": cat,
            "articles": arts,  # Pelican sorts these newest first
        })
    for _, arts in generator.categories:
        link_neighbours(arts)
    featured = [a for a in generator.articles if getattr(a, "featured", False) is True]
    generator.context["portal_categories"] = portal_categories
    generator.context["category_info"] = {c["slug"]: c for c in portal_categories}
    generator.context["featured_articles"] = featured[: settings.get("HOME_FEATURED_COUNT", 5)]
    generator.context["article_years"] = sorted({a.date.year for a in generator.articles}, reverse=True)


def register():
    signals.initialized.connect(resolve_absolute_siteurl)
    signals.feed_generated.connect(finish_feed)
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(add_portal_context)
    signals.finalized.connect(write_robots)
