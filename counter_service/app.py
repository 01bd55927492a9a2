"""HTTP routes: POST /v1/hit, GET /v1/counts, GET /v1/top, GET /healthz, GET /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import urllib.parse
from dataclasses import dataclass, field, replace

from crawlerdetect import CrawlerDetect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import identity, rules
from .clock import BadTestTime, Clock
from .lifecycle import running
from .manifest import Manifest, normalize
from .salt import SaltStore

log = logging.getLogger("counter_service")

MAX_BODY = 2048
MAX_PATH = 512
MAX_COUNT_PATHS = 50
COUNTS_MAX_AGE = 10  # seconds; counts are a little stale at most
INVALID_REASONS = ("json", "too_large", "path")


@dataclass
class Config:
    origins: list[str]
    site: str = ""
    db: str | None = "var/counter.sqlite3"
    redis_url: str | None = None
    manifest: str | None = None
    trusted_proxies: list[str] = field(default_factory=list)
    test_clock: bool = False
    flush_ms: float = 0.0
    salt_dir: str | None = None
    host: str = "127.0.0.1"
    max_connections: int = 0        # 0: derived from the open-file limit (guard.py)
    max_connections_per_ip: int = 0
    # More sites in this one process (a network of portals, plugins/network/counter_table.py):
    # [{"site": id, "origins": [...], "manifest": path or URL}]. A hit's exact Origin picks its
    # site: counts, visitors, salts and manifests are per site.
    sites: list = field(default_factory=list)

    def __post_init__(self):
        self.origins = [o.rstrip("/") for o in self.origins]
        if not self.site:
            self.site = urllib.parse.urlsplit(self.origins[0]).hostname if self.origins else "default"

    def site_table(self) -> list[tuple[str, list[str], str | None]]:
        """(site id, origins, manifest) of every site served: the --origin/--site/--manifest one
        first (when origins are given), then the --sites table. Checks ids and origins are unique."""
        rows = [(self.site, self.origins, self.manifest)] if self.origins else []
        for row in self.sites:
            if not isinstance(row, dict) or not isinstance(row.get("site"), str) or not row.get("origins"):
                raise ValueError(f"sites: each row needs 'site' and 'origins': {row!r}")
            rows.append((row["site"], [str(o).rstrip("/") for o in row["origins"]], row.get("manifest")))
        ids = [r[0] for r in rows]
        origins = [o for r in rows for o in r[1]]
        for what, values in (("site id", ids), ("origin", origins)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"{what} listed twice: {', '.join(dupes)}")
        if not rows:
            raise ValueError("no site: give --origin or --sites")
        return rows


@dataclass
class SiteState:
    """One site of the service: its storage id, its origins and its published paths."""

    site: str
    origins: list[str]
    manifest: Manifest


_crawler = CrawlerDetect()
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _ASGI:
    """Wraps a coroutine (scope, receive, send) so Starlette routes to it as an ASGI app."""

    def __init__(self, fn):
        self.fn = fn

    async def __call__(self, scope, receive, send):
        await self.fn(scope, receive, send)


# What crawlerdetect's rules miss, seen counted in the wild or in tests (docs/counter.md):
# Node's fetch ("node"), a bare "Mozilla/5.0" (scripts that fake a browser lazily), and any
# user agent without a product/version token ("x"); real browsers always send one.
_EXTRA_BOTS = re.compile(r"node|mozilla/\d\.\d(\s*\(compatible\))?|[^/]*", re.I)
# crawlerdetect reads these headers too (its getUaHttpHeaders, without the HTTP_ prefix)
_UA_HEADERS = tuple(h[5:].lower().replace("_", "-") for h in _crawler.getUaHttpHeaders())
_OTHER_UA_HEADERS = frozenset(_UA_HEADERS) - {"user-agent"}


@functools.lru_cache(maxsize=4096)
def _is_bot(ua: str, ua_headers: str = "") -> bool:
    return not ua or bool(_EXTRA_BOTS.fullmatch(ua.strip())) or _crawler.isCrawler(ua_headers or ua)


def is_bot(ua: str, headers=None) -> bool:
    """crawlerdetect's full rules (every header it reads, Sec-CH-UA included) plus _EXTRA_BOTS."""
    if headers is None or _OTHER_UA_HEADERS.isdisjoint(headers):
        return _is_bot(ua)
    return _is_bot(ua, " ".join(headers[h] for h in _UA_HEADERS if h in headers) + " ")


