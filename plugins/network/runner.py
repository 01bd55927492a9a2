"""Build or check several portals of the network, each on its own: a broken commune fails
its own build only, and the report names the site, the file and the line. Pure: no Pelican
(each build is a ``plugins.staged_build`` process; checks read settings through a callback).
"""

from __future__ import annotations

import json
import os
import sys
import time

from plugins.staged_build import build as staged_build
from plugins.staged_build import errors_path

from . import sites


def select(net: sites.Network, which: str) -> list[str]:
    """``all`` or a comma-separated list of slugs; an unknown slug stops with the known ones."""
    if which == "all":
        return net.slugs()
    wanted = [s.strip() for s in which.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in net.slugs()]
    if unknown:
        raise SystemExit(f"Không có cổng: {', '.join(unknown)}. Các cổng: {', '.join(net.slugs())}")
    return wanted


def _encode(overrides: dict) -> dict:
    return {k: json.dumps(v, ensure_ascii=False) for k, v in overrides.items()}


def build(net: sites.Network, slugs: list[str], output_root: str, mode: str = "local",
          port: int = sites.LOCAL_PORT, quiet: bool = False, out=None) -> dict[str, list[str]]:
    """Build each site into output_root/<slug>/ (swapped in only on success). Returns
    {slug: problems} for the sites that failed ([] when the build failed without a file:line)."""
    out = out or sys.stderr
    settings_file = "publishconf.py" if mode == "publish" else "pelicanconf.py"
    failed: dict[str, list[str]] = {}
    times = {}
    for slug in slugs:
        shown = os.path.join(output_root, slug)
        if slug in net.problems:
            failed[slug] = [str(p) for p in net.problems[slug]]
            continue
        site = net.sites[slug]
        start = time.monotonic()
        print(f"== Dựng cổng {slug} ({site.name}) → {shown}/", file=out, flush=True)
        rc = staged_build(os.path.join(net.root, settings_file), shown, site.content,
                          overrides=_encode(sites.overrides(net, slug, mode, port)), quiet=quiet)
        times[slug] = time.monotonic() - start
        if rc != 0:
            try:
                with open(errors_path(shown), encoding="utf-8") as fh:
                    data = json.load(fh)
                failed[slug] = data.get("problems") or data.get("other", [])[-3:]
            except (OSError, ValueError):
                failed[slug] = []
    report(slugs, failed, output_root, times, out)
    return failed


def report(slugs: list[str], failed: dict[str, list[str]], output_root: str, times: dict, out) -> None:
    print(f"Kết quả dựng {len(slugs)} cổng:", file=out)
    for slug in slugs:
        if slug in failed:
            print(f"  {slug}: LỖI, trang cũ (nếu có) được giữ nguyên", file=out)
            for line in failed[slug] or ["(không rõ tệp; xem thông báo ở trên)"]:
                print(f"    [{slug}] {line}", file=out)
        else:
            print(f"  {slug}: thành công ({times.get(slug, 0):.1f} s) → {os.path.join(output_root, slug)}/", file=out)
    if failed:
        print(f"{len(failed)} cổng lỗi: {', '.join(failed)}. Các cổng còn lại đã dựng xong.", file=out)


def check(net: sites.Network, slugs: list[str], check_one, out=None) -> dict[str, list]:
    """``check_one(site, overrides) -> [Problem]`` for each site; every problem of every site,
    each line prefixed with its site."""
    out = out or sys.stderr
    failed = {}
    for slug in slugs:
        if slug in net.problems:
            failed[slug] = list(net.problems[slug])
        else:
            problems = check_one(net.sites[slug], sites.overrides(net, slug))
            if problems:
                failed[slug] = problems
    for slug, problems in failed.items():
        for p in problems:
            print(f"[{slug}] {p}", file=out)
    if failed:
        total = sum(len(p) for p in failed.values())
        print(f"{total} lỗi ở {len(failed)} cổng ({', '.join(failed)}). Sửa các lỗi trên rồi chạy lại.", file=out)
    return failed
