"""The web editor's weight and first load: the Decap bundle's bytes (raw, gzip -9, brotli 11,
as plugins.precompress serves it) and the time until /quan-tri/ shows its login button in
Chromium, median of N runs against a local static server (no network latency: a floor).

Usage: .venv/bin/python scripts/bench_web_editor.py [--output DIR] [--runs 3]
(DIR: a built site; default: build the demo into a temp dir.)
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))


def main() -> int:
    import brotli

    ap = argparse.ArgumentParser()
    ap.add_argument("--output")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = args.output
    if not out:
        from plugins.staged_build import build

        out = os.path.join(tempfile.mkdtemp(), "output")
        assert build(os.path.join(ROOT, "pelicanconf.py"), out, os.path.join(ROOT, "content"), quiet=True) == 0
    folder = os.path.join(out, "quan-tri")
    main_js = open(os.path.join(folder, "decap-cms.js"), "rb").read()
    chunks = [n for n in os.listdir(folder) if n != "decap-cms.js" and n.endswith((".js", ".wasm"))]
    chunk_br = sum(len(brotli.compress(open(os.path.join(folder, n), "rb").read(), quality=11)) for n in chunks)
    print(f"{'what':<44} {'bytes':>12}")
    print(f"{'decap-cms.js raw':<44} {len(main_js):>12,}")
    print(f"{'decap-cms.js gzip -9':<44} {len(gzip.compress(main_js, 9)):>12,}")
    print(f"{'decap-cms.js brotli 11 (first load)':<44} {len(brotli.compress(main_js, quality=11)):>12,}")
    print(f"{f'{len(chunks)} lazy chunks + wasm, brotli 11':<44} {chunk_br:>12,}")

    from conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory
    from playwright.sync_api import sync_playwright

    url, stop = serve_directory(out)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                context = browser.new_context(locale="vi-VN")  # a cold cache each run
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(url + "/quan-tri/")
                page.get_by_role("button", name=re.compile("Đăng nhập")).wait_for(timeout=120_000)
                times.append(time.perf_counter() - t0)
                context.close()
            browser.close()
    finally:
        stop()
    print(f"{'first load to the login button, median s':<44} {statistics.median(times):>12.2f}"
          f"   (runs: {', '.join(f'{t:.2f}' for t in times)}; load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
