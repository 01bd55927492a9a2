"""Write tests/js/fixtures/search/: a small built search index for the Node tests.

Input: tests/vectors/search_docs.json. Output: the manifest and year shards exactly as
the plugin writes them (without .gz/.br), plus lunr.py's own serialisation of each
part (``lunrpy-*.json``) so the JS decoder is checked against lunr.py.
tests/test_search_index.py fails when this fixture is out of date.
Run: .venv/bin/python tests/generators/make_search_fixture.py
"""

from __future__ import annotations

import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from plugins.search_index import builder  # noqa: E402

DOCS = ROOT / "tests" / "vectors" / "search_docs.json"
OUT = ROOT / "tests" / "js" / "fixtures" / "search"


def fixture_docs() -> list[dict]:
    docs = json.loads(DOCS.read_text(encoding="utf-8"))
    return [dict(d, url=d.get("url") or f"{d['date'][:4]}/{d['date'][5:7]}/{d['slug']}.html") for d in docs]


def fixture_files() -> dict[str, bytes]:
    docs = fixture_docs()
    manifest, files = builder.build_shards(docs)
    files["manifest.json"] = builder.dumps(manifest)
    by_year: dict[int, list] = {}
    for d in docs:
        by_year.setdefault(int(d["date"][:4]), []).append(d)
    for year, ds in by_year.items():
        ds = [dict(d, lead=builder.clip_lead(d["lead"])) for d in ds]
        ds.sort(key=lambda d: (d["date"], d["url"]), reverse=True)  # as year_parts orders them
        for part, fields in (("core", builder.CORE_FIELDS), ("lead", builder.LEAD_FIELDS)):
            ser = builder.build_index(ds, fields, build=True).built.serialize()
            files[f"lunrpy-{year}-{part}.json"] = builder.dumps(ser)
    return files


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    files = fixture_files()
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"{len(files)} files -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
