"""The images a shared article shows (og:image, JSON-LD ``image``); no Pelican.

Its own photo first. The site's default share image (DEFAULT_SHARE_IMAGE) stands in for
an article without a photo, and follows a photo narrower than Google's 1200 px minimum.
"""

from __future__ import annotations

import functools
import os

from PIL import Image, UnidentifiedImageError

from plugins.markup import site_path

MIN_WIDTH = 1200


@functools.lru_cache(maxsize=8192)
def image_size(path: str) -> tuple[int, int] | None:
    """(width, height) of an image file; None when it is missing or not an image."""
    try:
        with Image.open(path) as img:
            return img.size
    except (OSError, UnidentifiedImageError):
        return None


def _image(value, content_root: str) -> dict | None:
    path = site_path(value)
    if not path or path.startswith(("http://", "https://")):
        return {"path": path, "width": None, "height": None} if path else None
    size = image_size(os.path.join(content_root, path))
    if size is None:
        return None
    return {"path": path, "width": size[0], "height": size[1]}


def share_images(own, default, content_root: str) -> list[dict]:
    """[{path (site-relative or a URL), width, height}] for an article whose photo is ``own``."""
    images = [i for i in [_image(own, content_root)] if i]
    if not images or (images[0]["width"] or 0) < MIN_WIDTH:
        fallback = _image(default, content_root)
        if fallback and fallback["path"] not in {i["path"] for i in images}:
            images.append(fallback)
    return images
