"""Reader comments: Isso 0.14 (a kept comment server, SQLite) mounted in this process
under /comments with a2wsgi, behind a guard that applies the portal's rules first.

The guard (ASGI, before Isso sees anything):
- only the routes the widget and the moderation page use are open; a commenter's own
  edit/delete, likes, previews, feeds and the demo are closed (they would bypass the rules);
- POST /new: exact Origin, no bot, the path must be an article with comments open
  (`counter/comments.json`, written by the build), honeypot empty, name and text within
  limits, at most `links` links; the body Isso gets is rebuilt from the known fields
  (title from the build, so Isso never fetches the page);
- Isso sees the real client address (trusted-proxy rule of the counter), so its guard
  (2 comments/min per network, /24 or /48, Isso anonymises it) applies per network.

Pre-moderation is always on: Isso keeps a new comment in mode 2 until an editor
approves it on /comments/admin/, which exists only when a password is configured
(COMMENTS_ADMIN_PASSWORD or COMMENTS_ADMIN_PASSWORD_FILE; there is no default).
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import re
import time
import urllib.parse
from dataclasses import dataclass

log = logging.getLogger("counter_service")

MAX_BODY = 16 * 1024
MAX_AUTHOR = 80
MAX_EMAIL = 254
DEFAULT_MAX_LENGTH = 2000
LIST_TTL = 5  # seconds a page's approved list is served from memory
HONEYPOT = "homepage"  # a field hidden from people; a filled one is a bot's

# Isso's routes (relative to the mount) that stay open, by method.
_OPEN = [
    ("GET", re.compile(r"/")),                      # approved comments of ?uri=
    ("POST", re.compile(r"/count")),                # counts of several uris
    ("POST", re.compile(r"/new")),                  # a new comment (checked below)
    ("GET", re.compile(r"/admin/?")),               # moderation page (password)
    ("POST", re.compile(r"/login/?")),
    ("GET", re.compile(r"/id/\d+/(activate|delete)/[\w.\-]+")),   # links in notification e-mails
    ("POST", re.compile(r"/id/\d+/(activate|delete|edit)/[\w.\-]+")),  # the moderation page's buttons
    ("GET", re.compile(r"/(js/admin\.js|css/(admin|isso)\.css|img/isso\.svg)")),
]
_LINK = re.compile(r"(https?://|www\.|\b[\w-]+\.(vn|com|net|org|info|io|xyz|ru|cn)\b)", re.I)


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


@dataclass
class CommentsConfig:
    db: str
    password: str | None  # None: no moderation page
    extra_config: str | None = None  # an Isso ini merged over ours (e.g. [smtp] to e-mail editors)
    public_url: str = ""  # where readers reach /comments behind a proxy (the moderation page's links)

    @classmethod
    def from_env(cls, counter_db: str | None, env=os.environ) -> CommentsConfig | None:
        if env.get("COMMENTS", "1") == "0":
            return None
        password = env.get("COMMENTS_ADMIN_PASSWORD") or None
        pfile = env.get("COMMENTS_ADMIN_PASSWORD_FILE")
        if pfile:
            with open(pfile, encoding="utf-8") as fh:
                password = fh.read().strip() or None
        default_db = os.path.join(os.path.dirname(os.path.abspath(counter_db)) if counter_db else "var",
                                  "comments.sqlite3")
        return cls(db=env.get("COMMENTS_DB", default_db), password=password,
                   extra_config=env.get("COMMENTS_ISSO_CONFIG") or None,
                   public_url=env.get("COMMENTS_PUBLIC_URL", "").rstrip("/"))


def isso_config(cc: CommentsConfig, origins: list[str]):
    import secrets

    from isso import config as isso_config_mod

    os.makedirs(os.path.dirname(os.path.abspath(cc.db)), exist_ok=True)
    # Isso's author hash (shown by its API) needs a salt of this installation, not the
    # public default; kept beside the database.
    salt_file = cc.db + ".hash-salt"
    if not os.path.exists(salt_file):
        with open(salt_file, "x", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(24))
    with open(salt_file, encoding="ascii") as fh:
        salt = fh.read().strip()
    conf = isso_config_mod.load(os.path.join(os.path.dirname(isso_config_mod.__file__), "isso.cfg"))
    for section, values in {
        "general": {"dbpath": cc.db, "host": "\n".join(origins), "notify": "stdout",
                    "gravatar": "false", "latest-enabled": "false", "max-age": "15m"},
        "moderation": {"enabled": "true", "approve-if-email-previously-approved": "false", "purge-after": "30d"},
        "admin": {"enabled": "true" if cc.password else "false", "password": cc.password or ""},
        "guard": {"enabled": "true", "ratelimit": "2", "direct-reply": "3", "reply-to-self": "false",
                  "require-author": "true", "require-email": "false"},
        "server": {"listen": "http://127.0.0.1:0", "public-endpoint": cc.public_url, "trusted-proxies": ""},
        "hash": {"salt": salt, "algorithm": "pbkdf2"},
        "markup": {"renderer": "mistune"},
    }.items():
        for k, v in values.items():
            conf.set(section, k, v)
    if cc.extra_config:
        extra = configparser.ConfigParser()
        extra.read(cc.extra_config, encoding="utf-8")
        for section in extra.sections():
            if section in ("moderation", "admin", "guard"):
                continue  # the portal's rules are not configurable away
            for k, v in extra.items(section):
                conf.set(section, k, v)
    return conf


def make_isso(conf):
    """isso.make_app without its start-up HEAD request to the site (the build tells us
    which pages exist) and without its demo and proxy-fix layers."""
    from os.path import dirname, join

    from isso import Isso, local_manager, wsgi
    from isso.core import ThreadedMixin
    from isso.wsgi import origin
    from werkzeug.middleware.shared_data import SharedDataMiddleware

    class App(Isso, ThreadedMixin):
        pass

    isso = App(conf)
    app = local_manager.make_middleware(isso)
    base = dirname(__import__("isso").__file__)
    app = SharedDataMiddleware(app, {"/js": join(base, "js/"), "/css": join(base, "css/"), "/img": join(base, "img/")})
    app = wsgi.CORSMiddleware(app, origin=origin(conf.getiter("general", "host")),
                              allowed=("Origin", "Referer", "Content-Type"), exposed=("X-Set-Cookie", "Date"))
    return isso, app


# The moderation page's labels Isso's templates hard-code (admin.html, login.html of Isso
# 0.14.0, pinned). Each pattern carries the template's own markup around its label (ids,
# classes, onClick handlers): Isso escapes and sanitises what readers post, so a comment's
# text or author can never match one, and an editor approves exactly what was posted.
ADMIN_LABELS = tuple((re.compile(a, re.S), b) for a, b in (
    (r'<html lang="en">', '<html lang="vi">'),
    (r"<title>Isso admin</title>", "<title>Kiểm duyệt ý kiến bạn đọc</title>"),
    (r"<h2>Administration</h2>", "<h2>Kiểm duyệt ý kiến</h2>"),
    (r'(<div id="login">\s*)Administration secured by password:', r"\1Trang kiểm duyệt có mật khẩu:"),
    (r'(<span class="label label-valid[^"<>]*">\s*)Valid \(', r"\1Đã duyệt ("),
    (r'(<span class="label label-pending[^"<>]*">\s*)Pending \(', r"\1Chờ duyệt ("),
    (r'(<span class="label label-staled[^"<>]*">\s*)Staled \(', r"\1Đã xóa ("),
    (r'<span class="label label-valid">Valid</span>', '<span class="label label-valid">Đã duyệt</span>'),
    (r'<span class="label label-pending">Pending</span>', '<span class="label label-pending">Chờ duyệt</span>'),
    (r'<span class="label label-staled">Staled</span>', '<span class="label label-staled">Đã xóa</span>'),
    (r'(<div class="group">\s*)Group by thread:', r"\1Nhóm theo bài:"),
    (r'(<div class="filters order">\s*)Order:', r"\1Sắp xếp theo:"),
    (r'(<a id="logout"[^<>]*>)Log Out<', r"\1Đăng xuất<"),
    (r'(<label class="search-label">)Search by URL', r"\1Tìm theo địa chỉ"),
    (r'(<span class="search-tooltip-text">\s*)Search for comments within threads.*?by their URL\.',
     r"\1Tìm các ý kiến của một bài (ví dụ https://…/2024/05/bai-viet.html) hoặc một ý kiến "
     r"(ví dụ https://…/2024/05/bai-viet.html#isso-1) theo địa chỉ."),
    (r'(<button type="submit" class="search__button">)Search<', r"\1Tìm<"),
    (r"<div>Thread: ", "<div>Bài: "),
    (r"(<span class='isso-author' id=\"isso-author-\d+\">)Anonymous<", r"\1Không tên<"),
    (r"(class='email'>)mailto<", r"\1gửi thư<"),
    (r"(class='website'>)open<", r"\1mở<"),
    (r"<strong>HIDDEN</strong>\. Original text:", "<strong>ĐÃ ẨN</strong>. Nội dung gốc:"),
    (r'(onClick="javascript:start_edit\(\d+\)">)Edit<', r"\1Sửa<"),
    (r'(onClick="javascript:stop_edit\(\d+\)">)Cancel<', r"\1Hủy<"),
    (r'(onClick="javascript:send_edit\([^()"]*\)">)Send<', r"\1Gửi<"),
    (r'(onClick="javascript:delete_com\([^()"]*\)">\s*)Delete(\s*</a>)', r"\1Xóa\2"),
    (r'(onClick="javascript:validate_com\([^()"]*\)">)Validate<', r"\1Duyệt<"),
))
# The sort keys Isso prints as they are ({{ order }}).
ORDER_LABELS = {"id": "số", "created": "ngày gửi", "modified": "ngày sửa", "likes": "thích", "dislikes": "không thích"}
_ORDER_RE = re.compile(r'(<a href="\?mode=[^"<>]*order_by=[a-z]+[^"<>]*">\s*<span class="label label-valid[^"<>]*">\s*)'
                       r"(id|created|modified|likes|dislikes)(\s)")


def admin_vi(html: str) -> str:
    """The moderation page with Vietnamese labels."""
    for pattern, repl in ADMIN_LABELS:
        html = pattern.sub(repl, html)
    return _ORDER_RE.sub(lambda m: m.group(1) + ORDER_LABELS[m.group(2)] + m.group(3), html)


class Guard:
    """ASGI app for /comments: the portal's rules, then Isso through a2wsgi."""

    def __init__(self, cc: CommentsConfig, origins: list[str], policy, client_ip, is_bot, now):
        from a2wsgi import WSGIMiddleware

        self.cc = cc
        self.origins = set(origins)
        self.policy = policy  # a Manifest of counter/comments.json
        self.client_ip = client_ip
        self.is_bot = is_bot
        self.now = now
        self.isso, wsgi_app = make_isso(isso_config(cc, origins))
        self.wsgi = WSGIMiddleware(wsgi_app, workers=4)
        self.dropped = 0
        self.lists: dict[bytes, tuple[float, bytes]] = {}

    @staticmethod
    async def _send_json(send, status: int, obj, origin: str | None, origins) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"vary", b"Origin")]
        if origin in origins:
            headers += [(b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-allow-credentials", b"true")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        root = scope.get("root_path", "")
        path = scope["path"][len(root):] if scope["path"].startswith(root) else scope["path"]
        method = scope["method"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")

        async def answer(status, obj):
            await self._send_json(send, status, obj, origin, self.origins)

        if method == "OPTIONS":
            return await self.wsgi(scope, receive, send)
        if not any(m == method and rx.fullmatch(path) for m, rx in _OPEN):
            return await answer(404, {"error": "not found"})
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        peer = scope.get("client")
        ip = self.client_ip(peer[0] if peer else "", headers.get("x-forwarded-for"))
        scope = dict(scope, client=(ip, 0))
        if path == "/" and method == "GET":
            uri = (query.get("uri") or [""])[0]
            if uri not in self.policy.paths and uri not in self.policy.closed:
                return await answer(404, {"error": "no comments for this path"})
            return await self._listing(scope, receive, send, origin)
        if path == "/new":
            return await self.new(scope, receive, send, headers, query, answer)
        if path.startswith("/admin") or path.startswith("/login"):
            return await self._admin(scope, receive, send)
        try:
            return await self.wsgi(scope, receive, send)
        finally:
            if path.startswith("/id/"):
                self.lists.clear()  # moderated: this process shows the change at once (others within LIST_TTL)

    async def _listing(self, scope, receive, send, origin):
        """Approved comments of a page, kept LIST_TTL seconds: Isso hashes every comment's
        author on each list (PBKDF2), and the list only changes when an editor moderates."""
        key = scope.get("query_string", b"")
        now = time.monotonic()
        hit = self.lists.get(key)
        if hit is None or hit[0] < now - LIST_TTL:
            start, chunks = {}, []

            async def capture(msg):
                if msg["type"] == "http.response.start":
                    start.update(msg)
                else:
                    chunks.append(msg.get("body", b""))

            await self.wsgi(scope, receive, capture)
            body = b"".join(chunks)
            if start.get("status") != 200:
                return await self._send_json(send, start.get("status", 503), {"error": "comments"}, origin,
                                             self.origins)
            if len(self.lists) > 2000:
                self.lists.clear()
            hit = self.lists[key] = (now, body)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(hit[1])).encode()),
                   (b"vary", b"Origin"), (b"cache-control", b"public, max-age=%d" % LIST_TTL)]
        if origin in self.origins:
            headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": hit[1]})

    async def _admin(self, scope, receive, send):
        """The moderation page, with the labels Vietnamese where Isso's template hard-codes them."""
        start = {}
        chunks = []

        async def capture(msg):
            if msg["type"] == "http.response.start":
                start.update(msg)
            else:
                chunks.append(msg.get("body", b""))
                if not msg.get("more_body"):
                    body = b"".join(chunks)
                    ctype = dict(start.get("headers", [])).get(b"content-type", b"")
                    if ctype.startswith(b"text/html"):
                        body = admin_vi(body.decode("utf-8")).encode("utf-8")
                    hdrs = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                    hdrs.append((b"content-length", str(len(body)).encode()))
                    await send({"type": "http.response.start", "status": start["status"], "headers": hdrs})
                    await send({"type": "http.response.body", "body": body})

        await self.wsgi(scope, receive, capture)

    async def new(self, scope, receive, send, headers, query, answer):
        cl = headers.get("content-length")
        if cl is not None and (not cl.isdigit() or int(cl) > MAX_BODY):
            return await answer(413, {"error": "too_large"})
        body = b""
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            if len(body) > MAX_BODY:
                return await answer(413, {"error": "too_large"})
            if not msg.get("more_body"):
                break
        if headers.get("origin") not in self.origins:
            self.dropped += 1
            return await answer(403, {"error": "origin"})
        if self.is_bot(headers.get("user-agent", "")):
            self.dropped += 1
            return await answer(403, {"error": "bot"})
        uri = (query.get("uri") or [""])[0]
        info = self.policy.paths.get(uri)
        if info is None:
            return await answer(403 if uri in self.policy.closed else 404, {"error": "closed"})
        closes = info.get("closes")
        if isinstance(closes, (int, float)) and self.now(headers) >= closes:
            return await answer(403, {"error": "closed"})
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return await answer(400, {"error": "json"})
        if not isinstance(data, dict):
            return await answer(400, {"error": "json"})
        if data.get(HONEYPOT):
            self.dropped += 1  # answered like a queued comment, so the bot learns nothing
            return await answer(202, {"id": None, "mode": 2, "text": "", "author": "", "created": 0})
        text, author, email = data.get("text"), data.get("author"), data.get("email") or None
        if not isinstance(text, str) or not isinstance(author, str) or not isinstance(email, (str, type(None))):
            return await answer(400, {"error": "fields"})
        text, author = text.strip(), " ".join(author.split())
        limits = self.policy.settings
        if not (3 <= len(text) <= int(limits.get("max_length", DEFAULT_MAX_LENGTH))):
            return await answer(400, {"error": "length"})
        if not (1 <= len(author) <= MAX_AUTHOR) or (email and len(email) > MAX_EMAIL):
            return await answer(400, {"error": "author"})
        if count_links(text) + count_links(author) > int(limits.get("links", 0)):
            return await answer(400, {"error": "links"})
        if "\x00" in text + author + (email or ""):
            return await answer(400, {"error": "fields"})
        clean = {"text": text, "author": author, "email": email, "website": None, "parent": None,
                 "title": info.get("title") or uri, "notification": 0}
        new_body = json.dumps(clean).encode()
        hdrs = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"content-type")]
        hdrs += [(b"content-length", str(len(new_body)).encode()), (b"content-type", b"application/json")]
        scope = dict(scope, headers=hdrs)
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": new_body, "more_body": False}

        await self.wsgi(scope, replay, send)


class Policy:
    """counter/comments.json, written by the build: {"version": 1, "max_length": N,
    "links": N, "open": {path: {"title", "closes"}}, "closed": [path, ...]}. Re-read when
    its mtime changes (the app's background task calls `reload`); a file that cannot be
    read keeps the last good one, and with none every article is closed."""

    def __init__(self, source: str | None):
        self.source = source
        self.paths: dict[str, dict] = {}
        self.closed: set[str] = set()
        self.settings: dict = {}
        self.error: str | None = None
        self._mtime = None
        self.reload()

    def reload(self) -> None:
        if not self.source:
            return
        try:
            mtime = os.stat(self.source).st_mtime_ns
            if mtime == self._mtime:
                return
            with open(self.source, encoding="utf-8") as fh:
                data = json.load(fh)
            self.paths = {p: v for p, v in data["open"].items() if isinstance(v, dict)}
            self.closed = set(data.get("closed", ()))
            self.settings = {"max_length": int(data.get("max_length", DEFAULT_MAX_LENGTH)),
                             "links": int(data.get("links", 0))}
            self._mtime = mtime
            self.error = None
        except Exception as e:  # keep the last good policy
            self.error = f"{type(e).__name__}: {e}"
