"""Pelican glue for live_preview: the site model kept from an in-process build, and the
first pages rendered from it after an article changes (see the package docstring)."""

from __future__ import annotations

import logging
import os
import shutil
import types
from operator import attrgetter

from pelican import parse_arguments, signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.log import init as init_logging
from pelican.paginator import Paginator
from pelican.utils import order_content
from pelican.writers import Writer

log = logging.getLogger(__name__)


class Model:
    """What the last in-process build left: its generators (and their shared context)."""

    generators: list = []

    @classmethod
    def articles(cls) -> ArticlesGenerator | None:
        return next((g for g in cls.generators if isinstance(g, ArticlesGenerator)), None)


def _keep(generators) -> None:
    Model.generators = list(generators)


def register():
    signals.all_generators_finalized.connect(_keep)


def build_in_process(argv: list[str]) -> None:
    """``python -m pelican ARGV`` in this process (the same settings, overrides and fatal
    errors), keeping the model. Raises when the build fails."""
    import pelican

    register()
    args = parse_arguments(argv)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican")
    instance, _settings = pelican.get_instance(args)
    Model.generators = []
    instance.run()


# -- the first pages ---------------------------------------------------------------------------
class FirstPageWriter(Writer):
    """Pelican's writer for the named pages only, and of a paginated list its first page
    (the rest follow with the full build)."""

    def __init__(self, output_path, settings, wanted: set[str]):
        super().__init__(output_path, settings=settings)
        self.wanted = wanted

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if name not in self.wanted:
            return
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (self.settings["PAGINATED_TEMPLATES"][template_name]
                        or self.settings["DEFAULT_PAGINATION"])
            kwargs = dict(kwargs)
            for key, values in paginated.items():  # as Writer.write_file does for page 1
                paginator = Paginator(name, url, values, self.settings, per_page)
                page = paginator.page(1)
                kwargs.update({f"{key}_paginator": paginator, f"{key}_page": page,
                               f"{key}_previous_page": None,
                               f"{key}_next_page": paginator.page(2) if paginator.num_pages > 1 else None})
                name = page.save_as
        super().write_file(name, template, context, relative_urls, {}, None, override_output, url, **kwargs)


def _swap_in_lists(gen, old, new) -> None:
    """Put ``new`` where ``old`` was in the generator's lists (identity; IdLists too)."""
    lists = [gen.articles, gen.dates, *(arts for _c, arts in gen.categories),
             *(arts for arts in getattr(gen.tags, "values", lambda: [])()),
             *(arts for _a, arts in gen.authors)]
    for seq in lists:
        for i, item in enumerate(seq):
            if item is old:
                seq[i] = new
                ids = getattr(seq, "_ids", None)
                if ids is not None:
                    ids.discard(id(old))
                    ids.add(id(new))


def _add_to_lists(gen, new) -> None:
    from plugins.archive_lists.idlist import IdList

    settings = gen.settings
    gen.articles = order_content([*gen.articles, new], settings["ARTICLE_ORDER_BY"])
    gen.dates = sorted(gen.articles, key=attrgetter("date"), reverse=gen.context["NEWEST_FIRST_ARCHIVES"])
    cats = dict(gen.categories)
    cats[new.category] = IdList([a for a in gen.articles if a.category == new.category])
    gen.categories = sorted(cats.items(), reverse=settings["REVERSE_CATEGORY_ORDER"])
    gen.context.update(articles=gen.articles, dates=gen.dates, categories=gen.categories)
    new.related_news, new.same_category, new.may_interest = [], [], []


def _under(rel: str, folders) -> bool:
    return any(f in ("", ".") or rel == f or rel.startswith(f.rstrip("/") + "/") for f in folders)


def _published_now(gen, art) -> bool:
    from plugins.scheduling.plugin import apply

    probe = types.SimpleNamespace(settings=gen.settings, articles=[art], hidden_articles=[], translations=[])
    apply(probe)
    return probe.articles == [art] and art.status == "published"


def render_first(paths: list[str], output: str) -> list[str]:
    """Re-read the changed or new articles ``paths`` into the kept model and write their
    pages (and for a new article the home page and its category's first page) into
    ``output``, each file replaced whole. Returns the files written (relative); [] when
    the model cannot show them (anything but a published article: the full build will)."""
    gen = Model.articles()
    if gen is None:
        return []
    from plugins.content_contract.check import check_articles_alone
    from plugins.images.plugin import prepare
    from plugins.portal_theme.plugin import add_portal_context
    from plugins.reader.plugin import add_states

    settings = gen.settings
    if check_articles_alone(settings, paths):  # a content problem: the full build fails and lists it
        return []
    content_root = os.path.abspath(gen.path)
    by_path = {os.path.abspath(a.source_path): a
               for a in [*gen.articles, *gen.hidden_articles, *gen.drafts]}
    wanted: set[str] = set()
    fresh: list = []
    added = False
    for path in paths:
        rel = os.path.relpath(path, content_root)
        if not rel.endswith(".md") or not _under(rel, settings["ARTICLE_PATHS"]) or _under(
                rel, settings["ARTICLE_EXCLUDES"]):
            return []  # pages, documents, photos...: the full build
        art = gen.readers.read_file(base_path=gen.path, path=rel, content_class=Article, context=gen.context)
        if not isinstance(art, Article) or not art.is_valid() or not _published_now(gen, art):
            return []
        old = by_path.get(os.path.abspath(path))
        if old is not None:
            if old.status != "published":
                return []
            for key, value in vars(old).items():  # what plugins set after reading (related lists, ...)
                if key not in vars(art) and key != "_url_memo":
                    setattr(art, key, value)
            _swap_in_lists(gen, old, art)
        else:
            if any(a.slug == art.slug for a in gen.articles):
                return []  # a slug taken by another article: the full build reports it
            _add_to_lists(gen, art)
            added = True
        fresh.append(art)
        wanted.add(art.save_as)
    prepare(types.SimpleNamespace(articles=fresh))  # photos in the body: <picture>, as a build does
    if added:
        add_portal_context(gen)
        add_states(gen)
        wanted.add(settings.get("INDEX_SAVE_AS", "index.html"))
        wanted.update(a.category.save_as for a in fresh)
    for art in fresh:
        if not hasattr(art, "comments_state"):
            add_states(gen)
    staging = os.path.abspath(output) + ".first"
    shutil.rmtree(staging, ignore_errors=True)
    writer = FirstPageWriter(staging, settings, wanted)
    write = writer.write_file
    rurls = settings["RELATIVE_URLS"]
    with signals.content_written.muted():
        for art in fresh:
            write(art.save_as, gen.get_template(art.template), gen.context, rurls, article=art,
                  category=getattr(art, "category", None), override_output=hasattr(art, "override_save_as"),
                  url=art.url, blog=True)
        if added:
            gen.generate_direct_templates(lambda *a, **k: write(*a, relative_urls=rurls, **k))
            gen.generate_categories(lambda *a, **k: write(*a, relative_urls=rurls, **k))
    written = []
    for dirpath, _dirs, names in os.walk(staging):
        for name in names:
            src = os.path.join(dirpath, name)
            rel = os.path.relpath(src, staging)
            dest = os.path.join(output, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(src, dest)  # a new file: the last build's links to the old one are untouched
            written.append(rel)
    shutil.rmtree(staging, ignore_errors=True)
    return sorted(written)
