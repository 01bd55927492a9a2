"""Build year shards: one lunr index plus a small document store per year.

Pure module (no Pelican). A document is a dict with title, url, date (ISO string
or date/datetime), category, tags (list) and lead (plain text).
"""

from __future__ import annotations

import datetime as _dt
import functools
import gzip
import hashlib
import json
import math
from collections import defaultdict
from pathlib import Path

import brotli
from lunr.builder import Builder

from plugins import vietnamese as vn
from plugins.fileutil import atomic_write

from . import pipeline

FORMAT = 1
# Two parts per year: "core" (title, tags, category + the rows needed to show a
# result) is fetched first; "lead" (lead index + snippet text) follows. Measured
# on 10k generated articles the lead roughly doubles a year, so it must not
# delay the first result (docs/benchmarks.md, ## Search).
CORE_FIELDS = (("title", 10), ("tags", 4), ("category", 2))
LEAD_FIELDS = (("lead", 1),)
LEAD_WORDS = 24  # lead words indexed and kept for the snippet


def _iso(value) -> str:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def clip_lead(text: str, limit: int = LEAD_WORDS) -> str:
    """First ``limit`` whitespace-separated words, with an ellipsis if cut."""
    words = (text or "").split()
    if len(words) <= limit:
        return " ".join(words)
    return " ".join(words[:limit]) + "…"


@functools.lru_cache(maxsize=200_000)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(vn.syllables(word))


def _terms(text: str) -> list[str]:
    """Syllables as vietnamese.js makes them ("dân-vận," -> dân, vận).

    Per whitespace-separated word, cached: normalising is the build's hot spot. A
    list also takes lunr.py's fast tokenizer path (no character loop).
    """
    return [s for w in (text or "").split() for s in _word_syllables(w)]


def build_index(docs: list[dict], fields=CORE_FIELDS, build: bool = False) -> Builder:
    """A lunr.py Builder with every doc added; refs are list positions ("0", ...).

    ``encode`` needs only what ``add`` collects; lunr.js computes vectors and the
    token set on load, so ``build=True`` (tests: compare with lunr.py's own
    serialisation) is the only reason to run lunr.py's slow ``build()``.
    """
    pipeline.register()
    b = Builder()
    # Fields arrive as vn.syllables() output (NFC, tones placed, lower case, letters only),
    # which is what vi-trimmer does to a query token; indexing only adds the folded twin.
    b.pipeline.add(pipeline.vi_dual)
    b.search_pipeline.add(pipeline.vi_trimmer)
    b.ref("id")
    for name, boost in fields:
        b.field(name, boost=boost)
    for i, d in enumerate(docs):
        b.add({
            "id": str(i),
            "title": _terms(d["title"]),
            "tags": _terms(" ".join(d.get("tags") or [])),
            "category": _terms(d.get("category") or ""),
            "lead": _terms(d.get("lead") or ""),
        })
    b.built = b.build() if build else None
    return b


def encode(b: Builder) -> dict:
    """The lunr index in transport form: only what its scores derive from.

    lunr's JSON repeats a (term, score) pair per document field; those scores are
    BM25 of (document frequency, tf, field length). We ship sorted terms, postings
    as doc-number gaps, field lengths and the rare tf > 1; search.js rebuilds
    ``b.built.serialize()`` (terms renumbered in sorted order; tests check it)
    and hands it to ``lunr.Index.load``.
    """
    fields = list(b._fields)
    terms = sorted(b.inverted_index)
    post, tfs = [], []
    for t_pos, term in enumerate(terms):
        row = []
        for f_pos, f in enumerate(fields):
            ids = sorted(int(r) for r in b.inverted_index[term][f])
            row.append([ids[0], *(y - x for x, y in zip(ids, ids[1:]))] if ids else [])
            for d in ids:
                tf = b.field_term_frequencies[f"{f}/{d}"][term]
                if tf != 1:
                    tfs.append([t_pos, f_pos, d, tf])
        post.append(row)
    n = b.document_count
    return {
        "fields": fields,
        "boosts": [b._fields[f].boost for f in fields],
        "k1": b._k1, "b": b._b, "n": n,
        "pipeline": b.search_pipeline.serialize(),
        "terms": terms, "post": post, "tf": tfs,
        "len": [[b.field_lengths[f"{f}/{d}"] for d in range(n)] for f in fields],
    }


def expand(c: dict) -> dict:
    """Reference decoder (search.js has the twin): transport form -> lunr JSON."""
    fields, n, k1, bb = c["fields"], c["n"], c["k1"], c["b"]
    avg = [sum(lens) / n if n else 0 for lens in c["len"]]
    tfx = {(t, f, d): tf for t, f, d, tf in c["tf"]}
    vectors: dict = {(f, d): [] for d in range(n) for f in range(len(fields))}
    inverted = []
    for t, term in enumerate(c["terms"]):
        posting, docs = {}, []
        for f, gaps in enumerate(c["post"][t]):
            d, refs = 0, {}
            for k, g in enumerate(gaps):
                d = g if k == 0 else d + g
                refs[str(d)] = {}
                docs.append((f, d))
            posting[fields[f]] = refs
        posting["_index"] = t
        inverted.append([term, posting])
        df = len(docs)
        idf = math.log(1 + abs((n - df + 0.5) / (df + 0.5)))
        for f, d in docs:
            tf = tfx.get((t, f, d), 1)
            score = idf * ((k1 + 1) * tf) / (k1 * (1 - bb + bb * (c["len"][f][d] / avg[f])) + tf)
            vectors[(f, d)] += [t, round(score * c["boosts"][f], 3)]
    return {
        "version": "2.3.9",
        "fields": fields,
        "fieldVectors": [[f"{fields[f]}/{d}", vectors[(f, d)]]
                         for d in range(n) for f in range(len(fields))],
        "invertedIndex": inverted,
        "pipeline": c["pipeline"],
    }


