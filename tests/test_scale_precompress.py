"""Precompression: .gz and .br siblings that decompress to the originals, cached by content."""

from __future__ import annotations

import gzip
import os

import brotli

from plugins.precompress import compress


def _tree(root):
    (root / "a").mkdir(parents=True)
    texts = {
        "index.html": "<!doctype html><title>Trang chủ</title>" + "<p>Tin tức huyện Nậm Păng</p>" * 200,
        "a/style.css": "body{font-family:system-ui}" * 100,
        "a/app.js": "console.log('xin chào');" * 100,
        "a/data.json": '{"k": "giá trị"}' * 100,
        "sitemap.xml": "<urlset>" + "<url><loc>https://x/</loc></url>" * 100 + "</urlset>",
        "tiny.html": "<p>x</p>",  # too small: left alone
        "photo.jpg": "not text",
    }
    for rel, text in texts.items():
        (root / rel).write_text(text, encoding="utf-8")
    return texts


def _run(root, cache):
    return sum(compress.compress_file(p, gz, br, str(cache)) for p, gz, br in compress.candidates(str(root)))


def test_siblings_decompress_to_originals(tmp_path):
    out = tmp_path / "out"
    texts = _tree(out)
    fresh = _run(out, tmp_path / "cache")
    assert fresh == 10  # 5 files x (gz, br)
    for rel, _text in texts.items():
        p = out / rel
        if rel in ("tiny.html", "photo.jpg"):
            assert not os.path.exists(f"{p}.gz") and not os.path.exists(f"{p}.br")
            continue
        assert gzip.decompress((out / f"{rel}.gz").read_bytes()) == p.read_bytes()
        assert brotli.decompress((out / f"{rel}.br").read_bytes()) == p.read_bytes()
        assert len((out / f"{rel}.br").read_bytes()) < len(p.read_bytes())


def test_existing_siblings_are_skipped_and_cache_reused(tmp_path):
    out = tmp_path / "out"
    _tree(out)
    own = b"precompressed by its own plugin"
    (out / "a" / "data.json.br").write_bytes(own)
    (out / "a" / "data.json.gz").write_bytes(own)
    assert _run(out, tmp_path / "cache") == 8
    assert (out / "a" / "data.json.br").read_bytes() == own
    # A rebuild rewrites every file with the same bytes: nothing is compressed again.
    for p in list(out.rglob("*")):
        if p.suffix in (".gz", ".br") and "data.json" not in p.name:
            p.unlink()
    (out / "index.html").write_bytes((out / "index.html").read_bytes())
    assert _run(out, tmp_path / "cache") == 0
    assert brotli.decompress((out / "index.html.br").read_bytes()) == (out / "index.html").read_bytes()
    # Changed bytes are compressed again, and the new sibling matches the new text.
    (out / "index.html").write_text("<p>Bài mới</p>" * 100, encoding="utf-8")
    assert _run(out, tmp_path / "cache") == 2
    assert gzip.decompress((out / "index.html.gz").read_bytes()).decode() == "<p>Bài mới</p>" * 100


def test_siblings_are_world_readable(tmp_path):
    out = tmp_path / "out"
    _tree(out)
    _run(out, tmp_path / "cache")
    assert (out / "index.html.br").stat().st_mode & 0o444 == 0o444
