"""Pelican glue for page_writer (see the package docstring)."""

from __future__ import annotations

import datetime
import importlib
import logging
import os
import pickle
import sys
import zoneinfo

from pelican import signals
from pelican.contents import Content, Static
from pelican.generators import StaticGenerator
from pelican.writers import FileOverwriteFailedError, Writer

from plugins.fileutil import atomic_write, file_hash, link_or_copy
from plugins.pool import fork_list

from .config import Config
from .fingerprint import Digester, digest, is_content, tree_digest

log = logging.getLogger(__name__)
VERSION = 1
_PER_PAGE_KEYS = {"localsiteurl", "output_file"}  # per-page values, keyed by the job itself
_UNORDERED = {"staticfiles"}  # Pelican lists static files in no fixed order


class _Job:
    __slots__ = ("name", "template", "context", "args", "kwargs")

    def __init__(self, name, template, context, args, kwargs):
        self.name, self.template, self.context, self.args, self.kwargs = name, template, context, args, kwargs


def _file_hash(path: str, known: dict) -> str | None:
    """Content hash of a static file, reused while its size and mtime are unchanged
    (a fresh checkout gives every file a new mtime but the same bytes)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_size, st.st_mtime_ns)
    hit = known.get(path)
    if hit is None or hit[0] != stamp:
        hit = known[path] = (stamp, file_hash(path))
    return hit[1]


def _body(obj) -> str:
    return str(getattr(obj, "content", "") or "")


def build_digest(settings: dict) -> str:
    """Everything outside the content that every page depends on."""
    import jinja2
    import markdown
    import pelican

    roots = [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    for plugin in settings.get("PLUGINS") or []:
        name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "")
        top = name.split(".")[0]
        mod = sys.modules.get(name) or importlib.import_module(name)
        if top != "pelican" and top in sys.modules and hasattr(sys.modules[top], "__path__"):
            mod = sys.modules[top]  # our own plugins share helper modules: hash them all
        path = getattr(mod, "__file__", None)
        if path:
            roots.append(os.path.dirname(path))
    tz = zoneinfo.ZoneInfo(settings.get("TIMEZONE") or "UTC")
    dig = Digester()
    state = {k: v for k, v in settings.items() if not k.endswith("_WORKERS")}  # same pages on any count
    return digest((VERSION, pelican.__version__, jinja2.__version__, markdown.__version__,
                   datetime.datetime.now(tz).date().isoformat(),
                   tree_digest([r for r in roots if os.path.isdir(r)], (".py", ".html", ".css", ".js", ".json", ".txt", ".xml")),
                   dig.rep(state)))


class PageWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        settings = self.settings
        self.jobs: list[_Job] = []
        cfg = Config.from_settings(settings)
        self.workers = cfg.workers
        self.min_fork_jobs = cfg.min_fork_jobs
        self.cache_on = cfg.cache
        self.final_output = os.path.abspath(cfg.previous_output or output_path)
        self.fresh_dir = self.final_output != os.path.abspath(output_path)
        self.manifest_path = os.path.join(settings["CACHE_PATH"], "page_writer", "manifest.pickle")
        self._previous_data = self._load_manifest() if self.cache_on else {}
        self.previous = self._previous_data.get("entries", {})
        self.entries: dict[str, dict] = {}
        self.build = build_digest(settings) if self.cache_on else ""
        self.file_hashes: dict = self._previous_data.get("file_hashes", {})
        self.digester = Digester(self._extra_card)
        self.kept = 0
        self.rendered: list[str] = []  # names, for the log and for tests
        self._pages: set[str] = set()
        self._recording: list | None = None
        _State.writer = self

    def _extra_card(self, obj) -> dict:
        """What Pelican computes on access rather than storing, and that cards show."""
        extra = {}
        if isinstance(obj, Content):
            extra["url"], extra["save_as"] = obj.url, obj.save_as
            if isinstance(obj, Static):
                extra["bytes"] = _file_hash(obj.source_path, self.file_hashes)
            else:
                extra["summary"] = obj.summary
        return extra

    # -- Pelican's API --------------------------------------------------------------------
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return
        self.jobs.append(_Job(name, template, context,
                              (relative_urls, paginated, template_name, override_output, url), kwargs))

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(filename)
        if self.fresh_dir and os.path.lexists(filename) and filename not in self._written_files:
            # a kept page is a hard link into the live site: writing it in place would change
            # the live file; unlink first so the write makes a new file
            os.remove(filename)
        return super()._open_w(filename, encoding, override)

    # -- the work -----------------------------------------------------------------------
    def flush(self) -> None:
        jobs, self.jobs = self.jobs, []
        if not jobs:
            return
        overriding = [j for j in jobs if j.args[3]]
        jobs = [j for j in jobs if not j.args[3]]
        contexts = {}
        for job in jobs:
            # {attach} links move static files as a side effect of rendering a body: do it here
            for obj in job.kwargs.values():
                if is_content(obj) and "{attach}" in (getattr(obj, "_content", None) or ""):
                    _body(obj)
            if self.cache_on and id(job.context) not in contexts:
                contexts[id(job.context)] = self._context_digest(job.context)
        self._contexts = contexts
        workers = self.workers if len(jobs) >= self.min_fork_jobs else 1
        with signals.content_written.muted():
            results = fork_list(self._run, jobs, workers, label=lambda j: j.name)
            for job in overriding:  # Pelican's override rules need one process and the final say
                results.append(("", False, self._render(job)))
            jobs += overriding
        for job, (key, kept, files) in zip(jobs, results):
            if key:
                self.entries[job.name] = {"key": key, "files": files}
            if kept:
                self.kept += 1
            else:
                self.rendered.append(job.name)
            for rel, _size, _mtime in files:
                path = os.path.join(self.output_path, rel)
                if path in self._pages and not job.args[3]:
                    raise FileOverwriteFailedError(
                        f'Failed to overwrite "{path}" as Pelican has already written to it previously')
                self._pages.add(path)
                self._written_files.add(path)
                signals.content_written.send(path, context={**job.context, **job.kwargs, "output_file": rel})

    def _context_digest(self, context: dict) -> str:
        settings = self.settings
        parts = []
        for key in sorted(context):
            value = context[key]
            if key in _PER_PAGE_KEYS or (key in settings and settings[key] is value):
                continue
            if key in _UNORDERED:
                value = sorted(value, key=lambda obj: str(getattr(obj, "source_path", obj)))
            parts.append((key, self.digester.value_digest(value)))
        return digest(parts)

    def _key(self, job: _Job) -> str:
        d = self.digester
        kwargs = {}
        for k, v in job.kwargs.items():
            kwargs[k] = ("subject", d.subject(v, _body(v))) if is_content(v) else d.rep(v, 1, in_card=True)
        relative_urls, paginated, template_name, override, url = job.args
        return digest((self.build, self._contexts[id(job.context)], job.name,
                       getattr(job.template, "name", None) or repr(job.template),
                       relative_urls, d.rep(paginated, 1, in_card=True), template_name, override, url,
                       tuple(sorted(kwargs.items()))))

    def _run(self, job: _Job):
        key = self._key(job) if self.cache_on else ""
        prev = self.previous.get(job.name)
        if key and prev and prev["key"] == key and self._intact(prev["files"]):
            if self.fresh_dir:
                for rel, _s, _m in prev["files"]:
                    link_or_copy(os.path.join(self.final_output, rel), os.path.join(self.output_path, rel))
            return key, True, prev["files"]
        return key, False, self._render(job)

    def _render(self, job: _Job) -> list[tuple[str, int, int]]:
        """Pelican's own write_file for one job; the files written, with size and mtime."""
        self._recording = []
        try:
            relative_urls, paginated, template_name, override, url = job.args
            Writer.write_file(self, job.name, job.template, job.context, relative_urls, paginated,
                              template_name, override, url, **job.kwargs)
            files = []
            for path in self._recording:
                if path == os.devnull:
                    continue
                st = os.stat(path)
                files.append((os.path.relpath(path, self.output_path), st.st_size, st.st_mtime_ns))
        finally:
            self._recording = None
        return files

    def _intact(self, files) -> bool:
        for rel, size, mtime in files:
            try:
                st = os.stat(os.path.join(self.final_output, rel))
            except OSError:
                return False
            if st.st_size != size or st.st_mtime_ns != mtime:
                return False
        return True

    # -- the manifest of the last build ---------------------------------------------------
    def _load_manifest(self) -> dict:
        try:
            with open(self.manifest_path, "rb") as fh:
                data = pickle.load(fh)
            if data.get("version") == VERSION and data.get("output") == self.final_output:
                return data
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001 - a damaged cache only costs a full render
            log.warning("page_writer: ignoring unreadable %s (%s)", self.manifest_path, exc)
        return {}

    def save(self) -> None:
        if self.cache_on:
            data = {"version": VERSION, "output": self.final_output, "entries": self.entries,
                    "file_hashes": self.file_hashes,
                    "last_build": {"rendered": self.rendered, "kept": self.kept}}
            atomic_write(self.manifest_path, pickle.dumps(data, pickle.HIGHEST_PROTOCOL))
        log.info("page_writer: %d pages rendered, %d unchanged kept", len(self.rendered), self.kept)


