"""Rows of a NukeViet database: from a live MySQL/MariaDB server or from a mysqldump file.

Both sources answer the same small SQL (SELECT with LEFT JOIN and ORDER BY, backtick
identifiers), so the importer reads them the same way:

- ``MySQLSource``: PyMySQL with an unbuffered cursor: rows stream from the server.
- ``DumpSource``: reads the dump statement by statement (``CREATE TABLE`` for the column
  names, ``INSERT INTO … VALUES (…),(…);`` on one or many lines, as mysqldump,
  mariadb-dump and phpMyAdmin write them) and spools the tables the importer reads into a
  temporary SQLite file. Memory holds one statement at a time, never the dump.

Tables outside ``wanted`` (other modules, the per-category copies ``news_<catid>``)
are only counted.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator

IDENT_RE = re.compile(r"^[A-Za-z0-9_]+$")


class SourceError(Exception):
    """The database or dump cannot be read; the message says why (for the operator)."""


class MySQLSource:
    def __init__(self, url: str):
        import pymysql

        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("mysql", "mariadb") or not u.path.strip("/"):
            raise SourceError(f"--db must look like mysql://USER:PASS@HOST:PORT/DBNAME, got {url!r}")
        try:
            self.con = pymysql.connect(
                host=u.hostname or "127.0.0.1", port=u.port or 3306,
                user=urllib.parse.unquote(u.username or "root"),
                password=urllib.parse.unquote(u.password or ""),
                database=urllib.parse.unquote(u.path.strip("/")), charset="utf8mb4",
                cursorclass=pymysql.cursors.SSDictCursor)
        except pymysql.MySQLError as e:
            raise SourceError(f"cannot connect to {u.hostname}:{u.port or 3306}: {e}") from e

    def table_counts(self, prefix: str) -> dict[str, int]:
        names = [r["n"] for r in self.query(
            "SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE()")]
        return {n: list(self.query(f"SELECT COUNT(*) AS c FROM `{n}`"))[0]["c"]
                for n in sorted(names) if n.startswith(prefix + "_")}

    def query(self, sql: str) -> Iterator[dict]:
        cur = self.con.cursor()
        try:
            cur.execute(sql)
            yield from cur
        finally:
            cur.close()

    def close(self) -> None:
        self.con.close()


# One SQL value as mysqldump writes it: 'string' (backslash escapes, '' too), NULL,
# integers, decimals, 0x… hex, _binary '…'.
_STRING = r"'([^'\\]*(?:(?:\\.|'')[^'\\]*)*)'"
VALUE_RE = re.compile(
    r"\s*(?:" + _STRING + r"|(NULL)|(-?\d+)(?![\d.eE])|(-?\d*\.?\d+(?:[eE][-+]?\d+)?)|0x([0-9A-Fa-f]*)"
    r"|_binary\s*" + _STRING + r")\s*", re.S)
TUPLE_START_RE = re.compile(r"\s*,?\s*\(")
INSERT_RE = re.compile(
    r"^\s*(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+`?([A-Za-z0-9_]+)`?\s*(\(([^)]*)\))?\s*VALUES\s*", re.I | re.S)
CREATE_RE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?([A-Za-z0-9_]+)`?\s*\(", re.I)
COLUMN_RE = re.compile(r"^\s*`([^`]+)`\s+([A-Za-z]+)")
_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "Z": "\x1a"}
_ESCAPE_RE = re.compile(r"\\(.)|''", re.S)


def _unescape(s: str) -> str:
    if "\\" not in s and "''" not in s:
        return s
    return _ESCAPE_RE.sub(lambda m: "'" if m.group(0) == "''" else _ESCAPES.get(m.group(1), m.group(1)), s)


def _value(m: re.Match):
    s, null, integer, decimal, hexa, binary = m.groups()
    if s is not None:
        return _unescape(s)
    if null is not None:
        return None
    if integer is not None:
        return int(integer)
    if decimal is not None:
        return float(decimal)
    if hexa is not None:
        return bytes.fromhex(hexa).decode("utf-8", "replace")
    return _unescape(binary)


def parse_tuples(buf: str, pos: int) -> tuple[list[list], int, bool]:
    """Complete value tuples in buf from pos: (tuples, position after the last one, statement ended).
    An incomplete tuple at the end is left for the next read."""
    out = []
    n = len(buf)
    while True:
        m = TUPLE_START_RE.match(buf, pos)
        if not m:
            rest = buf[pos:].lstrip()
            if rest.startswith(";"):
                return out, pos + buf[pos:].index(";") + 1, True
            if rest and not rest.startswith(","):
                raise SourceError(f"unexpected text in INSERT: {rest[:60]!r}")
            return out, pos, False
        p = m.end()
        row = []
        while True:
            v = VALUE_RE.match(buf, p)
            if not v or v.end() >= n:
                return out, pos, False  # more input needed (or a value split across reads)
            row.append(_value(v))
            p = v.end()
            if buf[p] == ",":
                p += 1
                continue
            if buf[p] == ")":
                p += 1
                break
            raise SourceError(f"unexpected text in INSERT: {buf[p:p + 60]!r}")
        out.append(row)
        pos = p


class DumpSource:
    """A mysqldump file, spooled table by table into SQLite (``wanted(name)`` says which)."""

    def __init__(self, path: str, prefix: str, wanted: Callable[[str], bool], workdir: str | None = None):
        if not os.path.isfile(path):
            raise SourceError(f"dump file not found: {path}")
        self._tmp = tempfile.TemporaryDirectory(prefix="nukeviet-dump-", dir=workdir)
        self.db = sqlite3.connect(os.path.join(self._tmp.name, "dump.sqlite3"))
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.row_factory = sqlite3.Row
        self.prefix = prefix
        self.counts: dict[str, int] = {}
        self.columns: dict[str, list[str]] = {}
        self._load(path, wanted)

    def _load(self, path: str, wanted) -> None:
        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            lines = iter(fh)
            for line in lines:
                head = line.lstrip()[:12].upper()
                if head.startswith("CREATE TABLE"):
                    self._create(line, lines, wanted)
                elif head.startswith(("INSERT", "REPLACE")):
                    self._insert(line, lines, wanted)
        self.db.commit()

    def _create(self, line: str, lines, wanted) -> None:
        m = CREATE_RE.match(line)
        if not m:
            return
        name, cols, types = m.group(1), [], []
        for body in lines:
            if body.lstrip().startswith(")"):
                break
            c = COLUMN_RE.match(body)
            if c:
                cols.append(c.group(1))
                # Integer columns get INTEGER affinity: a dump that quotes numbers ('1', as
                # phpMyAdmin may) gives the same ints as the server does.
                types.append("INTEGER" if "int" in c.group(2).lower() else "TEXT")
        self.columns[name] = cols
        self.counts.setdefault(name, 0)
        if wanted(name):
            self.db.execute(f'DROP TABLE IF EXISTS "{name}"')
            defs = ", ".join(f'"{c}" {t}' for c, t in zip(cols, types, strict=True))
            self.db.execute(f'CREATE TABLE "{name}" ({defs})')

    def _insert(self, line: str, lines, wanted) -> None:
        m = INSERT_RE.match(line)
        if not m:
            raise SourceError(f"cannot read INSERT statement: {line[:80]!r}")
        name = m.group(1)
        cols = [c.strip().strip("`") for c in m.group(3).split(",")] if m.group(3) else self.columns.get(name)
        keep = wanted(name)
        if keep and not cols:
            raise SourceError(f"INSERT into {name} before its CREATE TABLE (dump without table definitions?)")
        sql = (f'INSERT INTO "{name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
               f'VALUES ({", ".join("?" * len(cols))})') if keep else ""
        buf, pos = line, m.end()
        while True:
            rows, pos, ended = parse_tuples(buf, pos)
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            if keep and rows:
                self.db.executemany(sql, rows)
            if ended:
                return
            nxt = next(lines, None)
            if nxt is None:
                raise SourceError(f"dump ends inside an INSERT into {name} (truncated file?)")
            buf, pos = buf[pos:] + nxt, 0

    def table_counts(self, prefix: str) -> dict[str, int]:
        return {n: c for n, c in sorted(self.counts.items()) if n.startswith(prefix + "_")}

    def query(self, sql: str) -> Iterator[dict]:
        names = set(self.columns)
        missing = [t for t in re.findall(r"`([A-Za-z0-9_]+)`", sql) if t in names and not self._spooled(t)]
        if missing:
            raise SourceError(f"table {missing[0]} was not spooled")
        try:
            cur = self.db.execute(sql)
        except sqlite3.OperationalError as e:
            raise SourceError(f"{e} in: {sql[:120]}") from e
        for row in cur:
            yield dict(row)

    def _spooled(self, table: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (table,)).fetchone() is not None

    def close(self) -> None:
        self.db.close()
        self._tmp.cleanup()
