"""A throw-away MariaDB server (Debian mariadb-server) on a free loopback port with its own
data directory: for tests and scripts/bench_import.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
CLIENT = shutil.which("mariadb") or "/usr/bin/mariadb"
DUMP = shutil.which("mariadb-dump") or "/usr/bin/mariadb-dump"


def available() -> bool:
    return all(os.access(p, os.X_OK) for p in (MARIADBD, INSTALL_DB, CLIENT, DUMP))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MariaDB:
    def __init__(self, base: Path):
        self.base = Path(base)
        self.datadir = self.base / "data"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def _user(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def start(self, timeout: float = 90) -> MariaDB:
        subprocess.run([INSTALL_DB, "--no-defaults", f"--datadir={self.datadir}", "--skip-test-db",
                        "--auth-root-authentication-method=normal", *self._user],
                       check=True, capture_output=True)
        self.tmpdir = self.base / "tmp"
        self.tmpdir.mkdir(exist_ok=True)
        for _attempt in range(3):  # another process may take the free port before mariadbd binds it
            self.port = _free_port()
            log = self.base / "error.log"
            self.proc = subprocess.Popen(
                [MARIADBD, "--no-defaults", f"--datadir={self.datadir}", f"--socket={self.base / 'mysqld.sock'}",
                 f"--port={self.port}", "--bind-address=127.0.0.1", "--skip-grant-tables", "--skip-name-resolve",
                 "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--key-buffer-size=16M",
                 f"--pid-file={self.base / 'mysqld.pid'}", f"--log-error={log}",
                 # its own temp dir: other tests and tools clean /tmp while it runs
                 f"--tmpdir={self.tmpdir}", *self._user],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if self._ready():
                    return self
                time.sleep(0.2)
            else:
                self.stop()
                raise RuntimeError(f"mariadbd did not start in {timeout} s: {log.read_text()[-2000:]}")
            if "Address already in use" not in log.read_text(errors="replace"):
                raise RuntimeError(f"mariadbd exited: {log.read_text(errors='replace')[-2000:]}")
        raise RuntimeError("mariadbd found no free port")

    def _ready(self) -> bool:
        r = subprocess.run([CLIENT, *self.client_args(), "-e", "SELECT 1"], capture_output=True)
        return r.returncode == 0

    def client_args(self) -> list[str]:
        return ["--no-defaults", "-h127.0.0.1", f"-P{self.port}", "-uroot", "--default-character-set=utf8mb4"]

    def url(self, db: str) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/{db}"

    def load(self, db: str, sql: str | Path) -> None:
        """Create database db and run the SQL text or file in it with the mariadb client."""
        subprocess.run([CLIENT, *self.client_args(), "-e",
                        f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}` CHARACTER SET utf8mb4"], check=True)
        if isinstance(sql, Path):
            with open(sql, "rb") as fh:
                subprocess.run([CLIENT, *self.client_args(), db], stdin=fh, check=True)
        else:
            subprocess.run([CLIENT, *self.client_args(), db], input=sql.encode("utf-8"), check=True)

    def execute(self, db: str, sql: str) -> None:
        subprocess.run([CLIENT, *self.client_args(), db, "-e", sql], check=True)

    def dump(self, db: str, path: Path) -> Path:
        with open(path, "wb") as fh:
            subprocess.run([DUMP, "--no-defaults", "-h127.0.0.1", f"-P{self.port}", "-uroot", db],
                           stdout=fh, check=True)
        return path

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
