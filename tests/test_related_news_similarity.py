"""The pure related-news module, without Pelican."""

from __future__ import annotations

import datetime
import random
import unicodedata

import numpy as np
import pytest
import scipy.sparse as sp

from plugins.related_news import (
    config,
    count_cache,
    counts,
    model,
    ranking,
    same_category,
    tokens,
    topk,
    vectors,
)

TZ = datetime.timezone(datetime.timedelta(hours=7))


def day(n: int) -> datetime.datetime:
    return datetime.datetime(2024, 1, 1, 8, 30, tzinfo=TZ) + datetime.timedelta(days=n)


def doc(slug, text, d=0, category="Kinh tế", tags=(), title="", **kw) -> model.Doc:
    return model.Doc(slug=slug, title=title, text=text, date=day(d),
                 category=category, tags=list(tags), **kw)


NOISE = ["Huyện đoàn tổ chức hiến máu tình nguyện tại nhà văn hóa.",
         "Chợ phiên thị trấn bày bán măng rừng, mật ong và thổ cẩm.",
         "Công an xã tuyên truyền phòng chống ma túy cho thanh niên.",
         "Trường mầm non khai giảng lớp học tiếng Việt cho trẻ dân tộc.",
         "Hợp tác xã chè thu mua búp tươi với giá ổn định.",
         "Hội Nông dân tập huấn kỹ thuật nuôi ong lấy mật."]


def with_noise(docs: list[model.Doc]) -> list[model.Doc]:
    """Unrelated articles, so that the document-frequency cut behaves as on a real site."""
    return docs + [doc(f"nhieu-{i}", t, d=-50 - i, category="Chính trị") for i, t in enumerate(NOISE)]


# Four topics, four articles each: distinct event vocabulary, shared district filler.
FILLER = "Ủy ban nhân dân huyện Nậm Păng đề nghị các xã tiếp tục theo dõi, báo cáo kết quả."
TOPICS = {
    "lu": ["Lũ quét tràn qua bản Huổi Khe xã Nà Hu cuốn trôi nhà cửa và ruộng lúa.",
           "Bộ đội giúp bà con Nà Hu dọn bùn đất sau trận lũ quét, dựng lại nhà cửa.",
           "Nà Hu nhận gạo cứu trợ cho các hộ bị lũ quét cuốn trôi nhà cửa.",
           "Sau lũ quét, xã Nà Hu gieo cấy lại ruộng lúa bị bùn đất vùi lấp."],
    "hoaban": ["Lễ hội hoa ban năm nay có thi người đẹp hoa ban và múa xòe.",
               "Hàng nghìn du khách về lễ hội hoa ban xem múa xoè bên suối.",
               "Các bản chuẩn bị gian hàng ẩm thực cho lễ hội hoa ban, tập múa xòe.",
               "Lễ hội hoa ban khép lại với đêm múa xòe đoàn kết quanh đống lửa."],
    "soi": ["Trạm y tế tiêm vắc xin sởi cho trẻ dưới năm tuổi ở các bản vùng cao.",
            "Tổ tiêm lưu động mang vắc xin sởi vào bản, trẻ được khám trước khi tiêm.",
            "Tỷ lệ trẻ được tiêm vắc xin sởi đạt chín mươi tám phần trăm.",
            "Cha mẹ đưa trẻ đi tiêm mũi hai vắc xin sởi tại trạm y tế xã."],
    "cau": ["Khởi công cầu treo Pá Hon bắc qua suối Nậm Khao, dài tám mươi mét.",
            "Cầu treo Pá Hon đã lắp xong cáp thép, nhà thầu đổ bê tông mố cầu.",
            "Học sinh Pá Hon không còn phải lội suối Nậm Khao khi cầu treo thông xe.",
            "Nghiệm thu cầu treo Pá Hon, bàn giao cho xã quản lý và bảo trì."],
}


def cluster_docs(shuffle_seed: int | None = None) -> list[model.Doc]:
    docs = []
    for t, (topic, texts) in enumerate(TOPICS.items()):
        for i, text in enumerate(texts):
            docs.append(doc(f"{topic}-{i}", f"{text} {FILLER}", d=10 * t + i,
                            category=["Kinh tế", "Văn hóa - Xã hội"][i % 2]))
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(docs)
    return docs


