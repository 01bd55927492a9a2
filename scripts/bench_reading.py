"""Reading-phase benchmark: the article generator's cold read of the corpus, two code trees side by side.

    .venv/bin/python scripts/bench_reading.py --before /tmp/before           # 1k articles, 3 rounds
    .venv/bin/python scripts/bench_reading.py --before /tmp/before --sizes 1000 10000

Times ``ArticlesGenerator.generate_context`` (every article read: YAML header, Markdown in the
parallel_markdown pool, the NewsReader's names) with an empty content cache, with the
``article_generator_finalized`` hooks (related news, search, ...) switched off so only reading
is measured. Validation at ``initialized`` runs before the clock starts.

``--before DIR`` is another checkout of the project (only its ``plugins/`` and
``pelicanconf.py`` are used; ``theme`` may be a symlink), e.g. a ``git archive`` of an older
commit. The two trees run alternately, each in a fresh process, ``--repeat`` times; the table
shows the best run: wall time, CPU seconds of the main process and of the pool workers, and
the most rendered results the pool held before the reader asked for them. Both
trees must read identical articles (content, metadata, URLs): the run fails otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child(settings_path: str) -> dict:
    """One cold read in this process (run with the tree first on sys.path)."""
    os.environ["COUNTER_URL"] = ""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    settings = read_settings(settings_path)
    p = Pelican(settings)  # validation runs here, before the clock
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={},
                   localsiteurl=settings["SITEURL"])
    gens = [cls(context=context, settings=settings, path=p.path, theme=p.theme, output_path=p.output_path)
            for cls in p._get_generator_classes()]
    articles = gens[0]
    finalizers = [r for r in signals.article_generator_finalized.receivers_for(articles)
                  if getattr(r, "__module__", "").startswith("plugins.parallel_markdown")]
    signals.article_generator_finalized.receivers.clear()
    for f in finalizers:  # keep only the pool's own clean-up
        signals.article_generator_finalized.connect(f)
    from plugins.parallel_markdown.render import Prerender

    held = [0]  # most results rendered ahead and held at once, waiting for the reader
    take = Prerender.take

    def counting_take(self, text):
        held[0] = max(held[0], len(self.html))
        return take(self, text)

    Prerender.take = counting_take
    c0, t0 = time.process_time(), time.perf_counter()
    articles.generate_context()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = [(a.source_path, a._content, a.slug, a.title, str(a.date), a.category.name, a.category.slug,
             [(t.name, t.slug) for t in getattr(a, "tags", [])], a.summary, a.url, a.save_as,
             sorted((k, repr(v)) for k, v in a.metadata.items() if k not in ("category", "tags")))
            for a in sorted(articles.articles, key=lambda a: a.source_path)]
    # repr, not pickle: pickle output depends on object identity (memoised names), not just values
    return {"wall": wall, "cpu": cpu, "workers": workers.ru_utime + workers.ru_stime,
            "files": len(rows), "held": held[0], "digest": hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()}


def run(tree: str, content: str, tmp: str) -> dict:
    from scripts.bench_build import PORTAL  # the portal settings the build benchmark uses

    cache = os.path.join(tmp, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    settings = os.path.join(tmp, "settings.py")
    with open(settings, "w", encoding="utf-8") as fh:
        fh.write(PORTAL.format(root=tree, module="pelicanconf", content=content, cache=cache))
    code = (f"import sys, json; sys.path.insert(0, {tree!r}); sys.path.insert(1, {ROOT!r});"
            f"from scripts.bench_reading import child; print(json.dumps(child({settings!r})))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="the other code tree")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/bench_build")
    args = ap.parse_args(argv)
    sys.path.insert(0, ROOT)
    from scripts import bench_build

    trees = [("before", os.path.abspath(args.before)), ("after", ROOT)]
    print(f"bench_reading: {args.repeat} rounds, {os.cpu_count()} CPUs, load {bench_build.uptime()}", flush=True)
    lines = []
    for n in args.sizes:
        content = bench_build.ensure_corpus(n, 1, args.workdir)
        load = bench_build.uptime()
        res: dict = {name: [] for name, _ in trees}
        tmp = tempfile.mkdtemp(prefix="bench_reading-")
        try:
            for _ in range(args.repeat):
                for name, tree in trees:
                    r = run(tree, content, tmp)
                    res[name].append(r)
                    print(f"  {n:,} {name}: {r['wall']:.2f} s wall, main {r['cpu']:.2f} s CPU, "
                          f"workers {r['workers']:.2f} s CPU, pool results held at most {r['held']:,}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        digests = {r["digest"] for rs in res.values() for r in rs}
        if len(digests) != 1:
            raise SystemExit(f"the trees read different articles at {n}")
        best = {name: min(rs, key=lambda r: r["wall"]) for name, rs in res.items()}
        for name, r in best.items():
            lines.append(f"| {n:,} | {name} | {r['wall']:.2f} s | {r['wall'] / best['before']['wall']:.2f}× | "
                         f"{r['cpu']:.2f} s | {r['workers']:.2f} s | {r['held']:,} | {load} |")
    print()
    print("| Articles | Code | Read phase, best wall | ÷ before | Main process CPU | Pool workers CPU "
          "| Pool results held at most | Load avg at start |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    print("Both trees read identical articles (content, metadata, URLs).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
