"""Markdown rendered in the process pool gives byte-identical pages."""

from __future__ import annotations

import shutil

from conftest import Site

from scripts import gen_corpus


def test_pool_output_equals_in_process_output(tmp_path):
    gen_corpus.write(24, 5, str(tmp_path / "corpus"), image_pool=1)
    outputs = []
    for name, workers in (("serial", 1), ("pool", 2)):
        site = Site(tmp_path / name, settings=f"PARALLEL_MARKDOWN_WORKERS = {workers}\n"
                                              "PARALLEL_MARKDOWN_MIN_FILES = 1\nRESPONSIVE_IMAGES = False\n")
        shutil.rmtree(site.content)
        shutil.copytree(tmp_path / "corpus", site.content)
        site.build()
        outputs.append(site.output)
    serial, pool = outputs
    pages = sorted(p.relative_to(serial) for p in serial.glob("20*/*/*.html"))
    assert len(pages) == 24
    for rel in pages:
        assert (pool / rel).read_bytes() == (serial / rel).read_bytes(), rel


def test_pool_renders_what_the_reader_asks_for(tmp_path):
    from conftest import ROOT
    from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE
    from pelican.settings import read_settings

    from plugins import markup
    from plugins.parallel_markdown.render import Prerender

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    paths, bodies = [], []
    for i in range(3):
        body = f"Đoạn **{i}** của bài.\n\n![Ảnh {i}](https://example.invalid/{i}.jpg \"Chú thích {i}\")\n"
        p = tmp_path / f"b{i}.md"
        p.write_text(f"---\ntitle: Bài {i}\nsummary: Tóm tắt *{i}*\n---\n{body}", encoding="utf-8")
        paths.append(str(p))
        bodies.append("\n" + body)  # what yaml_metadata's HEADER_RE hands to Markdown
    ahead = Prerender(paths, settings["MARKDOWN"], settings["FORMATTED_FIELDS"], HEADER_RE, 2)
    try:
        md = markup.make_markdown(settings["MARKDOWN"])
        for i, body in reversed(list(enumerate(bodies))):  # any order
            html = ahead.take(body)
            assert html is not None and html == md.reset().convert(body)
            assert "<figure" in html  # the portal's Markdown extensions ran in the worker
            assert ahead.take(f"Tóm tắt *{i}*") == md.reset().convert(f"Tóm tắt *{i}*")
        assert ahead.take("không có trong pool") is None
    finally:
        ahead.close()


def test_pool_renders_in_the_order_the_generator_reads(tmp_path):
    """Results arrive as the reader asks for them, so reading overlaps rendering
    (in sorted order the first reads waited for almost the whole pool)."""
    from conftest import ROOT

    from scripts import bench_reading

    gen_corpus.write(80, 3, str(tmp_path / "corpus"), image_pool=1)
    r = bench_reading.run(str(ROOT), str(tmp_path / "corpus"), str(tmp_path))
    assert r["files"] == 80
    assert r["held"] <= 2  # a file's body and summary; never a backlog
