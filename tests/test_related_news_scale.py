"""Related news at scale: the fast counting path, worker processes, the compact cache.

Each test compares the lean/parallel path with a straightforward reference on the same
input, so a change that alters any related list fails here.
"""

from __future__ import annotations

import pickle
from collections import Counter
from itertools import chain

import numpy as np
import scipy.sparse as sp
from test_related_news_similarity import cluster_docs, with_noise

from plugins.related_news import config, count_cache, counts, model, ranking, tokens
from scripts.gen_corpus import generate

TRICKY = [
    "",
    "   \n\t ",
    "...,;!?",
    "Nông thôn mới. Dân vận khéo",
    "a,b (c) [d]{e} «f» “g” ‘h’ i/j|k – l — m… n",
    "(mở ngoặc đầu và đóng ngoặc cuối).",
    "Hoà bình, thuỷ lợi; Hòa bình, thủy lợi",
    "Ho\u0300a bi\u0300nh NFD",              # decomposed marks
    "Năm 2024 có 12 xã, 3.500 hộ và 1,2 tỷ đồng",
    "ABC123def 456xyz a_b __init__ x² İstanbul ĐỒNG đồng",
    "— đầu gạch ngang —cuối—",
    "một hai ba bốn năm sáu bảy tám chín mười",
]


def corpus(n: int, seed: int = 7) -> list[model.Doc]:
    return [model.Doc(a["slug"], a["title"], a["summary"] + "\n" + a["body"], a["date"], a["category"],
                  list(a["tags"])) for a in generate(n, seed=seed)]


