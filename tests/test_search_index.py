"""Search index: the Vietnamese lunr pipeline, index contents, shard files, the Node fixture,
and the shared query vectors (also run by tests/js/search.test.mjs with lunr.js)."""

from __future__ import annotations

import gzip
import json
import os
import re
import unicodedata
from pathlib import Path

import brotli
import pytest
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import QueryPresence
from lunr.token import Token

from plugins import vietnamese as vn
from plugins.search_index import builder, pipeline, store

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests/vectors/search_queries.json").read_text(encoding="utf-8"))
FIXTURE = ROOT / "tests/js/fixtures/search"


def docs():
    from generators.make_search_fixture import fixture_docs

    return fixture_docs()


# --- pipeline ---------------------------------------------------------------

def test_labels_registered_like_in_js():
    assert Pipeline.registered_functions["vi-trimmer"] is pipeline.vi_trimmer
    assert Pipeline.registered_functions["vi-dual"] is pipeline.vi_dual


@pytest.mark.parametrize("raw, want", [
    ("(Hộ),", "hộ"), ("ĐƯỜNG", "đường"), ("thuỷ", "thủy"), ("hoà", "hòa"),
    ("d\u00e2\u0300n", "dần"), ("ở", "ở"), ("...", None),
])
def test_trimmer_keeps_vietnamese_letters(raw, want):
    out = pipeline.vi_trimmer(Token(raw))
    assert (str(out) if out is not None else None) == want


def test_dual_emits_exact_and_folded():
    assert [str(t) for t in pipeline.vi_dual(Token("đường"))] == ["đường", "duong"]
    assert str(pipeline.vi_dual(Token("lao"))) == "lao"  # no diacritics: one token
    assert pipeline.index_terms("Dân vận Sìn Hồ") == ["dân", "dan", "vận", "van", "sìn", "sin", "hồ", "ho"]


def test_only_the_trimmer_is_in_the_serialised_search_pipeline():
    b = builder.build_index(docs()[:3], build=True)
    assert b.built.serialize()["pipeline"] == ["vi-trimmer"]


# --- index contents ------------------------------------------------------------

def test_index_holds_exact_and_folded_terms_per_field():
    ds = docs()
    b = builder.build_index(ds, build=True)
    inv = b.inverted_index
    pos = next(i for i, d in enumerate(ds) if d["slug"] == "doi-moi-cong-tac-dan-van")
    for term in ("dân", "dan", "vận", "van"):
        assert str(pos) in inv[term]["title"], term
    assert str(pos) in inv["chính"]["category"] and str(pos) in inv["chinh"]["category"]
    assert "tưới" not in inv and "tuoi" not in inv  # the lead is not in the core part
    lead = builder.build_index(ds, builder.LEAD_FIELDS).inverted_index
    assert "shan" in lead and "tuyết" in lead and "tuyet" in lead
    assert "thủy" in inv and "thuỷ" not in inv  # tone placement normalised


def _same_index(ser: dict, mine: dict):
    """Equal up to the term numbering (ours is sorted order)."""
    renum = {}
    assert [t for t, _ in mine["invertedIndex"]] == sorted(t for t, _ in ser["invertedIndex"])
    ref_post = dict(ser["invertedIndex"])
    for term, p in mine["invertedIndex"]:
        renum[ref_post[term]["_index"]] = p["_index"]
        assert {k: v for k, v in p.items() if k != "_index"} == {
            k: v for k, v in ref_post[term].items() if k != "_index"}
    mv = dict(mine["fieldVectors"])
    assert mv.keys() == dict(ser["fieldVectors"]).keys()
    for ref, vec in ser["fieldVectors"]:
        want = {renum[vec[i]]: vec[i + 1] for i in range(0, len(vec), 2)}
        got = dict(zip(mv[ref][::2], mv[ref][1::2]))
        assert got == pytest.approx(want, abs=1e-9), ref
        assert mv[ref][::2] == sorted(mv[ref][::2])  # lunr.Vector.dot walks them in order


@pytest.mark.parametrize("fields", [builder.CORE_FIELDS, builder.LEAD_FIELDS])
def test_transport_form_decodes_to_lunr_py_serialisation(fields):
    b = builder.build_index(docs() * 3, fields, build=True)  # repeats: df and tf > 1
    enc = builder.encode(b)
    assert enc["tf"]  # "dân dân"-like repeats exist in the lead or folded twins
    _same_index(b.built.serialize(), builder.expand(enc))
    Index.load(builder.expand(enc))  # lunr.py itself accepts it


def test_transport_form_is_much_smaller_than_lunr_json():
    b = builder.build_index(docs() * 20, build=True)
    small = builder.dumps(builder.encode(b))
    assert len(small) * 2 < len(builder.dumps(b.built.serialize()))


# --- shards and files -----------------------------------------------------------

