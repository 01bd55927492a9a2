"""Star ratings ("Tổng số điểm của bài viết là: X trong N đánh giá"): the stores.

A vote is stored as two sums per path (points, votes) plus a *ballot* key that makes a
visitor count once per article per local day: ballot = HMAC(daily salt, visitor id, path),
kept with its day and deleted with the salt (48 h after the day began). No IP, user
agent or cookie is stored; after the salt is gone a ballot cannot be linked to anyone.
Why one day: a longer window needs an identifier that outlives the daily salt, which
would be personal data (see docs/counter.md, "Privacy").

A vote is acknowledged only after its transaction committed (SQLite) or Redis applied
it, so SIGTERM and SIGKILL of the service lose no acknowledged vote (tests/test_reader_service.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac

from . import rules

STARS = (1, 2, 3, 4, 5)
BALLOT_KEEP = rules.SALT_KEEP  # a ballot lives exactly as long as the salt that made it

SCHEMA = """
CREATE TABLE IF NOT EXISTS rating_totals (site TEXT, path TEXT, points INTEGER NOT NULL,
    votes INTEGER NOT NULL, PRIMARY KEY (site, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rating_ballots (site TEXT, day TEXT, ballot TEXT,
    PRIMARY KEY (site, day, ballot)) WITHOUT ROWID;
-- Starting totals carried over from NukeViet (total_rating, click_rating).
CREATE TABLE IF NOT EXISTS rating_imported (site TEXT, path TEXT, points INTEGER NOT NULL,
    votes INTEGER NOT NULL, PRIMARY KEY (site, path)) WITHOUT ROWID;
"""


def ballot(salt: bytes, visitor: str, path: str) -> str:
    return hmac.new(salt, f"rating\0{visitor}\0{path}".encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:32]


def summary(points: int, votes: int) -> dict:
    return {"points": points, "votes": votes, "average": round(points / votes, 2) if votes else 0}


class SQLiteRatings:
    """Tables beside the counter's in its SQLite file; one writer thread and group commits,
    as for hits: votes arriving while a transaction commits go together into the next one,
    and each is answered only once the transaction holding it has committed."""

    name = "sqlite"

    def __init__(self, path: str):
        self.path = path
        self.executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.pending: list = []
        self.flushing = False

    async def start(self) -> None:
        from .storage_sqlite import connect

        self.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ratings-sqlite")
        loop = asyncio.get_running_loop()
        self.con = await loop.run_in_executor(self.executor, connect, self.path)
        await loop.run_in_executor(self.executor, self.con.executescript, SCHEMA)

    async def close(self) -> None:
        while self.pending or self.flushing:  # SIGTERM: every vote taken is committed first
            if not self.flushing:
                self._start_flush()
            await asyncio.sleep(0.005)
        if self.executor is not None:
            await asyncio.get_running_loop().run_in_executor(self.executor, self.con.close)
            self.executor.shutdown(wait=True)
            self.executor = None

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def _votes(self, votes) -> list[bool]:
        """One transaction for a batch, in arrival order: a second ballot of the same
        visitor in the same batch is ignored as it would be in a later one."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            out = []
            for site, day, key, path, stars in votes:
                cur = con.execute("INSERT OR IGNORE INTO rating_ballots VALUES (?,?,?)", (site, day, key))
                counted = cur.rowcount == 1
                if counted:
                    con.execute("INSERT INTO rating_totals VALUES (?,?,?,1) ON CONFLICT DO UPDATE SET "
                                "points = points + excluded.points, votes = votes + 1", (site, path, stars))
                out.append(counted)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return out

    def _start_flush(self) -> None:
        self.flushing = True
        asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    results = await self._run(self._votes, [v for v, _f in batch])
                except Exception as e:  # rolled back: every vote of the batch gets a 503, none is stored
                    for _v, f in batch:
                        if not f.done():
                            f.set_exception(e)
                    continue
                for (_v, f), counted in zip(batch, results, strict=True):
                    if not f.done():
                        f.set_result(counted)
        finally:
            self.flushing = False

    async def vote(self, site: str, day: str, key: str, path: str, stars: int, now: float) -> bool:
        fut = asyncio.get_running_loop().create_future()
        self.pending.append(((site, day, key, path, stars), fut))
        if not self.flushing:
            self._start_flush()
        return await fut

    def _get(self, site, path):
        rows = [self.con.execute(f"SELECT points, votes FROM {t} WHERE site=? AND path=?", (site, path)).fetchone()
                for t in ("rating_totals", "rating_imported")]
        return summary(sum(r[0] for r in rows if r), sum(r[1] for r in rows if r))

    async def get(self, site: str, path: str) -> dict:
        return await self._run(self._get, site, path)

    def _housekeep(self, site, now):
        keep = rules.day_keys_back(now, 2)[-1]  # today and yesterday: the salts that still exist
        with self.con:
            self.con.execute("DELETE FROM rating_ballots WHERE site=? AND day < ?", (site, keep))

    async def housekeep(self, site: str, now: float) -> None:
        await self._run(self._housekeep, site, now)

    def _import(self, site, items):
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO rating_imported VALUES (?,?,?,?)",
                                 [(site, p, pts, n) for p, pts, n in items])

    async def import_totals(self, site: str, items: list[tuple[str, int, int]]) -> None:
        await self._run(self._import, site, items)

    async def stored(self, site: str) -> tuple[int, int]:
        def q():
            r = self.con.execute("SELECT COALESCE(SUM(points),0), COALESCE(SUM(votes),0) FROM rating_totals "
                                 "WHERE site=?", (site,)).fetchone()
            return int(r[0]), int(r[1])
        return await self._run(q)


VOTE_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[3])) then
  redis.call('HINCRBY', KEYS[2], ARGV[1] .. '\\0p', tonumber(ARGV[2]))
  redis.call('HINCRBY', KEYS[2], ARGV[1] .. '\\0n', 1)
  return 1