def reference_counts(texts):
    """The counting this module did before the fast path: a Counter per text."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        for term, c in Counter(tokens.analyze(text)).items():
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(c)
    m = sp.csr_matrix((np.array(vals, dtype=np.int32), (rows, cols)), shape=(len(texts), len(vocab)))
    return m, vocab


def same_csr(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    a, b = a.tocsr(), b.tocsr()
    a.sort_indices()
    b.sort_indices()
    return (a.shape == b.shape and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


def test_fast_counts_equal_counter_of_analyze_with_first_seen_columns():
    texts = TRICKY + [d.full_text for d in with_noise(cluster_docs())]
    expect, ref_vocab = reference_counts(texts)
    vocab: dict[str, int] = {}
    got = counts.count_matrix(texts, vocab, batch=5)
    # same columns, numbered in order of first appearance (ties in the ranking depend on it)
    assert list(vocab) == list(ref_vocab) == list(dict.fromkeys(chain.from_iterable(map(tokens.analyze, texts))))
    assert same_csr(got, expect)
    assert got.data.dtype == np.uint16 and got.indices.dtype == np.int32


def test_a_count_above_uint16_stays_exact():
    texts = ["lũ " * 70000, "lũ quét"]
    got = counts.count_matrix(texts, batch=1)
    assert got.data.dtype == np.int32
    assert same_csr(got, reference_counts(texts)[0])


def test_worker_processes_give_identical_counts_and_lists():
    docs = corpus(160)
    texts = [d.full_text for d in docs]
    one = counts.count_matrix(texts, vocab_one := {}, workers=1, batch=1000)
    two = counts.count_matrix(texts, vocab_two := {}, workers=2, batch=7)
    assert list(vocab_one) == list(vocab_two) and same_csr(one, two)
    results = []
    for workers in (1, 2):
        cache = count_cache.CountCache(None)
        cache.batch = 9  # several batches, so two workers really share them
        r = ranking.compute(docs, config.Config(workers=workers), cache)
        assert r.stats["tokenized"] == len(docs)
        results.append((r.related, r.may_interest, r.duplicates))
    assert results[0] == results[1]
    assert any(results[0][0].values())


def test_lean_path_gives_the_lists_of_the_reference_counts():
    """uint16 counts from the fast path vs int32 Counter counts: same lists, same scores."""
    docs = corpus(240, seed=11)
    lean = ranking.compute(docs, config.Config(workers=2), count_cache.CountCache(None))
    ordered = sorted(docs, key=lambda d: (ranking._days(d.date), d.slug))
    ref = count_cache.CountCache(None)
    ref.matrix, vocab = reference_counts([d.full_text for d in ordered])
    ref._vocab = list(vocab)
    ref.rows = {d.hash: i for i, d in enumerate(ordered)}
    expect = ranking.compute(docs, config.Config(), ref)
    assert expect.stats["tokenized"] == 0
    assert lean.related == expect.related and lean.may_interest == expect.may_interest
    assert sum(map(len, lean.related.values())) > len(docs)  # the lists are not empty


def test_lazy_text_is_made_only_for_articles_missing_from_the_cache(tmp_path):
    made = []

    def lazy(doc):
        text = doc.text
        def make():
            made.append(doc.slug)
            return text
        return model.Doc(doc.slug, doc.title, make, doc.date, doc.category, doc.tags,
                     key=tokens.content_hash(doc.title, text))

    plain = with_noise(cluster_docs())
    path = str(tmp_path / "counts.bin")
    first = count_cache.CountCache(path)
    r1 = ranking.compute([lazy(d) for d in plain], config.Config(workers=1), first)
    first.save()
    assert sorted(made) == sorted(d.slug for d in plain)
    assert r1.related == ranking.compute(plain, config.Config()).related
    # closures cannot be pickled: with workers they are called in the parent, batch by batch
    made.clear()
    pooled = count_cache.CountCache(None)
    pooled.batch = 4
    assert ranking.compute([lazy(d) for d in plain], config.Config(workers=2), pooled).related == r1.related
    assert sorted(made) == sorted(d.slug for d in plain)
    made.clear()
    docs = [lazy(d) for d in plain]
    docs[2] = lazy(model.Doc(plain[2].slug, plain[2].title, plain[2].text + " Cập nhật.", plain[2].date,
                         plain[2].category))
    ranking.compute(docs, config.Config(workers=1), count_cache.CountCache(path))
    assert made == [plain[2].slug]


def test_cache_file_round_trip_edit_in_place_and_compaction(tmp_path):
    path = str(tmp_path / "counts.bin")
    docs = corpus(60, seed=5)
    c = count_cache.CountCache(path)
    fresh = ranking.compute(docs, config.Config(), c)
    c.save()
    warm_cache = count_cache.CountCache(path)
    warm = ranking.compute(docs, config.Config(), warm_cache)
    assert warm.stats["tokenized"] == 0 and warm.related == fresh.related
    # edit one article, delete another: one row appended (in place), results = from scratch
    docs[10].text += " Đường Pá Hon mới được trải nhựa."
    del docs[20]
    edit_cache = count_cache.CountCache(path)
    data_id = id(edit_cache.matrix.data.base)  # scipy holds a view of the array read from disk
    edited = ranking.compute(docs, config.Config(), edit_cache)
    assert edited.stats["tokenized"] == 1
    assert id(edit_cache.matrix.data.base) == data_id  # grown in place, not copied
    assert edited.related == ranking.compute(docs, config.Config()).related
    edit_cache.save()
    again = count_cache.CountCache(path)
    assert len(again.rows) == len(docs)  # the deleted and the replaced rows are gone
    assert set(again.vocab) == set(chain.from_iterable(tokens.analyze(d.full_text) for d in docs))
    assert ranking.compute(docs, config.Config(), again).related == edited.related


def test_first_cache_format_still_loads(tmp_path):
    docs = cluster_docs()
    counts, vocab = reference_counts([d.full_text for d in docs])
    path = tmp_path / "counts.pickle"
    path.write_bytes(pickle.dumps({"version": tokens.ANALYZER_VERSION, "vocab": "\n".join(vocab),
                                   "hashes": [d.hash for d in docs], "matrix": counts}))
    r = ranking.compute(docs, config.Config(), count_cache.CountCache(str(path)))
    assert r.stats["tokenized"] == 0 and r.related == ranking.compute(docs, config.Config()).related