# --- tokens ---------------------------------------------------------------------

def test_tone_placement_variants_give_the_same_tokens():
    assert tokens.analyze("Hoà bình, thuỷ lợi") == tokens.analyze("Hòa bình, thủy lợi")
    nfd = unicodedata.normalize("NFD", "Hòa bình")
    assert tokens.analyze(nfd) == tokens.analyze("Hòa bình") == ["hòa", "bình", "hòa bình"]


def test_bigrams_stop_at_punctuation():
    toks = tokens.analyze("Nông thôn mới. Dân vận khéo")
    assert "nông thôn" in toks and "thôn mới" in toks and "dân vận" in toks
    assert "mới dân" not in toks
    assert "nông thôn mới" not in toks  # 1-2-grams only
    assert "a b" not in tokens.analyze("a,b")


def test_content_hash_changes_with_text_only():
    a = tokens.content_hash("Tiêu đề", "Nội dung")
    assert a == tokens.content_hash("Tiêu đề", "Nội dung")
    assert a != tokens.content_hash("Tiêu đề", "Nội dung mới")
    assert a != tokens.content_hash("Tiêu đề khác", "Nội dung")


# --- top-k ----------------------------------------------------------------------

def brute_topk(x, k, min_value=0.0):
    dense = (x @ x.T).toarray()
    np.fill_diagonal(dense, -np.inf)
    out = []
    for row in dense:
        cols = [j for j in np.lexsort((np.arange(row.size), -row)) if row[j] > min_value][:k]
        out.append(cols)
    return out


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_chunked_topk_matches_brute_force(chunk):
    rng = np.random.default_rng(3)
    x = sp.random(300, 80, density=0.05, format="csr", random_state=rng, dtype=np.float32)
    x = vectors.normalize_rows(x)
    cols, vals = topk.topk(x, 6, chunk_size=chunk, min_value=0.0)
    expect = brute_topk(x, 6)
    dense = (x @ x.T).toarray()
    for i in range(x.shape[0]):
        got = [c for c in cols[i].tolist() if c >= 0]
        assert len(got) == len(expect[i])
        # same scores (float ties may swap equal entries, never change the values)
        np.testing.assert_allclose(sorted(dense[i, got]), sorted(dense[i, expect[i]]), rtol=1e-5)
        np.testing.assert_allclose(vals[i, : len(got)], dense[i, got], rtol=1e-5)


def test_topk_date_window_is_exact_within_the_chunk_window():
    rng = np.random.default_rng(5)
    x = vectors.normalize_rows(sp.random(120, 30, density=0.2, format="csr", random_state=rng, dtype=np.float32))
    keys = np.sort(rng.uniform(0, 1000, 120))
    chunk, gap = 16, 100.0
    cols, vals = topk.topk(x, 5, chunk_size=chunk, keys=keys, max_gap=gap)
    dense = (x @ x.T).toarray()
    outside = 0
    for i in range(120):
        start = i - i % chunk
        lo, hi = topk.window(start, min(start + chunk, 120), 120, chunk, keys, gap)
        window = [j for j in range(lo, hi) if j != i]
        # the chunk window contains every column within `gap` of the row
        assert all(abs(keys[j] - keys[i]) > gap or j in window for j in range(120) if j != i)
        outside += 120 - 1 - len(window)
        best = sorted((dense[i, j] for j in window if dense[i, j] > 0), reverse=True)[:5]
        got = [c for c in cols[i].tolist() if c >= 0]
        assert set(got) <= set(window)
        np.testing.assert_allclose(vals[i, : len(got)], best, rtol=1e-5)
    assert outside > 0  # the window really skipped columns


def test_sparse_topk_ties_go_to_lower_column():
    s = sp.csr_matrix(np.array([[0.5, 0.5, 0.5, 0.9, 0.0]], dtype=np.float32))
    cols, vals = topk._sparse_topk(s, 3)
    assert cols[0].tolist() == [3, 0, 1]


# --- ranking --------------------------------------------------------------------