end
return 0
"""


class RedisRatings:
    """Same rules in one Lua script; keys carry the counter's `{site}` hash tag."""

    name = "redis"

    def __init__(self, url: str):
        self.url = url
        self.r = None

    @staticmethod
    def k(site: str, *parts: str) -> str:
        return "c:{" + site + "}:" + ":".join(parts)

    async def start(self) -> None:
        import redis.asyncio as aioredis

        pool = aioredis.BlockingConnectionPool.from_url(self.url, max_connections=32, timeout=5, socket_timeout=5)
        self.r = aioredis.Redis(connection_pool=pool)
        self.script = self.r.register_script(VOTE_LUA)

    async def close(self) -> None:
        if self.r is not None:
            await self.r.aclose()
            self.r = None

    async def vote(self, site: str, day: str, key: str, path: str, stars: int, now: float) -> bool:
        ttl = max(1, int(rules.day_start(day) + BALLOT_KEEP - now))
        return bool(await self.script(keys=[self.k(site, "rb", day, key), self.k(site, "rating")],
                                      args=[path, stars, ttl]))

    async def get(self, site: str, path: str) -> dict:
        p, n, ip, inn = await self.r.hmget(self.k(site, "rating"), path + "\0p", path + "\0n",
                                           "imported\0" + path + "\0p", "imported\0" + path + "\0n")
        i = lambda v: int(v or 0)  # noqa: E731
        return summary(i(p) + i(ip), i(n) + i(inn))

    async def housekeep(self, site: str, now: float) -> None:
        """Ballot keys expire by TTL (48 h from their day's start)."""

    async def import_totals(self, site: str, items: list[tuple[str, int, int]]) -> None:
        mapping = {}
        for path, pts, n in items:
            mapping["imported\0" + path + "\0p"] = pts
            mapping["imported\0" + path + "\0n"] = n
        if mapping:
            await self.r.hset(self.k(site, "rating"), mapping=mapping)

    async def stored(self, site: str) -> tuple[int, int]:
        h = await self.r.hgetall(self.k(site, "rating"))
        pts = sum(int(v) for k, v in h.items() if k.endswith(b"\0p") and not k.startswith(b"imported\0"))
        n = sum(int(v) for k, v in h.items() if k.endswith(b"\0n") and not k.startswith(b"imported\0"))
        return pts, n
