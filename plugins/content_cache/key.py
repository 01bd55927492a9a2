"""The key of Pelican's reader cache: what a reader's output (HTML and metadata) depends
on besides the file itself. Pure: no Pelican."""

from __future__ import annotations

from plugins.page_writer.fingerprint import Digester, digest, tree_digest

# Settings that differ between runs of the same site and never change what a reader returns
# (where the output goes, absolute URLs, services, counts of processes, caching switches).
RUN_SETTINGS = {
    "OUTPUT_PATH", "PAGE_WRITER_PREVIOUS_OUTPUT", "DELETE_OUTPUT_DIRECTORY", "SITEURL",
    "ABSOLUTE_SITEURL", "FEED_DOMAIN", "RELATIVE_URLS", "COUNTER_URL", "MOST_READ_BUILD_URL",
    "PORTAL_NOW", "LOAD_CONTENT_CACHE", "CACHE_CONTENT", "JINJA_ENVIRONMENT", "DEBUG",
}
RUN_PREFIXES = ("PRECOMPRESS", "WEB_EDITOR_")


def reader_key(settings: dict, code_roots: list[str], versions: tuple) -> str:
    state = {k: v for k, v in settings.items()
             if k not in RUN_SETTINGS and not k.endswith("_WORKERS") and not k.startswith(RUN_PREFIXES)}
    return digest((versions, tree_digest(code_roots, (".py",)), Digester().rep(state)))
