"""Pelican glue for the content contract (see the package docstring)."""

from __future__ import annotations

from pelican import signals
from pelican.contents import Category, Tag
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

from plugins import vietnamese
from plugins.categories import category_map

from . import rules
from .check import ContentError, ContentStop, check_site, report, stopped_message
from .config import Config


def _validate(settings, error=ContentError) -> None:
    problems = check_site(settings)
    if problems:
        report(problems)
        raise error(stopped_message(len(problems)))


def validate_or_stop(pelican) -> None:
    # At start-up the program ends (exit 1, no traceback). In later runs of `pelican -r`
    # a ContentError keeps the loop alive: Pelican logs its one-line message and waits.
    _validate(pelican.settings, ContentStop)
    pelican._content_contract_checked = True  # the first run need not check again


def validate_run(pelican):
    """Every run after the first (`pelican -r`, i.e. `invoke regenerate`, reuses one Pelican
    object, so `initialized` fires once): validate again; the cache keeps it cheap."""
    if getattr(pelican, "_content_contract_checked", False):
        pelican._content_contract_checked = False
    else:
        _validate(pelican.settings)
    return None  # no generator


DATE_FIELDS = ("date", "modified")

# Normalising every category and tag occurrence again was the reader's biggest own cost.
_names = rules.normalize_name


class NewsReader(YAMLMetadataReader):
    """pelican-yaml-metadata's reader with the portal's slugs and names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._portal_categories = category_map(self.settings)

    def read(self, source_path):
        content, meta = super().read(source_path)
        if "title" in meta and "slug" not in meta:
            meta["slug"] = vietnamese.slugify(str(meta["title"]))
        category = meta.get("category")
        if category is not None:
            meta["category"] = self._category(category.name)
        if "tags" in meta:
            meta["tags"] = [Tag(_names(t.name), self.settings) for t in meta["tags"]]
        return content, meta

    def _parse_yaml_metadata(self, meta, source_path):
        # '03/12/2024 08:30' is day first, as the check read it (Pelican's parser reads it
        # month first): hand Pelican the datetime the check accepted.
        for key in DATE_FIELDS:
            value = meta.get(key)
            if isinstance(value, str) and rules.VN_DATE_RE.match(value.strip()):
                parsed = rules.parse_date(value.strip())
                if parsed is not None:
                    meta = {**meta, key: parsed}
        return super()._parse_yaml_metadata(meta, source_path)

    def _category(self, name: str) -> Category:
        name = _names(name)
        cat = Category(name, self.settings)
        conf = self._portal_categories.get(name)
        if conf is not None:
            cat.slug = conf["slug"]  # set before the object is ever hashed
        return cat


def add_reader(readers):
    for ext in NewsReader.file_extensions:
        readers.reader_classes[ext] = NewsReader


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.initialized.connect(validate_or_stop)
    signals.get_generators.connect(validate_run)
    signals.readers_init.connect(add_reader)
