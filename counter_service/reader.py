"""The reader service's routes beside the counter's: star ratings and comments.

  GET  /v1/rating?path=/…   {"points", "votes", "average"}
  POST /v1/rate             {"path": "/…", "stars": 1..5} (text/plain JSON, like a hit)
  /comments/…               Isso behind the portal's guard (counter_service/comments.py)

`attach(app, …)` mounts them on the counter's Starlette app and chains their start and
stop into its lifespan, so one process and one command serve everything.
A vote follows the hit rules: exact Origin, path in the manifest (articles only), no
prefetch, no bot, rate limits per visitor and per network, no personal data stored.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ipaddress
import json
import logging
import os

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from . import identity, rules
from .lifecycle import running
from .ratings import STARS, RedisRatings, SQLiteRatings, ballot

log = logging.getLogger("counter_service")

MAX_BODY = 512
VOTES_PER_VISITOR = 10    # per minute (one counts per article and day; the rest are retries)
VOTES_PER_NETWORK = 60    # per minute per /24 (IPv4) or /56 (IPv6): a NAT office still votes
RATING_MAX_AGE = 10


def network(ip: str) -> str:
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    return str(ipaddress.ip_network(f"{a}/{24 if a.version == 4 else 56}", strict=False))


class RateLimit:
    """Fixed one-minute windows per key, in this process (with --workers, per process)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.n: collections.Counter = collections.Counter()
        self.bucket = None

    def allow(self, key: str, now: float) -> bool:
        b = rules.rate_bucket(now)
        if b != self.bucket:
            self.n.clear()
            self.bucket = b
        self.n[key] += 1
        return self.n[key] <= self.limit


class ReaderMetrics:
    def __init__(self):
        self.votes = 0
        self.dropped = collections.Counter()
        self.invalid = collections.Counter()


def attach(app, cfg, *, storage, manifest, clock, client_ip, day_salt) -> None:
    """``day_salt(now)``: the counter's daily salt (counter_service.salt, never stored)."""
    from .app import _CONTROL, MAX_PATH, is_bot, is_prefetch
    from .clock import BadTestTime
    from .manifest import normalize

    site = cfg.site
    origins = set(cfg.origins)
    ratings = RedisRatings(cfg.redis_url) if cfg.redis_url else SQLiteRatings(cfg.db)
    per_visitor, per_network = RateLimit(VOTES_PER_VISITOR), RateLimit(VOTES_PER_NETWORK)
    metrics = ReaderMetrics()

    def cors(origin, headers):
        if origin in origins:
            headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
        return headers

    def bad(reason, message, origin, status=400):
        metrics.invalid[reason] += 1
        return JSONResponse({"error": message}, status_code=status, headers=cors(origin, {}))

    def drop(reason, origin):
        metrics.dropped[reason] += 1
        return Response(status_code=204, headers=cors(origin, {}))

    def is_article(path):
        return path in manifest and manifest.info(path).get("kind") == "article"

    async def rating(request: Request) -> Response:
        origin = request.headers.get("origin")
        raw = request.query_params.get("path", "")
        if not raw.startswith("/") or len(raw) > MAX_PATH or _CONTROL.search(raw):
            return bad("path", "path must start with / (≤ 512 characters)", origin)
        path = normalize(raw)
        if not is_article(path):
            return bad("path", "not a published article", origin, 404)
        try:
            data = await ratings.get(site, path)
        except Exception:
            log.exception("ratings storage failed")
            return JSONResponse({"error": "storage unavailable"}, status_code=503, headers=cors(origin, {}))
        return JSONResponse(data, headers=cors(origin, {"Cache-Control": f"public, max-age={RATING_MAX_AGE}"}))

    async def rate(request: Request) -> Response:
        h = request.headers
        origin = h.get("origin")
        cl = h.get("content-length")
        if cl is not None and (not cl.isdigit() or int(cl) > MAX_BODY):
            return bad("too_large", "body over 512 bytes", origin, 413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return bad("too_large", "body over 512 bytes", origin, 413)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return bad("json", "body is not JSON", origin)
        if not isinstance(data, dict) or not isinstance(data.get("path"), str) \
                or type(data.get("stars")) is not int or data["stars"] not in STARS:
            return bad("json", 'expected {"path": "/…", "stars": 1..5}', origin)
        raw = data["path"]
        if not raw.startswith("/") or len(raw) > MAX_PATH or _CONTROL.search(raw):
            return bad("path", "path must start with / (≤ 512 characters)", origin)
        if origin not in origins:
            return drop("origin", origin)
        if is_prefetch(h):
            return drop("prefetch", origin)
        ua = h.get("user-agent", "")
        if is_bot(ua, h):
            return drop("bot", origin)
        path = normalize(raw)
        if not is_article(path):
            return drop("path", origin)
        try:
            now = clock.now(h)
        except BadTestTime as e:
            return bad("test_now", str(e), origin)
        peer = request.client
        ip = client_ip(peer.host if peer else "", h.get("x-forwarded-for"))
        try:
            salt = await day_salt(now)
            visitor = identity.visitor_id(salt, site, ip, ua)
            if not per_visitor.allow(visitor, now) or not per_network.allow(network(ip), now):
                return drop("rate_limited", origin)
            counted = await ratings.vote(site, rules.day_key(now), ballot(salt, visitor, path), path,
                                         data["stars"], now)
            summary = await ratings.get(site, path)
        except Exception:
            log.exception("ratings storage failed")
            return JSONResponse({"error": "storage unavailable"}, status_code=503,
                                headers=cors(origin, {"Retry-After": "5"}))
        if counted:
            metrics.votes += 1
        else:
            metrics.dropped["repeat"] += 1
        return JSONResponse({"counted": counted, **summary}, headers=cors(origin, {"Cache-Control": "no-store"}))

    routes = [Route("/v1/rating", rating, methods=["GET"]), Route("/v1/rate", rate, methods=["POST"])]

    from .comments import CommentsConfig, Guard, Policy

    cc = CommentsConfig.from_env(cfg.db)
    policy = None
    guard = None
    if cc is not None:
        policy_src = os.environ.get("COMMENTS_POLICY") or (
            os.path.join(os.path.dirname(cfg.manifest), "comments.json") if cfg.manifest else None)
        policy = Policy(policy_src)
        guard = Guard(cc, cfg.origins, policy, client_ip, is_bot, clock.now)
        routes.append(Mount("/comments", app=guard))
        if not cc.password:
            log.warning("comments: no COMMENTS_ADMIN_PASSWORD(_FILE): the moderation page is off")
    app.router.routes.extend(routes)

    async def housekeeping():
        if policy is not None:
            await asyncio.to_thread(policy.reload)
        await ratings.housekeep(site, clock.now())

    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a):
        async with inner(a), running(ratings, housekeeping, what="reader housekeeping"):
            yield  # leaving: every queued vote is committed, then the counter's store closes

    app.router.lifespan_context = lifespan
    app.state.ratings = ratings
    app.state.reader_metrics = metrics
    app.state.comments = guard
