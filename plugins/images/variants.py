"""Responsive photo variants (WebP + JPEG at several widths) and their <picture> markup.

Pure: Pillow only, no Pelican. Variants are cached by the source's content hash,
so a rebuild (or a renamed file) never re-encodes a photo it has seen.
"""

from __future__ import annotations

import html
import io
import json
import os

from plugins.fileutil import atomic_write, file_hash, link_or_copy

DEFAULT_WIDTHS = (200, 400, 800, 1200)
JPEG_QUALITY = 78
WEBP_QUALITY = 74
FORMATS = (("webp", "image/webp"), ("jpg", "image/jpeg"))
RASTER_EXTS = (".jpg", ".jpeg", ".png", ".webp")


def variant_name(rel_path: str, width: int, ext: str) -> str:
    """'images/2024/a.jpg', 800, 'webp' -> 'images/2024/a-800w.webp' (next to the original)."""
    stem, _ = os.path.splitext(rel_path)
    return f"{stem}-{width}w.{ext}"


class VariantCache:
    """Encoded variants under ``cache_dir``, keyed by content hash.

    ``info(path)`` returns {"hash", "width", "height", "variants": [[w, h], ...]}; it encodes
    only what is missing. A small index maps (path, size, mtime) to the hash so unchanged
    files are not even re-read.
    """

    def __init__(self, cache_dir: str, widths=DEFAULT_WIDTHS, load_index: bool = True):
        self.dir = cache_dir
        self.widths = tuple(sorted(widths))
        self.encoded = 0  # variant files written by this instance (tests and benchmarks read it)
        os.makedirs(cache_dir, exist_ok=True)
        self._index_path = os.path.join(cache_dir, "index.json")
        self._index = {}
        if load_index:
            try:
                with open(self._index_path, encoding="utf-8") as fh:
                    self._index = json.load(fh)
            except (OSError, ValueError):
                pass
        self._by_inode: dict = {}  # hard links to one photo: hashed once per build
        self._dirty = False

    def known(self, path: str) -> bool:
        """True when ``path`` is in the index (no hashing, no encoding needed)."""
        return self._key(path) in self._index

    def _key(self, path: str) -> str:
        st = os.stat(path)
        return f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}"

    def cached_path(self, digest: str, width: int, ext: str) -> str:
        return os.path.join(self.dir, digest[:2], f"{digest}-{width}w.{ext}")

    def info(self, path: str) -> dict:
        key = self._key(path)
        entry = self._index.get(key)
        if entry and all(os.path.exists(self.cached_path(entry["hash"], w, ext))
                         for w, _ in entry["variants"] for ext, _ in FORMATS):
            return entry
        st = os.stat(path)
        ino = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if ino in self._by_inode:
            self._index[key] = self._by_inode[ino]
            self._dirty = True
            return self._by_inode[ino]
        digest = file_hash(path)
        meta_path = os.path.join(self.dir, digest[:2], f"{digest}.json")
        entry = None
        try:
            with open(meta_path, encoding="utf-8") as fh:
                entry = json.load(fh)
            if not all(os.path.exists(self.cached_path(digest, w, ext))
                       for w, _ in entry["variants"] for ext, _ in FORMATS):
                entry = None
        except (OSError, ValueError, KeyError):
            entry = None
        if entry is None:
            entry = self._encode(path, digest)
            atomic_write(meta_path, json.dumps(entry).encode())
        self._index[key] = self._by_inode[ino] = entry
        self._dirty = True
        return entry

    def _encode(self, path: str, digest: str) -> dict:
        from PIL import Image, ImageOps

        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)  # phones store rotation in EXIF
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            width, height = im.size
            targets = [w for w in self.widths if w < width] or [width]
            if width <= self.widths[-1] and width not in targets and width > targets[-1] * 1.15:
                targets.append(width)  # the original size is a useful top variant
            variants = []
            for w in targets:
                h = max(1, round(height * w / width))
                resized = im if w == width else im.resize((w, h), Image.LANCZOS)
                for ext, _ in FORMATS:
                    buf = io.BytesIO()
                    if ext == "webp":
                        resized.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
                    else:
                        resized.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY,
                                                    optimize=True, progressive=True)
                    atomic_write(self.cached_path(digest, w, ext), buf.getvalue())
                    self.encoded += 1
                variants.append([w, h])
        return {"hash": digest, "width": width, "height": height, "variants": variants}

    def shrunk(self, path: str, entry: dict, limit: int) -> str:
        """The cached file that replaces an original over ``limit`` bytes in the output: the
        photo at the largest variant width, in its own format (its URL keeps working)."""
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        ext = "jpg" if ext == "jpeg" else ext
        out = os.path.join(self.dir, entry["hash"][:2], f"{entry['hash']}-shrunk{limit}.{ext}")
        if os.path.exists(out):
            return out
        from PIL import Image, ImageOps

        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            width = min(im.size[0], self.widths[-1])
            if width < im.size[0]:
                im = im.resize((width, max(1, round(im.size[1] * width / im.size[0]))), Image.LANCZOS)
            buf = io.BytesIO()
            if ext == "png":
                im.save(buf, "PNG", optimize=True)
            elif ext == "webp":
                im.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
            else:
                im.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        atomic_write(out, buf.getvalue())
        self.encoded += 1
        return out

    def save(self) -> None:
        if self._dirty:
            atomic_write(self._index_path, json.dumps(self._index).encode())
            self._dirty = False

    def publish(self, entry: dict, rel_path: str, output_path: str) -> int:
        """Link (or copy) the variants of one photo into the output; returns files placed."""
        placed = 0
        for w, _ in entry["variants"]:
            for ext, _ in FORMATS:
                dest = os.path.join(output_path, variant_name(rel_path, w, ext))
                if os.path.exists(dest):
                    continue
                link_or_copy(self.cached_path(entry["hash"], w, ext), dest)
                placed += 1
        return placed