def default_url(title: str, iso_date: str) -> str:
    """The URL an article gets by default; search.js derives the same with vietnamese.js."""
    return f"{iso_date[:4]}/{iso_date[5:7]}/{vn.slugify(title)}.html"


def year_parts(docs: list[dict], categories: list[str]) -> dict[str, dict]:
    """The two JSON objects of one year, "core" and "lead".

    Core rows are [title, url or 0 when it is default_url(), ISO date, category
    position]; category names live once in the manifest. Lead rows share the
    core row positions (the lunr refs).
    """
    docs = sorted(docs, key=lambda d: (_iso(d["date"]), d["url"]), reverse=True)
    cat_pos = {c: i for i, c in enumerate(categories)}
    rows = []
    for d in docs:
        iso = _iso(d["date"])
        url = 0 if d["url"] == default_url(d["title"], iso) else d["url"]
        rows.append([d["title"], url, iso, cat_pos.get(d.get("category"), -1)])
    core = {"v": FORMAT, "index": encode(build_index(docs, CORE_FIELDS)), "docs": rows}
    lead = {"v": FORMAT, "index": encode(build_index(docs, LEAD_FIELDS)),
            "leads": [d.get("lead") or "" for d in docs]}
    return {"core": core, "lead": lead}


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


def _code_version() -> str:
    """Hash of the code that shapes a shard: a cached shard is reused only with the same code."""
    here = Path(__file__).resolve().parent
    src = b"".join(p.read_bytes() for p in (here / "builder.py", here / "pipeline.py",
                                             here.parent / "vietnamese.py"))
    return content_hash(src)


def _year_files(year: int, docs: list[dict], categories: list[str]) -> dict[str, bytes]:
    out = {}
    for part, obj in year_parts(docs, categories).items():
        data = dumps(obj)
        out[f"{year}-{part}.{content_hash(data)}.json"] = data
    return out


def _cache_key(year: int, docs: list[dict], categories: list[str]) -> str:
    rows = sorted([_iso(d["date"]), d["url"], d["title"], d.get("category") or "",
                   list(d.get("tags") or []), d.get("lead") or ""] for d in docs)
    return content_hash(dumps([FORMAT, _code_version(), year, categories, rows]))


def build_shards(docs: list[dict], lead_words: int = LEAD_WORDS, cache_dir=None,
                 workers: int = 1) -> tuple[dict, dict[str, bytes]]:
    """All year shards and the manifest.

    Returns (manifest, files): files maps a content-hashed file name to its bytes;
    the manifest lists each year, newest first, with its file names.
    ``cache_dir``: reuse a year whose articles did not change (old years rarely do).
    ``workers`` > 1: build years in that many processes.
    """
    by_year: dict[int, list[dict]] = defaultdict(list)
    for d in docs:
        d = dict(d, lead=clip_lead(d.get("lead") or "", lead_words))
        by_year[int(_iso(d["date"])[:4])].append(d)
    categories = sorted({d.get("category") or "" for d in docs})
    cache = Path(cache_dir) if cache_dir else None
    done: dict[int, dict[str, bytes]] = {}
    keys = {y: _cache_key(y, ds, categories) for y, ds in by_year.items()} if cache else {}
    for y in by_year:
        hit = cache / f"{keys[y]}.json" if cache else None
        if hit and hit.exists():
            done[y] = {k: v.encode("utf-8") for k, v in json.loads(hit.read_text("utf-8")).items()}
    todo = [y for y in sorted(by_year, reverse=True) if y not in done]
    if workers > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {y: pool.submit(_year_files, y, by_year[y], categories) for y in todo}
            built = {y: f.result() for y, f in futures.items()}
    else:
        built = {y: _year_files(y, by_year[y], categories) for y in todo}
    for y, files_y in built.items():
        done[y] = files_y
        if cache:
            atomic_write(str(cache / f"{keys[y]}.json"),
                         json.dumps({k: v.decode("utf-8") for k, v in files_y.items()}).encode("utf-8"))
    if cache and cache.exists():  # drop shards of years that changed since
        for old in cache.glob("*.json"):
            if old.stem not in keys.values():
                old.unlink()
    files: dict[str, bytes] = {}
    years = []
    for year in sorted(by_year, reverse=True):
        entry: dict = {"year": year, "docs": len(by_year[year])}
        for name, data in done[year].items():
            files[name] = data
            entry[name.split(".")[0].split("-")[1]] = name
        years.append(entry)
    manifest = {"v": FORMAT, "categories": categories, "years": years}
    return manifest, files


def write_files(out_dir, files: dict[str, bytes]) -> list[Path]:
    """Write each file plus its .gz and .br; returns the written paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        for suffix, blob in {"": data, **compressed(data)}.items():
            p = out / (name + suffix)
            p.write_bytes(blob)
            written.append(p)
    return written
