"""The benchmark corpus generator: deterministic, in the content contract, realistic enough."""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path

from plugins import vietnamese
from plugins.content_contract.check import check_site
from scripts import gen_corpus
from scripts.gen_corpus import generate

CATEGORIES = set(gen_corpus.CATEGORIES)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_generate_is_deterministic_and_seed_dependent():
    a = list(generate(60, seed=3))
    b = list(generate(60, seed=3))
    c = list(generate(60, seed=4))
    assert a == b
    assert [x["slug"] for x in a] != [x["slug"] for x in c]


def test_generate_shape():
    arts = list(generate(300, seed=1))
    assert len({a["slug"] for a in arts}) == 300
    for a in arts:
        assert set(a) >= {"slug", "title", "date", "category", "tags", "summary", "body", "image", "cluster"}
        assert a["date"].tzinfo is not None and a["date"].utcoffset() == datetime.timedelta(hours=7)
        assert 2020 <= a["date"].year <= 2026
        assert a["category"] in CATEGORIES
        assert a["tags"] and all(isinstance(t, str) and t for t in a["tags"])
        assert 400 <= len(a["body"].split()) <= 950
        assert a["body"].count("\n\n") >= 2  # several paragraphs
        assert a["image"] is None or a["image"].startswith("{static}/images/gen/")
    years = {a["date"].year for a in arts}
    assert years == set(range(2020, 2027))
    with_image = sum(1 for a in arts if a["image"])
    assert 60 <= with_image <= 140  # about one in three
    # Real Vietnamese syllables with tone marks, and a Zipf-like head: a few syllables dominate.
    sylls = [s for a in arts for s in vietnamese.syllables(a["body"])]
    assert sum(1 for s in sylls if vietnamese.fold(s) != s) / len(sylls) > 0.5
    from collections import Counter

    freq = sorted(Counter(sylls).values(), reverse=True)
    assert freq[0] > 3 * freq[49] and freq[0] > 10 * freq[199] and len(freq) > 300
    # Articles of one cluster share tags.
    by_cluster: dict[int, list] = {}
    for a in arts:
        by_cluster.setdefault(a["cluster"], []).append(set(a["tags"]))
    big = max(by_cluster.values(), key=len)
    assert len(big) >= 3 and all(t & big[0] for t in big[1:3]) or len(set.intersection(*big[:2])) >= 1


def test_written_corpus_is_deterministic_and_valid(tmp_path):
    gen_corpus.write(40, 7, str(tmp_path / "a"), image_pool=2)
    gen_corpus.write(40, 7, str(tmp_path / "b"), image_pool=2)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    mds = list((tmp_path / "a" / "articles").rglob("*.md"))
    assert len(mds) == 40
    assert all(p.parent.name.isdigit() for p in mds)  # articles/<year>/<slug>.md
    settings = {
        "PATH": str(tmp_path / "a"), "ARTICLE_PATHS": ["articles"], "PAGE_PATHS": ["pages"],
        "IGNORE_FILES": [], "PORTAL_CATEGORIES": [{"name": n} for n in gen_corpus.CATEGORIES],
    }
    assert check_site(settings) == []  # the content contract accepts every file
    # photos are hard links into the pool (cheap), not distinct files
    imgs = list((tmp_path / "a" / "images" / "gen").glob("*.jpg"))
    assert imgs and len({os.stat(p).st_ino for p in imgs}) <= 2


def test_works_without_demo_content(tmp_path):
    arts = list(generate(5, seed=1, source_dir=str(tmp_path / "missing")))
    assert len(arts) == 5 and all(len(a["body"].split()) >= 400 for a in arts)
