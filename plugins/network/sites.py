"""The settings loader of a network of portals. Pure: no Pelican.

The default portal is ``content/`` + ``pelicanconf.py`` (every shared setting, defined once).
Every other portal is ``sites/<slug>/site.yaml`` (only what differs: name, agency, address,
categories, footer, counter site id, parent, public URL) + ``sites/<slug>/content/``.
``overrides()`` turns a site's facts into the Pelican settings that replace the shared ones
for its build (passed to Pelican with ``-e``), so nothing else needs a settings file.
"""

from __future__ import annotations

import dataclasses
import os
import re
from urllib.parse import urlsplit

import yaml

from plugins.content_contract.frontmatter import Problem
from plugins.content_contract.rules import suggest

SITES_DIR = "sites"
SITE_FILE = "site.yaml"
LOCAL_PORT = 8000
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Post-2025 two-tier names: a province-level unit or a commune-level unit (no district).
PROVINCE_TYPES = ("Tỉnh", "Thành phố")
COMMUNE_TYPES = ("Xã", "Phường", "Đặc khu")
UNIT_TYPES = PROVINCE_TYPES + COMMUNE_TYPES
REQUIRED = ("name", "agency", "address", "phone", "email")
OPTIONAL_TEXT = ("sitename", "subtitle", "fax", "editor_in_chief", "license", "copyright", "url",
                 "parent", "counter_site")
FLAGS = ("related_include_parent", "network_search")
LISTS = ("categories", "footer")
KNOWN = (*REQUIRED, *OPTIONAL_TEXT, *FLAGS, *LISTS)


@dataclasses.dataclass(frozen=True)
class Site:
    slug: str
    name: str                # "Xã Suối Lam"
    content: str             # absolute content folder
    settings_file: str       # site.yaml, or pelicanconf.py for the default portal
    parent: str = ""
    url: str = ""            # public base URL ("https://suoilam.example.gov.vn"); "" if not given
    counter_site: str = ""   # the counter service's site id (default: the slug)
    facts: dict = dataclasses.field(default_factory=dict, compare=False)
    default: bool = False

    @property
    def site_id(self) -> str:
        return self.counter_site or self.slug

    @property
    def short_name(self) -> str:
        """"Xã Suối Lam" → "xã Suối Lam" (as it reads inside a sentence)."""
        return self.name[:1].lower() + self.name[1:]


@dataclasses.dataclass
class Network:
    root: str
    sites: dict[str, Site]                                   # slug → site, default first
    problems: dict[str, list[Problem]] = dataclasses.field(default_factory=dict)  # broken sites

    def children(self, slug: str) -> list[Site]:
        return [s for s in self.sites.values() if s.parent == slug]

    def role(self, slug: str) -> str:
        if self.sites[slug].parent:
            return "commune"
        return "province" if self.children(slug) else "standalone"

    def slugs(self) -> list[str]:
        return [*self.sites, *(s for s in self.problems if s not in self.sites)]


def site_dir(root: str, slug: str) -> str:
    return os.path.join(root, SITES_DIR, slug)


def discover(root: str) -> list[str]:
    """Slugs of the folders under sites/ that hold a site.yaml, sorted."""
    base = os.path.join(root, SITES_DIR)
    if not os.path.isdir(base):
        return []
    return sorted(d for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, SITE_FILE)))


def _lines(node) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _v in node.value if isinstance(k, yaml.ScalarNode)}


def _check_list(key: str, value, fields: tuple[str, ...], path: str, line: int, out: list) -> None:
    example = ", ".join(f"{f}: ..." for f in fields)
    if not isinstance(value, list) or not value:
        out.append(Problem(path, line, f"'{key}' phải là một danh sách", f"mỗi dòng dạng '- {{{example}}}'"))
        return
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or any(not isinstance(item.get(f), str) or not item.get(f).strip()
                                             for f in fields[:2]):
            out.append(Problem(path, line, f"mục thứ {i} của '{key}' thiếu {' hoặc '.join(fields[:2])}",
                               f"viết dạng '- {{{example}}}'"))