def test_shards_by_year_with_hashed_names(tmp_path):
    manifest, files = builder.build_shards(docs())
    assert [y["year"] for y in manifest["years"]] == [2024, 2023]
    assert manifest["years"][0]["docs"] == 7
    for y in manifest["years"]:
        for part in ("core", "lead"):
            name = y[part]
            m = re.fullmatch(rf"{y['year']}-{part}\.([0-9a-f]{{12}})\.json", name)
            assert m and m.group(1) == builder.content_hash(files[name])
    core = json.loads(files[manifest["years"][0]["core"]])
    titles = [row[0] for row in core["docs"]]
    assert "<script>window.__xss=1</script> Thông báo lịch tiếp dân" in titles  # text, escaped by the browser
    row = core["docs"][titles.index("Hoàn thành công trình thuỷ lợi bản Hoà Bình")]
    assert row[1:] == ["2024/06/thuy-loi-hoa-binh.html", "2024-06-01", manifest["categories"].index("Nông thôn mới")]
    old = json.loads(files[manifest["years"][1]["core"]])["docs"]
    row = [r for r in old if r[0].startswith("Dân quân")][0]
    assert row[1] == 0  # the default URL (slug of the title) is derived in JS, not stored
    xss = core["docs"][[r[0].startswith("<script>") for r in core["docs"]].index(True)]
    assert xss[1] == "thong-bao/lich-tiep-dan.html"
    written = store.write_files(tmp_path, files)
    assert len(written) == 3 * len(files)
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data
        assert gzip.decompress((tmp_path / f"{name}.gz").read_bytes()) == data
        assert brotli.decompress((tmp_path / f"{name}.br").read_bytes()) == data


def test_content_hash_changes_with_content():
    _, a = builder.build_shards(docs())
    changed = [dict(d, title=d["title"] + " mới") if d["date"].startswith("2023") else d for d in docs()]
    _, b = builder.build_shards(changed)
    assert {n for n in a if n.startswith("2024")} == {n for n in b if n.startswith("2024")}
    assert {n for n in a if n.startswith("2023-core")} != {n for n in b if n.startswith("2023-core")}


@pytest.mark.parametrize("fields", [builder.CORE_FIELDS, builder.LEAD_FIELDS])
def test_fast_index_equals_lunr_builder(fields):
    ds = docs() * 3  # repeats: df and tf > 1
    ds[1] = dict(ds[1], title="Dân dan DÂN vận", tags=[], lead="")  # "dân" and "dan" share the folded term
    assert builder.index_docs(ds, fields) == builder.encode(builder.build_index(ds, fields))


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _publish(ds, out, cache, **kw):
    manifest, stats = store.publish(ds, out, cache_dir=cache, static={"lunr-2.3.9.0123456789ab.min.js": b"x" * 300},
                                    **kw)
    return manifest, {k: sorted(v) for k, v in stats.items()}


def _edit(ds, slug, **change):
    return [dict(d, **change) if d["slug"] == slug else d for d in ds]


def test_publish_writes_what_build_shards_makes_with_twins(tmp_path):
    manifest, files = builder.build_shards(docs())
    got, stats = _publish(docs(), tmp_path / "out", None)
    assert got == manifest and stats["reused"] == []
    tree = _tree(tmp_path / "out")
    for name, data in files.items():
        assert tree[name] == data
        assert gzip.decompress(tree[name + ".gz"]) == data
        assert brotli.decompress(tree[name + ".br"]) == data
    assert len(tree) == 3 * (len(files) + 1)


def test_warm_publish_after_an_edit_equals_a_cold_one(tmp_path):
    """Cold build, warm rebuild after editing one 2023 article, cold build of the edited content."""
    cache = tmp_path / "cache"
    m1, s1 = _publish(docs(), tmp_path / "out", cache)
    assert s1["reused"] == [] and len(s1["built"]) == 4
    assert _publish(docs(), tmp_path / "again", cache)[1]["built"] == []  # nothing changed
    assert _tree(tmp_path / "again") == _tree(tmp_path / "out")

    edited = _edit(docs(), "dan-quan-tu-ve-ra-quan-huan-luyen-nam-2023", title="Dân quân tự vệ huấn luyện mùa khô")
    m2, s2 = _publish(edited, tmp_path / "out", cache)  # warm, into the old output
    assert s2["built"] == [(2023, "core")]  # the title is in core only; 2024 and the lead are reused
    m3, _ = _publish(edited, tmp_path / "cold", tmp_path / "cache-cold")
    assert m2 == m3 and m2 != m1
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")  # stale 2023-core files are gone too
    assert m2["years"][0] == m1["years"][0]  # 2024: same content-hashed names
    reused = tmp_path / "out" / m2["years"][0]["core"]
    assert any(os.path.samefile(reused, p) for p in cache.glob("*.data"))  # hard-linked from the cache

    edited = _edit(edited, "dan-quan-tu-ve-ra-quan-huan-luyen-nam-2023", lead="Một câu dẫn khác hẳn.")
    assert _publish(edited, tmp_path / "out", cache)[1]["built"] == [(2023, "lead")]
    _publish(edited, tmp_path / "cold2", None)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold2")
    kept = {p.name.split(".")[0] for p in cache.iterdir()}
    assert len(kept) == 5  # 4 parts + the static file: superseded entries were pruned
    moved = _edit(edited, "dan-quan-tu-ve-ra-quan-huan-luyen-nam-2023", url="2023/02/dan-quan.html")
    assert _publish(moved, tmp_path / "moved", cache)[1]["built"] == [(2023, "core")]  # leads keep their order


