"""Benchmark the visitor counter service on loopback, and crash-test it.

Starts its own redis-server and service processes on free loopback ports, drives
POST /v1/hit from keep-alive connections in separate load processes (every hit a new
visitor, so every hit is a new visit and a new view: the write-heaviest case), bounded
by --seconds and --max-hits per case. Prints hits/s and latency percentiles per case,
the Redis 2-worker/1-worker ratio, then the crash test: SIGKILL under load, hits
acknowledged (204) against hits stored.

The throughput cases use the C load generator scripts/bench_counter_load.c (compiled
with gcc on first use; far cheaper per request than Python, so on a small machine the
CPU goes to the service); --loader python or no gcc: an asyncio one. The crash test
always uses the Python one, which records which hits were acknowledged.
"hits/CPU-s" divides hits by the service processes' CPU time (/proc): the rate one
free core would give, whatever else the machine runs.

  .venv/bin/python scripts/bench_counter.py [--seconds 8] [--max-hits 200000]
      [--conns 32] [--loaders 2] [--cases sqlite1,redis1,redis2,crash] [--loader c|python]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGIN = "http://bench.test"
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36")
NPATHS = 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paths():
    return [f"/2024/{m:02d}/bai-viet-so-{i}.html" for i, m in zip(range(NPATHS), [1 + i % 12 for i in range(NPATHS)])]


# --- load generator (runs in child processes) ---------------------------------------------

async def _conn(port, deadline, budget, lat, stats, base_ip, step, plist, acked):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    k = 0
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            n = base_ip + k * step
            k += 1
            ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
            body = b'{"path":"%s"}' % plist[n % len(plist)].encode()
            req = (b"POST /v1/hit HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + ORIGIN.encode() +
                   b"\r\nUser-Agent: " + UA.encode() + b"\r\nX-Forwarded-For: " + ip.encode() +
                   b"\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            t0 = time.perf_counter()
            stats["sent"] += 1
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            cl = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    cl = int(line[15:])
            if cl:
                await reader.readexactly(cl)
            lat.append(time.perf_counter() - t0)
            if status == 204:
                stats["ok"] += 1
                if acked is not None:
                    acked.append(n)
            else:
                stats["other"] += 1
                stats.setdefault("codes", set()).add(status)
    except (ConnectionError, asyncio.IncompleteReadError, OSError):
        stats["errors"] += 1
    finally:
        writer.close()


def _loader(port, seconds, max_hits, conns, index, loaders, plist, out, track):
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    lat, stats, acked = [], {"sent": 0, "ok": 0, "other": 0, "errors": 0}, [] if track else None

    async def main():
        deadline = time.perf_counter() + seconds
        budget = [max_hits]
        step = conns * loaders
        await asyncio.gather(*(_conn(port, deadline, budget, lat, stats, index * conns + c + 1, step, plist, acked)
                               for c in range(conns)), return_exceptions=True)

    t0 = time.perf_counter()
    asyncio.run(main())
    out.put((lat, stats, time.perf_counter() - t0, acked))


C_LOADER_SRC = os.path.join(ROOT, "scripts", "bench_counter_load.c")


def c_loader() -> str | None:
    """Compile the C load generator once (needs gcc); None: use the Python one."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        return None
    exe = os.path.join(tempfile.gettempdir(), f"bench_counter_load-{os.getuid()}-{int(os.stat(C_LOADER_SRC).st_mtime)}")
    if not os.path.exists(exe):
        subprocess.run([gcc, "-O2", "-o", exe, C_LOADER_SRC], check=True)
    return exe