class _State:
    writer: PageWriter | None = None


def get_writer(_pelican):
    return PageWriter


def _reuse_static(gen: StaticGenerator, previous: str) -> None:
    """Building into a fresh directory: link a static file from the last good build when
    that copy has the source's size and is not older (Pelican's STATIC_CHECK_IF_MODIFIED
    rule; its copy does not keep the mtime), instead of copying every photo again."""
    original = gen._link_or_copy_staticfile

    def link_or_copy_staticfile(sc):
        prev = os.path.join(previous, sc.save_as)
        try:
            before, source = os.stat(prev), os.stat(os.path.join(gen.path, sc.source_path))
        except OSError:
            return original(sc)
        if before.st_size != source.st_size or before.st_mtime_ns < source.st_mtime_ns:
            return original(sc)
        link_or_copy(prev, os.path.join(gen.output_path, sc.save_as))

    gen._link_or_copy_staticfile = link_or_copy_staticfile


def wrap_generators(generators) -> None:
    """Render a generator's queued pages as soon as its generate_output is done."""
    for gen in generators:
        previous = Config.from_settings(gen.settings).previous_output
        if (isinstance(gen, StaticGenerator) and previous and os.path.isdir(previous)
                and os.path.abspath(previous) != os.path.abspath(gen.output_path)):
            _reuse_static(gen, os.path.abspath(previous))
        original = getattr(gen, "generate_output", None)
        if original is None or getattr(original, "_page_writer", False):
            continue

        def generate_output(writer, _original=original):
            _original(writer)
            if isinstance(writer, PageWriter):
                writer.flush()

        generate_output._page_writer = True
        gen.generate_output = generate_output


def finish(_pelican) -> None:
    writer, _State.writer = _State.writer, None
    if writer is not None:
        writer.save()


def register():
    signals.initialized.connect(Config.check_at_start, weak=False)
    signals.get_writer.connect(get_writer)
    signals.all_generators_finalized.connect(wrap_generators)
    signals.finalized.connect(finish)
