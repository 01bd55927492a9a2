"""Structured data for search engines and social networks (no Pelican)."""

from __future__ import annotations

from plugins.markup import html_to_text, site_path

from .filters import iso


def is_absolute(url: str) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def absolute(siteurl: str, path: str) -> str:
    if is_absolute(path):
        return path
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}"


def base_url(settings) -> str:
    """The site's absolute URL for this build (after ``absolute_siteurl``)."""
    return settings.get("ABSOLUTE_SITEURL") or settings.get("SITEURL") or ""


def absolute_siteurl(settings) -> dict:
    """Settings to update so every absolute URL of a build has one base: an absolute
    SITEURL wins over ABSOLUTE_SITEURL (the preview server's address), and a FEED_DOMAIN
    left at that address follows."""
    siteurl = settings.get("SITEURL") or ""
    base = settings.get("ABSOLUTE_SITEURL") or ""
    if not is_absolute(siteurl) or siteurl == base:
        return {}
    updates = {"ABSOLUTE_SITEURL": siteurl}
    if settings.get("FEED_DOMAIN") in (None, "", base):
        updates["FEED_DOMAIN"] = siteurl
    return updates


def news_article(*, title, url, published, modified, section, authors, summary, images,
                 siteurl, sitename, publisher_logo) -> dict:
    """schema.org NewsArticle with ISO dates in +07:00. ``authors``: (name, page URL,
    is an organisation); ``images``: site-relative paths or URLs."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title[:110],
        "mainEntityOfPage": {"@type": "WebPage", "@id": absolute(siteurl, url)},
        "url": absolute(siteurl, url),
        "datePublished": iso(published),
        "dateModified": iso(modified or published),
        "articleSection": section,
        "inLanguage": "vi",
        "author": [{"@type": "Organization" if org else "Person", "name": name,
                    "url": absolute(siteurl, page)} for name, page, org in authors] or
                  [{"@type": "Organization", "name": sitename, "url": absolute(siteurl, "")}],
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": sitename,
            "logo": {"@type": "ImageObject", "url": absolute(siteurl, publisher_logo)},
        },
    }
    if summary:
        data["description"] = html_to_text(summary)
    if images:
        data["image"] = [absolute(siteurl, site_path(i)) for i in images]
    return data
