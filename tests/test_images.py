"""Responsive photos: <picture> with WebP + JPEG variants, generated once, reused on rebuild."""

from __future__ import annotations

from conftest import Site
from PIL import Image

from plugins.images.variants import VariantCache, picture
from scripts.gen_corpus import generate, make_photo


def _site(tmp_path):
    site = Site(tmp_path)
    make_photo(str(site.content / "images" / "2024" / "doi-che.jpg"), 1)
    make_photo(str(site.content / "images" / "2024" / "ban-lang.jpg"), 2, size=(1000, 750))
    site.article("Thu hoạch chè", image="{static}/images/2024/doi-che.jpg",
                 image_caption="Đồi chè xã Quảng Long.",
                 body="Mở đầu.\n\n![Bản làng](/{static}/images/2024/ban-lang.jpg \"Bản làng.\")\n\nKết.".replace("/{", "{"))
    site.article("Không ảnh đại diện", date="2024-05-18 08:30",
                 body="![Bản làng mùa lúa](/{static}/images/2024/ban-lang.jpg)\n\nNội dung.".replace("/{", "{"))
    # ordinary articles around them (realistic text keeps every other plugin's input realistic)
    for i, art in enumerate(generate(4, seed=9)):
        site.article(f"Tin {i}", date=f"2024-04-1{i} 08:30", body=art["body"].split("![")[0], tags=art["tags"])
    return site


def _cache_files(site):
    root = site.base / "cache" / "images"
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.suffix in (".jpg", ".webp")}


def test_picture_markup_variants_and_reuse(tmp_path):
    site = _site(tmp_path)
    site.build()
    html = site.html("2024/05/thu-hoach-che.html")
    lead = html.select_one("figure.article__image picture")
    img = lead.img
    assert lead.source["type"] == "image/webp"
    assert "800w" in lead.source["srcset"] and "1200w" in lead.source["srcset"]
    assert img["width"] == "800" and img["height"] == "500"
    assert img.get("loading") is None  # lead photo: not lazy
    assert img["alt"] == "Đồi chè xã Quảng Long."
    body_img = html.select_one(".article__body figure picture img")
    assert body_img["loading"] == "lazy" and body_img["alt"] == "Bản làng"
    assert body_img["width"] == "800" and body_img["height"] == "600"
    # an article without featured photo: its first body photo is the lead, not lazy
    other = site.html("2024/05/khong-anh-dai-dien.html").select_one(".article__body picture img")
    assert other.get("loading") is None
    # every variant referenced exists in the output; the 800 px photo is within budget
    for src in [s.split()[0] for s in img["srcset"].split(", ")] + [s.split()[0] for s in lead.source["srcset"].split(", ")]:
        assert (site.output / src.lstrip("/")).is_file(), src
    for ext in ("jpg", "webp"):
        p = site.output / "images/2024/doi-che-800w." / ""
        p = site.output / f"images/2024/doi-che-800w.{ext}"
        assert p.stat().st_size <= 120_000
        with Image.open(p) as im:
            assert im.size == (800, 500)
    # cards on the home page use the small variants
    card = site.html("index.html").select_one(".card picture img")
    assert card is not None and "200w" in card["srcset"]

    before = _cache_files(site)
    variants = [p for p in before if "-shrunk" not in p.name]
    assert len(variants) == 2 * (4 + 4)  # two photos x (200, 400, 800, 1200) x (jpg, webp)
    # + the resized copies that replace the originals (over RESPONSIVE_IMAGE_MAX_BYTES) in the output
    assert len(before) - len(variants) == sum(
        (site.content / "images" / "2024" / n).stat().st_size > 120 * 1024 for n in ("doi-che.jpg", "ban-lang.jpg"))
    site.build()
    after = _cache_files(site)
    assert after == before  # nothing re-encoded
    assert (site.output / "images/2024/doi-che-400w.webp").is_file()


def test_cache_is_by_content(tmp_path):
    src = tmp_path / "a.jpg"
    make_photo(str(src), 3, size=(1000, 600))
    cache = VariantCache(str(tmp_path / "c"), (400, 800, 1200))
    entry = cache.info(str(src))
    assert cache.encoded == 2 * 2 + 2  # 400, 800 and the 1000 px original, in two formats
    assert [w for w, _ in entry["variants"]] == [400, 800, 1000]
    copy = tmp_path / "renamed.jpg"
    copy.write_bytes(src.read_bytes())
    again = VariantCache(str(tmp_path / "c"), (400, 800, 1200))
    assert again.info(str(copy))["hash"] == entry["hash"] and again.encoded == 0
    html = picture(entry, "/", "images/a.jpg", 'Cầu "mới"', "100vw")
    assert 'alt="Cầu &quot;mới&quot;"' in html and 'loading="lazy"' in html


def test_broken_photo_does_not_break_the_build(tmp_path):
    site = Site(tmp_path)
    (site.content / "images" / "hong.jpg").write_bytes(b"not a jpeg")
    site.article("Ảnh hỏng", image="{static}/images/hong.jpg")
    for i, art in enumerate(generate(3, seed=9)):
        site.article(f"Tin {i}", date=f"2024-04-1{i} 08:30", body=art["body"].split("![")[0])
    site.build()
    img = site.html("2024/05/anh-hong.html").select_one("figure.article__image img")
    assert img["src"] == "/images/hong.jpg"
