"""Sitemap index: one sitemap.xml up to 50,000 URLs, an index + parts beyond."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import Site

from plugins.sitemap_index import split as sm

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _blocks(n):
    return [sm.url_block(f"https://x.example/2024/01/bai-{i}.html", "2024-01-02T08:30:00+07:00",
                         "monthly", 0.7) for i in range(n)]


def test_single_file_up_to_the_limit():
    files = sm.split(_blocks(50000), "https://x.example")
    assert list(files) == ["sitemap.xml"]
    root = ET.fromstring(files["sitemap.xml"].encode())
    assert root.tag == "{{{}}}urlset".format(NS["s"]) and len(root) == 50000


def test_index_past_the_limit():
    files = sm.split(_blocks(50001), "https://x.example")
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    index = ET.fromstring(files["sitemap.xml"].encode())
    assert index.tag == "{{{}}}sitemapindex".format(NS["s"])
    locs = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    assert locs == ["https://x.example/sitemap-1.xml", "https://x.example/sitemap-2.xml"]
    parts = [ET.fromstring(files[f"sitemap-{i}.xml"].encode()) for i in (1, 2)]
    assert [len(p) for p in parts] == [50000, 1]
    all_locs = [u.find("s:loc", NS).text for p in parts for u in p]
    assert len(set(all_locs)) == 50001  # nothing lost, nothing doubled


def test_byte_limit_also_splits():
    groups = sm.chunk(_blocks(100), max_urls=1000, max_bytes=5000)
    assert len(groups) > 1 and sum(map(len, groups)) == 100
    assert all(len(sm.urlset(g).encode()) <= 5000 for g in groups)


def test_escaping():
    block = sm.url_block("https://x.example/tìm?a=1&b=<2>")
    ET.fromstring(sm.urlset([block]).encode())  # well-formed


def test_real_build_switches_to_an_index(tmp_path):
    site = Site(tmp_path, settings='SITEMAP_MAX_URLS = 5\nSITEURL = "https://nampang.example"\n')
    for i in range(4):
        site.article(f"Bài số {i}", date=f"2024-05-1{i} 08:30", tags=["chè"])
    site.build()
    out = site.output
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == "{{{}}}sitemapindex".format(NS["s"])
    parts = sorted(out.glob("sitemap-*.xml"))
    assert len(parts) == len(index) >= 2
    locs = [u.find("s:loc", NS).text for p in parts for u in ET.parse(p).getroot()]
    assert all(len(ET.parse(p).getroot()) <= 5 for p in parts)
    assert "https://nampang.example/2024/05/bai-so-0.html" in locs
    assert len(locs) == len(set(locs)) > 5
