"""Run a list of jobs on several processes by forking (pure: no Pelican import).

Forked children share the parent's memory (the whole site model) copy-on-write, so
nothing has to be pickled on the way in: each child takes every n-th job, and only the
small per-job results travel back through a pipe. The parent works on its own share
meanwhile. A failed job fails the run with the child's traceback.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import traceback
from typing import Any, Callable, Sequence


class JobError(RuntimeError):
    """A job raised: the message carries its label and the traceback text."""


def _run_share(run: Callable[[Any], Any], jobs: Sequence, start: int, step: int) -> list:
    out = []
    for i in range(start, len(jobs), step):
        try:
            out.append((i, True, run(jobs[i])))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            out.append((i, False, f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}"))
            break
    return out


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_forked(run: Callable[[Any], Any], jobs: Sequence, workers: int,
               label: Callable[[Any], str] = str) -> list:
    """``[run(job) for job in jobs]``, spread over ``workers`` processes (the parent is one)."""
    workers = max(1, min(workers, len(jobs)))
    if workers == 1 or not hasattr(os, "fork"):
        shares = [_run_share(run, jobs, 0, 1)]
    else:
        gc.collect()
        gc.freeze()  # the children would otherwise copy every page the collector touches
        children = []
        try:
            for w in range(1, workers):
                rfd, wfd = os.pipe()
                pid = os.fork()
                if pid == 0:  # child: do its share, send the results, leave without cleanup
                    os.close(rfd)
                    code = 0
                    try:
                        data = pickle.dumps(_run_share(run, jobs, w, workers), pickle.HIGHEST_PROTOCOL)
                        view = memoryview(struct.pack("<Q", len(data)) + data)
                        while view:
                            view = view[os.write(wfd, view):]
                    except BaseException:  # noqa: BLE001
                        traceback.print_exc()
                        code = 70
                    finally:
                        os._exit(code)
                os.close(wfd)
                children.append((pid, rfd))
            shares = [_run_share(run, jobs, 0, workers)]
            while children:
                pid, rfd = children[0]
                raw = _read_all(rfd)
                os.close(rfd)
                _, status = os.waitpid(pid, 0)
                children.pop(0)
                if len(raw) < 8 or os.waitstatus_to_exitcode(status) != 0:
                    raise JobError(f"a writer process died (exit status {status})")
                shares.append(pickle.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]]))
        finally:
            for pid, rfd in children:  # after a failure: no orphan keeps writing into the output
                os.kill(pid, signal.SIGKILL)
                os.close(rfd)
                os.waitpid(pid, 0)
            gc.unfreeze()
    results: list = [None] * len(jobs)
    errors = []
    for share in shares:
        for i, ok, value in share:
            if ok:
                results[i] = value
            else:
                errors.append(f"{label(jobs[i])}: {value}")
    if errors:
        raise JobError("\n".join(errors))
    return results
