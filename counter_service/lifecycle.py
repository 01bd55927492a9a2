"""The one start/stop shape of the service's stores: start, housekeep every few seconds, and
on shutdown (SIGTERM) stop the housekeeping and close the store, which commits what is queued."""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger("counter_service")
# Seconds a housekeeping round in progress may take to finish at shutdown. The reader's and the
# counter's stores stop one after the other: 10 s HTTP + 2 × 2 s + 12 s (storage_redis
# CLOSE_WAIT) = 26 s, inside systemd's TimeoutStopSec=30.
STOP_WAIT = 2.0


async def _every(seconds: float, step, what: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
            return
        try:
            await step()
        except Exception:  # one failed round must not end housekeeping for good
            log.exception("%s failed", what)


@contextlib.asynccontextmanager
async def running(store, housekeeping, *, what: str = "housekeeping", seconds: float = 2.0):
    """``async with running(storage, step):`` the store is open and ``step()`` runs every
    ``seconds`` inside the block; leaving it stops the step, then closes the store.

    The step is asked to stop (an event), not cancelled: a cancellation that a library
    swallows inside a round (seen with a Redis command in flight) left the loop running and
    SIGTERM waiting for ever. A round still running after STOP_WAIT seconds is cancelled and
    not waited for, so the store is always closed and queued writes committed."""
    await store.start()
    stop = asyncio.Event()
    task = asyncio.create_task(_every(seconds, housekeeping, what, stop))
    try:
        yield store
    finally:
        stop.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_WAIT)
        if not done:
            task.cancel()
            log.warning("%s did not stop within %.0f s; closing the store anyway", what, STOP_WAIT)
        await store.close()  # SIGTERM: commit everything queued before exit
