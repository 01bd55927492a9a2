"""Command line: serve (default) or import starting totals from a previous CMS.

  python -m counter_service [--host H] [--port P] [--db PATH | --redis-url URL]
      --origin URL [--origin URL ...] --manifest PATH_OR_URL [--sites FILE] [--trusted-proxy IP ...]
      [--site NAME] [--workers N] [--flush-ms MS] [--salt-dir DIR]
      [--max-connections N] [--max-connections-per-ip N] [--test-clock]
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

from . import clock
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
    ap.add_argument("--origin", action="append", default=[], metavar="URL",
                    help="site origin allowed to count, e.g. https://nampang.gov.vn (repeatable)")
    ap.add_argument("--sites", metavar="FILE",
                    help='more sites in this process, a JSON file {"sites": [{"site": ID, "origins": [URL, ...], '
                         '"manifest": PATH_OR_URL}, ...]} (a network of portals: invoke counter-sites)')
    ap.add_argument("--manifest", metavar="PATH_OR_URL", default=os.path.join("output", "counter", "manifest.json"),
                    help="published paths written by the build (default output/counter/manifest.json)")
    ap.add_argument("--trusted-proxy", action="append", default=[], metavar="IP",
                    help="peer whose X-Forwarded-For is believed (IP or CIDR, repeatable)")
    ap.add_argument("--site", default="", help="site key in storage (default: host of the first origin)")
    ap.add_argument("--workers", type=int, default=1, help="processes (Redis backend only)")
    ap.add_argument("--flush-ms", type=float, default=0.0,
                    help="SQLite: wait up to this long (≤ 100 ms) to batch more hits per commit")
    ap.add_argument("--salt-dir", metavar="DIR",
                    help="memory file system folder for the daily salts, shared by the processes of this machine "
                         "(default $RUNTIME_DIRECTORY or /dev/shm/portal-counter-UID); must be tmpfs")
    ap.add_argument("--max-connections", type=int, default=0, metavar="N",
                    help="open connections per process (default: open-file limit - 64, at most 4096)")
    ap.add_argument("--max-connections-per-ip", type=int, default=0, metavar="N",
                    help="open connections from one peer address, trusted proxies exempt (default min(64, max/4))")
    ap.add_argument("--test-clock", action="store_true",
                    help=f"TESTS ONLY: honour the X-Test-Now request header "
                         f"(also needs {clock.ENV}=1 and a loopback --host)")
    a = ap.parse_args(argv)
    sites = []
    if a.sites:
        try:
            with open(a.sites, encoding="utf-8") as fh:
                sites = json.load(fh)["sites"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            ap.error(f"--sites {a.sites}: {e}")
    if not a.origin and not sites:
        ap.error("give --origin (one site) and/or --sites FILE (a network)")
    if a.test_clock and clock.allowed(a.host):
        ap.error(clock.allowed(a.host))
    if a.max_connections < 0 or a.max_connections_per_ip < 0:
        ap.error("--max-connections and --max-connections-per-ip must be ≥ 0")
    if a.workers > 1 and not a.redis_url:
        ap.error("--workers > 1 needs --redis-url (SQLite state lives in one process)")
    if not 0 <= a.flush_ms <= 100:
        ap.error("--flush-ms must be between 0 and 100")
    cfg = Config(origins=a.origin, site=a.site, db=None if a.redis_url else (a.db or DEFAULT_DB),
                 redis_url=a.redis_url, manifest=a.manifest, trusted_proxies=a.trusted_proxy,
                 test_clock=a.test_clock, flush_ms=a.flush_ms, salt_dir=a.salt_dir, host=a.host,
                 max_connections=a.max_connections, max_connections_per_ip=a.max_connections_per_ip, sites=sites)
    try:
        cfg.site_table()
    except ValueError as e:
        ap.error(f"--sites: {e}")
    from .salt import SaltStore
    try:
        SaltStore(a.salt_dir).check()
    except (RuntimeError, OSError) as e:
        ap.error(str(e))
    try:
        import ipaddress
        for t in a.trusted_proxy:
            ipaddress.ip_network(t, strict=False)
    except ValueError as e:
        ap.error(f"--trusted-proxy: {e}")

    import uvicorn

    from . import guard

    extra = {}
    try:
        import uvloop  # noqa: F401
        extra["loop"] = "uvloop"
    except ImportError:
        pass
    # Header size, read timeouts and connection caps (guard.py); the workers inherit the limits.
    guard.configure(guard.limits_for(a.max_connections, a.max_connections_per_ip, a.trusted_proxy,
                                     guard.raise_fd_limit()))
    common = dict(host=a.host, port=a.port, access_log=False,  # access logs would hold IPs
                  timeout_graceful_shutdown=10, log_level="warning", server_header=False,
                  forwarded_allow_ips="", proxy_headers=False, http=guard.GuardedHttpToolsProtocol,
                  timeout_keep_alive=5, backlog=512, **extra)
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
