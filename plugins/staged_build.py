"""Build the site into a fresh directory and swap it in only when the build succeeds.

A failed build (bad content, template error, any Pelican error) leaves the previous
output untouched. Usage: python -m plugins.staged_build [--settings F] [--output DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys


def build(settings: str = "pelicanconf.py", output: str = "output", content: str = "content",
          overrides: dict | None = None, quiet: bool = False) -> int:
    output = os.path.abspath(output)
    staging = output + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [sys.executable, "-m", "pelican", content, "-s", settings, "-o", staging,
           "--fatal", "errors"]
    # Pages unchanged since the last good build are linked from it (plugins.page_writer).
    overrides = {"PAGE_WRITER_PREVIOUS_OUTPUT": json.dumps(output), **(overrides or {})}
    if overrides:  # one -e: Pelican keeps only the last of repeated -e flags
        cmd += ["-e", *(f"{k}={v}" for k, v in overrides.items())]
    if quiet:
        cmd.append("-q")
    rc = subprocess.call(cmd, env={**os.environ, "COLUMNS": os.environ.get("COLUMNS", "160")})
    if rc != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Dựng trang không thành công: {os.path.relpath(output)} được giữ nguyên như lần dựng thành công trước"
              " (chưa có gì thay đổi trên trang).", file=sys.stderr)
        return rc
    old = output + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(output):
        os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", default="pelicanconf.py")
    ap.add_argument("--output", default="output")
    ap.add_argument("--content", default="content")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    return build(args.settings, args.output, args.content, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())
