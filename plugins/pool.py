"""Parallel work for the whole build: one CPU count, one fork map, one failure policy.

Pure: no Pelican. Every plugin that spreads work over processes calls ``fork_map``.

- **Fork, not spawn.** Children are forked, so they inherit the job list, the function
  and the whole site model copy-on-write: nothing is pickled on the way in but a job's
  index (or, with ``prepare``, the plain data the parent makes for it just before
  sending). Only results travel back, through a pipe.
- **The parent is a worker.** ``workers`` counts processes, the parent included: it runs a
  job itself whenever it would otherwise wait, so ``workers = 2`` forks one child.
- **Ordered and bounded.** Results are yielded in job order; at most ``in_flight`` jobs
  per process are sent and not yet yielded, so a slow consumer holds few results.
- **One failure policy.** A job that raises, or a child that dies, stops the map: every
  child is killed and reaped, and ``PoolError`` names the job and carries its traceback.
  The same happens when the consumer stops early (``close()`` or an exception).
- A child never forks again (a nested map runs in that child), and without ``os.fork``
  the map runs in this process.
"""

from __future__ import annotations

import collections
import gc
import os
import pickle
import selectors
import signal
import struct
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_HEADER = struct.Struct("<IQ")  # chunk number, payload length
_IN_CHILD = False
_OPEN_FDS: set[int] = set()  # every live map's pipe ends: a new child closes them


class PoolError(RuntimeError):
    """A job raised or a worker process died: the message names the job."""


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, so a container's limit counts)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def resolve_workers(value, default: int | None = None) -> int:
    """A ``*_WORKERS`` setting: a positive number, or 0/None for ``default`` (all CPUs)."""
    n = int(value or 0)
    return n if n > 0 else (default or usable_cpus())


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _recv_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(fd: int) -> tuple[int, Any] | None:
    head = _recv_exact(fd, _HEADER.size)
    if head is None:
        return None
    number, size = _HEADER.unpack(head)
    body = _recv_exact(fd, size)
    return None if body is None else (number, pickle.loads(body))


def _frame(number: int, value) -> bytes:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(number, len(data)) + data


def _run_chunk(fn, jobs, bounds, payload) -> tuple[bool, Any]:
    """(True, results) or (False, (job index, error text))."""
    out = []
    start, stop = bounds
    for i in range(start, stop):
        try:
            out.append(fn(payload[i - start] if payload is not None else jobs[i]))
        except Exception as exc:  # reported to the parent, which raises (Ctrl-C is not a job error)
            return False, (i, f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}")
    return True, out


def _child(fn, jobs, task_fd: int, result_fd: int) -> None:
    global _IN_CHILD
    _IN_CHILD = True
    code = 0
    try:
        while True:
            msg = _recv(task_fd)
            if msg is None:  # the parent closed the task pipe: no more work
                break
            number, (bounds, payload) = msg
            _send(result_fd, _frame(number, _run_chunk(fn, jobs, bounds, payload)))
    except BaseException:  # noqa: BLE001 - the parent sees the exit code and raises
        traceback.print_exc()
        code = 70
    finally:
        os._exit(code)


class _Worker:
    __slots__ = ("pid", "task_fd", "result_fd", "queue")

    def __init__(self, pid, task_fd, result_fd):
        self.pid, self.task_fd, self.result_fd = pid, task_fd, result_fd
        self.queue: collections.deque[int] = collections.deque()  # chunks sent, not yet answered


def _fork_worker(fn, jobs) -> _Worker:
    task_r, task_w = os.pipe()
    result_r, result_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (task_w, result_r, *_OPEN_FDS):
            try:
                os.close(fd)
            except OSError:
                pass
        _OPEN_FDS.clear()
        _child(fn, jobs, task_r, result_w)
    os.close(task_r)
    os.close(result_w)
    _OPEN_FDS.update((task_w, result_r))
    return _Worker(pid, task_w, result_r)


def _stop(workers: list[_Worker], kill: bool) -> None:
    for w in workers:
        for fd in (w.task_fd, w.result_fd):
            _OPEN_FDS.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for w in workers:
        try:
            os.waitpid(w.pid, 0)
        except ChildProcessError:
            pass


