"""Chunked sparse top-k products ``X[chunk] @ Y.T`` within a date window. Pure."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn

from .vectors import _row_order


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


def topk(x: sp.csr_matrix, k: int, chunk_size: int = 2000, y: sp.csr_matrix | None = None,
         exclude_self: bool = True, min_value: float = 0.0,
         keys: np.ndarray | None = None, max_gap: float | None = None, threads: int = 1):
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
                           threshold=min_value, sort=False, n_threads=threads)
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
