"""SQLite backend (default): one file in WAL mode, one service process.

The counting state (visit/view windows, online, rate limits) lives in this process
(`rules.MemoryRules`); only counts are stored (the daily salts live in `salt.SaltStore`,
never on disk). Hits are decided and written by batches in group commits on one writer
thread: a request is answered only after the transaction holding its hit has committed;
hits arriving while a commit runs go together into the next one (optionally waiting
up to `flush_ms`, ≤ 100 ms, to batch more). The in-memory state learns of a batch only
once it committed, so a hit answered 503 leaves no trace and its retry counts once.
Reads run on one reader thread: no SQLite call ever runs on the event loop.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import os
import sqlite3
import time

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
-- Written by /healthz: proves a transaction can still commit (lock, full disk).
CREATE TABLE IF NOT EXISTS health (k INTEGER PRIMARY KEY, t REAL NOT NULL);
-- Starting views per path imported from a previous CMS (replaced, not added, on re-import).
CREATE TABLE IF NOT EXISTS imported_views (site TEXT, path TEXT, n INTEGER NOT NULL,
    PRIMARY KEY (site, path)) WITHOUT ROWID;
"""
PROBE_TIMEOUT = 3.0   # /healthz: a write that takes longer is a failure
WRITE_ERROR_HOLD = 30.0  # /healthz reports a failed hit commit for this long, or until one succeeds


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
        self.site_rules: dict[str, rules.MemoryRules] = {}  # one per site: a network's sites never mix
        self.ro: sqlite3.Connection | None = None
        self.executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.reader: concurrent.futures.ThreadPoolExecutor | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.write_error: tuple[float, str] | None = None
        self.probe: asyncio.Future | None = None

    # -- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        # One writer thread; the event loop hands it whole batches, not single hits.
        self.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="counter-sqlite-writer")
        self.wcon = await self.loop.run_in_executor(self.executor, self._open_writer)
        # One reader thread: WAL readers never wait for the writer, but no SQLite call runs on the loop.
        self.reader = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="counter-sqlite-reader")
        self.ro = await self.read(connect, self.path)
        self.pending: list = []
        self.flushing = False

    def _open_writer(self) -> sqlite3.Connection:
        con = connect(self.path)
        # Earlier versions stored the daily salts here; they now never reach the disk.
        if con.execute("SELECT 1 FROM sqlite_master WHERE name='salts'").fetchone():
            con.execute("DROP TABLE salts")
        return con

    def read(self, fn, *args):
        return self.loop.run_in_executor(self.reader, fn, *args)

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
        if self.reader is not None:
            await self.read(self.ro.close)
            self.reader.shutdown(wait=True)
            self.reader = None
            self.ro = None

    async def ping(self) -> str:
        """'' when a hit can be stored now, else why not: a probe transaction must
        commit within PROBE_TIMEOUT, and no hit commit failed in the last WRITE_ERROR_HOLD s."""
        if self.executor is None:
            return "storage closed"
        if self.probe is None or self.probe.done():  # one probe at a time, however often /healthz is asked
            self.probe = asyncio.wrap_future(self.executor.submit(self._probe, self.wcon))
        try:
            await asyncio.wait_for(asyncio.shield(self.probe), PROBE_TIMEOUT)
        except TimeoutError:
            return f"a write did not commit within {PROBE_TIMEOUT:g} s (database locked?)"
        except Exception as e:
            return f"write failed: {type(e).__name__}: {e}"
        if self.write_error and time.monotonic() - self.write_error[0] < WRITE_ERROR_HOLD:
            return f"last hit commit failed: {self.write_error[1]}"
        return ""

    @staticmethod
    def _probe(con: sqlite3.Connection) -> None:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("INSERT OR REPLACE INTO health VALUES (1, ?)", (time.time(),))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # -- group commit --------------------------------------------------------------
    def rules_of(self, site: str) -> rules.MemoryRules:
        found = self.site_rules.get(site)
        if found is None:
            found = self.site_rules[site] = rules.MemoryRules()
        return found

    def _start_flush(self) -> None:
        self.flushing = True
        self.loop.create_task(self._flush())

    async def _flush(self) -> None:
        """Decide and commit what is pending in one transaction; hits that arrive
        meanwhile go in the next one. A request is answered when its transaction has
        committed, and the in-memory state is updated only then."""
        try:
            while self.pending:
                if self.flush:
                    await asyncio.sleep(self.flush)
                batch, self.pending = self.pending, []
                by_site: dict[str, list[int]] = {}
                for i, b in enumerate(batch):
                    by_site.setdefault(b[0], []).append(i)
                outs: list = [None] * len(batch)
                changes = {}
                for site, idx in by_site.items():
                    planned, changes[site] = self.rules_of(site).plan([batch[i][1:5] for i in idx])
                    for i, o in zip(idx, planned, strict=True):
                        outs[i] = o
                rows = [(b[0], rules.day_key(b[4]), b[3], o.new_visit, o.new_view)
                        for b, o in zip(batch, outs, strict=True) if o.counted and (o.new_visit or o.new_view)]
                err = None
                if rows:
                    try:
                        await self.loop.run_in_executor(self.executor, self._commit, self.wcon, rows)
                        self.write_error = None
                    except Exception as e:  # the waiting requests get a 503, nothing is acknowledged or recorded
                        err = e
                        self.write_error = (time.monotonic(), f"{type(e).__name__}: {e}")
                if err is None:
                    for site, idx in by_site.items():
                        self.rules_of(site).apply(changes[site], max(batch[i][4] for i in idx))
                else:
                    for site, v, n, _p, t, _f in batch:
                        self.rules_of(site).unadmit(v, n, t)
                for b, o in zip(batch, outs, strict=True):
                    f = b[-1]
                    if not f.done():
                        f.set_exception(err) if err else f.set_result(o)
        finally:
            self.flushing = False

    @staticmethod
    def _commit(con: sqlite3.Connection, rows) -> None:
        visits = collections.Counter()
        day_views = collections.Counter()
        path_views = collections.Counter()
        totals = collections.Counter()
        for site, day, path, new_visit, new_view in rows:
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
    async def housekeep(self, now: float, site: str | None = None) -> None:
        """Nothing to expire on disk: the salts are not here (salt.SaltStore purges them)."""

    async def hit(self, site: str, visitor: str, net: str, path: str, now: float) -> rules.Outcome:
        reason = self.rules_of(site).admit(visitor, net, now)
        if reason:
            return rules.Outcome(False, reason)
        fut = self.loop.create_future()
        self.pending.append((site, visitor, net, path, now, fut))
        if not self.flushing:
            self._start_flush()
        return await fut

    async def counts(self, site: str, paths: list[str], now: float) -> dict:
        data = await self.read(self._counts, site, paths, now)
        data["online"] = self.rules_of(site).online(now)
        return data

    def _counts(self, site: str, paths: list[str], now: float) -> dict:
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
            "online": 0,
            "today": days.get(today, 0),
            "yesterday": days.get(yday, 0),
            "this_month": month(this_m),
            "last_month": month(last_m),
            "total": (row[0] if row else 0) + imp.get("total", 0),
            "views": views,
        }

    async def top(self, site: str, days: int, now: float) -> list[tuple[str, int]]:
        keys = rules.day_keys_back(now, days)
        return await self.read(lambda: self.ro.execute(
            "SELECT path, SUM(n) AS s FROM day_views WHERE site=? AND day >= ? AND day <= ? "
            "GROUP BY path ORDER BY s DESC, path", (site, keys[-1], keys[0])).fetchall())

    async def import_totals(self, site: str, total: int | None, months: dict[str, int],
                            views: dict[str, int] | None = None) -> None:
        def run(con):
            with con:
                if total is not None:
                    con.execute("INSERT OR REPLACE INTO imported VALUES (?,?,?)", (site, "total", total))
                for m, n in months.items():
                    con.execute("INSERT OR REPLACE INTO imported VALUES (?,?,?)", (site, m, n))
                con.executemany("INSERT OR REPLACE INTO imported_views VALUES (?,?,?)",
                                [(site, p, n) for p, n in (views or {}).items()])
        await self.loop.run_in_executor(self.executor, run, self.wcon)

    async def stored_visits(self, site: str) -> int:
        row = await self.read(lambda: self.ro.execute("SELECT n FROM totals WHERE site=?", (site,)).fetchone())
        return row[0] if row else 0
