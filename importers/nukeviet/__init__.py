"""NukeViet 4.x → portal: news, văn bản (laws module), comments and counters.

Pure modules (no Pelican):

- ``source``: rows from a live MySQL/MariaDB server (PyMySQL, streamed) or from a
  mysqldump file (parsed statement by statement and spooled into a temporary SQLite file,
  so a 1 GB dump never sits in memory);
- ``schema``: the NukeViet 4.5 table and column names the importer reads;
- ``convert``: entity-encoded text, CKEditor HTML → sanitised Markdown, times;
- ``plan``: the records → the files to write (articles, documents, redirects, report);
- ``write``: writes them, re-run safe (unchanged files kept, hand edits not overwritten);
- ``cli``: ``python -m importers.nukeviet`` (what ``invoke import-nukeviet`` runs).

See docs/migrate-nukeviet.md.
"""