def parse_site(text: str, path: str, slug: str) -> tuple[dict, list[Problem]]:
    """The facts of one site.yaml, and every problem in it (file:line, Vietnamese)."""
    out: list[Problem] = []
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        return {}, [Problem(path, mark.line + 1 if mark else 1, "tệp cài đặt không đọc được (YAML sai cú pháp)",
                            "kiểm tra dấu hai chấm, thụt lề và dấu ngoặc kép ở dòng này")]
    if not isinstance(data, dict):
        return {}, [Problem(path, 1, "tệp cài đặt phải là các dòng 'khóa: giá trị'", "xem sites/*/site.yaml mẫu")]
    lines = _lines(node)
    for key in data:
        if key not in KNOWN:
            hint = suggest(str(key), KNOWN) or f"dùng một trong: {', '.join(KNOWN)}"
            out.append(Problem(path, lines.get(key, 1), f"khóa '{key}' không được hỗ trợ", hint))
    for key in REQUIRED:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            out.append(Problem(path, lines.get(key, 1), f"thiếu '{key}'", f"thêm dòng '{key}: ...'"))
    for key in OPTIONAL_TEXT:
        if key in data and not isinstance(data[key], str):
            out.append(Problem(path, lines[key], f"'{key}' phải là chữ", f"viết '{key}: \"...\"'"))
    for key in FLAGS:
        if key in data and not isinstance(data[key], bool):
            out.append(Problem(path, lines[key], f"'{key}' phải là true hoặc false", f"viết '{key}: true'"))
    if "categories" in data:
        _check_list("categories", data["categories"], ("name", "slug", "description"), path,
                    lines["categories"], out)
    if "footer" in data:
        _check_list("footer", data["footer"], ("title", "url"), path, lines["footer"], out)
    name = data.get("name")
    if isinstance(name, str) and not name.startswith(UNIT_TYPES):
        out.append(Problem(path, lines.get("name", 1), f"tên '{name}' không bắt đầu bằng loại đơn vị hành chính",
                           f"bắt đầu bằng một trong: {', '.join(UNIT_TYPES)} (ví dụ 'Xã Suối Lam')"))
    url = data.get("url")
    if isinstance(url, str) and url and not (urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc):
        out.append(Problem(path, lines["url"], f"địa chỉ '{url}' không hợp lệ",
                           "viết địa chỉ đầy đủ, ví dụ 'https://suoilam.hoangson.gov.vn'"))
    cid = data.get("counter_site")
    if isinstance(cid, str) and not SLUG_RE.fullmatch(cid):
        out.append(Problem(path, lines["counter_site"], f"mã bộ đếm '{cid}' không hợp lệ",
                           "chỉ dùng chữ thường không dấu, số và dấu gạch ngang"))
    if data.get("parent") == slug:
        out.append(Problem(path, lines["parent"], "cổng không thể là cấp trên của chính nó",
                           "ghi slug của cổng tỉnh"))
    return data, out


def load(root: str, default_slug: str, default_name: str, default_content: str = "content",
         default_url: str = "") -> Network:
    """The default portal and every site under sites/; a broken site.yaml (or a parent that
    does not exist) puts that site in ``problems`` and leaves the others usable."""
    root = os.path.abspath(root)
    sites = {default_slug: Site(default_slug, default_name, os.path.join(root, default_content),
                                os.path.join(root, "pelicanconf.py"), url=default_url, default=True)}
    net = Network(root, sites)
    for slug in discover(root):
        path = os.path.join(site_dir(root, slug), SITE_FILE)
        shown = os.path.relpath(path, root)
        if slug == default_slug or not SLUG_RE.fullmatch(slug):
            net.problems[slug] = [Problem(shown, 1, f"tên thư mục '{slug}' không dùng được làm slug",
                                          "đổi tên thư mục: chữ thường không dấu, số, dấu gạch ngang, "
                                          "khác tên cổng mặc định")]
            continue
        with open(path, encoding="utf-8") as fh:
            data, problems = parse_site(fh.read(), shown, slug)
        if problems:
            net.problems[slug] = problems
            continue
        sites[slug] = Site(slug, data["name"].strip(), os.path.join(site_dir(root, slug), "content"), path,
                           parent=data.get("parent", ""), url=data.get("url", "").rstrip("/"),
                           counter_site=data.get("counter_site", ""), facts=data)
    for slug, site in list(sites.items()):
        if site.parent and site.parent not in sites:
            line = _lines(yaml.compose(open(site.settings_file, encoding="utf-8").read())).get("parent", 1)
            net.problems[slug] = [Problem(os.path.relpath(site.settings_file, root), line,
                                          f"không có cổng cấp trên '{site.parent}'",
                                          f"ghi một trong: {', '.join(s for s in sites if s != slug)}")]
            del sites[slug]
    return net


