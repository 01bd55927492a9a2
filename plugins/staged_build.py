"""Build the site into a fresh directory and swap it in only when the build succeeds.

A failed build (bad content, template error, any Pelican error) leaves the previous
output untouched, and records what went wrong in ``OUTPUT.errors.json`` (next to the
output, never in it): the preview server (plugins/dev_server.py) shows that list over
every page until a build succeeds and removes the file.
Usage: python -m plugins.staged_build [--settings F] [--output DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

from plugins.fileutil import atomic_write

PROBLEM_RE = re.compile(r"^\S+:\d+: ")  # "path:line: problem — fix" (content_contract)


def errors_path(output: str) -> str:
    return os.path.abspath(output) + ".errors.json"


def _run(cmd, env) -> tuple[int, list[str]]:
    """Run the build, passing its stderr through, and keep its lines."""
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            errors="replace", bufsize=1)
    lines = []
    for line in proc.stderr:
        sys.stderr.write(line)
        lines.append(line.rstrip("\n"))
    return proc.wait(), lines


def record_failure(output: str, lines: list[str]) -> None:
    problems = [ln for ln in lines if PROBLEM_RE.match(ln)]
    other = [] if problems else [ln for ln in lines if ln.strip()][-15:]
    data = {"time": time.time(), "problems": problems, "other": other}
    atomic_write(errors_path(output), json.dumps(data, ensure_ascii=False).encode("utf-8"))


def command(settings: str, output: str, content: str, overrides: dict | None = None,
            quiet: bool = False) -> list[str]:
    """The Pelican command that builds into ``OUTPUT.new`` (see ``build``)."""
    staging = os.path.abspath(output) + ".new"
    cmd = [sys.executable, "-m", "pelican", content, "-s", settings, "-o", staging,
           "--fatal", "errors"]
    overrides = {**previous_output(output), **(overrides or {})}
    if overrides:  # one -e: Pelican keeps only the last of repeated -e flags
        cmd += ["-e", *(f"{k}={v}" for k, v in overrides.items())]
    if quiet:
        cmd.append("-q")
    return cmd


def previous_output(output: str) -> dict:
    """Pages unchanged since the last good build are linked from it (plugins.page_writer)."""
    return {"PAGE_WRITER_PREVIOUS_OUTPUT": json.dumps(os.path.abspath(output))}


def swap(output: str) -> None:
    """Put the finished ``OUTPUT.new`` in place of OUTPUT and clear the last failure."""
    output = os.path.abspath(output)
    old = output + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(output):
        os.rename(output, old)
    os.rename(output + ".new", output)
    shutil.rmtree(old, ignore_errors=True)
    try:
        os.remove(errors_path(output))
    except FileNotFoundError:
        pass


FAILED = ("Dựng trang không thành công: {output} được giữ nguyên như lần dựng thành công trước"
          " (chưa có gì thay đổi trên trang).")


def build(settings: str = "pelicanconf.py", output: str = "output", content: str = "content",
          overrides: dict | None = None, quiet: bool = False) -> int:
    output = os.path.abspath(output)
    staging = output + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = command(settings, output, content, overrides, quiet)
    rc, lines = _run(cmd, {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "160")})
    if rc != 0:
        shutil.rmtree(staging, ignore_errors=True)
        record_failure(output, lines)
        print(FAILED.format(output=os.path.relpath(output)), file=sys.stderr)
        return rc
    swap(output)
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
