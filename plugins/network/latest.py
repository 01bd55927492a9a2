"""The newest articles and documents of another site of the network, read from its sources.
Pure: no Pelican.

The province's "Tin từ cơ sở" reads its communes' articles, a commune's "Văn bản của tỉnh"
its province's documents, straight from their Markdown front-matter: no build order between
sites, and a commune that fails its own build still shows what it had published. The rules
are the build's: slugs (content_contract.rules.slug_of), drafts, scheduled and expired
articles (scheduling.schedule), the shared ARTICLE_URL and DOCUMENTS_URL patterns.
"""

from __future__ import annotations

import datetime
import heapq
import os

from plugins.content_contract import frontmatter, rules
from plugins.content_contract.check import iter_markdown
from plugins.documents import sources as doc_sources
from plugins.scheduling import schedule


def _read(path: str) -> frontmatter.SourceFile | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return frontmatter.parse(fh.read(), path, path)
    except (OSError, UnicodeDecodeError):
        return None


def articles(content: str, article_url: str, now: datetime.datetime, limit: int | None,
             article_paths=("articles",), ignore=(), with_body: bool = False) -> list[dict]:
    """The ``limit`` (None: all) newest published articles under ``content``: title, date,
    summary, category, tags and the URL relative to that site's root (with_body: the Markdown
    body too), newest first (same minute: by slug)."""
    zone = now.tzinfo
    found = []
    for sub in article_paths:
        for path in iter_markdown(os.path.join(content, sub), list(ignore)):
            src = _read(path)
            if src is None or src.problems or not src.meta.get("title"):
                continue  # that site's own build reports it
            meta = src.meta
            if str(meta.get("status", "published")).strip() != "published":
                continue
            date = schedule.as_site_time(meta.get("date"), zone)
            if date is None:
                continue
            if schedule.state(date, schedule.as_site_time(meta.get("expires"), zone), now) != schedule.LIVE:
                continue
            slug = rules.slug_of(src)
            tags = meta.get("tags") or []
            item = {"title": str(meta["title"]).strip(), "date": date, "slug": slug,
                    "summary": str(meta.get("summary") or "").strip(),
                    "category": str(meta.get("category") or "").strip(),
                    "tags": [str(t) for t in tags] if isinstance(tags, list) else [str(tags)],
                    "url": article_url.format(date=date, slug=slug)}
            if with_body:
                item["body"] = src.body
            found.append((-date.timestamp(), slug, item))
    if limit is None:
        found.sort(key=lambda x: (x[0], x[1]))
        return [item for _t, _s, item in found]
    return [item for _t, _s, item in heapq.nsmallest(limit, found, key=lambda x: (x[0], x[1]))]


def documents(content: str, documents_path: str, document_url: str, limit: int) -> list[dict]:
    """The ``limit`` newest documents (by issue date) under ``content/documents_path``:
    number, title, issue date and URL relative to that site's root."""
    found = []
    for src in doc_sources.load_sources(os.path.join(content, documents_path), skip=[
            os.path.join(content, documents_path, "files")]):
        meta = src.meta
        issued = meta.get("ngay_ban_hanh")
        if isinstance(issued, str):
            issued = rules.parse_date(issued.strip())
        if isinstance(issued, datetime.datetime):
            issued = issued.date()
        if src.problems or not isinstance(issued, datetime.date) or not meta.get("title"):
            continue
        slug = doc_sources.slug_of(src)
        found.append({"number": str(meta.get("so_ky_hieu") or "").strip(), "title": str(meta["title"]).strip(),
                      "issued": issued, "slug": slug, "url": document_url.format(slug=slug)})
    found.sort(key=lambda d: (d["issued"], d["slug"]), reverse=True)
    return found[:limit]