def test_missing_or_corrupt_cache_entries_are_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    _publish(docs(), tmp_path / "cold", None)
    _publish(docs(), tmp_path / "first", cache)  # its files are links to the entries damaged below
    metas = sorted(cache.glob("*.meta"), key=lambda p: json.loads(p.read_text())["name"])
    core23, lead23, core24 = [m for m in metas if not json.loads(m.read_text())["name"].startswith("lunr")][:3]
    core23.unlink()  # a missing entry
    br = core24.with_suffix(".data.br")
    br.write_bytes(br.read_bytes()[:-5])  # a truncated one
    lead23.with_suffix(".data").write_bytes(b"{}")  # a rewritten one
    _, stats = _publish(docs(), tmp_path / "out", cache)
    assert stats["built"] == [(2023, "core"), (2023, "lead"), (2024, "core")]
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")
    (cache / "junk.meta").write_text("not json")
    assert _publish(docs(), tmp_path / "out2", cache)[1]["built"] == []  # repaired
    assert not (cache / "junk.meta").exists()


def test_entry_pruned_by_another_build_midway_is_written_from_memory(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _publish(docs(), tmp_path / "cold", None)
    _publish(docs(), tmp_path / "first", cache)
    real = store.link_or_copy

    def pruned_then_link(src, dest):  # another build sharing CACHE_PATH deleted it after validation
        if os.path.exists(src):
            os.unlink(src)
        real(src, dest)

    monkeypatch.setattr(store, "link_or_copy", pruned_then_link)
    assert _publish(docs(), tmp_path / "out", cache)[1]["built"] == []
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")


def test_two_processes_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "PARALLEL_MIN_DOCS", 0)
    _publish(docs(), tmp_path / "one", None)
    _, stats = _publish(docs(), tmp_path / "two", tmp_path / "cache", workers=2)
    assert len(stats["built"]) == 4
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_lead_is_clipped():
    assert builder.clip_lead("một hai ba bốn", 2) == "một hai…"
    assert builder.clip_lead("  một   hai ", 5) == "một hai"


def test_node_fixture_is_up_to_date():
    from generators.make_search_fixture import fixture_files

    want = fixture_files()
    have = {p.name: p.read_bytes() for p in FIXTURE.iterdir()}
    assert have.keys() == want.keys(), "run .venv/bin/python tests/generators/make_search_fixture.py"
    for name in want:
        assert have[name] == want[name], f"{name} stale: run tests/generators/make_search_fixture.py"


# --- shared query vectors, with lunr.py (match sets; Node checks the ranking too) ---

def _py_search(q, typing=False, category=None, year=None):
    """The match set search.js promises: every syllable a whole word, except an open last one
    (the query does not end after it), which is a prefix: typed or submitted alike."""
    manifest = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
    syl = vn.syllables(q)
    last = unicodedata.category(unicodedata.normalize("NFC", q)[-1]) if q else ""
    open_last = bool(syl) and (last.startswith("L") or last == "Nd")  # as search.js's queryTerms
    found = []
    for y in manifest["years"]:
        if year and y["year"] != year:
            continue
        core = json.loads((FIXTURE / y["core"]).read_text(encoding="utf-8"))
        refs = set()
        for part in ("core", "lead"):
            idx = Index.load(builder.expand(json.loads((FIXTURE / y[part]).read_text(encoding="utf-8"))["index"]))
            query = idx.create_query()
            for i, s in enumerate(syl):
                star = "*" if open_last and i == len(syl) - 1 else ""
                f = vn.fold(s)
                query.term(f + star, use_pipeline=False, presence=QueryPresence.REQUIRED)
                if f != s:
                    query.term(s + star, use_pipeline=False, boost=3)
            if syl:
                refs |= {r["ref"] for r in idx.query(query)}
        for ref in refs:
            row = core["docs"][int(ref)]
            if category and manifest["categories"][row[3]] != category:
                continue
            url = row[1] or builder.default_url(row[0], row[2])
            found.append(url)
    return [next(d["slug"] for d in docs() if d["url"] == u) for u in found]


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: f"{v['q']}|{v.get('typing')}|{v.get('category')}|{v.get('year')}")
def test_query_vectors_with_lunr_py(v):
    got = _py_search(v["q"], v.get("typing", False), v.get("category"), v.get("year"))
    for s in v.get("include", []) + ([v["first"]] if "first" in v else []):
        assert s in got
    for s in v.get("exclude", []):
        assert s not in got
    if "count" in v:
        assert len(got) == v["count"], got
