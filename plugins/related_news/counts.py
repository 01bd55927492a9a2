"""Token counts per article as a sparse matrix, counted in batches by ``plugins.pool``
(merged in order: the vocabulary and counts are the same with any number of workers).
Pure: no Pelican."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from plugins import pool, vietnamese

from .model import Text, _text, _texts
from .tokens import _BREAK_RE

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
    # Texts are made in the parent and sent: a child reading the parent's objects would bump
    # their reference counts and so copy every page it touches (~300 MB a child at 100k).
    ranges = [(a, min(a + batch, len(texts))) for a in range(0, len(texts), batch)]
    for terms, cols, counts, lens in pool.fork_map(
            _count_batch, ranges, workers, chunk=1,
            prepare=lambda rs: [_texts(texts[a:b]) for a, b in rs], label=lambda r: f"articles {r[0]}-{r[1]}"):
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
