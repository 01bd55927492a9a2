"""The one start/stop shape of the service's stores: start, housekeep every few seconds, and
on shutdown (SIGTERM) stop the housekeeping and close the store, which commits what is queued."""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger("counter_service")


async def _every(seconds: float, step, what: str) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await step()
        except Exception:  # one failed round must not end housekeeping for good
            log.exception("%s failed", what)


@contextlib.asynccontextmanager
async def running(store, housekeeping, *, what: str = "housekeeping", seconds: float = 2.0):
    """``async with running(storage, step):`` the store is open and ``step()`` runs every
    ``seconds`` inside the block; leaving it cancels the step, then closes the store."""
    await store.start()
    task = asyncio.create_task(_every(seconds, housekeeping, what))
    try:
        yield store
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await store.close()  # SIGTERM: commit everything queued before exit