def share_variant(entry: dict, rel_path: str) -> str:
    """The site path of the JPEG shown to social networks and search engines (og:image,
    JSON-LD): the largest variant, never the uploaded original (which may be megabytes)."""
    width = max(w for w, _ in entry["variants"])
    return variant_name(rel_path, width, "jpg")


def picture(entry: dict, url_base: str, rel_path: str, alt: str, sizes: str, *,
            lazy: bool = True, img_class: str = "", display_width: int | None = None,
            extra: str = "") -> str:
    """<picture> with a WebP <source>, a JPEG <img> fallback, srcset/sizes and intrinsic size.

    ``url_base`` is prepended to site-relative paths (SITEURL + "/", or "/" when empty).
    ``display_width`` picks the variant used as ``src`` and for width/height (default 800).
    """
    variants = entry["variants"]
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731

    def srcset(ext):
        return ", ".join(f"{esc(url_base + variant_name(rel_path, w, ext))} {w}w" for w, _ in variants)

    want = display_width or 800
    fallback = min(variants, key=lambda v: (abs(v[0] - want), -v[0]))
    w, h = fallback
    attrs = [
        f'src="{esc(url_base + variant_name(rel_path, w, "jpg"))}"',
        f'srcset="{srcset("jpg")}"',
        f'sizes="{esc(sizes)}"',
        f'width="{w}" height="{h}"',
        f'alt="{esc(alt)}"',
    ]
    if img_class:
        attrs.append(f'class="{esc(img_class)}"')
    attrs.append('loading="lazy" decoding="async"' if lazy else 'fetchpriority="high"')
    if extra:
        attrs.append(extra)
    return (f'<picture><source type="image/webp" srcset="{srcset("webp")}" sizes="{esc(sizes)}">'
            f'<img {" ".join(attrs)}></picture>')
