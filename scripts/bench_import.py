"""Benchmark of `invoke import-nukeviet`: a NukeViet 4.5-shaped database of N articles and
M văn bản (generated: scripts/gen_corpus.py text, CKEditor-style HTML with figures, tables,
per-category copies, tags, comments, counters), imported from a live MariaDB server and from
its mariadb-dump file, then the portal build of the result. Each step runs in its own
process under GNU time (wall, CPU, peak RSS of the largest process).

    python scripts/bench_import.py [--articles 20000] [--documents 2000] [--no-build] [--keep DIR]

Needs Debian mariadb-server (a throw-away mariadbd is started on a free loopback port).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import mariadb_server  # noqa: E402
import markdown  # noqa: E402
import nukeviet_fixture as fx  # noqa: E402

from scripts import gen_corpus  # noqa: E402

P = fx.P
ALIASES = ["tin-tuc-su-kien", "chinh-tri", "kinh-te", "van-hoa-xa-hoi", "quoc-phong-an-ninh", "nong-thon-moi",
           "y-te-giao-duc"]


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 200), "#4a7").save(buf, "JPEG", quality=70)
    return buf.getvalue()


def generate_sql(n: int, m: int, out: Path, uploads: Path) -> None:
    """The schema plus n articles and m văn bản as extended INSERTs (500 rows per statement)."""
    rng = random.Random(7)
    photo = _jpeg()
    cat_id = {name: i + 1 for i, name in enumerate(gen_corpus.CATEGORIES)}
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("SET NAMES utf8mb4;\n" + fx.schema_sql(categories=range(1, len(cat_id) + 1)))
        fh.write(fx.insert(f"{P}_news_cat", [
            dict(catid=i, parentid=0, title=name, alias=ALIASES[i - 1], description="", sort=i, weight=i, lev=0,
                 keywords="", admins="") for name, i in cat_id.items()]))
        rows, details, tags_id, tag_names = [], [], [], {}
        md = markdown.Markdown(extensions=["extra"])

        def flush():
            if rows:
                fh.write(fx.insert(f"{P}_news_rows", rows))
                fh.write(fx.insert(f"{P}_news_detail", details))
                rows.clear()
                details.clear()
            if tags_id:
                fh.write(fx.insert(f"{P}_news_tags_id", tags_id))
                tags_id.clear()

        for i, art in enumerate(gen_corpus.generate(n, seed=3, image_every=3, figure_every=0), 1):
            body = md.reset().convert(art["body"])
            month = art["date"].strftime("%Y_%m")
            home = ""
            if art["image"]:
                home = f"{month}/{art['slug']} anh.jpg"
                p = uploads / "news" / home
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(photo)
                paras = body.split("</p>", 2)
                if len(paras) == 3:  # a CKEditor figure after the second paragraph
                    body = (paras[0] + "</p>" + paras[1] + "</p>\n<figure class=\"image\"><img alt=\"\" "
                            f"src=\"/uploads/news/{home}\" style=\"width:600px\" /><figcaption>"
                            f"{art['image_caption']}</figcaption></figure>" + paras[2])
            if i % 20 == 0:
                body += ('<table border="1" style="width:100%"><tbody><tr><td>Chỉ tiêu</td><td>Kết quả</td></tr>'
                         f"<tr><td>Số hộ</td><td>{rng.randint(10, 900)}</td></tr></tbody></table>")
            ts = int(art["date"].timestamp())
            title = art["title"].replace('"', "&quot;")
            rows.append(dict(id=i, catid=cat_id[art["category"]], listcatid=str(cat_id[art["category"]]), topicid=0,
                             admin_id=1, author=art["author"], sourceid=0, addtime=ts, edittime=ts, status=1,
                             weight=0, publtime=ts, exptime=0, archive=0, title=title, alias=art["slug"],
                             hometext=art["summary"], homeimgfile=home, homeimgalt=art["image_caption"] or "",
                             homeimgthumb=1 if home else 0, inhome=1, allowed_comm="4", allowed_rating=1,
                             external_link=0, hitstotal=rng.randint(0, 5000), hitscm=0, total_rating=0,
                             click_rating=0))
            details.append(dict(id=i, titlesite="", description="", bodyhtml=body, voicedata=None, keywords="",
                                sourcetext="", files="", imgposition=1, layout_func="", copyright=0,
                                allowed_send=1, allowed_print=1, allowed_save=1))
            for t in art["tags"]:
                tid = tag_names.setdefault(t, len(tag_names) + 1)
                tags_id.append(dict(id=i, tid=tid, keyword=t))
            if len(rows) == 500:
                flush()
        flush()
        tags = [dict(tid=tid, numnews=0, title="", alias=t.replace(" ", "-"), image="", description="", keywords=t)
                for t, tid in tag_names.items()]
        for k in range(0, len(tags), 500):
            fh.write(fx.insert(f"{P}_news_tags", tags[k:k + 500]))
        for c in range(1, len(cat_id) + 1):  # NukeViet's per-category copies
            fh.write(f"INSERT INTO {P}_news_{c} SELECT * FROM {P}_news_rows WHERE catid = {c};\n")
        fh.write(fx.insert(f"{P}_laws_cat", [
            dict(id=i, parentid=0, alias=a, title=t, introduction="", keywords="", weight=i)
            for i, (a, t) in enumerate([("quyet-dinh", "Quyết định"), ("ke-hoach", "Kế hoạch"),
                                        ("cong-van", "Công văn"), ("thong-bao", "Thông báo")], 1)]))
        fh.write(fx.insert(f"{P}_laws_subject", [dict(id=1, alias="ubnd", title="UBND huyện Nậm Păng",
                                                      introduction="", keywords="", weight=1)]))
        fh.write(fx.insert(f"{P}_laws_signer", [dict(id=1, title="Lường Văn Hải", offices="", positions="")]))
        fh.write(fx.insert(f"{P}_laws_area", [dict(id=1, parentid=0, alias="chung", title="Tổng hợp",
                                                   introduction="", keywords="", weight=1)]))
        laws = []
        base = fx.epoch(2018, 1, 1)
        for j in range(1, m + 1):
            day = base + 86400 * (j * 3 % 2900)
            f = f"{2018 + j % 8}_{1 + j % 12:02d}/van ban {j}.pdf"
            p = uploads / "laws" / f
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(b"%PDF-1.4\n%%EOF\n")
            laws.append(dict(id=j, replacement=str(j - 1) if j % 50 == 0 else "", relatement="",
                             title=f"Văn bản số {j} về công tác chuyên môn", alias=f"van-ban-so-{j}",
                             code=f"{j}&#x002F;QĐ-UBND", area_ids="1", cid=1 + j % 4, sid=1, eid=0, sgid=1, note="",
                             introtext="Trích yếu văn bản.", bodytext="", keywords="", groups_view="6",
                             groups_download="6", files=f, status=1, approval=1, addtime=day, edittime=day,
                             publtime=day, start_comm_time=None, end_comm_time=None, startvalid=day, exptime=0,
                             view_hits=j, download_hits=j // 2, admin_add=1, admin_edit=1))
            if len(laws) == 500:
                fh.write(fx.insert(f"{P}_laws_row", laws))
                laws.clear()
        if laws:
            fh.write(fx.insert(f"{P}_laws_row", laws))
        fh.write(fx.insert(f"{P}_comment", [
            dict(cid=k, module="news", area=1, id=1 + k * 7 % n, pid=0, content=f"Bình luận {k} &amp; góp ý",
                 post_time=base + k, userid=0, post_name="Khách", post_email="k@example.vn", post_ip="",
                 status=k % 3 != 0) for k in range(1, min(n, 2000) + 1)]))
        fh.write(fx.insert("nv4_counter", [dict(c_type="total", c_val="hits", last_update=base, c_count=123456,
                                                vi_count=123456)]))


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS MB of the largest process) of one command under GNU time."""
    fd, tfile = tempfile.mkstemp()
    os.close(fd)
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", tfile, *cmd], cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "COUNTER_URL": ""})
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    user, system, rss = Path(tfile).read_text().split()[-3:]
    os.unlink(tfile)
    return wall, float(user) + float(system), int(rss) // 1024


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--no-build", action="store_true", help="skip the portal build of the import")
    ap.add_argument("--keep", default="", help="work in this folder and keep it")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop mariadbd and clean up when killed
    work = Path(a.keep or tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    server = mariadb_server.MariaDB(work / "mariadb")
    (work / "mariadb").mkdir(exist_ok=True)
    try:
        t0 = time.perf_counter()
        sql, uploads = work / "nukeviet.sql", work / "uploads"
        generate_sql(a.articles, a.documents, sql, uploads)
        t_gen = time.perf_counter() - t0
        server.start()
        t0 = time.perf_counter()
        server.load("nukeviet", sql)
        t_load = time.perf_counter() - t0
        dump = server.dump("nukeviet", work / "dump.sql")
        print(f"generated {a.articles:,} articles + {a.documents:,} văn bản in {t_gen:.1f} s; loaded in "
              f"{t_load:.1f} s; dump {dump.stat().st_size / 1e6:.1f} MB; `uptime`: {os.getloadavg()}")
        results = []
        outs = {}
        for label, src in (("import from MariaDB", ["--db", server.url("nukeviet")]),
                           ("import from dump", ["--sql", str(dump)])):
            out = work / label.split()[-1] / "content"
            shutil.rmtree(out.parent, ignore_errors=True)
            results.append((label, *timed([py, "-m", "importers.nukeviet", *src, "--uploads", str(uploads),
                                           "--out", str(out)], cwd=ROOT)))
            outs[label] = out
        same = tree_hash(outs["import from MariaDB"]) == tree_hash(outs["import from dump"])
        if not a.no_build:
            site = outs["import from dump"].parent
            (site / "settings.py").write_text(
                f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
                f"PATH = {str(site / 'content')!r}\nCACHE_PATH = {str(site / 'cache')!r}\n"
                f"exec(open(PATH + '/imported/nukeviet/settings.py', encoding='utf-8').read())\n")
            results.append(("build of the import (cold)", *timed(
                [py, "-m", "plugins.staged_build", "--settings", str(site / "settings.py"),
                 "--output", str(site / "output"), "--content", str(site / "content"), "--quiet"], cwd=site)))
        print(f"\n| Step ({a.articles:,} articles, {a.documents:,} văn bản) | Wall | CPU | Peak RSS |")
        print("|---|---:|---:|---:|")
        for label, wall, cpu, rss in results:
            print(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {rss} MB |")
        print(f"\nDB and dump imports identical: {same}; load average after: {os.getloadavg()}")
        return 0 if same else 1
    finally:
        server.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