def base_url(site: Site, mode: str, port: int = LOCAL_PORT) -> str:
    """The site's address: its own host name under one local server (``http://<slug>.localhost:8000``,
    which browsers resolve to this machine), or its public URL when publishing."""
    if mode == "publish":
        return site.url
    return f"http://{site.slug}.localhost:{port}"


def _entry(site: Site, mode: str, port: int) -> dict:
    return {"slug": site.slug, "name": site.name, "url": base_url(site, mode, port), "content": site.content}


def network_setting(net: Network, slug: str, mode: str, port: int = LOCAL_PORT) -> dict:
    """The NETWORK setting of one site's build (plugins.network.config.Config)."""
    site = net.sites[slug]
    role = net.role(slug)
    facts = site.facts
    return {
        "slug": slug,
        "url": base_url(site, mode, port),
        "role": role,
        "parent": _entry(net.sites[site.parent], mode, port) if site.parent else None,
        "children": [_entry(c, mode, port) for c in net.children(slug)],
        "related_include_parent": bool(facts.get("related_include_parent", False)),
        "search": bool(facts.get("network_search", role == "province")),
    }


def overrides(net: Network, slug: str, mode: str = "local", port: int = LOCAL_PORT, cache_root: str = "") -> dict:
    """Pelican settings of one site's build: its facts over the shared settings."""
    site = net.sites[slug]
    url = base_url(site, mode, port)
    cache = cache_root or os.path.join(net.root, "cache")
    # photo variants are content-addressed: one cache for the network encodes a shared photo once
    out: dict = {"NETWORK": network_setting(net, slug, mode, port),
                 "RESPONSIVE_IMAGE_CACHE_DIR": os.path.join(cache, "network", "images")}
    if url:  # publishing the default portal without NETWORK["url"]: publishconf's SITEURL stands
        out.update({"ABSOLUTE_SITEURL": url, "FEED_DOMAIN": url})
        if mode == "publish":
            out["SITEURL"] = url
    if site.default:
        return out
    f = site.facts
    sitename = f.get("sitename") or f"Cổng thông tin điện tử {site.short_name}"
    parent = net.sites.get(site.parent)
    province = parent.short_name if parent else site.short_name
    out.update({
        "SITENAME": sitename,
        "SITESUBTITLE": f.get("subtitle", parent.name if parent else ""),
        "PORTAL": {
            "district": site.short_name,  # the unit's own name (templates' historical key)
            "province": province,
            "agency": f["agency"],
            "address": f["address"],
            "phone": f["phone"],
            "fax": f.get("fax", ""),
            "email": f["email"],
            "editor_in_chief": f.get("editor_in_chief", ""),
            "license": f.get("license", ""),
            "copyright": f.get("copyright") or f"© Bản quyền thuộc {f['agency']}. Ghi rõ nguồn “{sitename}” "
                                                 "khi phát hành lại thông tin từ cổng này.",
            "map_page": "ban-do-hanh-chinh",
        },
        "CACHE_PATH": os.path.join(cache, "sites", slug),
    })
    if "categories" in f:
        out["PORTAL_CATEGORIES"] = [dict(c) for c in f["categories"]]
    if "footer" in f:
        out["FOOTER_LINKS"] = [[i["title"], i["url"]] for i in f["footer"]]
    return out


def default_facts(root: str, settings_file: str = "pelicanconf.py") -> tuple[str, str, str]:
    """The default portal's slug and public URL (``NETWORK = {"slug": …, "url": …}``) and
    SITENAME, read from its settings
    file's literal assignments without running it (pure; the matrix and the counter table need them)."""
    import ast

    slug, name, url = "default", "", ""
    with open(os.path.join(root, settings_file), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if target == "NETWORK" and isinstance(value, dict) and isinstance(value.get("slug"), str):
                slug = value["slug"]
                url = str(value.get("url") or "").rstrip("/")
            elif target == "SITENAME" and isinstance(value, str):
                name = value.removeprefix("Cổng thông tin điện tử ").strip()
                name = name[:1].upper() + name[1:]
    return slug, name, url


def load_default(root: str) -> Network:
    """``load`` with the default portal's facts read from pelicanconf.py."""
    slug, name, url = default_facts(root)
    return load(root, slug, name, default_url=url)
