"""Pelican glue for văn bản (see the package docstring)."""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys
import zoneinfo

from blinker import signal
from pelican import signals
from pelican.contents import Page, SkipStub
from pelican.generators import CachingGenerator

from . import fields, validate
from .config import Config
from .model import Library, RegisterEntry, list_page_urls
from .sources import slug_of

log = logging.getLogger(__name__)

CHECK_NAME = "plugins.documents.validate:check"

# As Pelican's page_generator_* signals, for the documents generator.
document_generator_preread = signal("document_generator_preread")
document_generator_context = signal("document_generator_context")
document_generator_finalized = signal("document_generator_finalized")


class DocumentError(Exception):
    exitcode = 1


_CONFIGS: dict[int, tuple[object, Config]] = {}


def config(settings) -> Config:
    """The settings' Config, parsed once per settings object."""
    hit = _CONFIGS.get(id(settings))
    if hit is None or hit[0] is not settings:
        hit = _CONFIGS[id(settings)] = (settings, Config.from_settings(settings))
    return hit[1]


class Document(RegisterEntry, Page):
    """A văn bản as Pelican content: a page of its own (so pelican-sitemap, {static} links,
    plugins.images and the reader cache treat it as one) with the register's fields as
    English attributes (fields.FIELDS maps the front-matter keys to them)."""

    default_template = "document"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        cfg = config(settings)
        attrs = fields.to_attributes(metadata, cfg.files_folder(settings), cfg.files_path)
        for key in fields.KEYS - {"slug", "summary"}:
            metadata.pop(key, None)
        metadata.update(attrs)
        # The issue date dates the page (sitemap lastmod, feed).
        tz = zoneinfo.ZoneInfo(settings.get("TIMEZONE", "UTC"))
        metadata["date"] = datetime.datetime.combine(attrs["issued"], datetime.time(), tz)
        self._patterns = {"url": cfg.url, "save_as": cfg.output_name()}
        super().__init__(content, metadata, settings, source_path, context)
        self._reset_links()

    def _expand_settings(self, key: str) -> str:
        # DOCUMENTS_URL / DOCUMENTS_SAVE_AS: one scheme whatever the language.
        return self._patterns[key.removeprefix("lang_")].format(**self.url_format)

    def refresh_sizes(self) -> None:
        """Attachments may change while the .md file (the cache key) does not."""
        folder = config(self.settings).files_folder(self.settings)
        for a in self.attachments:
            a.size = os.path.getsize(os.path.join(folder, a.name))


