"""Build cost of a network of portals (docs/network.md), side by side with one site of the
same number of articles, in one run.

    .venv/bin/python scripts/bench_network.py --communes 10 --per-site 300      # 3,300 articles
    .venv/bin/python scripts/bench_network.py --communes 100 --per-site 300 --no-single   # 30,300

A generated network project (scripts/gen_corpus.py --network: a province, COMMUNES communes,
PER_SITE articles each, this checkout's code linked in, the theme copied so it can be edited):

1. cold build of every portal (`invoke build --site <all>`, empty output and caches): wall
   time and peak PSS of the whole process tree (sampled every 0.5 s);
2. one commune's article edited: the portals plugins.network.matrix names (that commune and
   the province), rebuilt;
3. a shared template edited (a Jinja comment in base.html): every portal rebuilt, caches warm;
4. (unless --no-single) one site holding all the articles, cold, as `invoke build` builds it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugins.network import matrix, sites  # noqa: E402
from scripts import gen_corpus  # noqa: E402
from scripts.bench_build import tree_pss_mb, uptime  # noqa: E402

INVOKE = os.path.join(ROOT, ".venv", "bin", "invoke")


def timed(cmd, cwd, env=None, label="") -> dict:
    load = uptime()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, "COUNTER_URL": "", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, done = [0.0], threading.Event()

    def sample():
        while not done.wait(0.5):
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    done.set()
    t.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{cmd} failed:\n{out[-4000:]}")
    print(f"# {label or cmd[1]}: {wall:.1f} s, peak PSS {peak[0]:.0f} MB ({load})", flush=True)
    return {"wall": wall, "pss": peak[0], "load": load}


def make_project(work: str, communes: int, per_site: int, seed: int) -> str:
    root = os.path.join(work, f"net-{communes}x{per_site}")
    if not os.path.isdir(os.path.join(root, "sites")):
        stats = gen_corpus.write_network(communes, per_site, seed, root)
        print(f"# generated {stats['sites']} sites, {stats['articles']} articles in {root}", flush=True)
    theme = os.path.join(root, "theme")
    if os.path.islink(theme):  # a copy: step 3 edits it
        os.unlink(theme)
        shutil.copytree(os.path.join(ROOT, "theme"), theme)
    return root


def clean(root: str) -> None:
    for d in ("output", "cache"):
        shutil.rmtree(os.path.join(root, d), ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communes", type=int, default=10)
    ap.add_argument("--per-site", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench-network"))
    ap.add_argument("--no-single", action="store_true", help="skip the one-site comparison")
    a = ap.parse_args(argv)
    os.makedirs(a.work, exist_ok=True)
    root = make_project(a.work, a.communes, a.per_site, a.seed)
    slugs = gen_corpus.network_slugs(a.communes)
    n_articles = len(slugs) * a.per_site
    rows = []
    clean(root)
    cold = timed([INVOKE, "build", "--site", ",".join(slugs)], root, label="network cold")
    rows.append(("network cold build", len(slugs), n_articles, cold))
    # one commune's article body edited
    commune = slugs[len(slugs) // 2]
    folder = os.path.join(root, "sites", commune, "content", "articles")
    year = sorted(d for d in os.listdir(folder) if d.isdigit())[-1]
    art = os.path.join(folder, year, sorted(os.listdir(os.path.join(folder, year)))[0])
    with open(art, "a", encoding="utf-8") as fh:
        fh.write("\nMột câu mới được Ban Biên tập bổ sung.\n")
    net = sites.load_default(root)
    again = list(matrix.affected(net, [os.path.relpath(art, root)]))
    edit = timed([INVOKE, "build", "--site", ",".join(again)], root, label="one commune edited")
    rows.append((f"one commune edited ({', '.join(again)})", len(again), len(again) * a.per_site, edit))
    # a shared template edited: every portal
    base = os.path.join(root, "theme", "templates", "base.html")
    with open(base, "a", encoding="utf-8") as fh:
        fh.write("{# bench: a shared template edit #}\n")
    shared = timed([INVOKE, "build", "--site", ",".join(slugs)], root, label="shared template edited")
    rows.append(("shared template edited", len(slugs), n_articles, shared))
    if not a.no_single:
        single = os.path.join(a.work, f"single-{n_articles}")
        if not os.path.isdir(single):
            os.makedirs(single)
            for name in gen_corpus.NETWORK_LINKED:
                os.symlink(os.path.join(ROOT, name), os.path.join(single, name))
            content = os.path.join(single, "content")
            gen_corpus.write(n_articles, a.seed, content, pool_dir=os.path.join(root, ".pool"), pool_seed=a.seed)
            os.makedirs(os.path.join(content, "pages"), exist_ok=True)
            shutil.copy(os.path.join(ROOT, "content", "images", "chia-se.jpg"), os.path.join(content, "images"))
        clean(single)
        one = timed([INVOKE, "build"], single, label="one site cold")
        rows.append(("one site, all articles, cold", 1, n_articles, one))
    print(f"\n{n_articles} articles; {len(slugs)} portals of {a.per_site} (network)")
    print("| Build | Portals | Time | ms/article | Peak PSS (tree) | Load before |")
    print("|---|---|---|---|---|---|")
    for name, n, arts, r in rows:
        per = r["wall"] * 1000 / arts
        print(f"| {name} | {n} | {r['wall']:.1f} s | {per:.1f} | {r['pss']:.0f} MB | {r['load'].split('load average: ')[-1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
