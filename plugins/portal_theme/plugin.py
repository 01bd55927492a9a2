"""Pelican glue for portal_theme (see the package docstring)."""

from __future__ import annotations

import os

from pelican import signals

from plugins import vietnamese
from plugins.categories import category_map

from . import assets, feeds, seo, share
from .config import Config
from .filters import FILTERS


def _share_images_for(settings, env):
    def images(article) -> list[dict]:
        own = getattr(article, "image", "")
        found = share.share_images(own, settings.get("DEFAULT_SHARE_IMAGE", ""), settings["PATH"])
        # plugins.images, when on: a resized JPEG, never the uploaded original (megabytes)
        photo = env.globals.get("share_photo")
        resized = photo(own) if photo and own else None
        if resized and found and found[0]["path"] == share.site_path(own):
            found[0] = resized
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


def _theme_static_dirs(settings) -> list[str]:
    return [os.path.join(settings["THEME"], p) for p in settings.get("THEME_STATIC_PATHS", ["static"])
            if os.path.isdir(os.path.join(settings["THEME"], p))]


def _asset_names(settings) -> dict[str, str]:
    """Hashed names of the theme's CSS/JS, computed once per build (the settings object)."""
    if "_ASSET_NAMES" not in settings:
        names = {}
        for folder in _theme_static_dirs(settings):
            names.update(assets.fingerprint(folder))
        settings["_ASSET_NAMES"] = names
    return settings["_ASSET_NAMES"]


def add_filters(generator):
    generator.env.filters.update(FILTERS)
    names = _asset_names(generator.settings)
    prefix = f"{generator.settings.get('SITEURL', '')}/{generator.settings['THEME_STATIC_DIR']}/"
    generator.env.globals["asset_url"] = lambda rel: prefix + names.get(rel, rel)
    share_images = _share_images_for(generator.settings, generator.env)
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


def write_assets(pelican):
    """The theme's CSS/JS under their hashed names (before precompress, listed later)."""
    out = os.path.join(pelican.output_path, pelican.settings["THEME_STATIC_DIR"])
    names = _asset_names(pelican.settings)
    for folder in _theme_static_dirs(pelican.settings):
        assets.write(folder, out, {rel: h for rel, h in names.items()
                                   if os.path.isfile(os.path.join(folder, rel))})


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.initialized.connect(resolve_absolute_siteurl)
    signals.feed_generated.connect(finish_feed)
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(add_portal_context)
    signals.finalized.connect(write_robots)
    signals.finalized.connect(write_assets)
