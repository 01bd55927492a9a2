"""Command line: serve (default) or import starting totals from a previous CMS.

  python -m counter_service [--host H] [--port P] [--db PATH | --redis-url URL]
      --origin URL [--origin URL ...] --manifest PATH_OR_URL [--trusted-proxy IP ...]
      [--site NAME] [--workers N] [--flush-ms MS] [--test-clock]
  python -m counter_service import [--db PATH | --redis-url URL] --site NAME
      [--total N] [--month YYYY-MM=N ...] [--views FILE.json]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import sys

from .app import Config, create_app

DEFAULT_DB = os.path.join("var", "counter.sqlite3")


def _backend(ap: argparse.ArgumentParser) -> None:
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--db", metavar="PATH", help=f"SQLite file (default {DEFAULT_DB})")
    g.add_argument("--redis-url", metavar="URL", help="redis://host:port/db; several processes may share it")


def serve(argv) -> int:
    ap = argparse.ArgumentParser(prog="python -m counter_service", description="Visitor counter service")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8787)
    _backend(ap)
    ap.add_argument("--origin", action="append", default=[], metavar="URL", required=True,
                    help="site origin allowed to count, e.g. https://nampang.gov.vn (repeatable)")
    ap.add_argument("--manifest", metavar="PATH_OR_URL", default=os.path.join("output", "counter", "manifest.json"),
                    help="published paths written by the build (default output/counter/manifest.json)")
    ap.add_argument("--trusted-proxy", action="append", default=[], metavar="IP",
                    help="peer whose X-Forwarded-For is believed (IP or CIDR, repeatable)")
    ap.add_argument("--site", default="", help="site key in storage (default: host of the first origin)")
    ap.add_argument("--workers", type=int, default=1, help="processes (Redis backend only)")
    ap.add_argument("--flush-ms", type=float, default=0.0,
                    help="SQLite: wait up to this long (≤ 100 ms) to batch more hits per commit")
    ap.add_argument("--test-clock", action="store_true",
                    help="TESTS ONLY: honour the X-Test-Now request header")
    a = ap.parse_args(argv)
    if a.workers > 1 and not a.redis_url:
        ap.error("--workers > 1 needs --redis-url (SQLite state lives in one process)")
    if not 0 <= a.flush_ms <= 100:
        ap.error("--flush-ms must be between 0 and 100")
    cfg = Config(origins=a.origin, site=a.site, db=None if a.redis_url else (a.db or DEFAULT_DB),
                 redis_url=a.redis_url, manifest=a.manifest, trusted_proxies=a.trusted_proxy,
                 test_clock=a.test_clock, flush_ms=a.flush_ms)
    try:
        import ipaddress
        for t in a.trusted_proxy:
            ipaddress.ip_network(t, strict=False)
    except ValueError as e:
        ap.error(f"--trusted-proxy: {e}")

    import uvicorn

    extra = {}
    try:
        import uvloop  # noqa: F401
        extra["loop"] = "uvloop"
    except ImportError:
        pass
    try:
        import httptools  # noqa: F401
        extra["http"] = "httptools"
    except ImportError:
        pass
    common = dict(host=a.host, port=a.port, access_log=False,  # access logs would hold IPs
                  timeout_graceful_shutdown=10, log_level="warning", server_header=False,
                  forwarded_allow_ips="", proxy_headers=False, **extra)
    if a.workers > 1:
        os.environ["COUNTER_SERVICE_CONFIG"] = json.dumps(dataclasses.asdict(cfg))
        uvicorn.run("counter_service.app:app_from_env", factory=True, workers=a.workers, **common)
    else:
        uvicorn.run(create_app(cfg), **common)
    return 0


def import_totals(argv) -> int:
    ap = argparse.ArgumentParser(prog="python -m counter_service import",
                                 description="Set starting totals carried over from a previous CMS")
    _backend(ap)
    ap.add_argument("--site", required=True, help="site key (the host of the first --origin by default when serving)")
    ap.add_argument("--total", type=int, help="all-time visits before this counter started")
    ap.add_argument("--month", action="append", default=[], metavar="YYYY-MM=N",
                    help="visits of a month before this counter started (repeatable)")
    ap.add_argument("--views", metavar="FILE", help='starting views per path, a JSON object {"/2024/03/x.html": N}')
    a = ap.parse_args(argv)
    views = {}
    if a.views:
        try:
            with open(a.views, encoding="utf-8") as fh:
                views = json.load(fh)
        except (OSError, ValueError) as e:
            ap.error(f"--views {a.views}: {e}")
        if not isinstance(views, dict) or not all(
                isinstance(p, str) and p.startswith("/") and isinstance(n, int) and n >= 0 for p, n in views.items()):
            ap.error('--views: expected a JSON object {"/path": N ≥ 0}')
    months = {}
    for m in a.month:
        mt = re.fullmatch(r"(\d{4}-(?:0[1-9]|1[0-2]))=(\d+)", m)
        if not mt:
            ap.error(f"--month {m!r}: expected YYYY-MM=N, e.g. 2026-10=1119475")
        months[mt[1]] = int(mt[2])
    if a.total is None and not months and not views:
        ap.error("nothing to import: give --total, --month and/or --views")
    if a.total is not None and a.total < 0:
        ap.error("--total must be ≥ 0")

    from .app import make_storage

    async def run():
        st = make_storage(Config(origins=[], site=a.site, db=None if a.redis_url else (a.db or DEFAULT_DB),
                                 redis_url=a.redis_url))
        await st.start()
        try:
            await st.import_totals(a.site, a.total, months, views)
        finally:
            await st.close()

    asyncio.run(run())
    print(f"Imported for site {a.site}: total={a.total} months={months} views={len(views)} paths")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        return import_totals(argv[1:])
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