def is_prefetch(headers) -> bool:
    """Prefetch, prerender, and link previews (Safari and chat apps send X-Purpose: preview)."""
    purpose = (headers.get("sec-purpose") or headers.get("purpose") or headers.get("x-purpose") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose or "preview" in purpose or \
        (headers.get("x-moz") or "").lower() == "prefetch"


class Metrics:
    def __init__(self):
        self.accepted = 0
        self.visits = 0
        self.views = 0
        self.dropped = dict.fromkeys(rules.DROP_REASONS, 0)
        self.invalid = dict.fromkeys(INVALID_REASONS, 0)
        self.errors = 0

    def render(self, backend: str) -> str:
        out = [
            "# HELP counter_hits_accepted_total Hits that passed every check (counted or deduplicated).",
            "# TYPE counter_hits_accepted_total counter",
            f"counter_hits_accepted_total {self.accepted}",
            "# HELP counter_visits_total New visits counted by this process.",
            "# TYPE counter_visits_total counter",
            f"counter_visits_total {self.visits}",
            "# HELP counter_views_total New article views counted by this process.",
            "# TYPE counter_views_total counter",
            f"counter_views_total {self.views}",
            "# HELP counter_hits_dropped_total Well-formed hits not counted, by reason.",
            "# TYPE counter_hits_dropped_total counter",
            *(f'counter_hits_dropped_total{{reason="{r}"}} {n}' for r, n in self.dropped.items()),
            "# HELP counter_hits_invalid_total Malformed hits rejected with 4xx, by reason.",
            "# TYPE counter_hits_invalid_total counter",
            *(f'counter_hits_invalid_total{{reason="{r}"}} {n}' for r, n in self.invalid.items()),
            "# HELP counter_storage_errors_total Hits answered 503 because storage failed.",
            "# TYPE counter_storage_errors_total counter",
            f"counter_storage_errors_total {self.errors}",
            "# HELP counter_backend_info Storage backend.",
            "# TYPE counter_backend_info gauge",
            f'counter_backend_info{{backend="{backend}"}} 1',
        ]
        return "\n".join(out) + "\n"


def make_storage(cfg: Config):
    if cfg.redis_url:
        from .storage_redis import RedisStorage
        return RedisStorage(cfg.redis_url)
    from .storage_sqlite import SQLiteStorage
    return SQLiteStorage(cfg.db, flush_ms=cfg.flush_ms)


def create_app(cfg: Config) -> HitFastPath:
    table = cfg.site_table()
    storage = make_storage(cfg)
    salts = SaltStore(cfg.salt_dir)
    salt_cache: dict = {}
    states = [SiteState(site_id, origins_, Manifest(source)) for site_id, origins_, source in table]
    by_origin = {o: st for st in states for o in st.origins}
    by_id = {st.site: st for st in states}
    first = states[0]
    manifest = first.manifest  # ratings and comments (reader.py) serve the first site
    clock = Clock(cfg.test_clock)
    client_ip = identity.ClientIP(cfg.trusted_proxies)
    metrics = Metrics()
    origins = set(by_origin)
    top_cache: dict = {}

    def site_of(request: Request) -> SiteState | None:
        """The site a read is for: its Origin, else ?site=ID (server-side callers), else the
        only site. None: a network service cannot tell."""
        st = by_origin.get(request.headers.get("origin") or "")
        if st is None:
            st = by_id.get(request.query_params.get("site", ""))
        if st is None and len(states) == 1:
            st = first
        return st

    def unknown_site() -> Response:
        return JSONResponse({"error": "unknown site: send the site's Origin or ?site=ID",
                             "sites": sorted(by_id)}, status_code=400)

    def cors(origin: str | None, headers: dict) -> dict:
        if origin in origins:
            headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
        return headers

    async def respond(send, status: int, origin: str | None, body: bytes = b"", extra=()) -> None:
        headers = [(b"vary", b"Origin"), *extra]
        if origin in origins:
            headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
        if body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def reject(send, reason: str, status: int, message: str, origin) -> None:
        metrics.invalid[reason] += 1
        await respond(send, status, origin, json.dumps({"error": message}).encode())

    async def drop(send, reason: str, origin) -> None:
        metrics.dropped[reason] += 1
        await respond(send, 204, origin)

    async def hit(scope, receive, send) -> None:
        """POST /v1/hit as a plain ASGI app: the hot path skips Request/Response objects."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        cl = headers.get("content-length")
        if cl is not None and (not cl.isdigit() or int(cl) > MAX_BODY):
            return await reject(send, "too_large", 413, "body over 2 KB", origin)
        body = b""
        more = True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
            if len(body) > MAX_BODY:
                return await reject(send, "too_large", 413, "body over 2 KB", origin)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return await reject(send, "json", 400, "body is not JSON", origin)
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            return await reject(send, "json", 400, 'expected {"path": "/…"}', origin)
        raw = data["path"]
        if len(raw) > MAX_PATH:
            return await reject(send, "path", 400, "path over 512 characters", origin)
        if not raw.startswith("/") or _CONTROL.search(raw):
            return await reject(send, "path", 400, "path must start with / and contain no control characters",
                                origin)
        st = by_origin.get(origin)
        if st is None:
            return await drop(send, "origin", origin)
        site = st.site
        if is_prefetch(headers):
            return await drop(send, "prefetch", origin)
        ua = headers.get("user-agent", "")
        if is_bot(ua, headers):
            return await drop(send, "bot", origin)
        path = normalize(raw)
        if path not in st.manifest:
            return await drop(send, "path", origin)
        try:
            now = clock.now(headers)
        except BadTestTime as e:
            return await reject(send, "json", 400, str(e), origin)
        peer = scope.get("client")
        ip = client_ip(peer[0] if peer else "", headers.get("x-forwarded-for"))
        try:
            salt = await day_salt(now, site)
            visitor = identity.visitor_id(salt, site, ip, ua)
            out = await storage.hit(site, visitor, identity.network_id(salt, site, ip), path, now)
        except Exception:
            log.exception("storage failed")
            metrics.errors += 1
            return await respond(send, 503, origin, b'{"error": "storage unavailable"}', [(b"retry-after", b"5")])
        if not out.counted:
            return await drop(send, out.reason, origin)
        metrics.accepted += 1
        metrics.visits += out.new_visit
        metrics.views += out.new_view
        await respond(send, 204, origin)

    async def day_salt(now: float, site: str = first.site) -> bytes:
        day = rules.day_key(now)
        s = salt_cache.get((site, day))
        if s is None:
            s = await asyncio.to_thread(salts.get, site, day)  # file I/O: never on the loop
            await asyncio.to_thread(salts.purge, now)
            for k in [k for k in salt_cache if k[1] < rules.yesterday_key(now)]:
                del salt_cache[k]
            salt_cache[(site, day)] = s
        return s

    def request_now(request: Request):
        try:
            return clock.now(request.headers)
        except BadTestTime as e:
            return JSONResponse({"error": str(e)}, status_code=400)

    async def counts(request: Request) -> Response:
        paths = [normalize(p) for p in request.query_params.getlist("path")]
        if len(paths) > MAX_COUNT_PATHS or any(len(p) > MAX_PATH for p in paths):
            return JSONResponse({"error": f"at most {MAX_COUNT_PATHS} paths of ≤ {MAX_PATH} characters"},
                                status_code=400)
        paths = list(dict.fromkeys(paths))
        st = site_of(request)
        if st is None:
            return unknown_site()
        now = request_now(request)
        if isinstance(now, Response):
            return now
        try:
            data = await storage.counts(st.site, paths, now)
        except Exception:
            log.exception("storage failed")
            return JSONResponse({"error": "storage unavailable"}, status_code=503)
        return JSONResponse(data, headers=cors(request.headers.get("origin"), {
            "Cache-Control": f"public, max-age={COUNTS_MAX_AGE}"}))

    async def top(request: Request) -> Response:
        q = request.query_params
        try:
            days = int(q.get("days", "7"))
            limit = int(q.get("limit", "10"))
        except ValueError:
            return JSONResponse({"error": "days and limit must be integers"}, status_code=400)
        if not (1 <= days <= 31 and 1 <= limit <= 100):
            return JSONResponse({"error": "1 ≤ days ≤ 31, 1 ≤ limit ≤ 100"}, status_code=400)
        kind = q.get("kind", "article")
        st = site_of(request)
        if st is None:
            return unknown_site()
        now = request_now(request)
        if isinstance(now, Response):
            return now
        key = (st.site, days, rules.day_key(now))
        cached = top_cache.get(key)
        if cached is None or cached[0] < asyncio.get_running_loop().time() - 30 or cfg.test_clock:
            try:
                cached = (asyncio.get_running_loop().time(), await storage.top(st.site, days, now))
            except Exception:
                log.exception("storage failed")
                return JSONResponse({"error": "storage unavailable"}, status_code=503)
            for k in [k for k in top_cache if k[0] == st.site or k[2] != key[2]]:
                del top_cache[k]
            top_cache[key] = cached
        items = []
        for path, n in cached[1]:
            info = st.manifest.info(path)
            if path in st.manifest and (kind == "all" or info.get("kind") == kind):
                items.append({"path": path, "title": info.get("title", ""), "views": n})
                if len(items) >= limit:
                    break
        return JSONResponse({"days": days, "items": items}, headers=cors(
            request.headers.get("origin"), {"Cache-Control": "public, max-age=60"}))

    async def healthz(request: Request) -> Response:
        """200 only if a hit can be stored (a probe write commits) and counted (the
        manifest lists paths); 503 with the reasons otherwise."""
        problems = []
        try:
            why = await storage.ping()
        except Exception as e:
            why = f"{type(e).__name__}: {e}"
        if why:
            problems.append(f"storage: {why}")
        for st in states:
            if not st.manifest.paths:
                problems.append("manifest: no paths, nothing would be counted"
                                + (f" (site {st.site})" if len(states) > 1 else ""))
        body = {"status": "error" if problems else "ok", "backend": storage.name,
                "manifest_paths": sum(len(st.manifest.paths) for st in states)}
        if len(states) > 1:
            body["sites"] = {st.site: len(st.manifest.paths) for st in states}
        if problems:
            body["problems"] = problems
        errors = {st.site: st.manifest.error for st in states if st.manifest.error}
        if errors:
            body["manifest_error"] = first.manifest.error if len(states) == 1 else errors
        return JSONResponse(body, status_code=503 if problems else 200)

    async def metrics_route(request: Request) -> Response:
        return PlainTextResponse(metrics.render(storage.name),
                                 media_type="text/plain; version=0.0.4; charset=utf-8")

    async def housekeeping():
        for st in states:
            await asyncio.to_thread(st.manifest.reload)
            await storage.housekeep(clock.now(), st.site)
        await asyncio.to_thread(salts.purge, clock.now())

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(salts.check)
        async with running(storage, housekeeping):
            yield

    app = Starlette(routes=[
        Route("/v1/hit", _ASGI(hit), methods=["POST"]),
        Route("/v1/counts", counts, methods=["GET"]),
        Route("/v1/top", top, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_route, methods=["GET"]),
    ], lifespan=lifespan)
    from . import reader  # ratings and comments (issue 16): routes and lifespan of their own
    # they serve the first site only (docs/network.md)
    reader_cfg = replace(cfg, site=first.site, origins=first.origins, manifest=first.manifest.source,
                                     sites=[])
    reader.attach(app, reader_cfg, storage=storage, manifest=manifest, clock=clock, client_ip=client_ip,
                  day_salt=day_salt)
    app.state.storage = storage
    app.state.metrics = metrics
    app.state.config = cfg
    return HitFastPath(app, hit)


class HitFastPath:
    """POST /v1/hit goes straight to its handler (it is most of the traffic); everything
    else, lifespan included, to the Starlette app. Saves Starlette's middleware and
    routing on every hit."""

    def __init__(self, app: Starlette, hit):
        self.app = app
        self.hit = hit
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/v1/hit":
            return await self.hit(scope, receive, send)
        return await self.app(scope, receive, send)


def app_from_env() -> HitFastPath:
    """uvicorn factory for --workers > 1: the config travels in COUNTER_SERVICE_CONFIG."""
    import os
    return create_app(Config(**json.loads(os.environ["COUNTER_SERVICE_CONFIG"])))
