"""Content-validation benchmark: the content contract's check with and without its per-file cache.

    .venv/bin/python scripts/bench_validation.py                       # 1k and 10k articles
    .venv/bin/python scripts/bench_validation.py --sizes 1000 --repeat 5
    .venv/bin/python scripts/bench_validation.py --before /tmp/before   # adds an older tree's time

Runs ``check_site`` (what every build runs at ``initialized`` and what ``invoke check`` runs)
in this process, with the real pelicanconf settings, on the benchmark corpora of
scripts/bench_build.py (generated there if missing: /tmp/bench_build/corpus-N-s1). Per size:

- no cache, 1 process: CONTENT_CONTRACT_CACHE = False, CONTENT_CONTRACT_WORKERS = 1 (every file
  read, parsed and checked in this process);
- no cache, pool: the same with the fork pool forced on (2 workers; the default "auto" uses it
  only when the load average leaves a core idle);
- cold: an empty cache folder (everything parsed, in-process, then the cache written);
- warm, no edit: nothing changed (stat only, nothing parsed, the cache not rewritten);
- warm, 1 edit: one article edited (that file parsed, the cache rewritten); the edit is undone after.

``--before DIR``: another checkout of the project (its ``plugins/`` and ``pelicanconf.py``),
e.g. a ``git archive`` of the commit before the cache, timed the same way in a subprocess.

Times are the best of --repeat runs (the machine is shared), with the CPU seconds of that run
(this process plus the pool's workers): on a busy machine CPU time is the steadier measure, and
the pool only saves wall time when a core is free. Every mode must report the same problems.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from pelican.settings import read_settings  # noqa: E402

from plugins.content_contract.check import check_site  # noqa: E402
from scripts import bench_build  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and its reaped children (the pool's workers)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def timed(settings) -> tuple[float, list, dict, float]:
    stats: dict = {}
    t0, c0 = time.perf_counter(), cpu()
    problems = check_site(settings, stats)
    return time.perf_counter() - t0, problems, stats, cpu() - c0


BEFORE = """\
import json, os, sys, time
sys.path.insert(0, {tree!r})
from pelican.settings import read_settings
from plugins.content_contract.check import check_site
s = read_settings(os.path.join({tree!r}, "pelicanconf.py"), override={{"PATH": {content!r}}})
runs = []
for _ in range({repeat}):
    t0, c0 = time.perf_counter(), time.process_time()
    problems = check_site(s)
    runs.append((time.perf_counter() - t0, time.process_time() - c0))
print(json.dumps([min(runs), [str(p) for p in problems]]))
"""


def before_tree(tree: str, content: str, repeat: int) -> tuple[list, list[str]]:
    """Best time of an older tree's check_site (no cache there), run from this project's folder."""
    code = BEFORE.format(tree=os.path.abspath(tree), content=content, repeat=repeat)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    t, problems = json.loads(out.stdout.strip().splitlines()[-1])
    return t, problems


def bench_size(n: int, seed: int, workdir: str, repeat: int) -> dict:
    content = bench_build.ensure_corpus(n, seed, workdir)
    tmp = tempfile.mkdtemp(prefix="bench_validation-")
    cache_dir = os.path.join(tmp, "cache")
    settings = read_settings(os.path.join(ROOT, "pelicanconf.py"),
                             override={"PATH": content, "CACHE_PATH": cache_dir})
    settings["CONTENT_CONTRACT_WORKERS"] = 1  # cache modes in-process: the cache's effect alone
    serial = dict(settings, CONTENT_CONTRACT_CACHE=False)
    uncached = dict(serial, CONTENT_CONTRACT_WORKERS=2)  # the pool even on a busy machine
    res: dict = {"n": n}
    try:
        best = lambda runs: min(runs, key=lambda r: r[0])  # noqa: E731
        res["serial"] = best([timed(serial) for _ in range(repeat)])
        res["uncached"] = best([timed(uncached) for _ in range(repeat)])
        cold_runs = []
        for _ in range(repeat):
            shutil.rmtree(cache_dir, ignore_errors=True)
            cold_runs.append(timed(settings))
        res["cold"] = best(cold_runs)
        res["cache_bytes"] = os.path.getsize(os.path.join(cache_dir, "content_contract", "validation.pickle"))
        res["warm"] = best([timed(settings) for _ in range(repeat)])
        path, original = bench_build.edit_one(content)
        st = os.stat(path)
        try:
            edit_runs = []
            for i in range(repeat):
                with open(path, "a", encoding="utf-8") as fh:  # a new edit every run
                    fh.write(f"\nChỉnh sửa lần {i + 1}.\n")
                edit_runs.append(timed(settings))
            res["edit"] = best(edit_runs)
        finally:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(original)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        ref = [str(p) for p in res["serial"][1]]
        for mode in ("uncached", "cold", "warm", "edit"):
            if [str(p) for p in res[mode][1]] != ref:
                raise SystemExit(f"{mode} run at {n} reports other problems than the uncached run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/bench_build")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", help="an older tree to time too (its check_site, uncached)")
    args = ap.parse_args(argv)
    os.chdir(ROOT)  # problems name files relative to the working directory, as in a build
    print(f"bench_validation: sizes {args.sizes}, best of {args.repeat}, {os.cpu_count()} CPUs, "
          f"load {bench_build.uptime()}", flush=True)
    rows = []
    for n in args.sizes:
        load = bench_build.uptime()
        r = bench_size(n, args.seed, args.workdir, args.repeat)
        base = r["serial"][0]
        before = "—"
        if args.before:
            content = bench_build.ensure_corpus(n, args.seed, args.workdir)
            (t, c), problems = before_tree(args.before, content, args.repeat)
            if problems != [str(p) for p in r["serial"][1]]:
                raise SystemExit(f"the older tree reports other problems at {n}")
            before = f"{t:.3f} s ({c:.2f} s CPU)"

        def cell(mode, r=r, base=base):
            t, _, stats, c = r[mode]
            return f"{t:.3f} s ({t / base:.2f}×; {c:.2f} s CPU; {stats['misses']:,} parsed)"

        rows.append(f"| {n:,} | {before} | {base:.3f} s ({r['serial'][3]:.2f} s CPU) | {cell('uncached')} | "
                    f"{cell('cold')} | {cell('warm')} | {cell('edit')} | {r['cache_bytes'] / 1e6:.1f} MB | "
                    f"{len(r['serial'][1])} | {load} |")
        print("  " + rows[-1], flush=True)
    print()
    print("| Articles | Before (--before tree) | No cache, 1 process | No cache, pool (÷ 1 process) "
          "| Cold, cache written | Warm, no edit | Warm, 1 article edited | Cache file | Problems | Load avg at start |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