def test_cluster_mates_come_first_and_order_does_not_matter():
    cfg = config.Config(k=3)
    base = ranking.compute(cluster_docs(), cfg)
    for slug, rel in base.related.items():
        topic = slug.rsplit("-", 1)[0]
        assert sorted(rel) == sorted(f"{topic}-{i}" for i in range(4) if f"{topic}-{i}" != slug), slug
    for seed in (1, 2):
        again = ranking.compute(cluster_docs(seed), cfg)
        assert again.related == base.related
        assert again.may_interest == base.may_interest


def test_may_interest_is_other_categories_only():
    r = ranking.compute(cluster_docs(), config.Config(k=3))
    cats = {d.slug: d.category for d in cluster_docs()}
    assert any(r.may_interest.values())
    for slug, items in r.may_interest.items():
        assert all(cats[s] != cats[slug] for s in items)
        assert not set(items) & set(r.related[slug])


def test_exact_ties_break_by_newer_date_then_slug():
    text = "Cầu treo Pá Hon bắc qua suối Nậm Khao."
    docs = with_noise([doc("goc", text + " Khởi công.", d=0),
                       doc("b-moi", text, d=5), doc("a-moi", text, d=5), doc("cu", text, d=3)])
    cfg = config.Config(k=3, w_recency=0.0, w_category=0.0, near_duplicate=1.01)
    r = ranking.compute(docs, cfg)
    assert r.related["goc"] == ["a-moi", "b-moi", "cu"]
    assert ranking.compute(list(reversed(docs)), cfg).related == r.related


def test_near_duplicates_are_dropped():
    story = "Xã Nà Hu tổ chức trồng rừng thay thế trên diện tích bị cháy năm ngoái."
    docs = with_noise([doc("goc", story, d=0), doc("dang-lai", story + " ", d=1),
                       doc("lien-quan", "Nà Hu trồng rừng, chăm sóc rừng phòng hộ đầu nguồn.", d=2)])
    r = ranking.compute(docs, config.Config(k=5))
    assert "dang-lai" not in r.related["goc"] and "goc" not in r.related["dang-lai"]
    assert r.duplicates["goc"] == ["dang-lai"]
    assert r.related["goc"][0] == "lien-quan"
    # a third article shows the story once, not both copies
    assert len({"goc", "dang-lai"} & set(r.related["lien-quan"])) == 1
    # with a threshold above 1 nothing is a duplicate
    assert "dang-lai" in ranking.compute(docs, config.Config(k=5, near_duplicate=1.5)).related["goc"]


def test_max_age_keeps_old_articles_out():
    text = "Hội thi văn nghệ quần chúng các dân tộc huyện Nậm Păng."
    docs = with_noise([doc("nam-nay", text, d=800), doc("nam-ngoai", text + " Lần thứ nhất.", d=500),
                       doc("lau-roi", text + " Lần thứ hai.", d=0)])
    cfg = config.Config(near_duplicate=1.5, max_age_days=365)
    r = ranking.compute(docs, cfg)
    assert r.related["nam-nay"][0] == "nam-ngoai" and "lau-roi" not in r.related["nam-nay"]
    assert not {"nam-nay", "nam-ngoai"} & set(r.related["lau-roi"])
    unlimited = ranking.compute(docs, config.Config(near_duplicate=1.5, max_age_days=None))
    assert set(unlimited.related["nam-nay"][:2]) == {"nam-ngoai", "lau-roi"}


def test_recency_and_category_break_otherwise_equal_candidates():
    text = "Giải bóng đá thiếu niên nhi đồng huyện Nậm Păng."
    docs = with_noise([doc("goc", text + " Khai mạc.", d=100, category="Văn hóa - Xã hội"),
                       doc("xa", text, d=10, category="Kinh tế"), doc("gan", text, d=95, category="Kinh tế"),
                       doc("cung-muc", text, d=10, category="Văn hóa - Xã hội")])
    cfg = config.Config(near_duplicate=1.5, w_category=0.2, w_recency=0.1)
    assert ranking.compute(docs, cfg).related["goc"][:3] == ["cung-muc", "gan", "xa"]
    cfg = config.Config(near_duplicate=1.5, w_category=0.0, w_recency=0.1)
    assert ranking.compute(docs, cfg).related["goc"][0] == "gan"


