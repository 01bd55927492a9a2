"""python -m importers.nukeviet (what `invoke import-nukeviet` runs).

  python -m importers.nukeviet (--db mysql://USER:PASS@HOST:PORT/DBNAME | --sql dump.sql)
      --uploads PATH/TO/uploads [--assets PATH/TO/assets] [--prefix nv4] [--lang vi]
      [--out content] [--dry-run] [--force] [--download-remote]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .importer import IMPORTED, Options, run
from .source import DumpSource, MySQLSource, SourceError


def open_source(db: str, sql: str, opts: Options):
    if db:
        return MySQLSource(db)
    return DumpSource(sql, opts.prefix, opts.wanted_tables().__contains__)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m importers.nukeviet",
                                 description="Import a NukeViet 4 portal (news, laws, comments, counters)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--db", default="", help="mysql://USER:PASS@HOST:PORT/DBNAME")
    src.add_argument("--sql", default="", help="a mysqldump / mariadb-dump file (read as a stream)")
    ap.add_argument("--uploads", required=True, help="NukeViet's uploads/ folder")
    ap.add_argument("--assets", default="", help="NukeViet's assets/ folder, if bodies link to /assets/")
    ap.add_argument("--prefix", default="nv4")
    ap.add_argument("--lang", default="vi")
    ap.add_argument("--news-module", default="news", help="module_data of the news module")
    ap.add_argument("--laws-module", default="laws", help="module_data of the laws module")
    ap.add_argument("--out", default="content", help="the portal's content folder")
    ap.add_argument("--dry-run", action="store_true", help="write only the report")
    ap.add_argument("--force", action="store_true", help="overwrite files edited by hand since the last import")
    ap.add_argument("--download-remote", action="store_true", help="download images hosted on other sites")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.uploads):
        ap.error(f"--uploads: no such folder {a.uploads}")
    opts = Options(uploads=a.uploads, out=a.out, prefix=a.prefix, lang=a.lang, news=a.news_module,
                   laws=a.laws_module, assets=a.assets, dry_run=a.dry_run, force=a.force,
                   download_remote=a.download_remote)
    started = time.perf_counter()
    try:
        source = open_source(a.db, a.sql, opts)
    except SourceError as e:
        print(f"import-nukeviet: {e}", file=sys.stderr)
        return 2
    try:
        report = run(source, opts)
    except SourceError as e:
        print(f"import-nukeviet: {e}", file=sys.stderr)
        return 2
    finally:
        source.close()
    w = report.writer
    print(f"{'Dry run: ' if a.dry_run else ''}{len(w.outcome['new'])} new, {len(w.outcome['updated'])} updated, "
          f"{len(w.outcome['unchanged'])} unchanged, {len(w.outcome['kept'])} edited by hand (kept) "
          f"in {time.perf_counter() - started:.1f} s; {len(report.changes)} records changed or skipped.")
    print(f"Report: {os.path.join(a.out, IMPORTED, 'import-report.md')}")
    if w.outcome["kept"]:
        print(f"Warning: {len(w.outcome['kept'])} files edited by hand were not overwritten (see the report).")
    return 0
