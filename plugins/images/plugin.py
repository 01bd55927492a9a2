"""Pelican glue for images (see the package docstring)."""

from __future__ import annotations

import html
import logging
import os

from markupsafe import Markup
from pelican import signals
from pelican.generators import StaticGenerator

from plugins import markup, pool
from plugins.fileutil import link_or_copy

from .config import Config
from .variants import RASTER_EXTS, VariantCache, picture, share_variant

log = logging.getLogger(__name__)

BODY_SIZES = "(min-width: 900px) 750px, calc(100vw - 28px)"


class _State:
    cache: VariantCache | None = None
    settings: dict = {}
    needed: dict = {}  # rel path -> entry, published at `finalized`
    sources: dict = {}  # rel path -> source file
    pending: list = []  # content objects whose body has <img>
    memo: dict = {}  # responsive_img() results of this build
    failed: set = set()
    replaced: set = set()  # rel paths whose original is not copied: publish places the resized one


S = _State()


def _enabled(settings) -> bool:
    return bool(settings.get("RESPONSIVE_IMAGES", True))  # read before Config: settings may be partial


def init(pelican) -> None:
    settings = pelican.settings
    S.settings = settings
    S.config = Config.from_settings(settings)
    S.needed = {}
    S.sources = {}
    S.memo = {}
    S.pending = []
    S.failed = set()
    S.replaced = set()
    if _enabled(settings):
        S.cache = VariantCache(S.config.cache_dir or os.path.join(settings["CACHE_PATH"], "images"), S.config.widths)


def _resolve(value, base_dir: str | None = None) -> tuple[str, str] | None:
    """'{static}/images/a.jpg' -> (abs file, 'images/a.jpg') when it is a local raster photo."""
    if not value or "PATH" not in S.settings:
        return None
    root = S.settings["PATH"]
    full = markup.resolve_static(value, root, base_dir, kinds=("static", "attach"))
    if full is None or not full.lower().endswith(RASTER_EXTS) or not os.path.isfile(full):
        return None
    return full, os.path.relpath(full, root).replace(os.sep, "/")


def _entry(full: str, rel: str) -> dict | None:
    if S.cache is None or full in S.failed:
        return None
    try:
        entry = S.cache.info(full)
    except Exception as exc:  # a broken photo must not stop the build: plain <img> instead
        log.warning("Không tạo được ảnh nhiều cỡ cho %s: %s", rel, exc)
        S.failed.add(full)
        return None
    S.needed[rel] = entry
    S.sources[rel] = full
    return entry


def _url_base() -> str:
    return (S.settings.get("SITEURL") or "").rstrip("/") + "/"


def responsive_img(path, alt="", sizes="100vw", lazy=True, cls="", width=800) -> Markup:
    """Jinja global: <picture> for a local photo, plain <img> for anything else."""
    key = (str(path), str(alt), sizes, bool(lazy), cls, width)
    html_ = S.memo.get(key)  # sidebars repeat the same photos on every page
    if html_ is None:
        html_ = S.memo[key] = _responsive_img(path, alt, sizes, lazy, cls, width)
    return html_


def _responsive_img(path, alt, sizes, lazy, cls, width) -> Markup:
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    resolved = _resolve(path) if _enabled(S.settings) else None
    entry = _entry(*resolved) if resolved else None
    if entry is None:
        src = str(path or "")
        if markup.parse_static(src):
            src = _url_base() + markup.site_path(src)
        loading = ' loading="lazy" decoding="async"' if lazy else ""
        klass = f' class="{esc(cls)}"' if cls else ""
        return Markup(f'<img src="{esc(src)}" alt="{esc(alt)}"{klass}{loading}>')
    return Markup(picture(entry, _url_base(), resolved[1], str(alt), sizes,
                          lazy=lazy, img_class=cls, display_width=width))


def rewrite_html(content: str, base_dir: str, first_eager: bool) -> str:
    """Replace local <img> photos in rendered HTML with <picture> elements."""
    count = [0]

    def repl(m):
        tag = m.group(0)
        attrs = {k.lower(): html.unescape(v) for k, v in markup.ATTRS_RE.findall(tag)}
        if "srcset" in attrs:
            return tag  # the author chose sources by hand
        resolved = _resolve(attrs.get("src", ""), base_dir)
        entry = _entry(*resolved) if resolved else None
        if entry is None:
            return tag
        count[0] += 1
        lazy = not (first_eager and count[0] == 1)
        return picture(entry, _url_base(), resolved[1], attrs.get("alt", ""), BODY_SIZES,
                       lazy=lazy, img_class=attrs.get("class", ""))

    return markup.IMG_TAG_RE.sub(repl, content)


def on_content(instance) -> None:
    """Remember objects with photos in their body; rewritten once all are read (see prepare)."""
    if not _enabled(S.settings) or S.cache is None:
        return
    content = getattr(instance, "_content", None)
    if content and "<img" in content:
        S.pending.append(instance)