def test_rare_shared_tag_outweighs_common_one():
    common = ["Nậm Păng"]
    docs = [doc(f"x{i}", f"Tin số {i}.", d=i, tags=common) for i in range(8)]
    docs += [doc("a", "Hội nghị.", d=20, tags=common + ["cầu treo"]),
             doc("b", "Bàn giao.", d=21, tags=common + ["cầu treo"])]
    t = vectors.tag_matrix([d.tags for d in docs])
    # tag on every article weighs nothing; the rare one makes a and b neighbours
    assert (t[0] @ t[1].T).toarray()[0, 0] == 0
    r = ranking.compute(docs, config.Config(k=3, w_text=0.0, w_tags=1.0))
    assert r.related["a"] == ["b"] and r.related["x0"] == []
    # tag names are normalised like the text: "thuỷ lợi" == "Thủy lợi"
    t = vectors.tag_matrix([["thuỷ lợi"], ["Thủy lợi"], ["khác"]])
    assert t.shape[1] == 2


def test_overrides_pin_exclude_and_disable():
    docs = cluster_docs()
    by = {d.slug: d for d in docs}
    by["lu-0"].related = ["cau-2", "khong-co", "lu-0"]   # unknown and self are ignored here
    by["lu-0"].related_exclude = ["lu-1"]
    by["soi-0"].no_related = True
    r = ranking.compute(docs, config.Config(k=3))
    assert r.related["lu-0"] == ["cau-2", "lu-2", "lu-3"] or r.related["lu-0"] == ["cau-2", "lu-3", "lu-2"]
    assert "lu-1" not in r.related["lu-0"] and "lu-1" not in r.may_interest["lu-0"]
    assert r.related["soi-0"] == [] and r.may_interest["soi-0"] == []
    # pins beyond k are cut, in the editor's order
    by["lu-0"].related = ["cau-3", "soi-1", "hoaban-2", "cau-0"]
    assert ranking.compute(docs, config.Config(k=3)).related["lu-0"] == ["cau-3", "soi-1", "hoaban-2"]


def test_same_category_newest_first_without_itself():
    docs = cluster_docs()
    out = same_category.same_category(docs, k=3)
    econ = sorted((d for d in docs if d.category == "Kinh tế"), key=lambda d: d.date, reverse=True)
    newest = [d.slug for d in econ]
    assert out[newest[0]] == newest[1:4]
    assert out[newest[5]] == newest[:3]


def test_config_rejects_unknown_keys():
    assert config.Config.from_settings({"RELATED_NEWS": {"k": 7}}).k == 7
    with pytest.raises(ValueError, match="weight_text không có trong RELATED_NEWS"):
        config.Config.from_settings({"RELATED_NEWS": {"weight_text": 1}})
    with pytest.raises(ValueError, match="sai kiểu"):
        config.Config.from_settings({"RELATED_NEWS": {"k": "5"}})


# --- cache ----------------------------------------------------------------------

def test_count_cache_tokenises_only_new_or_changed(tmp_path):
    path = str(tmp_path / "counts.pickle")
    docs = cluster_docs()
    c1 = count_cache.CountCache(path)
    r1 = ranking.compute(docs, config.Config(), c1)
    assert r1.stats["tokenized"] == len(docs)
    c1.save()
    c2 = count_cache.CountCache(path)
    r2 = ranking.compute(docs, config.Config(), c2)
    assert (r2.stats["tokenized"], r2.stats["cached"]) == (0, len(docs))
    assert r2.related == r1.related
    docs[3].text += " Cập nhật lúc 17 giờ."
    c2.save()
    r3 = ranking.compute(docs, config.Config(), count_cache.CountCache(path))
    assert r3.stats["tokenized"] == 1



