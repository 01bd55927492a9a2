"""Related-news ranking: Vietnamese syllable TF-IDF, blended score, chunked sparse top-k.

Pure (no Pelican): takes ``Doc`` records, returns slugs. The glue in ``__init__.py``
turns them back into articles.

Pipeline
1. Tokens: syllables from the shared ``plugins.vietnamese`` module (NFC + tone
   placement, so "hoà" == "hòa"), unigrams and bigrams that never cross punctuation.
2. Counts per article are cached by content hash (``CountCache``), so a rebuild
   after one edit tokenises one article. A cold build counts in batches in forked
   worker processes (``parallel.map_batches``); batches are merged in order, so the
   vocabulary and the counts are the same with any number of workers.
3. TF-IDF (the weights of scikit-learn's ``TfidfTransformer``, sublinear tf, L2, computed
   in row blocks to bound memory; a test checks them equal) after a
   document-frequency cut (``min_df``/``max_df``) instead of a stopword list; each
   vector keeps its ``top_terms`` heaviest terms (Lucene "more like this" does the
   same) which keeps the sparse product sparse on big archives.
4. Candidates: chunked sparse products ``X[chunk] @ X.T`` (text) and ``T[chunk] @ T.T``
   (tags weighted by rarity), restricted to the date window allowed by ``max_age_days``,
   top ``pool`` per row taken on the sparse entries: never all pairs in Python.
5. Rerank the pool with same-category and recency bonuses, drop near-duplicates
   (text cosine >= ``near_duplicate``), break ties by date (newer first) then slug.
6. Editor overrides: ``related`` pinned first, ``related_exclude``, ``no_related``.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import math
import os
import pickle
import re
import tempfile
from functools import lru_cache
from typing import Callable, Iterable, Sequence, Union

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn

from plugins import vietnamese

from . import parallel

ANALYZER_VERSION = "syl12-v3"  # bump when analyze() changes: invalidates caches
_BREAK_CHARS = set(".,;:!?…()[]{}\"“”‘’«»/|–—")


@dataclasses.dataclass
class Config:
    k: int = 5                      # items per list
    w_text: float = 1.0             # text cosine weight
    w_tags: float = 0.4             # idf-weighted tag cosine weight
    w_category: float = 0.05        # bonus when both share the category
    w_recency: float = 0.1          # bonus * 2^(-gap / half_life)
    recency_half_life_days: float = 90.0
    max_age_days: float | None = 1825.0  # never relate articles further apart than this
    near_duplicate: float = 0.85    # text cosine at or above: a repost, dropped
    min_score: float = 0.03         # text+tag score below this is not "related"
    min_df: int = 2                 # a term in one article cannot relate two
    max_df: float = 0.5             # terms in more than this share of articles are cut,
    max_df_count: int = 1000        # ...or in more than this many: keeps big archives sparse
    tag_max_df: float = 0.25        # tags on more than this share are dropped (Hugo's
    tag_max_df_count: int | None = None  # cardinalityThreshold idea), or on more than this many
    top_terms: int = 40             # terms kept per vector
    pool: int = 30                  # candidates per article before reranking
    chunk_size: int = 2000          # rows per sparse product
    workers: int = 0                # processes that tokenise a cold build (0 = CPUs, at most 4)

    @classmethod
    def from_settings(cls, values: dict | None) -> "Config":
        values = dict(values or {})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"RELATED_NEWS: unknown keys {unknown}; known: {sorted(names)}")
        return cls(**values)


Text = Union[str, Callable[[], str]]


def _text(value: Text) -> str:
    return value if isinstance(value, str) else value()


def _texts(values: Sequence[Text]) -> list[str]:
    return [_text(v) for v in values]


@dataclasses.dataclass
class Doc:
    slug: str
    title: str
    # Summary + body as plain text (title is added), or a function that makes it: then the
    # text is made only for articles missing from the cache, a batch at a time.
    text: Text
    date: datetime.datetime
    category: str
    tags: Sequence[str] = ()
    related: Sequence[str] = ()
    related_exclude: Sequence[str] = ()
    no_related: bool = False
    key: str | None = None           # cache key; default content_hash(title, text)

    @property
    def full_text(self) -> str:
        return f"{self.title}.\n{_text(self.text)}"

    def read_full_text(self) -> str:  # a bound method is a lazy ``Text``
        return self.full_text

    @property
    def hash(self) -> str:
        return self.key or content_hash(self.title, _text(self.text))


@dataclasses.dataclass
class Result:
    related: dict[str, list[str]]
    may_interest: dict[str, list[str]]
    duplicates: dict[str, list[str]]
    stats: dict


# --- tokens -------------------------------------------------------------------

_BREAK_RE = re.compile("[" + re.escape("".join(sorted(_BREAK_CHARS))) + "]")


@lru_cache(maxsize=1 << 18)
def _chunk(chunk: str) -> tuple[tuple[tuple[str, ...], ...], bool, bool]:
    """One whitespace-separated chunk: its phrases (split at punctuation) as syllable
    tuples, and whether it opens/closes with punctuation. Cached: words repeat a lot."""
    phrases = tuple(tuple(vietnamese.syllables(p)) for p in _BREAK_RE.split(chunk))
    return phrases, chunk[0] in _BREAK_CHARS, chunk[-1] in _BREAK_CHARS


def analyze(text: str) -> list[str]:
    """Syllable unigrams and bigrams ("nông", "nông thôn"); bigrams stop at punctuation."""
    phrases: list[list[str]] = []
    cur: list[str] = []
    for chunk in text.split():
        parts, opens, closes = _chunk(chunk)
        if opens and cur:
            phrases.append(cur)
            cur = []
        for n, syl in enumerate(parts):
            if n and cur:
                phrases.append(cur)
                cur = []
            cur.extend(syl)
        if closes and cur:
            phrases.append(cur)
            cur = []
    if cur:
        phrases.append(cur)
    out: list[str] = []
    for p in phrases:
        out.extend(p)
        out.extend([f"{a} {b}" for a, b in zip(p, p[1:])])
    return out


def content_hash(title: str, text: str) -> str:
    h = hashlib.sha1(ANALYZER_VERSION.encode())
    h.update(b"\0" + title.encode("utf-8") + b"\0" + text.encode("utf-8"))
    return h.hexdigest()


# Fast path for counting, same tokens as ``analyze``. A whitespace chunk maps (cached) to
# syllable ids with -1 at each break character; phrases and bigrams are then found with
# numpy over a batch of texts. Ids are per process: batches return term strings.
_SYL_IDS: dict[str, int] = {}
_SYL_STRS: list[str] = []
_PAIR = 1 << 32  # bigram key = (first id + 1) * _PAIR + second id; unigram key = id


def _syl_id(syl: str) -> int:
    i = _SYL_IDS.get(syl)
    if i is None:
        i = _SYL_IDS[syl] = len(_SYL_STRS)
        _SYL_STRS.append(syl)
    return i


class _ChunkIds(dict):
    def __missing__(self, chunk: str) -> tuple[int, ...]:
        ids: list[int] = []
        for n, part in enumerate(_BREAK_RE.split(chunk)):
            if n:
                ids.append(-1)
            ids.extend([_syl_id(s) for s in vietnamese.syllables(part)])
        if len(self) >= 1 << 18:
            self.clear()
        value = self[chunk] = tuple(ids)
        return value


_CHUNK_IDS = _ChunkIds()


def _count_batch(texts: Sequence[Text]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Counts of ``analyze`` tokens for a batch of texts, without a Counter per text.

    Returns (terms, cols, counts, lengths): the batch's terms in order of first
    appearance (as ``analyze`` emits them: each phrase's unigrams, then its bigrams),
    and per text (row-major) the term numbers and counts, ``lengths[r]`` of them for text r.
    """
    get = _CHUNK_IDS.__getitem__
    flat = [-1]
    sizes = np.empty(len(texts), dtype=np.int64)
    for r, text in enumerate(texts):
        before = len(flat)
        flat.extend(itertools.chain.from_iterable(map(get, _text(text).split())))
        flat.append(-1)  # texts end with a break, so no phrase spans two texts
        sizes[r] = len(flat) - before
    s = np.array(flat, dtype=np.int64)
    del flat
    n = s.size
    pos = np.arange(n)
    brk = s < 0
    p0 = np.maximum.accumulate(np.where(brk, pos, -1)) + 1             # phrase start
    p1 = np.minimum.accumulate(np.where(brk, pos, n)[::-1])[::-1]      # phrase end
    row = np.repeat(np.arange(-1, len(texts)), np.concatenate([[1], sizes]))
    uni = np.flatnonzero(~brk)
    bi = np.flatnonzero(~brk[:-1] & ~brk[1:])
    keys = np.concatenate([s[uni], (s[bi] + 1) * _PAIR + s[bi + 1]])
    # Where analyze() would emit each token: a phrase [p0, p1) takes the slots from
    # 2*p0: its unigrams first, then its bigrams; phrases never overlap.
    slot = np.concatenate([p0[uni] + uni, p1[bi] + bi])
    rows = np.concatenate([row[uni], row[bi]])
    del s, pos, brk, p0, p1, row, uni, bi
    uniq, inv = np.unique(keys, return_inverse=True)
    first = np.full(uniq.size, np.iinfo(np.int64).max)
    np.minimum.at(first, inv.ravel(), slot)
    by_first = np.argsort(first)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[by_first] = np.arange(uniq.size)
    pairs, counts = np.unique(rows * _PAIR + rank[inv.ravel()], return_counts=True)
    cols = (pairs % _PAIR).astype(np.int32)
    lengths = np.bincount(pairs // _PAIR, minlength=len(texts))
    syl = _SYL_STRS
    terms = [syl[k] if k < _PAIR else f"{syl[k // _PAIR - 1]} {syl[k % _PAIR]}"
             for k in uniq[by_first].tolist()]
    wide = counts.size and counts.max() > np.iinfo(np.uint16).max
    return terms, cols, counts.astype(np.int32 if wide else np.uint16), lengths


def count_matrix(texts: Sequence[Text], vocab: dict[str, int] | None = None,
                 n_cols: int | None = None, workers: int = 1, batch: int = 500) -> sp.csr_matrix:
    """Token counts (rows = texts), columns from ``vocab`` which grows with new terms.

    Same result as scikit-learn's ``CountVectorizer(analyzer=analyze)`` (tested), with
    columns numbered in order of first appearance. Batches of ``batch`` texts may run in
    ``workers`` forked processes; they are merged in order, so the result is the same.
    Counts are uint16 (int32 if a count exceeds 65,535), columns int32: 6 bytes an entry.
    """
    vocab = {} if vocab is None else vocab
    # Batches are appended to two arrays grown in place (realloc moves big blocks with
    # mremap, no copy): per-batch parts joined at the end would need 2x, and glibc keeps
    # the freed parts' heap pages.
    all_cols = np.empty(1 << 16, dtype=np.int32)
    all_data = np.empty(1 << 16, dtype=np.uint16)
    nnz = 0
    lengths = np.zeros(len(texts), dtype=np.int64)
    r = 0
    # Texts are made in the parent and sent (see parallel.py: cheaper than copy-on-write).
    for terms, cols, counts, lens in parallel.map_batches(_count_batch, texts, batch, workers,
                                                          prepare=_texts):
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), dtype=np.int32,
                          count=len(terms))
        end = nnz + cols.size
        if end > all_cols.size:
            size = max(end, all_cols.size * 5 // 4)
            all_cols.resize(size, refcheck=False)  # private arrays: no view of them exists
            all_data.resize(size, refcheck=False)
        if counts.dtype != all_data.dtype and np.can_cast(all_data.dtype, counts.dtype):
            all_data = all_data.astype(counts.dtype)  # a count above 65,535: rare
        all_cols[nnz:end] = ids[cols]
        all_data[nnz:end] = counts
        nnz = end
        lengths[r:r + lens.size] = lens
        r += lens.size
    all_cols.resize(nnz, refcheck=False)
    all_data.resize(nnz, refcheck=False)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    m = sp.csr_matrix((all_data, all_cols, indptr),
                      shape=(len(texts), len(vocab) if n_cols is None else n_cols))
    m.sort_indices()
    return m


def _grow(box: list[np.ndarray], b: np.ndarray) -> np.ndarray:
    """The array in ``box`` (its only holder) followed by ``b``: in place (realloc, no
    second copy) when nothing else refers to it, else a new array."""
    a = box.pop()
    base = a.base  # scipy keeps a view of the array it was given: grow that array
    if (isinstance(base, np.ndarray) and base.base is None and base.dtype == a.dtype
            and base.shape == a.shape):
        a = base
    del base
    dtype = np.result_type(a.dtype, b.dtype)
    if a.dtype == dtype and a.flags.owndata and a.flags.c_contiguous:
        n = a.size
        try:
            a.resize(n + b.size, refcheck=True)  # refuses if a view or another name holds it
        except ValueError:
            pass
        else:
            a[n:] = b
            return a
    return np.concatenate([a.astype(dtype, copy=False), b.astype(dtype, copy=False)])


def _read_npy(fh) -> np.ndarray:
    """The next .npy section of ``fh``, read into an array that owns its memory (np.load
    returns a view, which could not grow in place)."""
    version = np.lib.format.read_magic(fh)
    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                   else np.lib.format.read_array_header_2_0)
    shape, fortran_order, dtype = read_header(fh)
    if fortran_order or len(shape) != 1 or dtype.hasobject:
        raise ValueError("unexpected array in the related-news cache")
    out = np.empty(shape, dtype=dtype)
    if fh.readinto(memoryview(out).cast("B")) != out.nbytes:
        raise ValueError("truncated related-news cache")
    return out


