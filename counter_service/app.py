"""HTTP routes: POST /v1/hit, GET /v1/counts, GET /v1/top, GET /healthz, GET /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import urllib.parse
from dataclasses import dataclass, field

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

    def __post_init__(self):
        self.origins = [o.rstrip("/") for o in self.origins]
        if not self.site:
            self.site = urllib.parse.urlsplit(self.origins[0]).hostname if self.origins else "default"


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
    storage = make_storage(cfg)
    salts = SaltStore(cfg.salt_dir)
    salt_cache: dict = {}
    manifest = Manifest(cfg.manifest)
    clock = Clock(cfg.test_clock)
    client_ip = identity.ClientIP(cfg.trusted_proxies)
    metrics = Metrics()
    origins = set(cfg.origins)
    site = cfg.site
    top_cache: dict = {}

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
        if origin not in origins:
            return await drop(send, "origin", origin)
        if is_prefetch(headers):
            return await drop(send, "prefetch", origin)
        ua = headers.get("user-agent", "")
        if is_bot(ua, headers):
            return await drop(send, "bot", origin)
        path = normalize(raw)
        if path not in manifest:
            return await drop(send, "path", origin)
        try:
            now = clock.now(headers)
        except BadTestTime as e:
            return await reject(send, "json", 400, str(e), origin)
        peer = scope.get("client")
        ip = client_ip(peer[0] if peer else "", headers.get("x-forwarded-for"))
        try:
            salt = await day_salt(now)
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

    async def day_salt(now: float) -> bytes:
        day = rules.day_key(now)
        s = salt_cache.get(day)
        if s is None:
            s = await asyncio.to_thread(salts.get, site, day)  # file I/O: never on the loop
            await asyncio.to_thread(salts.purge, now)
            for d in [d for d in salt_cache if d < rules.yesterday_key(now)]:
                del salt_cache[d]
            salt_cache[day] = s
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
        now = request_now(request)
        if isinstance(now, Response):
            return now
        try:
            data = await storage.counts(site, paths, now)
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
        now = request_now(request)
        if isinstance(now, Response):
            return now
        key = (days, rules.day_key(now))
        cached = top_cache.get(key)
        if cached is None or cached[0] < asyncio.get_running_loop().time() - 30 or cfg.test_clock:
            try:
                cached = (asyncio.get_running_loop().time(), await storage.top(site, days, now))
            except Exception:
                log.exception("storage failed")
                return JSONResponse({"error": "storage unavailable"}, status_code=503)
            top_cache.clear()
            top_cache[key] = cached
        items = []
        for path, n in cached[1]:
            info = manifest.info(path)
            if path in manifest and (kind == "all" or info.get("kind") == kind):
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
        if not manifest.paths:
            problems.append("manifest: no paths, nothing would be counted")
        body = {"status": "error" if problems else "ok", "backend": storage.name,
                "manifest_paths": len(manifest.paths)}
        if problems:
            body["problems"] = problems
        if manifest.error:
            body["manifest_error"] = manifest.error
        return JSONResponse(body, status_code=503 if problems else 200)

    async def metrics_route(request: Request) -> Response:
        return PlainTextResponse(metrics.render(storage.name),
                                 media_type="text/plain; version=0.0.4; charset=utf-8")

    async def housekeeping():
        await asyncio.to_thread(manifest.reload)
        await storage.housekeep(clock.now(), site)
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
    reader.attach(app, cfg, storage=storage, manifest=manifest, clock=clock, client_ip=client_ip,
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
