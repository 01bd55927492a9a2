"""SQLite backend (default): one file in WAL mode, one service process.

The counting state (visit/view windows, online, rate limits) lives in this process
(`rules.MemoryRules`); only counts and daily salts are stored. Hits that change a
count are written by one writer thread in group commits: a request is answered only
after the transaction holding its hit has committed; hits arriving while a commit runs
go together into the next one (optionally waiting up to `flush_ms`, ≤ 100 ms, to batch more).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import os
import secrets
import sqlite3

from . import rules

SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (site TEXT, day TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS day_views (site TEXT, day TEXT, path TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, day, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS path_views (site TEXT, path TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totals (site TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- Starting figures imported from a previous CMS: key 'total' or a month 'YYYY-MM'.
CREATE TABLE IF NOT EXISTS imported (site TEXT, key TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, key)) WITHOUT ROWID;
-- Starting views per path imported from a previous CMS (replaced, not added, on re-import).
CREATE TABLE IF NOT EXISTS imported_views (site TEXT, path TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS salts (site TEXT, day TEXT, salt BLOB NOT NULL,
    PRIMARY KEY (site, day)) WITHOUT ROWID;
"""


def connect(path: str) -> sqlite3.Connection:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    con.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL survives a process crash (SIGKILL); only power loss may drop the last commits.
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA secure_delete=ON")  # deleted salts are overwritten, not left in free pages
    con.execute("PRAGMA busy_timeout=10000")
    con.executescript(SCHEMA)
    return con


