"""The shared Vietnamese text module, pinned by hand-checked cases and the vectors
file that the JavaScript twin is also held to (tests/js/vietnamese.test.mjs)."""

import json
import unicodedata
from pathlib import Path

import pytest

from plugins import vietnamese as vn

VECTORS = json.loads((Path(__file__).parent / "vectors" / "vietnamese.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("old, new", [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình"),
    ("uỷ ban", "ủy ban"), ("HOÀ", "HÒA"), ("qùa", "quà"), ("toà án", "tòa án"),
])
def test_old_tone_placement_becomes_traditional(old, new):
    assert vn.normalize(old) == new
    assert vn.normalize(new) == new


@pytest.mark.parametrize("word", ["người", "giường", "nguyễn", "khuỷu", "ngoài", "thuyền",
                                  "quý", "già", "gì", "hoàn", "Sìn Hồ", "Nậm Păng"])
def test_correct_spelling_is_left_alone(word):
    assert vn.normalize(word) == word


def test_nfd_input_is_composed():
    assert vn.normalize(unicodedata.normalize("NFD", "dân vận")) == "dân vận"


@pytest.mark.parametrize("text, folded", [
    ("dân vận", "dan van"), ("Sìn Hồ", "Sin Ho"), ("Đổi mới", "Doi moi"), ("ĐƯỜNG", "DUONG"),
    ("Nậm Păng", "Nam Pang"), ("Thủy lợi", "Thuy loi"),
])
def test_fold(text, folded):
    assert vn.fold(text) == folded


def test_tokenize_exact_and_folded():
    assert vn.tokenize("Hoà Bình, 2020: (dân-vận)!") == ["hòa", "bình", "2020", "dân", "vận"]
    assert vn.tokenize("Hoà Bình", folded=True) == ["hoa", "binh"]


def test_trim_is_unicode_aware():
    assert vn.trim("(hộ),") == "hộ"
    assert vn.trim("«đường»") == "đường"
    assert vn.trim("ở") == "ở"


@pytest.mark.parametrize("title, slug", [
    ("Đổi mới nâng cao hiệu quả công tác dân vận", "doi-moi-nang-cao-hieu-qua-cong-tac-dan-van"),
    ("Hải Hà: Phát huy sức mạnh khối đại đoàn kết", "hai-ha-phat-huy-suc-manh-khoi-dai-doan-ket"),
    ("Họp báo", "hop-bao"), ("Hợp báo", "hop-bao"),
    ("  Kế hoạch 152-KH/UBND  ", "ke-hoach-152-kh-ubnd"),
])
def test_slugify(title, slug):
    assert vn.slugify(title) == slug


def test_slug_matches_pelican_for_vietnamese_titles():
    from pelican.utils import slugify

    subs = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]
    for title in ["Đổi mới công tác dân vận", "Lễ hội Gầu Tào xã Sìn Hồ", "Nông thôn mới Quảng Long"]:
        assert vn.slugify(title) == slugify(title, regex_subs=subs)


def test_vectors_cover_the_required_cases():
    inputs = {v["input"] for v in VECTORS}
    vowels = "aăâeêioôơuưy"
    for v in vowels:
        for tone in ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]:
            ch = unicodedata.normalize("NFC", v + tone)
            assert ch in inputs and ch.upper() in inputs
    assert {"đ", "Đ", "hoà", "thuỷ"} <= inputs
    assert any(unicodedata.normalize("NFC", s) != s for s in inputs), "needs decomposed (NFD) inputs"


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["input"])
def test_python_gives_the_vector_values(vector):
    s = vector["input"]
    assert vn.normalize(s) == vector["normalize"]
    assert vn.fold(s) == vector["fold"]
    assert vn.tokenize(s) == vector["tokens"]
    assert vn.tokenize(s, folded=True) == vector["folded_tokens"]
    assert vn.trim(s) == vector["trim"]
    assert vn.slugify(s) == vector["slug"]
