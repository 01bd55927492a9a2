"""Structured data for search engines and social networks (no Pelican)."""

from __future__ import annotations

from plugins.markup import html_to_text, site_path

from .filters import iso


def absolute(siteurl: str, path: str) -> str:
    if path and path.startswith(("http://", "https://")):
        return path
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}"


def news_article(*, title, url, published, modified, section, authors, summary, image,
                 siteurl, sitename, publisher_logo) -> dict:
    """schema.org NewsArticle with ISO dates in +07:00."""
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
        "author": [{"@type": "Person", "name": a} for a in authors] or
                  [{"@type": "Organization", "name": sitename}],
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": sitename,
            "logo": {"@type": "ImageObject", "url": absolute(siteurl, publisher_logo)},
        },
    }
    if summary:
        data["description"] = html_to_text(summary)
    if image:
        data["image"] = [absolute(siteurl, site_path(image))]
    return data