class DocumentsGenerator(CachingGenerator):
    """Reads DOCUMENTS_PATH with Pelican's readers, as PagesGenerator reads pages; writes
    the list pages, each document, van-ban/data.json and the Atom feed."""

    def __init__(self, *args, **kwargs):
        self.documents = []
        super().__init__(*args, **kwargs)
        self.config = config(self.settings)

    def generate_context(self):
        cfg, settings = self.config, self.settings
        sources = validate.load(settings, cfg=cfg)  # parsed once per process (sources.py)
        if CHECK_NAME not in settings.get("CONTENT_CHECKS", []):
            # Not validated at `initialized`: do it here so bad input never half-renders.
            problems = validate.check(settings)
            if problems:
                for p in problems:
                    log.error("%s", p)
                raise DocumentError(f"{len(problems)} document problem(s)")
        # The content contract's reader slugs every title; a document's slug is its file
        # name unless the front-matter gives one.
        slugs = {os.path.abspath(s.abs_path): slug_of(s) for s in sources if s.meta}
        docs = []
        for f in self.get_files([cfg.path], exclude=[cfg.files_path]):
            doc = self.get_cached_data(f, None)
            if doc is None:
                try:
                    doc = self.readers.read_file(
                        base_path=self.path, path=f, content_class=Document, context=self.context,
                        preread_signal=document_generator_preread, preread_sender=self,
                        context_signal=document_generator_context, context_sender=self)
                except Exception:
                    log.exception("Could not process %s", f, exc_info=settings.get("DEBUG", False))
                    self._add_failed_source_path(f)
                    continue
                if isinstance(doc, SkipStub):
                    continue
                if not doc.is_valid():
                    self._add_failed_source_path(f)
                    continue
                doc.slug = slugs.get(os.path.abspath(os.path.join(self.path, f)), doc.slug)
                self.cache_data(f, doc)
            else:
                doc.refresh_sizes()
            self.add_source_path(doc)
            self.add_static_links(doc)
            docs.append(doc)
        docs.sort(key=lambda d: d.source_path)  # ties keep file order, whatever get_files' order
        self.library = lib = Library(docs, cfg.status_day(settings), cfg.neighbours)
        self.documents = lib.documents
        self.context["document_library"] = lib
        self.context["latest_documents"] = lib.documents[: cfg.latest_count]
        self.context["documents_index_url"] = cfg.index_url
        self.context["documents_feed_atom"] = cfg.feed_atom
        # Read by plugins.visitor_counter for its manifest (the paths the service may count).
        self.context.setdefault("counter_extra_paths", []).extend(lib.counter_entries())
        self.save_cache()
        self.readers.save_cache()
        document_generator_finalized.send(self)

    def generate_output(self, writer):
        cfg, lib = self.config, self.library
        relative = self.settings.get("RELATIVE_URLS", False)
        facets = lib.facets()
        pages = lib.pages(cfg.per_page)
        urls = list_page_urls(cfg.index_url, cfg.per_page, len(lib.documents))
        list_tpl = self.get_template("documents")
        for n, (docs, (url, save_as)) in enumerate(zip(pages, urls, strict=True), start=1):
            writer.write_file(
                save_as, list_tpl, self.context, relative, url=url,
                documents_page=docs, documents_page_number=n, documents_num_pages=len(pages),
                documents_prev_url=urls[n - 2][0] if n > 1 else None,
                documents_next_url=urls[n][0] if n < len(pages) else None,
                documents_facets=facets, documents_total=len(lib.documents),
                documents_data_url=cfg.data_url, documents_per_page=cfg.per_page,
            )
        for doc in lib.documents:  # as PagesGenerator writes a page
            writer.write_file(doc.save_as, self.get_template(doc.template), self.context, relative,
                              override_output=hasattr(doc, "override_save_as"), url=doc.url, page=doc)
        self._write(cfg.data_url, json.dumps(lib.index_rows(), ensure_ascii=False, separators=(",", ":")))
        if cfg.feed_atom:
            self._write(cfg.feed_atom, self._feed(lib))

    def _feed(self, lib) -> str:
        settings = self.settings
        domain = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
        docs = lib.documents[: settings.get("FEED_MAX_ITEMS") or len(lib.documents)]
        updated = max((d.date for d in docs), default=None) or datetime.datetime.now(datetime.UTC)
        return self.env.get_template("documents_feed.xml").render(
            self.context, feed_domain=domain, feed_documents=docs, feed_updated=updated)

    def _write(self, rel: str, text: str) -> None:
        path = os.path.join(self.output_path, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        log.info("Writing %s", path)


def _other_plugin(settings, name: str):
    """Another plugin's glue module, if PLUGINS lists that plugin (never imports it)."""
    if f"plugins.{name}" not in settings.get("PLUGINS", []):
        return None
    return sys.modules.get(f"plugins.{name}.plugin") or sys.modules.get(f"plugins.{name}")


def prerender(generator) -> None:
    """parallel_markdown renders the documents' Markdown ahead, as it does the articles'."""
    pm = _other_plugin(generator.settings, "parallel_markdown")
    if pm is not None and hasattr(pm, "start"):
        cfg = generator.config
        pm.start(generator, paths=[cfg.path], excludes=[cfg.files_path])


def finished(generator) -> None:
    pm = _other_plugin(generator.settings, "parallel_markdown")
    if pm is not None and hasattr(pm, "finish"):
        pm.finish(generator)
    images = _other_plugin(generator.settings, "images")  # photos in a body become <picture>, as in articles
    if images is not None and hasattr(images, "prepare"):
        images.prepare(generator)


def get_generators(_pelican):
    return DocumentsGenerator


def register():
    signals.get_generators.connect(get_generators)
    document_generator_preread.connect(prerender)
    document_generator_finalized.connect(finished)
