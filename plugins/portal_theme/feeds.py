"""Feed fixes before a feed is written (no Pelican): what the W3C feed validator asks.

- RSS ``<guid>``: Pelican writes a ``tag:`` URI, which RSS 2.0 reads as a permalink unless
  ``isPermaLink="false"``. The tag URI stays (readers already know items by it).
- Links and ids absolute: with an empty SITEURL (the demo) Pelican writes site-relative
  links, and tag URIs without a host made from them.
"""

from __future__ import annotations

from feedgenerator import Rss201rev2Feed, get_tag_uri

from .seo import absolute, is_absolute


def finish(feed, base_url: str) -> None:
    """Mend ``feed`` (a feedgenerator feed) in place; ``base_url`` is the site's absolute URL."""
    rss = isinstance(feed, Rss201rev2Feed)
    for key in ("link", "feed_url", "id"):
        if feed.feed.get(key) and not is_absolute(feed.feed[key]):
            feed.feed[key] = absolute(base_url, feed.feed[key])
    for item in feed.items:
        if item.get("link") and not is_absolute(item["link"]):
            item["link"] = absolute(base_url, item["link"])
            item["unique_id"] = get_tag_uri(item["link"], item.get("pubdate"))
        if rss and item.get("unique_id") and not is_absolute(item["unique_id"]):
            item["unique_id_is_permalink"] = False
