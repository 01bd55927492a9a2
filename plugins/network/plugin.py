"""Pelican glue for network (see the package docstring)."""

from __future__ import annotations

from pelican import signals

from plugins.documents.config import Config as DocumentsConfig
from plugins.scheduling import schedule

from . import latest
from .config import Config


def _absolute(base: str, url: str) -> str:
    return base.rstrip("/") + "/" + url.lstrip("/")


def add_context(generator):
    """The province's "Tin từ cơ sở" (network_news) and a commune's "Văn bản của tỉnh"
    (province_documents), read from the other sites' sources, with absolute links."""
    settings = generator.settings
    cfg = Config.from_settings(settings)
    ctx = generator.context
    ctx["network_role"] = cfg.role
    if not cfg.role:
        return
    now = schedule.now(settings)
    if cfg.children and "network_news" not in ctx:
        items = []
        for child in cfg.children:
            for a in latest.articles(child["content"], settings["ARTICLE_URL"], now, cfg.news_count,
                                     settings.get("ARTICLE_PATHS", ["articles"]), settings.get("IGNORE_FILES", [])):
                items.append({**a, "site_name": child["name"], "site_url": child["url"],
                              "url": _absolute(child["url"], a["url"])})
        items.sort(key=lambda a: (-a["date"].timestamp(), a["site_name"], a["slug"]))
        ctx["network_news"] = items[: cfg.news_count]
        ctx["network_sites"] = [{"slug": c["slug"], "name": c["name"], "url": c["url"]} for c in cfg.children]
        if cfg.search:
            shards = settings.get("SEARCH_OUTPUT_DIR", "tim-kiem").strip("/")
            ctx["network_search_sites"] = [
                {"slug": c["slug"], "name": c["name"], "base": c["url"].rstrip("/") + "/",
                 "manifest": _absolute(c["url"], f"{shards}/chi-muc.json")} for c in cfg.children]
    if cfg.parent and "province_documents" not in ctx:
        docs = DocumentsConfig.from_settings(settings)
        items = latest.documents(cfg.parent["content"], docs.path, docs.url, cfg.documents_count)
        ctx["province_documents"] = [{**d, "url": _absolute(cfg.parent["url"], d["url"])} for d in items]
        ctx["province_documents_url"] = _absolute(cfg.parent["url"], docs.index_url)
        name = cfg.parent["name"]
        ctx["network_parent"] = {"name": name, "short": name[:1].lower() + name[1:], "url": cfg.parent["url"]}


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.generator_init.connect(add_context)
