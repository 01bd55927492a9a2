"""Scheduled publishing and expiry (NukeViet's publtime/exptime).

- An article whose ``date`` is later than now (Asia/Ho_Chi_Minh, the site's TIMEZONE) is
  not published at all: no page, listing, feed, sitemap, search entry or related link.
  The next build after its time publishes it (the deploy workflow rebuilds every 15 minutes).
- After ``expires:`` an article leaves listings, feeds, the sitemap and search; its page
  stays reachable, marked "Tin đã hết hạn" (``expired`` is set on it), unless it has
  ``remove_when_expired: true``, then it is not published either.
- The clock: ``PORTAL_NOW`` ("2027-01-15 08:00", site time; empty: the real clock).
  pelicanconf.py reads it from the environment for tests and previews; publishconf.py
  always empties it, so a production build uses the real clock.
- ``invoke check`` lists what is scheduled and what expires (``upcoming``).
"""


def register():
    from .plugin import register

    register()
