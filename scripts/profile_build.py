"""Where a build's wall time goes: each Pelican signal receiver and generator step, timed.

    .venv/bin/python scripts/profile_build.py CONTENT -s SETTINGS -o OUTPUT [pelican options]

Runs Pelican in this process with blinker's ``Signal.send`` wrapped, so every receiver
(plugins' glue) is timed on its own, and prints the steps over 0.05 s, slowest first. Work a
receiver spreads over forked workers counts as its wall time. cProfile cannot show that
(the children's time is not the parent's); this can.
"""

from __future__ import annotations

import collections
import sys
import time

import blinker.base

TIMES: collections.Counter = collections.Counter()


def _send(self, *args, **kwargs):
    sender = args[0] if args else None
    results = []
    for receiver in self.receivers_for(sender):
        t = time.perf_counter()
        value = receiver(sender, **kwargs)
        name = f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', repr(receiver))}"
        TIMES[(self.name, name)] += time.perf_counter() - t
        results.append((receiver, value))
    return results


def _timed(cls, method):
    fn = getattr(cls, method, None)
    if fn is None:
        return

    def wrapper(self, *a, **k):
        t = time.perf_counter()
        try:
            return fn(self, *a, **k)
        finally:
            TIMES[("generator", f"{cls.__name__}.{method}")] += time.perf_counter() - t

    setattr(cls, method, wrapper)


def main() -> None:
    blinker.base.Signal.send = _send
    import pelican
    import pelican.generators as g

    for cls in (g.ArticlesGenerator, g.PagesGenerator, g.StaticGenerator, g.TemplatePagesGenerator):
        for method in ("generate_context", "generate_output"):
            _timed(cls, method)
    t0 = time.perf_counter()
    sys.argv = ["pelican", *sys.argv[1:]]
    try:
        pelican.main()
    finally:
        TIMES[("total", "pelican.main")] = time.perf_counter() - t0
        for (what, name), seconds in sorted(TIMES.items(), key=lambda kv: -kv[1]):
            if seconds > 0.05:
                print(f"{seconds:8.2f} s  {what:30s} {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
