"""Pelican glue for văn bản (legal documents) under /van-ban/.

A generator reads content/documents/*.md (validated by validate.check, which the
CONTENT_CHECKS setting runs before every build) and writes:
- /van-ban/ (newest first, paginated /van-ban/trang-N/) and van-ban/data.json for the
  client-side filter;
- /van-ban/{slug}.html for each document;
- feeds/van-ban.atom.xml.
Pages go through Pelican's writer, so pelican-sitemap lists them (see sitemap_urls for
callers that build their own sitemap). The shared context gets `latest_documents`,
`document_library` and `counter_extra_paths` before any template is rendered.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
import os
import zoneinfo

from pelican import signals
from pelican.generators import Generator

from . import model, validate

log = logging.getLogger(__name__)

CHECK_NAME = "plugins.documents.validate:check"
DEFAULTS = {
    "DOCUMENTS_PATH": "documents",
    "DOCUMENTS_FILES_PATH": "documents/files",
    "DOCUMENTS_INDEX_URL": "van-ban/",
    "DOCUMENTS_URL": "van-ban/{slug}.html",
    "DOCUMENTS_DATA_URL": "van-ban/data.json",
    "DOCUMENTS_FEED_ATOM": "feeds/van-ban.atom.xml",
    "DOCUMENTS_PER_PAGE": 20,
    "DOCUMENTS_LATEST_COUNT": 5,
    "DOCUMENTS_NEIGHBOURS": 5,
    "DOCUMENTS_TODAY": None,  # a date (or "YYYY-MM-DD") to pin the status; default: today in TIMEZONE
}


class DocumentError(Exception):
    exitcode = 1


def _setting(settings, key):
    return settings.get(key, DEFAULTS[key])


def today(settings) -> datetime.date:
    pinned = _setting(settings, "DOCUMENTS_TODAY")
    if pinned:
        return model.parse_date(pinned)
    return datetime.datetime.now(zoneinfo.ZoneInfo(settings.get("TIMEZONE", "UTC"))).date()


def load_library(settings) -> model.Library:
    """Read, check and link every document (raises DocumentError on bad content)."""
    sources = validate.load(settings)
    if CHECK_NAME not in settings.get("CONTENT_CHECKS", []):
        # Not validated at `initialized`: do it here so bad input never half-renders.
        problems = validate.check(settings)
        if problems:
            for p in problems:
                log.error("%s", p)
            raise DocumentError(f"{len(problems)} document problem(s)")
    _, files_dir, files_url = validate.settings_paths(settings)
    docs = [model.from_source(s, files_dir, files_url) for s in sources if s.meta]
    return model.Library(docs, today(settings), _setting(settings, "DOCUMENTS_URL"),
                         _setting(settings, "DOCUMENTS_NEIGHBOURS"))


def list_page_urls(settings, count: int) -> list[tuple[str, str]]:
    """(url, save_as) of each list page: van-ban/, van-ban/trang-2/, ..."""
    base = _setting(settings, "DOCUMENTS_INDEX_URL").strip("/")
    per = max(1, int(_setting(settings, "DOCUMENTS_PER_PAGE")))
    pages = max(1, -(-count // per))
    out = [(f"{base}/", f"{base}/index.html")]
    out += [(f"{base}/trang-{n}/", f"{base}/trang-{n}/index.html") for n in range(2, pages + 1)]
    return out


def sitemap_urls(settings) -> list[tuple[str, datetime.date | None]]:
    """Every document URL for a sitemap: (site-relative URL, last change) — list pages
    first (last change None), then each document (its issue date). Reads content afresh,
    so a sitemap-index builder can call it from any signal."""
    lib = load_library(settings)
    out: list[tuple[str, datetime.date | None]] = [(u, None) for u, _ in list_page_urls(settings, len(lib.documents))]
    out += [(d.url, d.ngay_ban_hanh) for d in lib.documents]
    return out


def _markdown(settings):
    from markdown import Markdown

    conf = copy.deepcopy(settings.get("MARKDOWN", {}))
    conf.setdefault("extensions", [])
    for ext in conf.get("extension_configs", {}):
        if ext not in conf["extensions"]:
            conf["extensions"].append(ext)
    return Markdown(**conf)


class DocumentsGenerator(Generator):
    """Văn bản: context first (so home and sidebars see it), then the pages and feed."""

    def generate_context(self):
        settings = self.settings
        self.library = lib = load_library(settings)
        tz = zoneinfo.ZoneInfo(settings.get("TIMEZONE", "UTC"))
        md = _markdown(settings)
        for d in lib.documents:
            # `date` lets pelican-sitemap date the page; Document.status stays unset so it is not excluded.
            d.date = datetime.datetime.combine(d.ngay_ban_hanh, datetime.time(), tz)
            d.content = md.reset().convert(d.body) if d.body else ""
        self.context["document_library"] = lib
        self.context["latest_documents"] = lib.documents[: _setting(settings, "DOCUMENTS_LATEST_COUNT")]
        self.context["documents_index_url"] = _setting(settings, "DOCUMENTS_INDEX_URL")
        self.context["documents_feed_atom"] = _setting(settings, "DOCUMENTS_FEED_ATOM")
        # Read by plugins.visitor_counter for its manifest (the paths the service may count).
        self.context.setdefault("counter_extra_paths", []).extend(lib.counter_entries())

    def generate_output(self, writer):
        settings = self.settings
        lib = self.library
        relative = settings.get("RELATIVE_URLS", False)
        facets = lib.facets()
        pages = lib.pages(_setting(settings, "DOCUMENTS_PER_PAGE"))
        urls = list_page_urls(settings, len(lib.documents))
        list_tpl = self.get_template("documents")
        for n, (docs, (url, save_as)) in enumerate(zip(pages, urls), start=1):
            writer.write_file(
                save_as, list_tpl, self.context, relative, url=url,
                documents_page=docs, documents_page_number=n, documents_num_pages=len(pages),
                documents_prev_url=urls[n - 2][0] if n > 1 else None,
                documents_next_url=urls[n][0] if n < len(pages) else None,
                documents_facets=facets, documents_total=len(lib.documents),
                documents_data_url=_setting(settings, "DOCUMENTS_DATA_URL"),
                documents_per_page=_setting(settings, "DOCUMENTS_PER_PAGE"),
            )
        detail_tpl = self.get_template("document")
        for d in lib.documents:
            # `page` too: pelican-sitemap takes the URL and date of `article` or `page`.
            writer.write_file(d.save_as, detail_tpl, self.context, relative, url=d.url,
                              document=d, page=d)
        self._write_data(lib)
        self._write_feed(lib)

    def _write_data(self, lib):
        path = os.path.join(self.output_path, _setting(self.settings, "DOCUMENTS_DATA_URL"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(lib.index_rows(), fh, ensure_ascii=False, separators=(",", ":"))

    def _write_feed(self, lib):
        from feedgenerator import Atom1Feed

        settings = self.settings
        feed_path = _setting(settings, "DOCUMENTS_FEED_ATOM")
        if not feed_path:
            return
        domain = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
        index_url = _setting(settings, "DOCUMENTS_INDEX_URL")
        docs = lib.documents[: settings.get("FEED_MAX_ITEMS") or len(lib.documents)]
        feed = Atom1Feed(
            title=f"{settings['SITENAME']} – Văn bản",
            link=f"{domain}/{index_url}",
            feed_url=f"{domain}/{feed_path}",
            description="Văn bản mới ban hành",
            language=settings.get("DEFAULT_LANG", "vi"),
        )
        for d in docs:
            files = ", ".join(f"{a.title} ({a.type_label}, {a.size_label})" for a in d.files)
            parts = [
                f"<p><strong>{_esc(d.loai_van_ban)} số {_esc(d.so_ky_hieu)}</strong> "
                f"của {_esc(d.co_quan_ban_hanh)}: {_esc(d.title)}</p>",
                f"<p>Ngày ban hành: {d.ngay_ban_hanh:%d/%m/%Y}; ngày có hiệu lực: "
                f"{d.ngay_hieu_luc:%d/%m/%Y}; tình trạng: {d.hieu_luc}.</p>",
            ]
            if files:
                parts.append(f"<p>Tệp đính kèm: {_esc(files)}</p>")
            feed.add_item(
                title=f"{d.so_ky_hieu}: {d.title}",
                link=f"{domain}/{d.url}",
                unique_id=f"{domain}/{d.url}",
                description="".join(parts),
                author_name=d.co_quan_ban_hanh,
                pubdate=d.date,
                categories=[d.loai_van_ban, *d.linh_vuc],
            )
        path = os.path.join(self.output_path, feed_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            feed.write(fh, "utf-8")
        log.info("Writing %s", path)


def _esc(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def get_generators(pelican):
    return DocumentsGenerator


def register():
    signals.get_generators.connect(get_generators)
