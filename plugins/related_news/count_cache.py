"""The token-count cache file (``CACHE_PATH/related_news/counts.bin``): counts per content
hash, 16-bit, appended in place, so a rebuild after one edit counts one article. Pure."""

from __future__ import annotations

import itertools
import os
import pickle
import tempfile
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .counts import count_matrix
from .model import Text, _text
from .tokens import ANALYZER_VERSION, analyze


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