def _encode_one(args):
    path, cache_dir, widths = args
    VariantCache(cache_dir, widths, load_index=False).info(path)
    return path


def prepare(generator) -> None:
    """After a generator has read everything: encode missing variants on all cores, then
    rewrite the bodies. Featured photos are encoded here too, before any template runs."""
    if not _enabled(S.settings) or S.cache is None:
        return
    todo: list[str] = []
    featured: list[tuple[str, str]] = []
    objs = [*getattr(generator, "articles", []), *getattr(generator, "drafts", []),
            *getattr(generator, "pages", []), *getattr(generator, "hidden_pages", [])]
    for obj in objs:
        resolved = _resolve(getattr(obj, "image", None))
        if resolved:
            todo.append(resolved[0])
            featured.append(resolved)
    for obj in S.pending:
        base_dir = os.path.dirname(obj.source_path) if obj.source_path else None
        for tag in markup.IMG_TAG_RE.findall(obj._content):
            src = dict((k.lower(), v) for k, v in markup.ATTRS_RE.findall(tag)).get("src", "")
            resolved = _resolve(html.unescape(src), base_dir)
            if resolved:
                todo.append(resolved[0])
    missing, inodes = [], set()
    for path in sorted(set(todo)):
        if S.cache.known(path):
            continue
        st = os.stat(path)
        if (st.st_dev, st.st_ino) not in inodes:  # hard links: one photo, encode once
            inodes.add((st.st_dev, st.st_ino))
            missing.append(path)
    if len(missing) > 1:
        jobs = [(p, S.cache.dir, S.cache.widths) for p in missing]
        for _path in pool.fork_map(_encode_one, jobs, S.config.workers, chunk=1, label=lambda j: j[0]):
            pass  # per-hash metadata is on disk; the parent's info() picks it up
    for resolved in featured:
        # Needed now, not when a template first asks: pages may be rendered in other
        # processes (plugins.page_writer) or kept from the last build without rendering.
        _entry(*resolved)
    for obj in S.pending:
        first_eager = not getattr(obj, "image", None)
        base_dir = os.path.dirname(obj.source_path) if obj.source_path else None
        obj._content = rewrite_html(obj._content, base_dir, first_eager)
    S.pending = []


def publish(pelican) -> None:
    if S.cache is None:
        return
    placed = 0
    shrunk = 0
    for rel, entry in sorted(S.needed.items()):
        placed += S.cache.publish(entry, rel, pelican.output_path)
        source = S.sources.get(rel)
        dest = os.path.join(pelican.output_path, rel)
        if source and os.path.getsize(source) > S.config.max_bytes and (rel in S.replaced or os.path.exists(dest)):
            link_or_copy(S.cache.shrunk(source, entry, S.config.max_bytes), dest)
            shrunk += 1
    S.cache.save()
    log.info("images: %d photos, %d variant files placed, %d encoded, %d originals over %d bytes resized",
             len(S.needed), placed, S.cache.encoded, shrunk, S.config.max_bytes)
    S.needed = {}
    S.memo = {}
    S.replaced = set()


def skip_replaced_copies(generators) -> None:
    """A photo over the size limit that a page shows is published resized (``publish``):
    Pelican's copy of the original would be replaced at once. Not copying it saves writing
    every large photo again on every build."""
    if S.cache is None:
        return
    for gen in generators:
        if not isinstance(gen, StaticGenerator):
            continue
        original = gen._link_or_copy_staticfile

        def link_or_copy_staticfile(sc, _original=original, _root=gen.path):
            rel = os.path.relpath(os.path.join(_root, sc.source_path), _root).replace(os.sep, "/")
            source = S.sources.get(rel)
            if rel in S.needed and source and os.path.getsize(source) > S.config.max_bytes:
                S.replaced.add(rel)
                return None
            return _original(sc)

        gen._link_or_copy_staticfile = link_or_copy_staticfile


def share_photo(path) -> dict | None:
    """Jinja global: the JPEG variant of a local photo shown to social networks and search
    engines (og:image, JSON-LD), {path, width, height}; None for anything else."""
    resolved = _resolve(path) if _enabled(S.settings) else None
    entry = _entry(*resolved) if resolved else None
    if entry is None:
        return None
    width, height = max(entry["variants"])
    return {"path": share_variant(entry, resolved[1]), "width": width, "height": height}


def add_global(generator) -> None:
    generator.env.globals["responsive_img"] = responsive_img
    generator.env.globals["share_photo"] = share_photo


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.initialized.connect(init)
    signals.generator_init.connect(add_global)
    signals.content_object_init.connect(on_content)
    signals.article_generator_finalized.connect(prepare)
    signals.page_generator_finalized.connect(prepare)
    signals.all_generators_finalized.connect(skip_replaced_copies)
    signals.finalized.connect(publish)