def test_counts_equal_scikit_learn_count_vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [d.full_text for d in cluster_docs()]
    cv = CountVectorizer(analyzer=tokens.analyze)
    expect = cv.fit_transform(texts).toarray()
    vocab: dict[str, int] = {}
    got = counts.count_matrix(texts, vocab)
    order = [vocab[t] for t in cv.get_feature_names_out()]
    assert (got.toarray()[:, order] == expect).all()
    # the cache, filled in two steps, gives the same counts
    cache = count_cache.CountCache(None)
    cache.counts([(tokens.content_hash("", t), t) for t in texts[:5]])
    both = cache.counts([(tokens.content_hash("", t), t) for t in texts])
    index = {t: i for i, t in enumerate(cache.vocab)}
    assert (both.toarray()[:, [index[t] for t in cv.get_feature_names_out()]] == expect).all()


def test_broken_cache_is_rebuilt_not_fatal(tmp_path):
    path = tmp_path / "counts.pickle"
    path.write_bytes(b"not a pickle")
    cache = count_cache.CountCache(str(path))
    r = ranking.compute(cluster_docs(), config.Config(), cache)
    assert r.stats["tokenized"] == 16
    cache.save()
    assert count_cache.CountCache(str(path)).rows  # a valid cache replaced it


def test_tfidf_weights_equal_scikit_learn():
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    cm = counts.count_matrix([d.full_text for d in with_noise(cluster_docs())])
    n = cm.shape[0]
    df = np.bincount(cm.indices, minlength=cm.shape[1])
    keep = np.flatnonzero((df >= 2) & (df <= 0.5 * n))
    expect = normalize(TfidfTransformer(sublinear_tf=True, norm=None).fit_transform(
        cm[:, keep].astype(np.float64)))
    got = vectors.tfidf(cm, min_df=2, max_df=0.5, top_terms=None, chunk_rows=5)
    np.testing.assert_allclose(got.toarray(), expect.toarray(), rtol=1e-5, atol=1e-6)
    # pruning keeps each row's heaviest terms
    pruned = vectors.tfidf(cm, min_df=2, max_df=0.5, top_terms=3, chunk_rows=5)
    assert np.diff(pruned.indptr).max() == 3
    row = expect.toarray()[0]
    assert set(pruned[0].indices) == set(np.argsort(-row, kind="stable")[:3])


@pytest.mark.parametrize("ratio", [0, 10**9])  # whole-vocabulary map / edited terms only
def test_cache_after_an_edit_equals_fresh_counts(tmp_path, ratio):
    from sklearn.feature_extraction.text import CountVectorizer

    path = str(tmp_path / "counts.pickle")
    docs = cluster_docs()
    first = count_cache.CountCache(path)
    first.counts([(d.hash, d.full_text) for d in docs])
    first.save()
    docs[5].text += " Đường Pá Hon mới được trải nhựa."  # new terms too
    cache = count_cache.CountCache(path)
    cache.few_edits_ratio = ratio
    got = cache.counts([(d.hash, d.full_text) for d in docs])
    assert cache.last["tokenized"] == 1
    cv = CountVectorizer(analyzer=tokens.analyze)
    expect = cv.fit_transform([d.full_text for d in docs]).toarray()
    index = {t: i for i, t in enumerate(cache.vocab)}
    assert len(index) == len(cache.vocab) == got.shape[1]
    assert (got.toarray()[:, [index[t] for t in cv.get_feature_names_out()]] == expect).all()
    assert got.sum() == expect.sum()
    cache.save()
    again = count_cache.CountCache(path)
    reloaded = again.counts([(d.hash, d.full_text) for d in docs])
    assert again.last["tokenized"] == 0 and reloaded.sum() == expect.sum()
    index = {t: i for i, t in enumerate(again.vocab)}  # compacted: the old row's terms are gone
    assert (reloaded.toarray()[:, [index[t] for t in cv.get_feature_names_out()]] == expect).all()


def test_tfidf_on_selected_rows_equals_tfidf_on_gathered_rows():
    cm = counts.count_matrix([d.full_text for d in with_noise(cluster_docs())])
    rows = np.array([3, 0, 5, 5, 7, 1, 2, 9, 11, 13])  # unused rows and a repeated one
    a = vectors.tfidf(cm[rows], top_terms=4, chunk_rows=3)
    b = vectors.tfidf(cm, top_terms=4, chunk_rows=3, rows=rows)
    np.testing.assert_allclose(a.toarray(), b.toarray(), rtol=1e-6)
