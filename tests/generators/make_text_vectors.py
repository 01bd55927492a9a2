"""Write tests/vectors/vietnamese.json: the cases both Python and JS must agree on.

Expected values come from plugins/vietnamese.py; the Python test pins a hand-checked
subset, the Node test checks that the JS twin gives every value.
Run: .venv/bin/python tests/generators/make_text_vectors.py
"""

import json
import pathlib
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from plugins import vietnamese as vn  # noqa: E402

VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def cases():
    out = []
    for v in VOWELS:
        for t in TONES:
            ch = unicodedata.normalize("NFC", v + t)
            out += [ch, ch.upper(), "t" + ch + "n", unicodedata.normalize("NFD", "Ng" + ch)]
    out += ["đ", "Đ", "Đổi mới", "ĐƯỜNG", "đường làng"]
    old_new = ["hoà", "hòa", "thuỷ", "thủy", "khoẻ", "khỏe", "Hoà Bình", "THUỶ LỢI", "uỷ ban", "ủy ban",
               "quý", "quỹ", "già", "gì", "giường", "người", "khuỷu", "ngoài", "hoàn", "thuyền", "toà án"]
    out += old_new
    nfd = ["dân vận", "Sìn Hồ", "Nậm Păng", "Quảng Long", "nông thôn mới", "Họp báo", "Hợp báo"]
    out += [unicodedata.normalize("NFD", s) for s in nfd] + nfd
    out += ["  (hộ)  ", "dân-vận, 2020!", "Kế hoạch 152-KH/UBND", "COVID-19", "dàn văn", "sin ho", "a1b2"]
    seen, unique = set(), []
    for c in out:
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


def main():
    vectors = [
        {
            "input": s,
            "normalize": vn.normalize(s),
            "fold": vn.fold(s),
            "tokens": vn.tokenize(s),
            "folded_tokens": vn.tokenize(s, folded=True),
            "trim": vn.trim(s),
            "slug": vn.slugify(s),
        }
        for s in cases()
    ]
    path = ROOT / "tests" / "vectors" / "vietnamese.json"
    path.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(vectors)} vectors -> {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
