"""Pelican glue for responsive photos.

- In article/page bodies, every ``<img src="{static}/...">`` photo becomes a
  ``<picture>`` (WebP + JPEG, srcset/sizes, width/height); lazy unless it is the
  page's first photo and the article has no featured image.
- Templates call the Jinja global ``responsive_img(path, alt, sizes, lazy=True, cls="", width=800)``
  for featured images and cards.
- Variants are encoded once into CACHE_PATH/images (keyed by content hash), missing ones
  in a 2-process pool, and linked into the output at ``finalized``.

Settings: RESPONSIVE_IMAGES (default True), RESPONSIVE_IMAGE_WIDTHS, RESPONSIVE_IMAGE_WORKERS.
"""


def register():
    from .plugin import register

    register()
