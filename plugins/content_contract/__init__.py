"""Pelican glue for the content contract.

- Every build validates all content first (at ``initialized``, and again at the start of
  every later run of an autoreloading ``pelican -r``) and stops with every problem listed
  as ``path:line: problem — how to fix`` (see rules.py). Per-file results are cached in
  CACHE_PATH/content_contract/ (cache.py; CONTENT_CONTRACT_CACHE = False turns it off):
  a warm build parses only edited files, and checks that span files run every time.
  When many files must be parsed (a cold cache), they are parsed in a fork map
  (CONTENT_CONTRACT_WORKERS, default BUILD_WORKERS; from CONTENT_CONTRACT_MIN_PARALLEL = 256
  files). Settings: config.py.
- The Markdown reader (pelican-yaml-metadata) is extended so that slugs come from
  the shared Vietnamese module and category/tag names are tone-normalised.
"""


def register():
    from .plugin import register

    register()
