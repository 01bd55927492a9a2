"""Related-news ranking: Vietnamese syllable TF-IDF, blended score, chunked sparse top-k.

Pure (no Pelican): takes ``Doc`` records, returns slugs. The glue in ``plugin.py``
turns them back into articles.

Pipeline
1. Tokens: syllables from the shared ``plugins.vietnamese`` module (NFC + tone
   placement, so "hoà" == "hòa"), unigrams and bigrams that never cross punctuation.
2. Counts per article are cached by content hash (``CountCache``), so a rebuild
   after one edit tokenises one article. A cold build counts in batches in forked
   worker processes (``plugins.pool.fork_map``); batches are merged in order, so the
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

import datetime
import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from plugins.pool import resolve_workers

from .config import Config
from .count_cache import CountCache
from .model import Doc, Result
from .topk import topk
from .vectors import tag_matrix, tfidf


def _days(d: datetime.datetime) -> float:
    return d.timestamp() / 86400.0


def compute(docs: Sequence[Doc], config: Config | None = None,
            cache: CountCache | None = None) -> Result:
    """Related and "may interest" slugs for every doc."""
    cfg = config or Config()
    workers = resolve_workers(cfg.workers)  # 0 (a Config made by hand): all CPUs
    # Canonical order (date, slug): results never depend on the input order.
    docs = sorted(docs, key=lambda d: (_days(d.date), d.slug))
    n = len(docs)
    slugs = [d.slug for d in docs]
    if n == 0:
        return Result({}, {}, {}, {"articles": 0})
    cache = cache or CountCache(None)
    # Texts are made only for articles missing from the cache (bound methods are lazy).
    counts = cache.counts([(d.hash, d.read_full_text) for d in docs], gather=False,
                          workers=workers)
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
    cand, base = topk(m, pool, cfg.chunk_size, min_value=cfg.min_score - 1e-6, threads=workers,
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
