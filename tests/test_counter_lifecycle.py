"""counter_service.lifecycle: a store is always closed at shutdown, even when a housekeeping
round swallows its cancellation (as a Redis command in flight did: SIGTERM then never ended)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from counter_service import lifecycle


class Store:
    """A store's lifecycle as the service sees it (the real stores are tested in
    test_counter_durability.py and test_reader_service.py under SIGTERM and SIGKILL)."""

    def __init__(self):
        self.events = []

    async def start(self):
        self.events.append("start")

    async def close(self):
        self.events.append("close")


def run(coro, limit=10.0):
    """Run ``coro`` in its own thread and loop; fail (not hang) if it is not done in ``limit`` s:
    a store that is never closed keeps its loop running, beyond asyncio's own timeouts."""
    out = {}

    def target():
        out["value"] = asyncio.run(coro)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(limit)
    assert not t.is_alive(), f"still running after {limit} s: the store was never closed"
    return out.get("value")


def test_housekeeping_runs_and_stops_at_once_between_rounds():
    store, rounds = Store(), []

    async def step():
        rounds.append(1)

    async def main():
        async with lifecycle.running(store, step, seconds=0.01):
            while len(rounds) < 3:
                await asyncio.sleep(0.01)

    run(main())
    assert store.events == ["start", "close"] and len(rounds) >= 3


def test_a_round_that_swallows_cancellation_cannot_keep_the_store_open(monkeypatch):
    monkeypatch.setattr(lifecycle, "STOP_WAIT", 0.2)
    store = Store()

    async def step():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            pass  # what a library did with a command in flight

    async def main():
        entered = asyncio.Event()

        async def marked():
            entered.set()
            await step()

        async with lifecycle.running(store, marked, seconds=0.01):
            await entered.wait()  # leave while the round is in progress

    run(main(), limit=5.0)  # before the fix: the loop ran on and this timed out
    assert store.events == ["start", "close"]


def test_a_failing_round_is_logged_and_the_next_one_runs(caplog):
    store, calls = Store(), []

    async def step():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("redis went away")

    async def main():
        async with lifecycle.running(store, step, seconds=0.01, what="test housekeeping"):
            while len(calls) < 2:
                await asyncio.sleep(0.01)

    run(main())
    assert "test housekeeping failed" in caplog.text and store.events == ["start", "close"]


@pytest.mark.parametrize("seconds", [0.01, 60.0])
def test_leaving_before_any_round_closes_promptly(seconds):
    store = Store()

    async def step():
        raise AssertionError("no round expected")

    async def main():
        t = asyncio.get_running_loop().time()
        async with lifecycle.running(store, step, seconds=seconds):
            pass
        return asyncio.get_running_loop().time() - t

    assert run(main()) < 1.0
    assert store.events == ["start", "close"]