class SQLiteStorage:
    name = "sqlite"

    def __init__(self, path: str, flush_ms: float = 0.0):
        if not 0 <= flush_ms <= 100:
            raise ValueError("flush window must be between 0 and 100 ms")
        self.path = path
        self.flush = flush_ms / 1000.0
        self.rules = rules.MemoryRules()
        self._salts: dict[tuple[str, str], bytes] = {}
        self.ro: sqlite3.Connection | None = None
        self.executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.ro = connect(self.path)
        # One writer thread; the event loop hands it whole batches, not single hits.
        self.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="counter-sqlite-writer")
        self.wcon = await self.loop.run_in_executor(self.executor, connect, self.path)
        self.pending: list = []
        self.flushing = False

    async def close(self) -> None:
        """Commit everything queued (SIGTERM path), then close."""
        while self.pending or self.flushing:
            if not self.flushing:
                self._start_flush()
            await asyncio.sleep(0.005)
        if self.executor is not None:
            await self.loop.run_in_executor(self.executor, self.wcon.close)
            self.executor.shutdown(wait=True)
            self.executor = None
        if self.ro is not None:
            self.ro.close()
            self.ro = None

    async def ping(self) -> bool:
        self.ro.execute("SELECT 1").fetchone()
        return self.executor is not None

    # -- group commit --------------------------------------------------------------
    def _start_flush(self) -> None:
        self.flushing = True
        self.loop.create_task(self._flush())

    async def _flush(self) -> None:
        """Commit what is pending in one transaction; hits that arrive meanwhile go in
        the next one. A request is answered when its transaction has committed."""
        try:
            while self.pending:
                if self.flush:
                    await asyncio.sleep(self.flush)
                batch, self.pending = self.pending, []
                err = None
                try:
                    await self.loop.run_in_executor(self.executor, self._commit, self.wcon, batch)
                except Exception as e:  # the waiting requests get a 503, nothing is acknowledged
                    err = e
                for b in batch:
                    f = b[-1]
                    if not f.done():
                        f.set_exception(err) if err else f.set_result(None)
        finally:
            self.flushing = False

    @staticmethod
    def _commit(con: sqlite3.Connection, batch) -> None:
        visits = collections.Counter()
        day_views = collections.Counter()
        path_views = collections.Counter()
        totals = collections.Counter()
        for site, day, path, new_visit, new_view, _f in batch:
            if new_visit:
                visits[(site, day)] += 1
                totals[site] += 1
            if new_view:
                day_views[(site, day, path)] += 1
                path_views[(site, path)] += 1
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(
                "INSERT INTO visits VALUES (?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                [(*k, n) for k, n in visits.items()])
            con.executemany(
                "INSERT INTO totals VALUES (?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                list(totals.items()))
            con.executemany(
                "INSERT INTO day_views VALUES (?,?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                [(*k, n) for k, n in day_views.items()])
            con.executemany(
                "INSERT INTO path_views VALUES (?,?,?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                [(*k, n) for k, n in path_views.items()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # -- API used by the app --------------------------------------------------------
    async def salt(self, site: str, now: float) -> bytes:
        day = rules.day_key(now)
        s = self._salts.get((site, day))
        if s is not None:
            return s
        con = self.ro
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("INSERT OR IGNORE INTO salts VALUES (?,?,?)", (site, day, secrets.token_bytes(32)))
            s = con.execute("SELECT salt FROM salts WHERE site=? AND day=?", (site, day)).fetchone()[0]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self._salts = {k: v for k, v in self._salts.items() if k[1] >= rules.yesterday_key(now)}
        self._salts[(site, day)] = s
        await self.housekeep(now)
        return s

    async def housekeep(self, now: float, site: str | None = None) -> None:
        """Delete daily salts 48 h after their day began."""
        cutoff = [d for (d,) in self.ro.execute("SELECT DISTINCT day FROM salts")
                  if rules.day_start(d) + rules.SALT_KEEP <= now]
        if cutoff:
            self.ro.executemany("DELETE FROM salts WHERE day=?", [(d,) for d in cutoff])
            self._salts = {k: v for k, v in self._salts.items() if k[1] not in cutoff}

    async def hit(self, site: str, visitor: str, path: str, now: float) -> rules.Outcome:
        out = self.rules.hit(visitor, path, now)
        if out.counted and (out.new_visit or out.new_view):
            fut = self.loop.create_future()
            self.pending.append((site, rules.day_key(now), path, out.new_visit, out.new_view, fut))
            if not self.flushing:
                self._start_flush()
            await fut
        return out

    async def counts(self, site: str, paths: list[str], now: float) -> dict:
        con = self.ro
        today, yday = rules.day_key(now), rules.yesterday_key(now)
        this_m, last_m = rules.month_key(now), rules.last_month_key(now)
        days = dict(con.execute("SELECT day, n FROM visits WHERE site=? AND day IN (?,?)",
                                (site, today, yday)).fetchall())
        imp = dict(con.execute("SELECT key, n FROM imported WHERE site=?", (site,)).fetchall())

        def month(m):
            (n,) = con.execute("SELECT COALESCE(SUM(n),0) FROM visits WHERE site=? AND day >= ? AND day < ?",
                               (site, m + "-01", m + "-99")).fetchone()
            return n + imp.get(m, 0)

        row = con.execute("SELECT n FROM totals WHERE site=?", (site,)).fetchone()
        views = {p: 0 for p in paths}
        if paths:
            q = ",".join("?" * len(paths))
            views.update(con.execute(f"SELECT path, n FROM path_views WHERE site=? AND path IN ({q})",
                                     (site, *paths)).fetchall())
            for p, n in con.execute(f"SELECT path, n FROM imported_views WHERE site=? AND path IN ({q})",
                                    (site, *paths)).fetchall():
                views[p] += n
        return {
            "online": self.rules.online(now),
            "today": days.get(today, 0),
            "yesterday": days.get(yday, 0),
            "this_month": month(this_m),
            "last_month": month(last_m),
            "total": (row[0] if row else 0) + imp.get("total", 0),
            "views": views,
        }

    async def top(self, site: str, days: int, now: float) -> list[tuple[str, int]]:
        keys = rules.day_keys_back(now, days)
        return self.ro.execute(
            "SELECT path, SUM(n) AS s FROM day_views WHERE site=? AND day >= ? AND day <= ? "
            "GROUP BY path ORDER BY s DESC, path", (site, keys[-1], keys[0])).fetchall()

    async def import_totals(self, site: str, total: int | None, months: dict[str, int],
                            views: dict[str, int] | None = None) -> None:
        con = self.ro
        with con:
            if total is not None:
                con.execute("INSERT OR REPLACE INTO imported VALUES (?,?,?)", (site, "total", total))
            for m, n in months.items():
                con.execute("INSERT OR REPLACE INTO imported VALUES (?,?,?)", (site, m, n))
            con.executemany("INSERT OR REPLACE INTO imported_views VALUES (?,?,?)",
                            [(site, p, n) for p, n in (views or {}).items()])

    async def stored_visits(self, site: str) -> int:
        row = self.ro.execute("SELECT n FROM totals WHERE site=?", (site,)).fetchone()
        return row[0] if row else 0
