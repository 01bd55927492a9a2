"""A network of a province and three communes, scaffolded with `invoke new-site`, built with
`make build SITE=all`, served under one server, searched in Chromium. One build for the module."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from plugins.network import serve

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("network_build")]

LINKED = ("theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py", "Makefile", "pyproject.toml",
          "package.json", "package-lock.json", ".venv", "node_modules")
COMMUNES = [("xa-suoi-lam", "Xã Suối Lam"), ("phuong-thac-bac", "Phường Thác Bạc"), ("xa-na-chieng", "Xã Nà Chiềng")]
ARTICLES = {
    "xa-suoi-lam": [("Suối Lam thu hoạch chè vụ thu", "2026-11-25 16:00", "Kinh tế", ""),
                    ("Suối Lam sửa chữa cầu treo thôn Khe Mát", "2026-11-24 09:00", "Tin tức - Sự kiện",
                     "Thôn Khe Mát thay cáp thép và mặt cầu của cầu treo dân sinh đã xuống cấp. Người dân góp "
                     "ngày công. Mùa mưa lũ năm sau bà con đi lại an toàn hơn.")],
    "phuong-thac-bac": [("Phường Thác Bạc chỉnh trang vỉa hè", "2026-11-22 08:45", "Tin tức - Sự kiện", ""),
                        ("Thác Bạc ra mắt tổ dân phố an toàn", "2025-09-10 08:00", "Quốc phòng - An ninh", "")],
    "xa-na-chieng": [("Nà Chiềng khánh thành cầu treo bản Pá Hốc", "2026-11-27 10:00", "Tin tức - Sự kiện",
                      "Cây cầu treo bắc qua suối Nậm Chiềng dài 96 m. Trước đây mỗi mùa mưa lũ học sinh bản "
                      "Pá Hốc phải lội suối đến trường. Cầu treo dân sinh được làm bằng cáp thép."),
                     ("Xã Nà Chiềng trồng mới 45 ha rừng", "2026-11-10 14:20", "Kinh tế",
                      "Người dân trồng keo, lát hoa và sơn tra trên các sườn đồi bị sạt lở."),
                     ("Diễn tập phòng chống thiên tai ở Nà Chiềng", "2026-10-22 07:30", "Quốc phòng - An ninh",
                      "Dân quân và công an xã sơ tán người dân bản Nà Cang khỏi vùng có nguy cơ sạt lở đất.")],
}
PROVINCE_BRIDGE = ("Tỉnh hỗ trợ xây cầu treo dân sinh cho các bản vùng cao", "2026-11-20 09:30",
                   "Tin tức - Sự kiện", "Năm 2026 tỉnh Hoàng Sơn dành 40 tỷ đồng xây 18 cầu treo dân sinh ở các "
                   "bản vùng cao. Nhiều bản bị chia cắt trong mùa mưa lũ sẽ có đường đi an toàn. Sở Xây dựng "
                   "kiểm tra chất lượng từng cầu treo.")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_article(folder: Path, title: str, date: str, category: str, body: str = "") -> Path:
    from plugins import vietnamese

    path = folder / "content" / "articles" / date[:4] / f"{vietnamese.slugify(title)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'---\ntitle: "{title}"\ndate: {date}\ncategory: {category}\nsummary: "{title}."\n---\n\n'
                    f"{body or title + '. Bà con trong xã rất phấn khởi.'}\n", encoding="utf-8")
    return path


def run(root: Path, *cmd, env=None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(cmd), cwd=root, env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=1200)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    root = tmp_path_factory.mktemp("network")
    for name in LINKED:
        (root / name).symlink_to(ROOT / name)
    # the default portal: one article (the full demo is built by the portal tests)
    (root / "content" / "images").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "images" / "chia-se.jpg", root / "content" / "images")
    write_article(root, "Một tin của cổng mặc định", "2026-11-01 08:00", "Kinh tế")
    invoke = str(ROOT / ".venv" / "bin" / "invoke")
    out = run(root, invoke, "new-site", "hoang-son", "--name", "Tỉnh Hoàng Sơn",
              "--address", "Số 1, đường Trần Hưng Đạo, phường Thác Bạc, tỉnh Hoàng Sơn").stdout
    assert "Đã tạo cổng Tỉnh Hoàng Sơn tại sites/hoang-son/" in out
    for slug, name in COMMUNES:
        run(root, invoke, "new-site", slug, "--name", name, "--parent", "hoang-son")
    for slug, items in ARTICLES.items():
        for title, date, cat, body in items:
            write_article(root / "sites" / slug, title, date, cat, body)
    # Nà Chiềng's related news may show the province's articles; the other communes' may not
    settings = root / "sites" / "xa-na-chieng" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "related_include_parent: true\n", encoding="utf-8")
    docs = root / "sites" / "hoang-son" / "content" / "documents"
    docs.mkdir(parents=True)
    (docs / "qd-2150-ubnd-2026.md").write_text(
        "---\nso_ky_hieu: 2150/QĐ-UBND\ntitle: Quyết định phê duyệt danh mục thủ tục hành chính cấp xã\n"
        "loai_van_ban: Quyết định\nco_quan_ban_hanh: UBND tỉnh Hoàng Sơn\nnguoi_ky: Nguyễn Văn Khải\n"
        "linh_vuc: [Cải cách hành chính]\nngay_ban_hanh: 2026-11-05\nngay_hieu_luc: 2026-11-15\n"
        "files: [qd-2150-ubnd-2026.pdf]\n---\n", encoding="utf-8")
    (docs / "files").mkdir()
    shutil.copy(ROOT / "sites" / "hoang-son" / "content" / "documents" / "files" / "qd-2150-ubnd-2026.pdf", docs / "files")
    write_article(root / "sites" / "hoang-son", *PROVINCE_BRIDGE)
    write_article(root / "sites" / "hoang-son", "Tỉnh tổng kết năm đầu chính quyền hai cấp", "2026-11-21 09:30",
                  "Tin tức - Sự kiện")
    port = free_port()
    env = {"PORT": str(port), "PORTAL_NOW": "2026-12-01 09:00", "COUNTER_URL": ""}
    build = run(root, "make", "build", "SITE=all", env=env)
    return {"root": root, "port": port, "env": env, "build": build, "invoke": invoke}


def html(network, slug: str, rel: str = "index.html") -> BeautifulSoup:
    return BeautifulSoup((network["root"] / "output" / slug / rel).read_text(encoding="utf-8"), "html.parser")


def test_scaffold_refuses_an_existing_slug_in_vietnamese(network):
    proc = run(network["root"], network["invoke"], "new-site", "xa-suoi-lam", "--name", "Xã Suối Lam",
               "--parent", "hoang-son", check=False)
    assert proc.returncode == 1
    assert "Đã có cổng 'xa-suoi-lam'" in proc.stderr and "Traceback" not in proc.stderr


def test_every_portal_is_built_into_its_own_folder(network):
    out = network["build"].stderr
    for slug in ("nam-pang", "hoang-son", *(s for s, _ in COMMUNES)):
        assert (network["root"] / "output" / slug / "index.html").is_file(), slug
        assert f"{slug}: thành công" in out
    page = html(network, "xa-suoi-lam")
    assert page.title.text.strip().endswith("Cổng thông tin điện tử xã Suối Lam")
    assert "Ủy ban nhân dân xã Suối Lam" in page.find("footer").text
    assert "Tỉnh Hoàng Sơn" in page.text
    # the default portal is the demo portal as before, in its folder
    assert "huyện Nậm Păng" in html(network, "nam-pang").find("footer").text


def test_province_lists_the_communes_newest_articles(network):
    port = network["port"]
    block = html(network, "hoang-son").find(id="tin-tu-co-so")
    assert block is not None and block.h2.text == "Tin từ cơ sở"
    items = block.select(".network-news__item")
    got = [(i.select_one(".network-news__site").text, i.select_one(".network-news__title").text) for i in items]
    assert got == [("Xã Nà Chiềng", "Nà Chiềng khánh thành cầu treo bản Pá Hốc"),
                   ("Xã Suối Lam", "Suối Lam thu hoạch chè vụ thu"),
                   ("Xã Suối Lam", "Suối Lam sửa chữa cầu treo thôn Khe Mát"),
                   ("Phường Thác Bạc", "Phường Thác Bạc chỉnh trang vỉa hè"),
                   ("Xã Nà Chiềng", "Xã Nà Chiềng trồng mới 45 ha rừng"),
                   ("Xã Nà Chiềng", "Diễn tập phòng chống thiên tai ở Nà Chiềng"),
                   ("Phường Thác Bạc", "Thác Bạc ra mắt tổ dân phố an toàn")]
    first = items[0].select_one(".network-news__title")["href"]
    assert first == f"http://xa-na-chieng.localhost:{port}/2026/11/na-chieng-khanh-thanh-cau-treo-ban-pa-hoc.html"
    assert (network["root"] / "output" / "xa-na-chieng" / "2026" / "11"
            / "na-chieng-khanh-thanh-cau-treo-ban-pa-hoc.html").is_file()
    assert items[0].select_one(".network-news__site")["href"] == f"http://xa-na-chieng.localhost:{port}/"
    # a commune has no such block; its own home lists its own news only
    assert html(network, "xa-suoi-lam").find(id="tin-tu-co-so") is None


def test_communes_show_the_province_documents(network):
    port = network["port"]
    box = html(network, "phuong-thac-bac").find(id="van-ban-cua-tinh")
    assert box is not None and box.h2.text.strip() == "Văn bản của tỉnh"
    link = box.select_one(".doc-latest__item a")
    assert "2150/QĐ-UBND" in link.text
    assert link["href"] == f"http://hoang-son.localhost:{port}/van-ban/qd-2150-ubnd-2026.html"
    assert (network["root"] / "output" / "hoang-son" / "van-ban" / "qd-2150-ubnd-2026.html").is_file()
    assert html(network, "hoang-son").find(id="van-ban-cua-tinh") is None


def related_links(network, slug, rel):
    page = html(network, slug, rel)
    return [a["href"] for sel in ("#tin-lien-quan", "#tin-cung-chuyen-muc", "#co-the-ban-quan-tam")
            for a in page.select(f"{sel} a")]


def test_related_news_stays_within_the_commune(network):
    # the province's bridge article is as close to this one as to Nà Chiềng's, but Suối Lam
    # does not include the province's articles
    links = related_links(network, "xa-suoi-lam", "2026/11/suoi-lam-sua-chua-cau-treo-thon-khe-mat.html")
    assert all(h.startswith("/") and "localhost" not in h for h in links), links


def test_a_commune_may_include_the_province_articles_in_related_news(network):
    port = network["port"]
    page = html(network, "xa-na-chieng", "2026/11/na-chieng-khanh-thanh-cau-treo-ban-pa-hoc.html")
    related = page.select("#tin-lien-quan .mini")
    province = f"http://hoang-son.localhost:{port}/2026/11/tinh-ho-tro-xay-cau-treo-dan-sinh-cho-cac-ban-vung-cao.html"
    assert [li.a["href"] for li in related][:1] == [province], related
    assert related[0].select_one(".mini__site").text == "Tỉnh Hoàng Sơn"
    # "Có thể bạn quan tâm" and "Tin cùng chuyên mục" stay local
    assert all("localhost" not in a["href"] for sel in ("#tin-cung-chuyen-muc", "#co-the-ban-quan-tam")
               for a in page.select(f"{sel} a"))


def test_served_each_portal_at_its_own_host_under_one_server(network):
    port = network["port"]
    server = serve.make_server(str(network["root"] / "output"), ["hoang-son", *(s for s, _ in COMMUNES)],
                               {"hoang-son": "Tỉnh Hoàng Sơn"}, port=port)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        def get(host, path="/"):
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"{host}:{port}"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return r.status, r.read().decode("utf-8"), r.headers
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode("utf-8"), e.headers

        status, body, headers = get("xa-suoi-lam.localhost")
        assert status == 200 and "Cổng thông tin điện tử xã Suối Lam" in body
        assert headers["Access-Control-Allow-Origin"] == "*"
        status, body, _ = get("hoang-son.localhost", "/khong-co.html")
        assert status == 404 and "Cổng thông tin điện tử tỉnh Hoàng Sơn" in body
        status, body, _ = get("127.0.0.1")
        assert status == 200 and f"http://xa-na-chieng.localhost:{port}/" in body
    finally:
        server.shutdown()
        server.server_close()


def test_a_broken_commune_fails_only_its_own_build(network):
    root = network["root"]
    good = (root / "output" / "phuong-thac-bac" / "index.html").read_bytes()
    bad = write_article(root / "sites" / "phuong-thac-bac", "Bài lỗi chuyên mục", "2026-11-30 08:00", "Thể thao")
    try:
        proc = run(root, "make", "build", "SITE=phuong-thac-bac,xa-suoi-lam", env=network["env"], check=False)
    finally:
        bad.unlink()
    assert proc.returncode != 0
    err = proc.stderr
    assert "[phuong-thac-bac] sites/phuong-thac-bac/content/articles/2026/bai-loi-chuyen-muc.md:4: " in err, err[-3000:]
    assert "phuong-thac-bac: LỖI" in err and "xa-suoi-lam: thành công" in err
    assert "Traceback" not in err
    # the failed commune keeps its last good site
    assert (root / "output" / "phuong-thac-bac" / "index.html").read_bytes() == good


def test_check_all_names_site_file_and_line(network):
    root = network["root"]
    bad = write_article(root / "sites" / "xa-suoi-lam", "Bài lỗi", "2026-11-30 08:00", "Không có")
    try:
        proc = run(root, network["invoke"], "check", "--all", check=False)
        one = run(root, network["invoke"], "check", "--site", "xa-na-chieng", check=False)
    finally:
        bad.unlink()
    assert proc.returncode == 1
    assert "[xa-suoi-lam] sites/xa-suoi-lam/content/articles/2026/bai-loi.md:4: " in proc.stderr
    assert "1 lỗi ở 1 cổng (xa-suoi-lam)" in proc.stderr
    assert one.returncode == 0 and "Nội dung hợp lệ (1 cổng: xa-na-chieng)" in one.stdout


@pytest.fixture(scope="module")
def network_url(network):
    port = network["port"]
    server = serve.make_server(str(network["root"] / "output"), ["hoang-son", *(s for s, _ in COMMUNES)], port=port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://hoang-son.localhost:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium(browser):
    # The session's one Chromium (conftest): a second sync_playwright in the same worker
    # process fails ("Sync API inside the asyncio loop"). Chromium resolves *.localhost itself.
    return browser


def search_page(chromium, url):
    context = chromium.new_context(locale="vi-VN")
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(
        "() => { const s = document.getElementById('ket-qua-trang-thai').textContent;"
        " return s && !s.includes('đang tải') && !s.includes('Đang'); }")
    return page, context


@pytest.mark.parametrize("query", ["cầu treo Pá Hốc", "cau treo pa hoc"])
def test_province_search_finds_a_commune_article_in_chromium(chromium, network_url, network, query):
    port = network["port"]
    page, context = search_page(chromium, f"{network_url}/tim-kiem/?q={query}")
    try:
        hit = page.locator("#ket-qua-tim-kiem .search-hit").first
        assert hit.locator(".search-hit__title").inner_text() == "Nà Chiềng khánh thành cầu treo bản Pá Hốc"
        assert hit.locator(".search-hit__site").inner_text() == "Xã Nà Chiềng"
        assert hit.locator(".search-hit__title").get_attribute("href") == (
            f"http://xa-na-chieng.localhost:{port}/2026/11/na-chieng-khanh-thanh-cau-treo-ban-pa-hoc.html")
        # the year filter gains a commune's year the province has no article of
        assert page.locator("#loc-nam option").all_inner_texts() == ["Tất cả các năm", "2026", "2025"]
        assert page.errors == []
    finally:
        context.close()


def test_commune_filter_fetches_only_that_communes_shards(chromium, network_url, network):
    page, context = search_page(chromium, f"{network_url}/tim-kiem/?q=ch%C3%A8&xa=xa-suoi-lam")
    try:
        titles = page.locator("#ket-qua-tim-kiem .search-hit__title").all_inner_texts()
        assert titles == ["Suối Lam thu hoạch chè vụ thu"]
        shards = [u for u in page.requests if "/tim-kiem/" in u and u.endswith(".json")]
        assert any(u.startswith("http://xa-suoi-lam.localhost") and "chi-muc.json" not in u for u in shards), shards
        assert not any(u.startswith(("http://xa-na-chieng.", "http://phuong-thac-bac.")) for u in shards), shards
        own = [u for u in shards if u.startswith(network_url)]
        assert all(u.endswith("/chi-muc.json") for u in own), own  # the province's own shards are not fetched
        assert page.errors == []
    finally:
        context.close()


def test_year_filter_fetches_only_that_years_shards(chromium, network_url):
    page, context = search_page(chromium, f"{network_url}/tim-kiem/?q=an%20to%C3%A0n&xa=phuong-thac-bac&nam=2026")
    try:
        shards = [u.rsplit("/", 1)[1] for u in page.requests
                  if u.startswith("http://phuong-thac-bac.localhost") and "/tim-kiem/20" in u]
        assert shards and all(s.startswith("2026-") for s in shards), shards  # its 2025 shard is not fetched
        page.select_option("#loc-nam", "")  # all years: now 2025 arrives, and the 2025 article with it
        page.wait_for_function("() => [...document.querySelectorAll('#ket-qua-tim-kiem .search-hit__title')]"
                               ".some(a => a.textContent.includes('tổ dân phố an toàn'))")
        assert any("/tim-kiem/2025-" in u for u in page.requests if u.startswith("http://phuong-thac-bac."))
        assert page.errors == []
    finally:
        context.close()


def test_commune_search_stays_local(chromium, network):
    port = network["port"]
    page = html(network, "xa-suoi-lam", "tim-kiem/index.html")
    assert page.find(id="loc-co-so") is None and not page.find(id="trang-tim-kiem").get("data-search-network")
    assert html(network, "hoang-son", "tim-kiem/index.html").find(id="loc-co-so") is not None
    assert port


def test_make_serve_site_serves_it_at_its_own_host(network):
    """`make serve SITE=…` (invoke serve-portal --site): builds, then serves at <slug>.localhost."""
    import signal
    import time

    root, port = network["root"], free_port()
    proc = subprocess.Popen(["make", "serve", "SITE=xa-suoi-lam"], cwd=root, start_new_session=True,
                            env={**os.environ, **network["env"], "PORT": str(port)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 600
        body = ""
        while time.monotonic() < deadline and proc.poll() is None:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"xa-suoi-lam.localhost:{port}"})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    body = r.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.5)
        assert "Cổng thông tin điện tử xã Suối Lam" in body
        assert f'href="http://xa-suoi-lam.localhost:{port}/"' in body or f"xa-suoi-lam.localhost:{port}" in body
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
