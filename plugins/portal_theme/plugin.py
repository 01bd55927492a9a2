"""Pelican glue for portal_theme (see the package docstring)."""

from __future__ import annotations

import os

from pelican import signals

from plugins import vietnamese
from plugins.categories import category_map

from . import seo
from .config import Config
from .filters import FILTERS


def _jsonld_for(settings):
    def news_jsonld(article, image=None):
        """image: the photo's site path for search engines (templates pass the resized
        variant, plugins.images' share_image); the article's own image by default."""
        authors = [a.name for a in getattr(article, "authors", [])
                   if a.name != settings.get("AUTHOR")]
        return seo.news_article(
            title=article.title,
            url=article.url,
            published=article.date,
            modified=getattr(article, "modified", None),
            section=article.category.name,
            authors=authors,
            summary=getattr(article, "summary", ""),
            image=getattr(article, "image", "") if image is None else image,
            siteurl=settings.get("SITEURL", ""),
            sitename=settings["SITENAME"],
            publisher_logo=f"{settings.get('THEME_STATIC_DIR', 'theme')}/img/logo.png",
        )
    return news_jsonld


def add_filters(generator):
    generator.env.filters.update(FILTERS)
    generator.env.filters["news_jsonld"] = _jsonld_for(generator.settings)
    generator.env.globals["absolute_url"] = lambda path: seo.absolute(
        generator.settings.get("SITEURL", ""), path)


def link_neighbours(articles) -> None:
    """Newer/older article of the same category (``articles`` newest first)."""
    for i, art in enumerate(articles):
        art.newer_in_category = articles[i - 1] if i > 0 else None
        art.older_in_category = articles[i + 1] if i + 1 < len(articles) else None


def write_robots(pelican):
    """robots.txt with the absolute sitemap URL of this build."""
    siteurl = pelican.settings.get("SITEURL", "")
    lines = ["User-agent: *", f"Disallow: /{pelican.settings['DRAFT_URL'].split('/')[0]}/", "Allow: /", "",
             f"Sitemap: {seo.absolute(siteurl, 'sitemap.xml') if siteurl else '/sitemap.xml'}", ""]
    with open(os.path.join(pelican.output_path, "robots.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def add_portal_context(generator):
    """Categories in configured menu order, with descriptions and newest articles."""
    settings = generator.settings
    by_name = {vietnamese.normalize(cat.name): (cat, arts) for cat, arts in generator.categories}
    portal_categories = []
    for key, conf in category_map(settings).items():
        cat, arts = by_name.get(key, (None, []))
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
    generator.context["featured_articles"] = featured[: Config.from_settings(settings).featured_count]
    generator.context["article_years"] = sorted({a.date.year for a in generator.articles}, reverse=True)


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(add_portal_context)
    signals.finalized.connect(write_robots)