_FORMAT = 2  # cache file: a pickled header, then .npy sections (indptr, indices, data)


class CountCache:
    """Per-article token counts keyed by content hash, in one file under CACHE_PATH.

    Holds a vocabulary and a CSR count matrix whose rows are hashes. ``counts()``
    tokenises only texts whose hash is missing; ``save()`` keeps only the rows
    used by the last call, so deleted articles do not accumulate. The arrays are stored
    as .npy sections, read straight into arrays this process owns (an edit appends rows
    in place) and written a block at a time (no second copy in memory).
    """

    few_edits_ratio = 1000  # up to vocabulary/ratio new texts: look up their terms only
    block_rows = 2048       # rows gathered at a time when saving
    batch = 500             # texts per batch (and per task of a worker) when counting

    def __init__(self, path: str | None):
        self.path = path
        self._vocab: list[str] | None = []
        self._vocab_text = ""  # as stored: one string, split only when needed
        self.rows: dict[str, int] = {}
        self.matrix = sp.csr_matrix((0, 0), dtype=np.uint16)
        self.last: dict = {}
        self.dirty = False
        if path and os.path.exists(path):
            try:
                self._load(path)
            except Exception:  # a broken cache is rebuilt, never fatal
                self._vocab, self._vocab_text, self.rows = [], "", {}
                self.matrix = sp.csr_matrix((0, 0), dtype=np.uint16)

    def _load(self, path: str) -> None:
        with open(path, "rb") as fh:
            head = pickle.load(fh)
            if head.get("version") != ANALYZER_VERSION:
                return
            if "matrix" in head:  # first format: everything in one pickle
                matrix = head["matrix"]
            else:
                if head.get("format") != _FORMAT:
                    return
                arrays = [_read_npy(fh) for _ in range(3)]
                matrix = sp.csr_matrix((arrays[2], arrays[1], arrays[0]), shape=head["shape"])
                del arrays
        if matrix.shape[0] != len(head["hashes"]) or matrix.shape[1] != head["vocab"].count("\n") + bool(head["vocab"]):
            raise ValueError("inconsistent related-news cache")
        self._vocab, self._vocab_text = None, head["vocab"]
        self.rows = {h: i for i, h in enumerate(head["hashes"])}
        self.matrix = matrix

    @property
    def vocab(self) -> list[str]:
        if self._vocab is None:
            self._vocab = self._vocab_text.split("\n") if self._vocab_text else []
            self._vocab_text = ""
        return self._vocab

    def counts(self, items: Sequence[tuple[str, Text]], gather: bool = True,
               workers: int = 1) -> sp.csr_matrix:
        """Count matrix for ``(hash, text)`` items, in order; columns = ``self.vocab``.

        A text may be a function that makes it: it is called only if its hash is missing.
        With ``gather=False`` it returns the whole cached matrix (no copy) and the rows
        of the items are ``self.last["used"]``: ``tfidf(..., rows=...)`` reads them in blocks.
        """
        missing: dict[str, Text] = {}
        for h, text in items:
            if h not in self.rows and h not in missing:
                missing[h] = text
        if missing:
            vocab = self.vocab
            known = len(vocab)
            texts = list(missing.values())
            if len(texts) * self.few_edits_ratio < known:
                # A few edited articles: map only their terms, not the whole vocabulary.
                texts = [_text(t) for t in texts]
                terms: set[str] = set()
                for text in texts:
                    terms.update(analyze(text))
                index = {t: i for i, t in enumerate(vocab) if t in terms}
                for t in sorted(terms - index.keys()):
                    index[t] = len(vocab)
                    vocab.append(t)
                new = count_matrix(texts, index, n_cols=len(vocab))
            else:
                index = {t: i for i, t in enumerate(vocab)}
                new = count_matrix(texts, index, workers=workers, batch=self.batch)
                vocab.extend(itertools.islice(index, known, None))  # ids are insertion order
            del index, texts
            old = self.matrix
            self.matrix = None  # let the old arrays go as soon as they are copied
            base = old.shape[0]
            for off, h in enumerate(missing):
                self.rows[h] = base + off
            if base == 0:
                self.matrix = sp.csr_matrix(new, shape=(new.shape[0], len(vocab)))
            else:
                nnz = old.nnz
                boxes = [[old.data], [old.indices], [old.indptr.astype(np.int64)]]
                del old  # its arrays can then grow in place
                self.matrix = sp.csr_matrix(
                    (_grow(boxes[0], new.data), _grow(boxes[1], new.indices),
                     _grow(boxes[2], new.indptr[1:] + nnz)),
                    shape=(base + new.shape[0], len(vocab)))
            del new
        order = np.fromiter((self.rows[h] for h, _ in items), dtype=np.int64, count=len(items))
        self.last = {"tokenized": len(missing), "cached": len(items) - len(missing),
                     "used": order}
        same = len(order) == self.matrix.shape[0] and (order == np.arange(len(order))).all()
        self.dirty = self.dirty or bool(missing) or not same  # until saved
        if same or not gather:
            return self.matrix  # rows already in order, or the caller gathers them
        return self.matrix[order]

    def save(self) -> None:
        if not self.path:
            return
        used = self.last.get("used")
        if used is None or not self.dirty:
            return  # nothing new: the file on disk is already right
        keep = np.array(list(dict.fromkeys(used.tolist())), dtype=np.int64)  # in docs' order
        m = self.matrix
        blocks = [keep[i:i + self.block_rows] for i in range(0, keep.size, self.block_rows)]
        in_use = np.zeros(m.shape[1], dtype=bool)
        for b in blocks:
            in_use[m[b].indices] = True
        cols = np.flatnonzero(in_use)
        remap = np.full(m.shape[1], -1, dtype=np.int32)
        remap[cols] = np.arange(cols.size, dtype=np.int32)
        vocab = self.vocab
        if cols.size < len(vocab):  # drop terms no kept row uses
            vocab = [vocab[c] for c in cols]
        inverse = {i: h for h, i in self.rows.items()}
        lengths = np.diff(m.indptr)[keep]
        indptr = np.zeros(keep.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        head = {"version": ANALYZER_VERSION, "format": _FORMAT, "vocab": "\n".join(vocab),
                "hashes": [inverse[i] for i in keep.tolist()], "shape": (keep.size, cols.size)}
        path = os.path.abspath(self.path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # atomic: a killed build never leaves half a cache
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(head, fh, protocol=pickle.HIGHEST_PROTOCOL)
                del head
                np.save(fh, indptr)
                for name, dtype in (("indices", np.int32), ("data", m.data.dtype)):
                    np.lib.format.write_array_header_2_0(fh, {
                        "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                        "fortran_order": False, "shape": (int(indptr[-1]),)})
                    for b in blocks:
                        part = m[b].indices if name == "indices" else m[b].data
                        (remap[part] if name == "indices" else part).astype(dtype, copy=False).tofile(fh)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
            self.dirty = False
        except BaseException:
            os.unlink(tmp)
            raise


# --- vectors --------------------------------------------------------------------

def _bincount(values: np.ndarray, n: int, step: int = 1 << 22) -> np.ndarray:
    """``np.bincount(values, minlength=n)`` a slice at a time: bincount copies int32 input
    to int64 first, 700 MB for the 88 M entries of a 100k-article count matrix."""
    out = np.zeros(n, dtype=np.int64)
    for i in range(0, values.size, step):
        out += np.bincount(values[i:i + step], minlength=n)
    return out


def tfidf(counts: sp.csr_matrix, min_df: int = 2, max_df: float = 0.5,
          top_terms: int | None = None, max_df_count: int | None = None,
          chunk_rows: int = 2048, rows: np.ndarray | None = None) -> sp.csr_matrix:
    """Document-frequency cut, sublinear TF-IDF, optional top-terms pruning; rows L2 = 1.

    Weights are exactly scikit-learn's ``TfidfTransformer(sublinear_tf=True)`` (smooth
    idf = ln((1 + n) / (1 + df)) + 1; tested equal), computed a block of rows at a
    time so that a 100k-article archive never holds more than one float copy of a block.
    """
    n = counts.shape[0] if rows is None else len(rows)
    if n == 0 or counts.shape[1] == 0:
        return sp.csr_matrix((n, 0), dtype=np.float32)
    df = _bincount(counts.indices, counts.shape[1])
    if rows is not None:
        # Document frequency of the selected rows: all rows, minus the few unused ones
        # (an edited article's old counts), plus any row used twice.
        mult = np.bincount(rows, minlength=counts.shape[0])
        unused = np.flatnonzero(mult == 0)
        repeated = np.repeat(np.arange(mult.size), np.maximum(mult - 1, 0))
        for extra, sign in ((unused, -1), (repeated, 1)):
            if extra.size:
                df += sign * _bincount(counts[extra].indices, counts.shape[1])
    cap = max_df * n if max_df_count is None else min(max_df * n, max_df_count)
    keep = np.flatnonzero((df >= min_df) & (df <= cap))
    if keep.size == 0:
        return sp.csr_matrix((n, 0), dtype=np.float32)
    remap = np.full(counts.shape[1], -1, dtype=np.int32)
    remap[keep] = np.arange(keep.size, dtype=np.int32)
    idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
    parts = []
    for r0 in range(0, n, chunk_rows):
        sub = counts[r0:r0 + chunk_rows] if rows is None else counts[rows[r0:r0 + chunk_rows]]
        cols = remap[sub.indices]
        mask = cols >= 0
        indptr = np.concatenate([[0], np.cumsum(mask)])[sub.indptr]
        cols = cols[mask]
        data = (np.log(sub.data[mask].astype(np.float32)) + 1.0) * idf[cols]
        x = sp.csr_matrix((data, cols, indptr), shape=(sub.shape[0], keep.size))
        parts.append(prune_rows(x, top_terms) if top_terms else x)
    return normalize_rows(sp.vstack(parts, format="csr"))


def _row_order(x: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries of a CSR matrix ordered by row, then value desc, then column; with each
    entry's row and its rank within the row. One float sort instead of a 3-key lexsort."""
    x.sort_indices()
    lengths = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    scale = float(np.abs(x.data).max()) * 2 + 1 if x.nnz else 1.0
    order = np.argsort(rows * scale - x.data.astype(np.float64), kind="stable")
    rank = np.arange(order.size) - np.repeat(x.indptr[:-1], lengths)
    return order, rows, rank


def prune_rows(x: sp.csr_matrix, m: int) -> sp.csr_matrix:
    """Keep the ``m`` largest entries of each row (ties: lower column first)."""
    x = x.tocsr()
    lengths = np.diff(x.indptr)
    if lengths.size == 0 or lengths.max() <= m:
        return x
    order, _, rank = _row_order(x)
    keep = np.sort(order[rank < m])  # back to row/column order
    indptr = np.concatenate([[0], np.cumsum(np.minimum(lengths, m))])
    return sp.csr_matrix((x.data[keep], x.indices[keep], indptr), shape=x.shape)


def normalize_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    x = x.tocsr().astype(np.float32)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags((1.0 / norms).astype(np.float32)) @ x


@lru_cache(maxsize=1 << 16)
def _tag_key(tag: str) -> str:
    return vietnamese.normalize(tag.strip()).lower()


def tag_matrix(tag_lists: Sequence[Sequence[str]], max_df: float = 1.0,
               max_df_count: int | None = None) -> sp.csr_matrix:
    """Tags weighted by rarity: idf = ln(n / df); rows L2-normalised.

    A tag on every article weighs 0; a tag on more than ``max_df`` of them is dropped.
    """
    n = len(tag_lists)
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, tags in enumerate(tag_lists):
        for t in sorted({_tag_key(str(t)) for t in tags}):
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, len(vocab)))
    if not vocab:
        return m
    df = np.bincount(m.indices, minlength=len(vocab)).astype(np.float64)
    idf = np.log(n / np.maximum(df, 1))
    cap = max_df * n if max_df_count is None else min(max_df * n, max_df_count)
    idf[(df < 2) | (df > cap)] = 0.0
    m = m @ sp.diags(idf.astype(np.float32))
    m.eliminate_zeros()
    return normalize_rows(m)


# --- top-k --------------------------------------------------------------------

def _sparse_topk(s: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row top-k of the stored entries of ``s``: (cols, vals), padded with -1/-inf.

    Ties go to the lower column, so results do not depend on storage order.
    """
    n = s.shape[0]
    cols = np.full((n, k), -1, dtype=np.int64)
    vals = np.full((n, k), -np.inf, dtype=np.float32)
    if s.nnz == 0:
        return cols, vals
    order, rows, rank = _row_order(s)
    sel = order[rank < k]
    r = rows[sel]
    pos = rank[rank < k]
    cols[r, pos] = s.indices[sel]
    vals[r, pos] = s.data[sel]
    return cols, vals


def _threads() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def topk(x: sp.csr_matrix, k: int, chunk_size: int = 2000, y: sp.csr_matrix | None = None,
         exclude_self: bool = True, min_value: float = 0.0,
         keys: np.ndarray | None = None, max_gap: float | None = None):
    """Top-k columns of ``x @ y.T`` (``y`` defaults to ``x``), a chunk of rows at a time.

    Each chunk is one ``sparse_dot_topn.sp_matmul_topn`` call (C++, keeps only the
    top entries per row, so memory stays O(rows * k)). With sorted ``keys`` (day
    numbers) and ``max_gap``, a chunk is multiplied only against the columns whose
    key can be within ``max_gap`` of one of its rows. Only entries > ``min_value``
    count; ties go to the lower column. Returns (cols, vals), shape (n, k), padded -1/-inf.
    """
    y = x if y is None else y
    n = x.shape[0]
    cols = np.full((n, k), -1, dtype=np.int64)
    vals = np.full((n, k), -np.inf, dtype=np.float32)
    extra = 1 if exclude_self else 0
    current = None
    for start in range(0, n, chunk_size):
        end = min(start + chunk_size, n)
        lo, hi = window(start, end, y.shape[0], chunk_size, keys, max_gap)
        if hi <= lo:
            continue
        if current is None or current[:2] != (lo, hi):
            current = (lo, hi, y[lo:hi].T.tocsr())  # transposed once per distinct window
        # Ask for k+1 (self) plus a margin so ties at the cut are resolved by column, not by chance.
        s = sp_matmul_topn(x[start:end], current[2], top_n=min(k + extra + 8, hi - lo),
                           threshold=min_value, sort=False, n_threads=_threads())
        s = sp.csr_matrix(s)
        _drop(s, start, lo, exclude_self, min_value)
        c, v = _sparse_topk(s, k)
        cols[start:end] = np.where(c >= 0, c + lo, -1)
        vals[start:end] = v
    return cols, vals


def window(start: int, end: int, n: int, chunk_size: int, keys: np.ndarray | None,
           max_gap: float | None) -> tuple[int, int]:
    """Columns [lo, hi) that rows [start, end) are compared with: every column whose key
    is within ``max_gap`` of one of the rows, widened to a grid of ``n // 8`` so that
    neighbouring chunks share a window (and its transposed matrix)."""
    if keys is None or max_gap is None or n == 0:
        return 0, n
    lo = int(np.searchsorted(keys, keys[start] - max_gap, side="left"))
    hi = int(np.searchsorted(keys, keys[end - 1] + max_gap, side="right"))
    q = max(chunk_size, -(-n // 8))
    return (lo // q) * q, min(n, -(-hi // q) * q)


def _drop(s: sp.csr_matrix, start: int, lo: int, exclude_self: bool, min_value: float):
    rows = np.repeat(np.arange(s.shape[0]), np.diff(s.indptr))
    bad = s.data <= min_value
    if exclude_self:
        bad |= (s.indices + lo) == (rows + start)
    if bad.any():
        s.data[bad] = 0
        s.eliminate_zeros()


# --- ranking --------------------------------------------------------------------

def _days(d: datetime.datetime) -> float:
    return d.timestamp() / 86400.0


def compute(docs: Sequence[Doc], config: Config | None = None,
            cache: CountCache | None = None) -> Result:
    """Related and "may interest" slugs for every doc."""
    cfg = config or Config()
    # Canonical order (date, slug): results never depend on the input order.
    docs = sorted(docs, key=lambda d: (_days(d.date), d.slug))
    n = len(docs)
    slugs = [d.slug for d in docs]
    if n == 0:
        return Result({}, {}, {}, {"articles": 0})
    cache = cache or CountCache(None)
    # Texts are made only for articles missing from the cache (bound methods are lazy).
    counts = cache.counts([(d.hash, d.read_full_text) for d in docs], gather=False,
                          workers=cfg.workers)
    x = tfidf(counts, cfg.min_df, cfg.max_df, cfg.top_terms, cfg.max_df_count,
              rows=cache.last["used"])
    t = tag_matrix([d.tags for d in docs], cfg.tag_max_df, cfg.tag_max_df_count)
    days = np.array([_days(d.date) for d in docs])
    cats = np.unique([d.category for d in docs], return_inverse=True)[1]
    slug_rank = np.argsort(np.argsort(np.array(slugs, dtype=object)))
    max_gap = cfg.max_age_days

    pool = max(cfg.pool, cfg.k * 3)
    # One matrix whose dot product is w_text * text cosine + w_tags * tag cosine.
    m = sp.hstack([x * np.float32(math.sqrt(cfg.w_text)), t * np.float32(math.sqrt(cfg.w_tags))],
                  format="csr", dtype=np.float32)
    cand, base = topk(m, pool, cfg.chunk_size, min_value=cfg.min_score - 1e-6,
                      keys=days if max_gap is not None else None, max_gap=max_gap)
    # Near-duplicates (reposts): text cosine >= threshold implies base >= w_text * threshold,
    # so only those few pairs need their exact text cosine.
    dup_pairs: list[tuple[int, int]] = []
    ii, jj = np.nonzero(base >= cfg.w_text * cfg.near_duplicate - 1e-6)
    if ii.size:
        a, b = ii, cand[ii, jj]
        cos = np.asarray(x[a].multiply(x[b]).sum(axis=1)).ravel()
        dup = cos >= cfg.near_duplicate - 1e-6
        dup_pairs = list(zip(a[dup].tolist(), b[dup].tolist()))

    # Rerank the pool with category and recency bonuses; vectorised, a block of rows at a
    # time (a dozen float64 temporaries of the whole pool would be ~300 MB at 100k).
    for r0 in range(0, n, 8192):
        rows = slice(r0, min(r0 + 8192, n))
        c = cand[rows]
        valid = c >= 0
        safe = np.where(valid, c, 0)
        gap = np.abs(days[safe] - days[rows, None])
        score = base[rows].astype(np.float64)
        score += cfg.w_category * (cats[safe] == cats[rows, None])
        score += cfg.w_recency * np.exp2(-gap / cfg.recency_half_life_days)
        if max_gap is not None:
            valid &= gap <= max_gap
        score = np.where(valid, np.round(score, 6), -np.inf)
        # Order: score desc, then newer first, then slug; invalid last.
        order = np.lexsort((slug_rank[safe], -days[safe], -score), axis=1)
        cand[rows] = np.take_along_axis(np.where(valid, c, -1), order, axis=1)
    del valid, safe, gap, score, order, c

    index = {s: i for i, s in enumerate(slugs)}
    dups: dict[int, set[int]] = {}
    for a, b in dup_pairs:
        dups.setdefault(a, set()).add(b)
        dups.setdefault(b, set()).add(a)
        cand[a][cand[a] == b] = -1
        cand[b][cand[b] == a] = -1
    k = cfg.k
    # Plain articles, vectorised: related = first k valid candidates; "may interest" =
    # the next valid ones from another category.
    valid = cand >= 0
    rank = np.cumsum(valid, axis=1) - 1
    rel_mask = valid & (rank < k)
    other = valid & ~rel_mask & (cats[np.where(valid, cand, 0)] != cats[:, None])
    other &= (np.cumsum(other, axis=1) <= k)
    slug_arr = np.array(slugs, dtype=object)
    rel_rows = _rows(cand, rel_mask, slug_arr)
    may_rows = _rows(cand, other, slug_arr)
    related = dict(zip(slugs, rel_rows))
    may = dict(zip(slugs, may_rows))
    # Articles with editor overrides, or with reposts among their candidates (a list
    # never shows two copies of one story): one by one.
    has_dup = np.zeros(n + 1, dtype=bool)
    has_dup[list(dups)] = True
    slow = set(np.flatnonzero(has_dup[cand].any(axis=1)).tolist())
    slow.update(i for i, d in enumerate(docs) if d.no_related or d.related or d.related_exclude)
    for i in sorted(slow):
        d = docs[i]
        if d.no_related:
            related[d.slug], may[d.slug] = [], []
            continue
        excluded = {index[s] for s in d.related_exclude if s in index} | {i}
        pinned: list[int] = []
        for s in d.related:
            j = index.get(s)
            if j is not None and j not in excluded and j not in pinned:
                pinned.append(j)
        rel = pinned[:k]
        shown = set(rel)
        for j in rel:
            shown |= dups.get(j, set())
        more: list[int] = []
        for j in cand[i].tolist():
            if j < 0 or j in excluded or j in shown:
                continue
            if len(rel) < k:
                rel.append(j)
            elif cats[j] != cats[i] and len(more) < k:
                more.append(j)
            else:
                continue
            shown.add(j)
            shown |= dups.get(j, set())
        related[d.slug] = [slugs[j] for j in rel]
        may[d.slug] = [slugs[j] for j in more]
    duplicates = {slugs[a]: sorted(slugs[b] for b in bs) for a, bs in dups.items()}
    stats = {"articles": n, "terms": x.shape[1], "tags": t.shape[1],
             "tokenized": cache.last.get("tokenized", n), "cached": cache.last.get("cached", 0),
             "near_duplicates": len(duplicates)}
    return Result(related, may, duplicates, stats)


def _rows(cand: np.ndarray, mask: np.ndarray, slug_arr: np.ndarray) -> list[list[str]]:
    """Per row, the slugs of ``cand`` where ``mask`` is set, in column order."""
    counts = mask.sum(axis=1)
    flat = slug_arr[cand[mask]].tolist()
    bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
    return [flat[bounds[r]:bounds[r + 1]] for r in range(len(counts))]


def same_category(docs: Iterable[Doc], k: int = 5) -> dict[str, list[str]]:
    """Newest ``k`` articles of each article's category, excluding itself."""
    by_cat: dict[str, list[Doc]] = {}
    for d in docs:
        by_cat.setdefault(d.category, []).append(d)
    out: dict[str, list[str]] = {}
    for group in by_cat.values():
        group.sort(key=lambda d: (-_days(d.date), d.slug))
        head = [d.slug for d in group[: k + 1]]
        for d in group:
            out[d.slug] = [s for s in head if s != d.slug][:k]
    return out

