"""Build year shards: one lunr index plus a small document store per year.

Pure module (no Pelican). A document is a dict with title, url, date (ISO string
or date/datetime), category, tags (list) and lead (plain text).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import lunr
from lunr.builder import Builder

from plugins import vietnamese as vn

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


def _new_builder(fields) -> Builder:
    """A lunr.py Builder set up as ours (pipelines, ref, fields and boosts), still empty."""
    pipeline.register()
    b = Builder()
    # Fields arrive as vn.syllables() output (NFC, tones placed, lower case, letters only),
    # which is what vi-trimmer does to a query token; indexing only adds the folded twin.
    b.pipeline.add(pipeline.vi_dual)
    b.search_pipeline.add(pipeline.vi_trimmer)
    b.ref("id")
    for name, boost in fields:
        b.field(name, boost=boost)
    return b


def _field_text(d: dict, field: str) -> str:
    if field == "tags":
        return " ".join(d.get("tags") or [])
    return d.get(field) or ""


def _field_terms(d: dict) -> dict[str, list[str]]:
    return {f: _terms(_field_text(d, f)) for f in ("title", "tags", "category", "lead")}


def build_index(docs: list[dict], fields=CORE_FIELDS, build: bool = False) -> Builder:
    """A lunr.py Builder with every doc added; refs are list positions ("0", ...).

    The reference path: shards use ``index_docs`` (same result, tests check it, ~10x
    faster). ``build=True`` also runs lunr.py's ``build()`` (tests compare with
    lunr.py's own serialisation).
    """
    b = _new_builder(fields)
    for i, d in enumerate(docs):
        b.add({"id": str(i), **_field_terms(d)})
    b.built = b.build() if build else None
    return b


@functools.lru_cache(maxsize=200_000)
def _index_tokens(syllable: str) -> tuple[str, ...]:
    """What lunr's tokenizer (lower case) and our index pipeline (vi-dual) make of a syllable."""
    t = syllable.lower()
    folded = pipeline._fold(t)
    return (t,) if folded == t else (t, folded)


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
    return _transport(b, fields, n, terms, post, tfs,
                      [[b.field_lengths[f"{f}/{d}"] for d in range(n)] for f in fields])


def _transport(config: Builder, fields: list[str], n: int, terms, post, tfs, lens) -> dict:
    """The transport form's fields, in one place for ``encode`` and ``index_docs``."""
    return {
        "fields": fields,
        "boosts": [config._fields[f].boost for f in fields],
        "k1": config._k1, "b": config._b, "n": n,
        "pipeline": config.search_pipeline.serialize(),
        "terms": terms, "post": post, "tf": tfs,
        "len": lens,
    }


def index_docs(docs: list[dict], fields=CORE_FIELDS) -> dict:
    """``encode(build_index(docs, fields))`` without lunr.py's per-token objects.

    lunr.py's ``Builder.add`` (Token objects, deepcopy of metadata per token) was most
    of the build; this counts the same terms with plain dicts.
    """
    config = _new_builder(fields)
    names = list(config._fields)
    nf, n = len(names), len(docs)
    post: dict[str, list[list[int]]] = {}
    tf_rare: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    lens = [[0] * n for _ in names]
    for d, doc in enumerate(docs):
        for f, name in enumerate(names):
            counts: dict[str, int] = {}
            length = 0
            for syl, c in Counter(_terms(_field_text(doc, name))).items():
                toks = _index_tokens(syl)
                length += c * len(toks)
                for t in toks:  # "dân" and "dan" both give "dan": add up
                    counts[t] = counts.get(t, 0) + c
            lens[f][d] = length
            for t, c in counts.items():
                row = post.get(t)
                if row is None:
                    row = post[t] = [[] for _ in range(nf)]
                row[f].append(d)  # d only grows: ids come out sorted
                if c != 1:
                    tf_rare[t].append((f, d, c))
    terms = sorted(post)
    rows, tfs = [], []
    for t_pos, term in enumerate(terms):
        rows.append([[ids[0], *(y - x for x, y in zip(ids, ids[1:]))] if ids else [] for ids in post[term]])
        tfs += [[t_pos, f, d, c] for f, d, c in sorted(tf_rare.get(term, ()))]
    return _transport(config, names, n, terms, rows, tfs, lens)


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


PARTS = ("core", "lead")


