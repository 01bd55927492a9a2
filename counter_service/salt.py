"""Daily salts that never reach a disk or Redis.

A salt is a random 32-byte key per site and local day, kept in files on a memory file
system (tmpfs/ramfs: systemd's RuntimeDirectory under /run, or /dev/shm), so every
service process of this machine shares it (uvicorn workers, a restarted service) and
none is persisted: not in SQLite, not in Redis or its AOF/RDB, not in a backup.
Files are deleted 48 h after their day began. Blocking I/O: call from a thread.
"""

from __future__ import annotations

import hashlib
import os
import secrets

from . import rules

MEMORY_FS = {"tmpfs", "ramfs"}


def default_dir() -> str:
    run = os.environ.get("RUNTIME_DIRECTORY")  # systemd RuntimeDirectory= (a tmpfs under /run)
    if run:
        return run.split(":")[0]
    return f"/dev/shm/portal-counter-{os.getuid()}"


def fs_type(path: str) -> str:
    """File system type of the mount holding `path` (longest matching mount point)."""
    path = os.path.realpath(path)
    best, kind = "", ""
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            left, _, right = line.partition(" - ")
            mnt = left.split()[4].replace("\\040", " ")
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, right.split()[0]
    return kind


class SaltStore:
    def __init__(self, directory: str | None = None):
        self.dir = directory or default_dir()

    def check(self) -> None:
        """Refuse a folder on a disk: a salt written there could outlive its 48 h."""
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        kind = fs_type(self.dir)
        if kind not in MEMORY_FS:
            raise RuntimeError(f"--salt-dir {self.dir} is on {kind or 'an unknown file system'}, not tmpfs: "
                             "daily salts must never reach a disk (use /dev/shm/… or systemd RuntimeDirectory)")

    def _file(self, site: str, day: str) -> str:
        return os.path.join(self.dir, f"{hashlib.blake2b(site.encode(), digest_size=8).hexdigest()}-{day}.salt")

    def get(self, site: str, day: str) -> bytes:
        path = self._file(site, day)
        try:
            with open(path, "rb") as fh:
                s = fh.read()
            if len(s) == 32:
                return s
        except FileNotFoundError:
            pass
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # atomic and exclusive: the first process to create the day's salt wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        with open(path, "rb") as fh:
            return fh.read()

    def purge(self, now: float) -> list[str]:
        """Delete salts 48 h after their day began; returns the days deleted."""
        gone = []
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return gone
        for name in names:
            if not name.endswith(".salt"):
                continue
            day = name[:-5].rsplit("-", 3)
            day = "-".join(day[1:]) if len(day) == 4 else ""
            try:
                expired = rules.day_start(day) + rules.SALT_KEEP <= now
            except ValueError:
                continue
            if expired:
                try:
                    os.unlink(os.path.join(self.dir, name))
                    gone.append(day)
                except FileNotFoundError:
                    pass
        return gone

    def days(self, site: str) -> set[str]:
        prefix = hashlib.blake2b(site.encode(), digest_size=8).hexdigest() + "-"
        try:
            return {n[len(prefix):-5] for n in os.listdir(self.dir) if n.startswith(prefix) and n.endswith(".salt")}
        except FileNotFoundError:
            return set()
