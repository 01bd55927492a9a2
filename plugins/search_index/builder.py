"""Build year shards: one lunr index plus a small document store per year.

Pure module (no Pelican). A document is a dict with title, url, date (ISO string
or date/datetime), category, tags (list) and lead (plain text).
"""

from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import json
from collections import defaultdict

import brotli
from lunr.builder import Builder

from plugins import vietnamese as vn

from . import pipeline

FORMAT = 1
# Field boosts: a hit in the title is what readers mean most of the time.
FIELDS = (("title", 10), ("tags", 4), ("category", 2), ("lead", 1))
LEAD_SYLLABLES = 40  # lead words indexed and kept for the snippet


def _iso(value) -> str:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def clip_lead(text: str, limit: int = LEAD_SYLLABLES) -> str:
    """First ``limit`` whitespace-separated words, with an ellipsis if cut."""
    words = " ".join(text.split()).split(" ")
    if len(words) <= limit:
        return " ".join(words)
    return " ".join(words[:limit]) + "…"


def _terms_text(text: str) -> str:
    # Pre-split into syllables so "dân-vận," gives the same tokens as vietnamese.js.
    return " ".join(vn.syllables(text or ""))


def build_index(docs: list[dict]):
    """lunr index over ``docs`` (refs are list positions, base 36: short in JSON)."""
    pipeline.register()
    b = Builder()
    b.pipeline.add(pipeline.vi_trimmer, pipeline.vi_dual)
    b.search_pipeline.add(pipeline.vi_trimmer)
    b.ref("id")
    for name, boost in FIELDS:
        b.field(name, boost=boost)
    for i, d in enumerate(docs):
        b.add({
            "id": _b36(i),
            "title": _terms_text(d["title"]),
            "tags": _terms_text(" ".join(d.get("tags") or [])),
            "category": _terms_text(d.get("category") or ""),
            "lead": _terms_text(d.get("lead") or ""),
        })
    return b.build()


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def ref_to_pos(ref: str) -> int:
    return int(ref, 36)


def shard_payload(docs: list[dict], categories: list[str]) -> dict:
    """The JSON object of one year: the serialised index and the document store.

    Store rows are [title, url, ISO date, category position, lead]; the
    category names live once in the manifest.
    """
    docs = sorted(docs, key=lambda d: _iso(d["date"]), reverse=True)
    idx = build_index(docs)
    cat_pos = {c: i for i, c in enumerate(categories)}
    store = [[d["title"], d["url"], _iso(d["date"]), cat_pos.get(d.get("category"), -1),
              d.get("lead") or ""] for d in docs]
    return {"v": FORMAT, "index": idx.serialize(), "docs": store}


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def compressed(data: bytes) -> dict[str, bytes]:
    """The precompressed twins a static server hands out (nginx gzip_static/brotli_static)."""
    return {
        ".gz": gzip.compress(data, compresslevel=9, mtime=0),
        ".br": brotli.compress(data, quality=11, mode=brotli.MODE_TEXT),
    }


def build_shards(docs: list[dict], lead_limit: int = LEAD_SYLLABLES) -> tuple[dict, dict[str, bytes]]:
    """All year shards and the manifest.

    Returns (manifest, files) where files maps a file name (content-hashed) to
    its bytes; the manifest maps each year, newest first, to its file name.
    """
    by_year: dict[int, list[dict]] = defaultdict(list)
    for d in docs:
        d = dict(d, lead=clip_lead(d.get("lead") or "", lead_limit))
        by_year[int(_iso(d["date"])[:4])].append(d)
    categories = sorted({d.get("category") or "" for d in docs})
    files: dict[str, bytes] = {}
    years = []
    for year in sorted(by_year, reverse=True):
        data = dumps(shard_payload(by_year[year], categories))
        name = f"{year}.{content_hash(data)}.json"
        files[name] = data
        years.append({"year": year, "file": name, "docs": len(by_year[year])})
    manifest = {"v": FORMAT, "categories": categories, "years": years}
    return manifest, files


def write_files(out_dir, files: dict[str, bytes]) -> list:
    """Write each file plus .gz and .br; returns the written paths."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        for suffix, blob in {"": data, **compressed(data)}.items():
            p = out / (name + suffix)
            p.write_bytes(blob)
            written.append(p)
    return written
