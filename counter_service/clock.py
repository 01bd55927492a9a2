"""Injectable clock.

Production reads the system clock. With `--test-clock` (never in production) a
request may carry `X-Test-Now: <epoch seconds or ISO 8601>`, and that request is
handled as if it happened at that instant. Without the flag the header is ignored.
"""

from __future__ import annotations

import datetime as dt
import time

HEADER = "x-test-now"


def parse(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        d = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if d.tzinfo is None:
        return None
    return d.timestamp()


class Clock:
    def __init__(self, test_clock: bool = False):
        self.test_clock = test_clock

    def now(self, headers=None) -> float:
        if self.test_clock and headers is not None:
            raw = headers.get(HEADER)
            if raw:
                t = parse(raw)
                if t is not None:
                    return t
        return time.time()
