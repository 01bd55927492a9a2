"""Load what a previous CMS (NukeViet) had into the reader service's stores.

  python -m counter_service.reader_import comments FILE [--comments-db PATH]
  python -m counter_service.reader_import ratings FILE --site NAME [--db PATH | --redis-url URL]

FILE is JSON: a list of objects, or one object per line.
- comments: {"path": "/2024/05/x.html", "title": "…", "author": "…", "email": "…" or null,
  "text": "…" (plain text; HTML entities are decoded), "created": epoch or ISO 8601,
  "approved": true|false}. Approved ones are shown, the others wait in the moderation queue.
  An import runs once: a comment already there (same path, author, time, text) is skipped.
- ratings: {"path": "/…", "total_rating": N, "click_rating": N}: NukeViet's sum of stars
  and number of votes, the starting totals under the new votes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import json
import os
import sys


def read_items(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    stripped = text.lstrip()
    items = json.loads(text) if stripped.startswith("[") else [json.loads(line) for line in text.splitlines()
                                                                   if line.strip()]
    if not all(isinstance(i, dict) for i in items):
        raise ValueError("mỗi mục phải là một đối tượng JSON")
    return items


def _epoch(v) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    d = dt.datetime.fromisoformat(str(v))
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))  # NukeViet stores the site's local time
    return d.timestamp()


def import_comments(items: list[dict], db_path: str) -> tuple[int, int]:
    from isso import db as isso_db

    from .comments import CommentsConfig, isso_config

    conf = isso_config(CommentsConfig(db=db_path, password=None), ["http://localhost"])
    store = isso_db.SQLite3(db_path, conf)
    added = skipped = 0
    for n, it in enumerate(items, 1):
        try:
            uri, text = str(it["path"]), html.unescape(str(it["text"])).strip()
            author = html.unescape(str(it.get("author") or "Bạn đọc"))[:80]
            created = _epoch(it["created"])
        except (KeyError, ValueError) as e:
            raise ValueError(f"mục {n}: thiếu hoặc sai trường ({e}); cần path, text, created") from None
        if uri not in store.threads:
            store.threads.new(uri, str(it.get("title") or uri))
        dup = store.execute("SELECT 1 FROM comments JOIN threads ON comments.tid = threads.id WHERE threads.uri=? "
                            "AND comments.author IS ? AND comments.created=? AND comments.text=?",
                            (uri, author, created, text)).fetchone()
        if dup:
            skipped += 1
            continue
        store.comments.add(uri, {"text": text, "author": author, "email": it.get("email") or None, "website": None,
                                 "parent": None, "created": created, "mode": 1 if it.get("approved") else 2,
                                 "remote_addr": "0.0.0.0", "notification": 0})
        added += 1
    return added, skipped


def import_ratings(items: list[dict], site: str, db: str | None, redis_url: str | None) -> int:
    from .ratings import RedisRatings, SQLiteRatings

    rows = []
    for n, it in enumerate(items, 1):
        pts, votes = it.get("total_rating"), it.get("click_rating")
        if not isinstance(it.get("path"), str) or type(pts) is not int or type(votes) is not int \
                or pts < 0 or votes < 0 or pts > 5 * votes:
            raise ValueError(f"mục {n}: cần path, total_rating và click_rating là số nguyên ≥ 0 "
                             "(total_rating ≤ 5 × click_rating)")
        rows.append((it["path"], pts, votes))

    async def run():
        store = RedisRatings(redis_url) if redis_url else SQLiteRatings(db)
        await store.start()
        try:
            await store.import_totals(site, rows)
        finally:
            await store.close()

    asyncio.run(run())
    return len(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m counter_service.reader_import", description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["comments", "ratings"])
    ap.add_argument("file")
    ap.add_argument("--comments-db", default=os.environ.get("COMMENTS_DB", os.path.join("var", "comments.sqlite3")))
    ap.add_argument("--site", default="127.0.0.1")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--db", default=os.path.join("var", "counter.sqlite3"))
    g.add_argument("--redis-url")
    a = ap.parse_args(argv)
    try:
        items = read_items(a.file)
        if a.kind == "comments":
            added, skipped = import_comments(items, a.comments_db)
            print(f"Đã nhập {added} ý kiến ({skipped} đã có, bỏ qua) vào {a.comments_db}")
        else:
            n = import_ratings(items, a.site, a.db, a.redis_url)
            print(f"Đã nhập điểm đánh giá ban đầu của {n} bài cho site {a.site}")
    except (OSError, ValueError) as e:
        print(f"{a.file}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