def fork_map(fn: Callable[[Any], Any], jobs: Sequence, workers: int, *,
             chunk: int = 0, in_flight: int = 2,
             prepare: Callable[[Sequence], Sequence] | None = None,
             label: Callable[[Any], str] = repr) -> Iterator:
    """Yield ``fn(job)`` for each job, in order, computed by ``workers`` processes.

    ``chunk`` jobs travel together (0: about 16 chunks per process). ``prepare(jobs[a:b])``,
    if given, is called in the parent to make the data a child receives instead of reading
    ``jobs`` from its inherited copy. ``label(job)`` names a failed job in ``PoolError``.
    """
    n = len(jobs)
    workers = max(1, min(int(workers), n))
    if not chunk:
        chunk = max(1, n // (workers * 16))
    bounds = [(a, min(a + chunk, n)) for a in range(0, n, chunk)]
    if workers == 1 or len(bounds) < 2 or _IN_CHILD or not hasattr(os, "fork"):
        yield from _serial(fn, jobs, prepare, label)
        return
    yield from _forked(fn, jobs, bounds, min(workers - 1, len(bounds) - 1), in_flight, prepare, label)


def _serial(fn, jobs, prepare, label) -> Iterator:
    for i, job in enumerate(jobs):
        ok, value = _run_chunk(fn, jobs, (i, i + 1), prepare(jobs[i:i + 1]) if prepare is not None else None)
        if not ok:
            raise PoolError(f"{label(job)}: {value[1]}")
        yield value[0]


def _forked(fn, jobs, bounds, children, in_flight, prepare, label) -> Iterator:
    gc.collect()
    gc.freeze()  # a child's collector would otherwise write to (and copy) every inherited page
    pool: list[_Worker] = []
    failed = True
    try:
        pool = [_fork_worker(fn, jobs) for _ in range(children)]
        by_fd = {w.result_fd: w for w in pool}
        sel = selectors.DefaultSelector()
        for w in pool:
            sel.register(w.result_fd, selectors.EVENT_READ)
        done: dict[int, list] = {}
        window = max(1, in_flight) * (children + 1)
        # Without ``prepare`` a task is a few bytes: a child gets its next chunk queued before it
        # finishes the current one, so it never waits to be fed while the parent is busy with a
        # chunk of its own (a result larger than the pipe still waits for the parent to read).
        # A prepared payload can be large: one at a time, or a full task pipe and a full result
        # pipe would wait on each other.
        depth = 2 if prepare is None else 1
        next_send = next_yield = 0

        def check(number, outcome):
            ok, value = outcome
            if not ok:
                i, text = value
                raise PoolError(f"{label(jobs[i])}: {text}")
            done[number] = value

        def payload(b):
            return prepare(jobs[b[0]:b[1]]) if prepare is not None else None

        def feed():
            nonlocal next_send
            for w in pool:
                # Near the end, one chunk each: a chunk queued behind a long one would wait
                # while other processes idle (or, behind a stuck one, never run at all).
                want = depth if len(bounds) - next_send > 2 * (children + 1) else 1
                while len(w.queue) < want and next_send < len(bounds) and next_send < next_yield + window:
                    _send(w.task_fd, _frame(next_send, (bounds[next_send], payload(bounds[next_send]))))
                    w.queue.append(next_send)
                    next_send += 1

        def collect(timeout):
            for key, _ in sel.select(timeout):
                w = by_fd[key.fd]
                msg = _recv(w.result_fd)
                if msg is None:
                    _, status = os.waitpid(w.pid, 0)
                    pool.remove(w)
                    sel.unregister(w.result_fd)
                    _OPEN_FDS.difference_update((w.task_fd, w.result_fd))
                    os.close(w.task_fd)
                    os.close(w.result_fd)
                    what = label(jobs[bounds[w.queue[0]][0]]) if w.queue else "không có việc"
                    # Editors see this line in the build output (a worker killed, e.g. out of memory).
                    raise PoolError(f"một tiến trình dựng trang bị dừng (mã thoát {status}) khi đang xử lý {what}")
                w.queue.popleft()
                check(*msg)

        while next_yield < len(bounds):
            feed()
            collect(0)
            if next_yield not in done:
                # Our turn to work: the next chunk if nobody has it, else one further on.
                if next_send < len(bounds) and next_send < next_yield + window and (
                        next_send == next_yield or all(w.queue for w in pool)):
                    number, next_send = next_send, next_send + 1
                    check(number, _run_chunk(fn, jobs, bounds[number], payload(bounds[number])))
                else:
                    collect(None)
                continue
            yield from done.pop(next_yield)
            next_yield += 1
        failed = False
    finally:
        _stop(pool, kill=failed)
        gc.unfreeze()


def fork_list(fn: Callable[[Any], Any], jobs: Sequence, workers: int, **kwargs) -> list:
    """``list(fork_map(...))``."""
    return list(fork_map(fn, jobs, workers, **kwargs))
