"""plugins.pool: ordered results, bounded work in flight, one failure policy, no orphans."""

from __future__ import annotations

import os
import signal
import time

import pytest

from plugins import pool


def _square(n):
    return n * n


def _gone(pid: int) -> bool:
    """True once ``pid`` is no process of ours any more (killed and reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # still there: a zombie (not reaped) or alive
        return os.waitpid(pid, os.WNOHANG) == (0, 0) and False
    except ChildProcessError:
        return False


def test_usable_cpus_is_the_affinity_mask():
    assert pool.usable_cpus() == len(os.sched_getaffinity(0))
    assert pool.resolve_workers(0) == pool.usable_cpus()
    assert pool.resolve_workers(3) == 3


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("chunk", [0, 1, 7])
def test_results_come_in_job_order_and_complete(workers, chunk):
    jobs = list(range(101))
    assert pool.fork_list(_square, jobs, workers, chunk=chunk) == [n * n for n in jobs]


def test_every_job_runs_exactly_once_whatever_the_schedule(tmp_path):
    """What the map promises: each job once, results in order; not which process ran it."""
    log = tmp_path / "ran"

    def job(n):
        with open(log, "a") as fh:  # O_APPEND: one line per write, whichever process
            fh.write(f"{n}\n")
        return n

    assert pool.fork_list(job, list(range(60)), 2, chunk=1) == list(range(60))
    assert sorted(int(x) for x in log.read_text().split()) == list(range(60))


def test_children_inherit_the_parents_objects_without_pickling():
    unpicklable = [lambda i=i: i for i in range(10)]  # lambdas cannot be pickled
    out = pool.fork_list(lambda f: f(), unpicklable, 2, chunk=1)
    assert out == list(range(10))


def test_prepare_runs_in_the_parent_and_its_data_is_sent():
    seen = []

    def prepare(batch):
        seen.append(os.getpid())
        return [f"văn bản {x}" for x in batch]

    out = pool.fork_list(str.upper, list(range(9)), 2, chunk=2, prepare=prepare)
    assert out == [f"VĂN BẢN {x}" for x in range(9)]
    assert set(seen) == {os.getpid()} and len(seen) == 5  # once per chunk


def test_one_worker_or_one_chunk_runs_here():
    assert set(pool.fork_list(lambda _: os.getpid(), list(range(5)), 1)) == {os.getpid()}
    assert set(pool.fork_list(lambda _: os.getpid(), [1], 4)) == {os.getpid()}


def test_a_failing_job_names_the_job_and_carries_its_traceback():
    def boom(n):
        if n == 7:
            raise ValueError("không đọc được mẫu trang")
        return n

    for workers in (1, 2):
        with pytest.raises(pool.PoolError) as err:
            pool.fork_list(boom, list(range(12)), workers, chunk=1, label=lambda n: f"trang-{n}.html")
        assert "trang-7.html" in str(err.value)
        assert "ValueError: không đọc được mẫu trang" in str(err.value)


def test_a_failure_kills_and_reaps_every_child():
    """A job fails in one process while a child hangs in another: the map raises at once,
    and no child is left running or unreaped."""
    parent = os.getpid()
    pids_file = f"/tmp/pool-test-{parent}-{time.monotonic_ns()}"

    def job(n):
        if os.getpid() != parent:
            with open(pids_file, "a") as fh:
                fh.write(f"{os.getpid()}\n")
            if n == 0:
                time.sleep(3600)  # a child stuck for good
        if n == 1:
            raise RuntimeError("hỏng")
        return n

    t0 = time.monotonic()
    with pytest.raises(pool.PoolError, match="hỏng"):
        pool.fork_list(job, [0, 1, 2, 3], 3, chunk=1)
    assert time.monotonic() - t0 < 60  # did not wait for the stuck child
    with open(pids_file) as fh:
        children = {int(x) for x in fh.read().split()}
    os.remove(pids_file)
    assert children and all(_gone(pid) for pid in children)


def test_a_child_that_dies_fails_the_map():
    parent = os.getpid()

    def die(n):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with pytest.raises(pool.PoolError, match="tiến trình dựng trang bị dừng"):
        pool.fork_list(die, list(range(8)), 2, chunk=1)


def test_a_child_killed_with_chunks_queued_names_the_one_it_was_running(tmp_path):
    # Without `prepare` a child may have two chunks queued; the error names the one it ran.
    parent = os.getpid()
    ran = tmp_path / "ran"

    def job(n):
        if os.getpid() != parent:
            ran.write_text(str(n))
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.01)
        return n

    with pytest.raises(pool.PoolError) as err:
        for _ in pool.fork_map(job, list(range(40)), 2, chunk=1, label=lambda n: f"job-{n}"):
            pass
    assert str(err.value).endswith(f"khi đang xử lý job-{ran.read_text()}"), str(err.value)


def test_prepared_payloads_travel_one_at_a_time():
    # A large prepared payload per chunk: if two were queued at once, a full task pipe and a
    # full result pipe could wait on each other; the map must finish, in order.
    big = "x" * 300_000

    def prepare(chunk):
        return [(n, big) for n in chunk]

    out = pool.fork_list(lambda p: (p[0], len(p[1])), list(range(12)), 2, chunk=1, prepare=prepare)
    assert out == [(n, len(big)) for n in range(12)]


def test_stopping_early_kills_the_children():
    parent = os.getpid()
    pids = []

    def job(n):
        return os.getpid()

    it = pool.fork_map(job, list(range(200)), 3, chunk=1)
    for pid in it:
        if pid != parent:
            pids.append(pid)
        if len(pids) >= 2:
            break
    it.close()
    assert all(_gone(pid) for pid in set(pids))


def test_work_in_flight_is_bounded(tmp_path):
    """A consumer that stops to think: at most in_flight chunks per process are started
    ahead of what it has taken (an upper bound, true for any schedule)."""
    log = tmp_path / "started"

    def job(n):
        with open(log, "a") as fh:
            fh.write(f"{n}\n")
        return n

    it = pool.fork_map(job, list(range(100)), 2, chunk=1, in_flight=2)
    assert next(it) == 0
    time.sleep(0.5)  # room for a map without a bound to run ahead; a bounded one cannot
    started = len(log.read_text().split())
    assert started <= 2 * 2 + 1  # window of 2 chunks x 2 processes, plus the one taken
    assert list(it) == list(range(1, 100))


def test_a_map_inside_a_child_runs_in_that_child():
    parent = os.getpid()

    def nested(n):
        return os.getpid(), pool.fork_list(lambda m: (m, os.getpid()), list(range(n, n + 8)), 2, chunk=1)

    out = pool.fork_list(nested, list(range(0, 80, 8)), 2, chunk=1)
    assert [m for _, pairs in out for m, _ in pairs] == list(range(80))
    in_children = [(pid, pairs) for pid, pairs in out if pid != parent]
    for pid, pairs in in_children:
        assert {p for _, p in pairs} == {pid}  # no grandchildren
