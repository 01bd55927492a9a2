"""Injectable clock.

Production reads the system clock. With `--test-clock` (never in production) a
request may carry `X-Test-Now: <epoch seconds or ISO 8601>`, and that request is
handled as if it happened at that instant. Without the flag the header is ignored.
The flag is refused unless the environment also says COUNTER_TEST_CLOCK=1 and the
service listens on loopback only, so a stray flag in a unit file cannot turn it on.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time

HEADER = "x-test-now"
ENV = "COUNTER_TEST_CLOCK"
EARLIEST = 946684800.0   # 2000-01-01: test instants outside [2000, 2100) are refused
LATEST = 4102444800.0    # 2100-01-01


class BadTestTime(ValueError):
    pass


def parse(value: str) -> float:
    """Epoch seconds of an X-Test-Now value; BadTestTime if it is not a finite instant in [2000, 2100)."""
    try:
        t = float(value)
    except ValueError:
        try:
            d = dt.datetime.fromisoformat(value)
        except ValueError:
            raise BadTestTime(f"{HEADER}: not epoch seconds or ISO 8601") from None
        if d.tzinfo is None:
            raise BadTestTime(f"{HEADER}: ISO 8601 time needs a UTC offset") from None
        t = d.timestamp()
    if not math.isfinite(t) or not EARLIEST <= t < LATEST:
        raise BadTestTime(f"{HEADER}: must be an instant between 2000 and 2100")
    return t


def allowed(host: str) -> str:
    """'' if the test clock may be enabled here, else why not."""
    if os.environ.get(ENV) != "1":
        return f"--test-clock needs {ENV}=1 in the environment as well (tests only)"
    if host not in ("127.0.0.1", "::1", "localhost"):
        return "--test-clock needs --host 127.0.0.1 (tests only)"
    return ""


class Clock:
    def __init__(self, test_clock: bool = False):
        if test_clock and os.environ.get(ENV) != "1":
            raise RuntimeError(f"test clock requested without {ENV}=1 (tests only)")
        self.test_clock = test_clock

    def now(self, headers=None) -> float:
        """The request's time; BadTestTime (a 400) for an invalid X-Test-Now when the test clock is on."""
        if self.test_clock and headers is not None:
            raw = headers.get(HEADER)
            if raw:
                return parse(raw)
        return time.time()
