"""The persistent preview build: watch, show the changed page first, then rebuild the rest.
Pure at import (Pelican is imported by ``main`` through the glue).

    python -m plugins.live_preview.server --settings S --output DIR --content C --watch ROOTS...
        [-e KEY=JSON ...]

Loop, one thread, every ``--interval`` seconds:
1. ``changes.Tracker`` finds the files whose bytes changed;
2. a build in progress is stopped (it writes only ``OUTPUT.new``; the live output is untouched);
3. changed or new published articles are re-read into the kept model and their pages written
   into the live output at once (``plugin.render_first``); anything else waits for step 4;
4. the fresh-process incremental build (``plugins.staged_build.command``) starts; when it
   succeeds, it is swapped in (``staged_build.swap``); when it fails, its errors are recorded
   for the preview server's overlay and the last good site stays.
The first build runs in this process and leaves the model; the first pages of later edits
come from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from plugins import staged_build

from .changes import Tracker


def log(msg: str) -> None:
    print(f"[xem thử {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class FullBuild:
    """One fresh-process build into OUTPUT.new, stoppable."""

    def __init__(self, cmd: list[str], output: str):
        self.output = output
        self.started = time.monotonic()
        shutil.rmtree(output + ".new", ignore_errors=True)
        self.err = tempfile.TemporaryFile("w+", encoding="utf-8")
        env = {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "160")}
        # its own process group: stopping it stops its forked workers too
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self.err,
                                     start_new_session=True)

    def done(self) -> bool:
        return self.proc.poll() is not None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.err.close()
        shutil.rmtree(self.output + ".new", ignore_errors=True)

    def finish(self) -> bool:
        """Swap the finished build in, or record its failure. True on success."""
        self.err.seek(0)
        lines = [ln.rstrip("\n") for ln in self.err]
        self.err.close()
        if self.proc.returncode != 0:
            shutil.rmtree(self.output + ".new", ignore_errors=True)
            staged_build.record_failure(self.output, lines)
            log(staged_build.FAILED.format(output=os.path.relpath(self.output)))
            return False
        staged_build.swap(self.output)
        return True


def touch(output: str) -> None:
    """The preview overlay reloads a page when the output directory changes."""
    try:
        os.utime(output)
    except OSError:
        pass


class _Tee:
    """stderr that also keeps its lines: the problems an in-process build prints."""

    def __init__(self, stream):
        self.stream, self.lines, self._part = stream, [], ""

    def write(self, text: str) -> int:
        self.stream.write(text)
        self._part += text
        *done, self._part = self._part.split("\n")
        self.lines += done
        return len(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def first_build(argv: list[str], output: str) -> bool:
    """The build that leaves the model: in this process. False when it failed."""
    from .plugin import build_in_process

    shutil.rmtree(output + ".new", ignore_errors=True)
    tee = sys.stderr = _Tee(sys.stderr)
    try:
        build_in_process(argv)
    except BaseException as exc:  # noqa: BLE001 - any build error: the errors page, then rebuild on change
        if isinstance(exc, KeyboardInterrupt):
            raise
        shutil.rmtree(output + ".new", ignore_errors=True)
        staged_build.record_failure(output, [*tee.lines, tee._part, str(exc)])
        log(staged_build.FAILED.format(output=os.path.relpath(output)))
        return False
    finally:
        sys.stderr = tee.stream
    staged_build.swap(output)
    return True


def run(settings: str, output: str, content: str, roots: list[str], overrides: dict,
        interval: float = 0.5, running: list | None = None, ready_fd: int | None = None,
        quiet: bool = True) -> None:
    """The loop; ``running`` holds the build in progress, for the caller to stop on exit."""
    running = [] if running is None else running
    output = os.path.abspath(output)
    cmd = staged_build.command(settings, output, content, overrides, quiet)
    tracker = Tracker(roots)  # before the build: a save made while it runs is seen next
    model = first_build(cmd[3:], output)  # the same arguments as `python -m pelican`
    log("đã dựng xong lần đầu" if model else "lần dựng đầu không thành công")
    if ready_fd is not None:
        os.write(ready_fd, b"1")
        os.close(ready_fd)
    content_root = os.path.abspath(content)
    build: FullBuild | None = None
    stale = False
    parent = os.getppid()
    while os.getppid() == parent:  # the preview server that started this loop is still there
        time.sleep(interval)
        found = tracker.scan()
        if found:
            t0 = time.monotonic()
            if build is not None:
                build.stop()
                build = None
                running.clear()
            pages = []
            content_only = all(p.startswith(content_root + os.sep) for p in found.all())
            # theme, plugins or settings changed: the kept model would render the old ones
            stale = stale or not content_only
            if model and not stale and not found.deleted and os.path.isdir(output):
                from .plugin import render_first

                try:
                    pages = render_first(found.changed + found.added, output)
                except Exception as exc:  # noqa: BLE001 - the full build reports it properly
                    log(f"chưa hiện trước được ({type(exc).__name__}); chờ bản dựng đầy đủ")
                    pages = []
            if pages:
                touch(output)
                log(f"đã hiện trước {len(pages)} trang trong {time.monotonic() - t0:.2f} s")
            if not model:  # no model yet (the first build failed): this build makes it
                model, stale = first_build(cmd[3:], output), False
                log("đã dựng lại toàn trang" if model else "vẫn chưa dựng được")
                continue
            build = FullBuild(cmd, output)
            running[:] = [build]
        elif build is not None and build.done():
            seconds = time.monotonic() - build.started
            if build.finish():
                log(f"đã dựng lại toàn trang trong {seconds:.1f} s")
            build = None
            running.clear()


def spawn(settings: str, output: str, content: str, roots: list[str], overrides: dict | None = None,
          interval: float = 0.5) -> subprocess.Popen:
    """Start this loop in its own process (the preview server's HTTP threads never fork);
    returns once its first build has finished (or failed), as the old preview did."""
    read_end, write_end = os.pipe()
    cmd = [sys.executable, "-m", "plugins.live_preview.server", "--settings", settings, "--output", output,
           "--content", content, "--interval", str(interval), "--ready-fd", str(write_end), "--watch", *roots]
    if overrides:
        cmd += ["-e", *(f"{k}={v}" for k, v in overrides.items())]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        proc = subprocess.Popen(cmd, env=env, pass_fds=(write_end,))
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as ready:
        ready.read(1)  # one byte after the first build; nothing if the loop died
    return proc


def stop(proc: subprocess.Popen) -> None:
    """Stop a spawned loop and the build it runs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", default="pelicanconf.py")
    ap.add_argument("--output", default="output")
    ap.add_argument("--content", default="content")
    ap.add_argument("--watch", nargs="+", required=True)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--ready-fd", type=int, default=None, help="written to once the first build is done")
    ap.add_argument("-e", "--extra", nargs="*", default=[], help="KEY=JSON overrides, as pelican -e")
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.extra:
        key, _, value = item.partition("=")
        json.loads(value)  # fails here rather than in every build
        overrides[key] = value
    from plugins.dev_server import interrupt_on_term

    interrupt_on_term()
    build = []
    try:
        run(args.settings, args.output, args.content, args.watch, overrides, args.interval, build, args.ready_fd)
    except KeyboardInterrupt:
        pass
    finally:
        for b in build:
            b.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
