"""Counter service for a network: hits/s with one site's manifest against 101 sites' (one
process, `--sites`), side by side in one run, and the per-site counts under load.

For each case a fresh SQLite service; the C load generator of bench_counter.py drives
POST /v1/hit (every hit a new visitor) from two load processes at the same time: both on
site "bench" (the --origin site), or (last case) one on it and one on commune 050 of the
table. Then the stored visits of each site must equal that site's counted hits (the
service's own metric), and a third site, never hit, must stay at zero.

  .venv/bin/python scripts/bench_network_counter.py [--sites 100] [--paths 300] [--seconds 8] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from scripts import bench_counter as bc  # noqa: E402

NETWORK_SITE = "xa-mau-050"


def origin(site: str) -> str:
    return f"http://{site}.bench.test"


def write_manifests(work: str, n_sites: int, n_paths: int) -> str:
    paths = {p: {"kind": "article", "title": "Bài"} for p in bc.paths()}
    paths.update({f"/2026/11/bai-{i}.html": {"kind": "article", "title": "Bài"} for i in range(n_paths)})
    with open(os.path.join(work, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "paths": paths}, fh)
    rows = []
    for i in range(1, n_sites + 1):
        site = f"xa-mau-{i:03d}"
        path = os.path.join(work, site, "manifest.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "paths": paths}, fh)
        rows.append({"site": site, "origins": [origin(site)], "manifest": path})
    table = os.path.join(work, f"sites-{n_sites}.json")
    with open(table, "w", encoding="utf-8") as fh:
        json.dump({"sites": rows}, fh)
    return table


def load_two(exe, port, seconds, origins):
    """One C load process per origin, at the same time; distinct visitors (first visitor, step)."""
    procs = [subprocess.Popen([exe, str(port), str(seconds), str(10**7), "16", str(i + 1), str(len(origins)),
                               str(bc.NPATHS), o, bc.UA], stdout=subprocess.PIPE, text=True)
             for i, o in enumerate(origins)]
    out = []
    for p in procs:
        text, _ = p.communicate(timeout=seconds + 60)
        sent, ok, other, errors, elapsed = text.partition("\n")[0].split()
        out.append({"sent": int(sent), "ok": int(ok), "other": int(other), "errors": int(errors),
                    "elapsed": float(elapsed)})
    return out


def counts(port, site_origin):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/counts", headers={"Origin": site_origin})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    return float("nan")


def run_case(work, exe, n_sites, table, seconds, two_sites):
    port = bc.free_port()
    db = os.path.join(work, f"case-{n_sites}-{port}.sqlite3")
    extra = ["--sites", table] if table else []
    proc = bc.start_service(work, port, "sqlite", db=db, extra=extra)
    try:
        origins = [bc.ORIGIN, origin(NETWORK_SITE)] if two_sites else [bc.ORIGIN, bc.ORIGIN]
        cpu0 = bc.cpu_seconds(pgid=proc.pid)
        res = load_two(exe, port, seconds, origins)
        cpu = bc.cpu_seconds(pgid=proc.pid) - cpu0
        wall = max(r["elapsed"] for r in res)
        ok = sum(r["ok"] for r in res)
        row = {"sites": n_sites, "hits": ok, "hits_s": ok / wall, "hits_cpu_s": ok / cpu if cpu else float("nan"),
               "errors": sum(r["errors"] + r["other"] for r in res)}
        visits = metric(port, "counter_visits_total")
        main = counts(port, bc.ORIGIN)["today"]
        if two_sites:
            commune = counts(port, origin(NETWORK_SITE))["today"]
            idle = counts(port, origin("xa-mau-001"))
            row["check"] = (main + commune == visits and commune > 0 and main > 0 and idle["today"] == 0
                            and idle["online"] == 0)
            row["split"] = f"{main}+{commune}"
        else:
            row["check"] = main == visits
            row["split"] = f"{main}"
        return row
    finally:
        bc.stop(proc)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100, help="communes in the table (besides the --origin site)")
    ap.add_argument("--paths", type=int, default=300, help="articles per manifest")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args(argv)
    exe = bc.c_loader()
    if not exe:
        sys.exit("needs gcc for the C load generator")
    work = tempfile.mkdtemp(prefix="bench-network-counter-")
    try:
        table = write_manifests(work, a.sites, a.paths)
        print(f"# {bc.uptime()}")
        rows = []
        cases = ((1, None, False), (a.sites + 1, table, False), (a.sites + 1, table, True))
        for _ in range(a.rounds):
            for n, t, two in cases:
                rows.append(run_case(work, exe, n, t, a.seconds, two))
                r = rows[-1]
                r["case"] = f"{n} site{'s' if n > 1 else ''} loaded, hits on {'2 sites' if two else '1 site'}"
                print(f"sites={r['sites']:>4}  hits={r['hits']:>7}  hits/s={r['hits_s']:8.0f}  "
                      f"hits/CPU-s={r['hits_cpu_s']:8.0f}  errors={r['errors']}  visits={r['split']}  "
                      f"per-site counts {'ok' if r['check'] else 'WRONG'}", flush=True)
        print(f"# {bc.uptime()}")
        print("| Case (one process) | hits/s (median) | hits/CPU-s (median) | per-site counts |")
        print("|---|---|---|---|")
        for case in dict.fromkeys(r["case"] for r in rows):
            mine = [r for r in rows if r["case"] == case]
            print(f"| {case} | {statistics.median(r['hits_s'] for r in mine):.0f} | "
                  f"{statistics.median(r['hits_cpu_s'] for r in mine):.0f} | "
                  f"{'correct' if all(r['check'] for r in mine) else 'WRONG'} |")
        return 0 if all(r["check"] for r in rows) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