def load_c(exe, port, seconds, max_hits, conns, loaders):
    procs = [subprocess.Popen([exe, str(port), str(seconds), str(max_hits // loaders), str(conns), str(i + 1),
                               str(loaders), str(NPATHS), ORIGIN, UA], stdout=subprocess.PIPE, text=True)
             for i in range(loaders)]
    stats = {"sent": 0, "ok": 0, "other": 0, "errors": 0, "codes": []}
    lat, wall = [], 0.0
    for p in procs:
        out, _ = p.communicate(timeout=seconds + 60)
        head, _, rest = out.partition("\n")
        sent, ok_, other, errors, elapsed = head.split()
        for k, v in zip(("sent", "ok", "other", "errors"), (sent, ok_, other, errors)):
            stats[k] += int(v)
        wall = max(wall, float(elapsed))
        lat += [int(x) / 1e6 for x in rest.split()]
    lat.sort()
    return lat, stats, wall, []


def load(port, seconds, max_hits, conns, loaders, plist, track=False, on_start=None):
    q = mp.Queue()
    procs = [mp.Process(target=_loader, args=(port, seconds, max_hits // loaders, conns, i, loaders, plist, q, track))
             for i in range(loaders)]
    for p in procs:
        p.start()
    if on_start:
        on_start()
    res = [q.get() for _ in procs]
    for p in procs:
        p.join()
    lat = sorted(x for r in res for x in r[0])
    stats = {k: sum(r[1][k] for r in res) for k in ("sent", "ok", "other", "errors")}
    stats["codes"] = sorted(set().union(*(r[1].get("codes", set()) for r in res)))
    wall = max(r[2] for r in res)
    acked = [x for r in res for x in (r[3] or [])]
    return lat, stats, wall, acked


# --- services -----------------------------------------------------------------------------

def old_tree(rev: str, work: str) -> str:
    """counter_service/ of an earlier commit, unpacked beside this one (git archive): the
    two versions run side by side in one run, on the same machine load."""
    dest = os.path.join(work, f"old-{rev}")
    os.makedirs(dest, exist_ok=True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", rev, "counter_service"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return dest


def start_service(work, port, backend, redis_url=None, workers=1, db=None, extra=(), root=ROOT, preexec_fn=None):
    cmd = [sys.executable, "-m", "counter_service", "--port", str(port), "--origin", ORIGIN,
           "--manifest", os.path.join(work, "manifest.json"), "--trusted-proxy", "127.0.0.1", "--site", "bench",
           *extra]
    cmd += ["--redis-url", redis_url, "--workers", str(workers)] if backend == "redis" else ["--db", db]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=preexec_fn)
    import urllib.request
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    time.sleep(0.3 if workers > 1 else 0)  # let every worker come up
                    return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("service did not start")


def stop(proc, sig=signal.SIGTERM):
    try:
        os.killpg(proc.pid, sig)  # the service and its uvicorn workers: our own process group
    except ProcessLookupError:
        pass
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        left = subprocess.run(["ps", "-o", "pid,stat,etime,cmd", "-g", str(proc.pid)], capture_output=True,
                              text=True).stdout
        print(f"# WARNING: service pid {proc.pid} still running 30 s after {sig!r}; killed:\n{left}", flush=True)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def cpu_seconds(pgid: int | None = None, pid: int | None = None) -> float:
    """CPU time (user + system) of a process group, or of one process, from /proc.
    Hits per CPU-second measures the service itself, whatever else the machine runs."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit() or (pid is not None and int(d) != pid):
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                st = fh.read()
        except OSError:
            continue
        rest = st[st.rindex(")") + 2:].split()
        if pid is not None or int(rest[2]) == pgid:
            total += int(rest[11]) + int(rest[12])
    return total / os.sysconf("SC_CLK_TCK")


def pct(lat, p):
    return lat[min(len(lat) - 1, int(len(lat) * p))] * 1000 if lat else float("nan")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--max-hits", type=int, default=200_000)
    ap.add_argument("--conns", type=int, default=32, help="connections per load process")
    ap.add_argument("--loaders", type=int, default=2, help="load processes")
    ap.add_argument("--cases", default="sqlite1,redis1,redis2,crash")
    ap.add_argument("--old", default="", metavar="REV",
                    help="also run the throughput cases on counter_service/ of commit REV, alternating, same run")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the throughput cases (alternating with --old)")
    ap.add_argument("--loader", choices=["c", "python"], default="c",
                    help="load generator for the throughput cases (c needs gcc; the crash test uses python)")
    a = ap.parse_args(argv)
    cases = a.cases.split(",")
    plist = paths()
    work = tempfile.mkdtemp(prefix="bench-counter-")
    with open(os.path.join(work, "manifest.json"), "w") as fh:
        json.dump({"version": 1, "paths": {p: {"kind": "article"} for p in plist}}, fh)
    redis_port = free_port()
    redis = subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", work],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    time.sleep(0.3)
    exe = c_loader() if a.loader == "c" else None
    print(f"# cpus={os.cpu_count()}  {uptime()}")
    print(f"# load generator: {'C (scripts/bench_counter_load.c)' if exe else 'Python asyncio'}")
    print(f"# every hit a new visitor (new visit + new view); {a.loaders} load processes x {a.conns} "
          f"keep-alive connections; <= {a.seconds:g} s and <= {a.max_hits} hits per case\n")
    rows = []
    versions = [("this", ROOT)] + ([(a.old, old_tree(a.old, work))] if a.old else [])
    runs = [(case, v, n) for n in range(a.rounds) for case in cases if case != "crash"
            for v in (versions if n % 2 == 0 else versions[::-1])]
    try:
        for case, (version, root), n in runs:
            backend, workers = ("sqlite", 1) if case == "sqlite1" else ("redis", int(case[-1]))
            if backend == "redis":
                subprocess.run(["redis-cli", "-p", str(redis_port), "flushall"], capture_output=True)
            port = free_port()
            db = os.path.join(work, f"{case}-{version}-{n}.sqlite3")
            proc = start_service(work, port, backend, redis_url, workers, db, root=root)
            try:
                c0, r0 = cpu_seconds(pgid=proc.pid), cpu_seconds(pid=redis.pid)
                if exe:
                    lat, stats, wall, _ = load_c(exe, port, a.seconds, a.max_hits, a.conns, a.loaders)
                else:
                    lat, stats, wall, _ = load(port, a.seconds, a.max_hits, a.conns, a.loaders, plist)
                cpu, rcpu = cpu_seconds(pgid=proc.pid) - c0, cpu_seconds(pid=redis.pid) - r0
            finally:
                stop(proc)
            if backend == "sqlite":
                con = sqlite3.connect(db)
                stored = con.execute("SELECT n FROM totals WHERE site='bench'").fetchone()[0]
                con.close()
            else:
                stored = int(subprocess.run(["redis-cli", "-p", str(redis_port), "get", "c:{bench}:total"],
                                            capture_output=True, text=True).stdout.strip() or 0)
            label = case if not a.old else f"{case} {version}"
            rows.append((label, stats["ok"] / wall, pct(lat, .5), pct(lat, .99), stats, stored,
                         stats["ok"] / cpu if cpu else float("nan"), rcpu if backend == "redis" else 0.0, cpu))
        if rows:
            print(f"{'case':<18} {'hits/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'204':>8} {'other':>6} "
                  f"{'errors':>6} {'stored':>8} {'svc CPU s':>9} {'hits/CPU-s':>10} {'redis CPU s':>11}")
            for case, rate, p50, p99, s, stored, per_cpu, rcpu, cpu in rows:
                print(f"{case:<18} {rate:>8.0f} {p50:>7.1f} {p99:>7.1f} {s['ok']:>8} {s['other']:>6} "
                      f"{s['errors']:>6} {stored:>8} {cpu:>9.2f} {per_cpu:>10.0f} {rcpu:>11.2f}"
                      + (f"  other statuses: {s['codes']}" if s["codes"] else ""))
            print("(hits/CPU-s: hits served per second of service CPU, i.e. the rate one free core would give)")
            if a.old:
                print(f"\nmean over {a.rounds} round(s), this / {a.old}:")
                for case in dict.fromkeys(c for c in cases if c != "crash"):
                    mine = [r for r in rows if r[0] == f"{case} this"]
                    theirs = [r for r in rows if r[0] == f"{case} {a.old}"]
                    hs = [sum(r[i] for r in x) / len(x) for x in (mine, theirs) for i in (1, 6)]
                    print(f"  {case:<8} hits/s {hs[0]:.0f} / {hs[2]:.0f} = {hs[0] / hs[2]:.2f}x;  "
                          f"hits/CPU-s {hs[1]:.0f} / {hs[3]:.0f} = {hs[1] / hs[3]:.2f}x")
            by = {r[0]: r[1] for r in rows}
            if "redis1" in by and "redis2" in by:
                print(f"\nredis2 / redis1 = {by['redis2'] / by['redis1']:.2f}x (target >= 1.6x)")
            if "sqlite1" in by:
                r = [x for x in rows if x[0] == "sqlite1"][0]
                print(f"sqlite1: {r[1]:.0f} hits/s (target >= 4000), p99 {r[3]:.1f} ms (target <= 50)")
        if "crash" in cases:
            print("\n# crash test: SIGKILL under load (SQLite; a hit is acknowledged only after its commit)")
            print(f"{'flush':<10} {'sent':>7} {'acked':>7} {'stored':>7} {'lost acked':>10}")
            for flush in ("0", "100"):
                port = free_port()
                db = os.path.join(work, f"crash-{flush}.sqlite3")
                proc = start_service(work, port, "sqlite", db=db, extra=["--flush-ms", flush])
                killer = lambda p=proc: (time.sleep(min(2.0, a.seconds / 2)), os.killpg(p.pid, signal.SIGKILL))  # noqa: E731
                import threading
                th = threading.Thread(target=killer)
                lat, stats, wall, acked = load(port, min(4.0, a.seconds), a.max_hits, a.conns, a.loaders, plist,
                                               track=True, on_start=th.start)
                th.join()
                proc.wait(10)
                con = sqlite3.connect(db)
                stored = con.execute("SELECT n FROM totals WHERE site='bench'").fetchone()[0]
                con.close()
                print(f"{flush + ' ms':<10} {stats['sent']:>7} {len(acked):>7} {stored:>7} "
                      f"{max(0, len(acked) - stored):>10}")
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
