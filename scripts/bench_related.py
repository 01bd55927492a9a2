"""Benchmark the related-news step against a tag-overlap baseline.

    .venv/bin/python scripts/bench_related.py                       # 1k and 10k
    .venv/bin/python scripts/bench_related.py --sizes 1000,10000,100000
    .venv/bin/python scripts/bench_related.py --workers 1         # tokenise on one core

For each size it generates a clustered corpus with ``scripts.gen_corpus.generate``
(kept in --work as a pickle so reruns skip generation), then runs each phase in its
own subprocess so that peak RSS belongs to that phase alone:

- cold:  related step with an empty token cache (tokenises every article, in
         ``--workers`` forked processes; their peak RSS is its own column);
- warm:  the step on a rebuild (counts loaded from the cache, nothing tokenised);
- edit1: the step after one article changed (tokenises one article);
- tags:  a faithful re-implementation of the ``related_posts`` plugin of
         getpelican/pelican-plugins (score = number of shared tags, Counter.most_common)
         on the same corpus, for sizes up to --baseline-max.

Quality: precision@5 = share of the 5 listed articles that belong to the article's
topic cluster (``cluster`` from the generator), averaged over all articles.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from itertools import chain

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

_MD_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|[\[\]()#*_>`]")


def _plain(markdown: str) -> str:
    return _MD_RE.sub(" ", markdown)


def corpus(n: int, seed: int, work: str) -> str:
    """Path of a pickle of (docs, clusters) for n articles; generated once."""
    path = os.path.join(work, f"corpus-{n}-{seed}.pkl")
    if os.path.exists(path):
        return path
    from plugins.related_news.model import Doc
    from scripts.gen_corpus import generate

    docs, clusters = [], {}
    for a in generate(n, seed=seed):
        docs.append(Doc(a["slug"], a["title"], a["summary"] + "\n" + _plain(a["body"]),
                        a["date"], a["category"], list(a["tags"])))
        clusters[a["slug"]] = a["cluster"]
    os.makedirs(work, exist_ok=True)
    with open(path + ".tmp", "wb") as fh:
        pickle.dump((docs, clusters), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".tmp", path)
    return path


def precision_at_5(lists: dict[str, list[str]], clusters: dict[str, int]) -> float:
    total = 0.0
    for slug, items in lists.items():
        total += sum(clusters[s] == clusters[slug] for s in items[:5]) / 5
    return total / max(len(lists), 1)


def tag_baseline(docs, numentries: int = 5) -> dict[str, list[str]]:
    """getpelican/pelican-plugins related_posts: count shared tags per article pair.

    generator.articles and generator.tags[tag] are newest first in Pelican, and
    Counter.most_common keeps first-seen order among ties, so the same order is used.
    """
    articles = sorted(docs, key=lambda d: (d.date, d.slug), reverse=True)
    tags: dict[str, list] = {}
    for a in articles:
        for t in a.tags:
            tags.setdefault(t, []).append(a.slug)
    out = {}
    for article in articles:
        related = chain(*(tags[t] for t in article.tags))
        scores = Counter(related)
        scores.pop(article.slug, None)
        out[article.slug] = [other for other, _ in scores.most_common(numentries)]
    return out


def run_phase(phase: str, path: str, cache_dir: str, workers: int = 0) -> dict:
    """Runs in the subprocess: one phase, returns its measurements."""
    from plugins.related_news import config, count_cache, ranking

    with open(path, "rb") as fh:
        docs, clusters = pickle.load(fh)
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cache_path = os.path.join(cache_dir, "counts.bin")
    res: dict = {"phase": phase}
    if phase == "edit1":
        d = docs[len(docs) // 2]
        d.text += "\nBài viết đã được cập nhật thêm thông tin."
    t0 = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if phase == "tags":
        lists = tag_baseline(docs)
    else:
        cache = count_cache.CountCache(cache_path)
        result = ranking.compute(docs, config.Config(workers=workers), cache)
        if phase == "cold":
            cache.save()
        lists = result.related
        res["stats"] = result.stats
    res["seconds"] = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once they have exited
    res["cpu"] = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    res["cpu"] += (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
    res["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["rss_loaded_mb"] = rss_loaded
    res["rss_workers_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    res["p_at_5"] = precision_at_5(lists, clusters)
    return res


def phase_in_subprocess(phase: str, path: str, cache_dir: str, workers: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--corpus", path,
                          "--cache", cache_dir, "--workers", str(workers)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline-max", type=int, default=10000)
    ap.add_argument("--work", default="/tmp/bench_related")
    ap.add_argument("--workers", type=int, default=0,
                    help="processes that tokenise a cold build (0 = CPUs, at most 4)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.corpus, args.cache, args.workers)))
        return 0

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load: {load}, "
          f"cpus: {os.cpu_count()}, workers: {args.workers or 'auto'}", flush=True)
    header = ("| articles | phase | wall (s) | CPU (s) | peak RSS (MB) | RSS after loading corpus (MB) "
              "| workers' peak RSS (MB) | tokenised | precision@5 |")
    rows = [header, "|---|---|---|---|---|---|---|---|---|"]
    ratios = []
    for n in [int(s) for s in args.sizes.split(",")]:
        t0 = time.perf_counter()
        path = corpus(n, args.seed, args.work)
        print(f"# corpus {n}: {time.perf_counter() - t0:.1f} s (generation, not timed below)", flush=True)
        cache_dir = os.path.join(args.work, f"cache-{n}")
        shutil.rmtree(cache_dir, ignore_errors=True)
        os.makedirs(cache_dir)
        phases = ["cold", "warm", "edit1"] + (["tags"] if n <= args.baseline_max else [])
        got = {}
        for ph in phases:
            r = got[ph] = phase_in_subprocess(ph, path, cache_dir, args.workers)
            tok = r.get("stats", {}).get("tokenized", "")
            name = {"tags": "tag-only baseline"}.get(ph, "related_news " + ph)
            rows.append(f"| {n:,} | {name} | {r['seconds']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | "
                        f"{r['rss_loaded_mb']:.0f} | {r['rss_workers_mb']:.0f} | {tok} | {r['p_at_5']:.3f} |")
            print(rows[-1], flush=True)
        if "tags" in got:
            ratios.append(f"| {n:,} | {got['warm']['seconds'] / got['tags']['seconds']:.2f} | "
                          f"{got['warm']['cpu'] / got['tags']['cpu']:.2f} | "
                          f"{got['cold']['seconds'] / got['tags']['seconds']:.2f} | "
                          f"{got['warm']['p_at_5']:.3f} vs {got['tags']['p_at_5']:.3f} |")
    print()
    print("\n".join(rows))
    if ratios:
        print()
        print("| articles | wall warm / tag-only | CPU warm / tag-only | wall cold / tag-only "
              "| precision@5 blended vs tag-only |")
        print("|---|---|---|---|---|")
        print("\n".join(ratios))
    print(f"\n# load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