def group_years(docs: list[dict], lead_words: int = LEAD_WORDS) -> tuple[list[str], dict[int, list[dict]]]:
    """(category names, {year: its docs, newest first, leads clipped}), years newest first."""
    by_year: dict[int, list[dict]] = defaultdict(list)
    for d in docs:  # dates become ISO strings here, once (strftime was a hot spot)
        d = dict(d, lead=clip_lead(d.get("lead") or "", lead_words), date=_iso(d["date"]))
        by_year[int(d["date"][:4])].append(d)
    for ds in by_year.values():
        ds.sort(key=lambda d: (d["date"], d["url"]), reverse=True)
    categories = sorted({d.get("category") or "" for d in docs})
    return categories, {y: by_year[y] for y in sorted(by_year, reverse=True)}


def part_inputs(part: str, docs: list[dict], categories: list[str]) -> list:
    """Exactly what one part is made from, ``docs`` in row order (its cache key hashes this)."""
    if part == "core":  # rows hold category positions: the whole category list counts
        return [categories, [[_iso(d["date"]), d["url"], d["title"], d.get("category"),
                              list(d.get("tags") or [])] for d in docs]]
    return [d.get("lead") or "" for d in docs]  # in row order: a new URL alone changes nothing here


def part_object(part: str, docs: list[dict], categories: list[str]) -> dict:
    """One JSON object of a year, "core" or "lead"; ``docs`` as ``group_years`` orders them.

    Core rows are [title, url or 0 when it is default_url(), ISO date, category
    position]; category names live once in the manifest. Lead rows share the
    core row positions (the lunr refs).
    """
    if part == "lead":
        return {"v": FORMAT, "index": index_docs(docs, LEAD_FIELDS),
                "leads": [d.get("lead") or "" for d in docs]}
    cat_pos = {c: i for i, c in enumerate(categories)}
    rows = []
    for d in docs:
        iso = _iso(d["date"])
        url = 0 if d["url"] == default_url(d["title"], iso) else d["url"]
        rows.append([d["title"], url, iso, cat_pos.get(d.get("category"), -1)])
    return {"v": FORMAT, "index": index_docs(docs, CORE_FIELDS), "docs": rows}


def year_parts(docs: list[dict], categories: list[str]) -> dict[str, dict]:
    """Both parts of one year (docs in any order, leads already clipped)."""
    docs = sorted(docs, key=lambda d: (_iso(d["date"]), d["url"]), reverse=True)
    return {part: part_object(part, docs, categories) for part in PARTS}


def make_part(part: str, year: int, docs: list[dict], categories: list[str]) -> tuple[str, bytes]:
    """(content-hashed file name, JSON bytes) of one part."""
    data = dumps(part_object(part, docs, categories))
    return f"{year}-{part}.{content_hash(data)}.json", data


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the code that shapes a shard file: a cached file is reused only with the same code."""
    here = Path(__file__).resolve().parent
    src = b"".join(p.read_bytes() for p in (here / "builder.py", here / "pipeline.py",
                                             here / "store.py", here.parent / "vietnamese.py"))
    return content_hash(src + lunr.__VERSION__.encode())


def part_key(part: str, year: int, docs: list[dict], categories: list[str]) -> str:
    """Digest of exactly the inputs of one part and the code that makes it."""
    blob = dumps([FORMAT, code_version(), part, year, part_inputs(part, docs, categories)])
    return hashlib.sha256(blob).hexdigest()[:32]


def build_shards(docs: list[dict], lead_words: int = LEAD_WORDS) -> tuple[dict, dict[str, bytes]]:
    """All year shards and the manifest, built in this process without a cache.

    Returns (manifest, files): files maps a content-hashed file name to its JSON bytes;
    the manifest lists each year, newest first, with its file names. The plugin goes
    through ``store.publish`` (cache, compression, processes), which gives the same.
    """
    categories, years = group_years(docs, lead_words)
    files: dict[str, bytes] = {}
    entries = []
    for year, ds in years.items():
        entry: dict = {"year": year, "docs": len(ds)}
        for part in PARTS:
            name, data = make_part(part, year, ds, categories)
            files[name] = data
            entry[part] = name
        entries.append(entry)
    return manifest(categories, entries), files


def manifest(categories: list[str], years: list[dict]) -> dict:
    return {"v": FORMAT, "categories": categories, "years": years}
