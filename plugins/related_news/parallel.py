"""Ordered map over batches of a list, in forked worker processes. Pure: no Pelican.

Workers are forked, so they inherit ``fn`` and ``items`` without pickling them. With
``prepare``, the parent turns each batch into plain data just before sending it (e.g. texts
from lazy callables): then a worker never reads the parent's objects, whose reference counts
it would otherwise bump, copying every page it touches (~300 MB per worker at 100k
articles). Results come back in batch order, so a caller that merges them in order gets the
same answer with any number of workers.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")

_JOB: tuple[Callable, Sequence] | None = None  # set in the parent just before the fork


def _run(bounds: tuple[int, int]):
    fn, items = _JOB
    return fn(items[bounds[0]:bounds[1]])


def _run_sent(batch: Sequence):
    return _JOB[0](batch)


def default_workers() -> int:
    """CPUs this process may use, at most 4 (the step is short; more forks cost more)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 4))


def map_batches(fn: Callable[[Sequence], T], items: Sequence, batch: int,
                workers: int = 0, prepare: Callable[[Sequence], Sequence] | None = None
                ) -> Iterator[T]:
    """``fn(prepare(items[i:i + batch]))`` for each batch, in order (no ``prepare``: the
    slice itself, read by the worker from its inherited copy); ``workers`` forked processes
    (0 = ``default_workers()``). One process, no fork, when there are fewer than two
    batches, one worker, or no ``fork`` start method (Windows, macOS default)."""
    global _JOB
    ranges = [(i, min(i + batch, len(items))) for i in range(0, len(items), batch)]
    workers = workers or default_workers()
    if workers <= 1 or len(ranges) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for a, b in ranges:
            yield fn(prepare(items[a:b]) if prepare else items[a:b])
        return
    if _JOB is not None:
        raise RuntimeError("map_batches is not re-entrant")
    _JOB = (fn, items)
    # Frozen objects are never scanned by a child's garbage collector, so the child does not
    # write to (and so copy) every page of the parent's heap it inherited.
    gc.freeze()
    try:
        with ProcessPoolExecutor(min(workers, len(ranges)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            # At most 2 batches per worker in flight: results that the caller has not
            # merged yet stay few (Executor.map would queue every batch's result).
            def submit(bounds):
                if prepare is None:
                    return pool.submit(_run, bounds)
                return pool.submit(_run_sent, prepare(items[bounds[0]:bounds[1]]))

            todo = iter(ranges)
            pending = deque(submit(r) for r in itertools.islice(todo, 2 * workers))
            while pending:
                result = pending.popleft().result()
                for r in itertools.islice(todo, 1):
                    pending.append(submit(r))
                yield result
                del result
    finally:
        gc.unfreeze()
        _JOB = None
