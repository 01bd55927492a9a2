"""Benchmark the văn bản register at portal scale (synthetic documents).

Measures, per register size: validation (validate.check), model + links (Library),
the filter data (van-ban/data.json) raw and gzip, folding every row and one query in
Node with theme/static/js/vietnamese.js (what documents.js does in the browser), and,
for the smaller sizes, a real Pelican build with and without the documents.

Usage: python scripts/bench_documents.py [--sizes 1000,5000,20000] [--build-sizes 0,2000]
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugins.documents import model, sources, validate  # noqa: E402
from plugins.documents.config import Config  # noqa: E402

KINDS = [("Quyết định", "QĐ"), ("Kế hoạch", "KH"), ("Công văn", "UBND-VP"), ("Thông báo", "TB"), ("Báo cáo", "BC")]
ISSUERS = ["UBND huyện Nậm Păng", "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Giáo dục và Đào tạo",
           "Phòng Tài nguyên và Môi trường", "Phòng Y tế", "Phòng Văn hóa và Thông tin"]
FIELDS = ["Nông nghiệp", "Lâm nghiệp", "Giáo dục", "Y tế", "Đất đai", "Cải cách hành chính", "Tài chính - Ngân sách"]
SUBJECTS = ["trồng rừng và bảo vệ rừng", "tuyển sinh các cấp học", "phòng, chống dịch bệnh gia súc",
            "chuyển đổi số trong cơ quan nhà nước", "giao chỉ tiêu kế hoạch kinh tế – xã hội",
            "quản lý khai thác cát, sỏi lòng suối", "tiếp công dân định kỳ", "xây dựng nông thôn mới"]


def make_register(content: str, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    docs = os.path.join(content, "documents")
    files = os.path.join(docs, "files")
    os.makedirs(files, exist_ok=True)
    with open(os.path.join(files, "van-ban.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4\n" + b"0" * 30000)
    numbers: dict[int, int] = {}
    for i in range(n):
        year = 2010 + i * 16 // max(n, 1)
        numbers[year] = numbers.get(year, 0) + 1
        kind, code = rnd.choice(KINDS)
        issued = datetime.date(year, 1, 1) + datetime.timedelta(days=rnd.randrange(360))
        subject = rnd.choice(SUBJECTS)
        meta = [
            f"so_ky_hieu: {numbers[year]}/{code}-UBND",
            f"title: {kind} về việc {subject} năm {year} (đợt {i})",
            f"loai_van_ban: {kind}",
            f"co_quan_ban_hanh: {rnd.choice(ISSUERS)}",
            "nguoi_ky: Lường Văn Hải",
            f"linh_vuc: [{', '.join(rnd.sample(FIELDS, 2))}]",
            f"ngay_ban_hanh: {issued.isoformat()}",
            f"ngay_hieu_luc: {issued.isoformat()}",
            "files: [van-ban.pdf]",
        ]
        if i and rnd.random() < 0.1:
            meta.append(f"lien_quan: [vb-{rnd.randrange(i)}]")
        with open(os.path.join(docs, f"vb-{i}.md"), "w", encoding="utf-8") as fh:
            fh.write("---\n" + "\n".join(meta) + "\n---\n")


NODE = """
const VT = require(process.argv[1]);
const rows = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const mode = process.argv[3];
const key = mode === 'normalize' ? (t => VT.fold(VT.normalize(String(t))).toLowerCase())
                                 : (t => VT.fold(String(t)).toLowerCase());
let t0 = process.hrtime.bigint();
if (mode !== 'shipped') for (const d of rows) d.k = key(d.n + ' ' + d.t);
const prep = Number(process.hrtime.bigint() - t0) / 1e6;
const words = key('quyet dinh trong rung').split(/\\s+/);
t0 = process.hrtime.bigint();
let found = 0;
for (let r = 0; r < 20; r++) found = rows.filter(d => d.l === 'Quyết định' && words.every(w => d.k.includes(w))).length;
const query = Number(process.hrtime.bigint() - t0) / 1e6 / 20;
console.log(JSON.stringify({prep, query, found}));
"""

# The designs compared: how the filter gets a folded search key for every row.
DESIGNS = [
    ("normalize", "fold(normalize(x)) on the phone"),
    ("fold", "fold(x) on the phone (used)"),
    ("shipped", "key folded at build time, in data.json"),
]


def bench_pure(n: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="bench-docs-")
    try:
        content = os.path.join(tmp, "content")
        make_register(content, n)
        settings = {"PATH": content}
        t0 = time.perf_counter()
        problems = validate.check(settings)
        t_check = time.perf_counter() - t0
        assert not problems, problems[:3]
        t0 = time.perf_counter()
        cfg = Config.from_settings(settings)
        files_dir, files_url = cfg.files_folder(settings), cfg.files_path
        docs = [sources.from_source(s, files_dir, files_url) for s in validate.load(settings)]
        lib = model.Library(docs, datetime.date(2026, 1, 1))
        t_lib = time.perf_counter() - t0
        out = {"n": n, "check": t_check, "library": t_lib}
        rows = lib.index_rows()
        from plugins import vietnamese
        for mode, _ in DESIGNS:
            data_rows = rows if mode != "shipped" else [
                {**r, "k": vietnamese.fold(r["n"] + " " + r["t"]).lower()} for r in rows]
            data = json.dumps(data_rows, ensure_ascii=False, separators=(",", ":")).encode()
            path = os.path.join(tmp, f"data-{mode}.json")
            with open(path, "wb") as fh:
                fh.write(data)
            node = json.loads(subprocess.check_output(
                ["node", "-e", NODE, os.path.join(ROOT, "theme/static/js/vietnamese.js"), path, mode], text=True))
            out[mode] = {"raw": len(data), "gzip": len(gzip.compress(data, 6)), **node}
        assert len({out[m]["found"] for m, _ in DESIGNS}) == 1  # same answers every way
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_build(n: int) -> float:
    tmp = tempfile.mkdtemp(prefix="bench-docs-build-")
    try:
        content = os.path.join(tmp, "content")
        for sub in ("articles", "images"):  # the demo news, so the build is a real portal's
            shutil.copytree(os.path.join(ROOT, "content", sub), os.path.join(content, sub))
        os.makedirs(os.path.join(content, "pages"))
        if n:
            make_register(content, n)
        settings = os.path.join(tmp, "settings.py")
        with open(settings, "w", encoding="utf-8") as fh:
            fh.write(textwrap.dedent(f"""\
                import sys
                sys.path.insert(0, {ROOT!r})
                from pelicanconf import *
                PATH = {content!r}
                CACHE_PATH = {os.path.join(tmp, 'cache')!r}
                COUNTER_URL = ""
                """))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "plugins.staged_build", "--settings", settings,
                        "--output", os.path.join(tmp, "output"), "--content", content, "-q"],
                       check=True, cwd=tmp, capture_output=True)
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def print_pure(results: list[dict]) -> None:
    print("Server side (Python):")
    print("| Documents | validate.check | + Library (parse cached) | data.json raw | gzip |")
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        f = r["fold"]
        print(f"| {r['n']:,} | {r['check']:.2f} s | {r['library']:.2f} s | {f['raw'] / 1024:,.0f} KB "
              f"| {f['gzip'] / 1024:,.0f} KB |")
    print()
    print("Client side (Node 20, same code as the browser): first filter = fold every row, then one query.")
    print("| Documents | design | data.json gzip | first-filter fold | one query | gzip ratio | fold ratio |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        ref = r["fold"]
        for mode, label in DESIGNS:
            x = r[mode]
            print(f"| {r['n']:,} | {label} | {x['gzip'] / 1024:,.0f} KB | {x['prep']:.1f} ms | {x['query']:.1f} ms "
                  f"| {x['gzip'] / ref['gzip']:.2f} | {x['prep'] / max(ref['prep'], 1e-9):.2f} |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--build-sizes", default="0,2000")
    args = ap.parse_args(argv)
    results = [bench_pure(int(x)) for x in args.sizes.split(",") if x]
    if not results:
        print("(no register sizes)")
    else:
        print_pure(results)
    sizes = [int(x) for x in args.build_sizes.split(",") if x]
    if sizes:
        print()
        print("| Documents (+ demo articles) | Full build | Per document vs. none |")
        print("|---:|---:|---:|")
        base = None
        for n in sizes:
            t = bench_build(n)
            base = t if base is None and n == 0 else base
            per = f"{(t - base) / n * 1000:.1f} ms" if base is not None and n else "–"
            print(f"| {n:,} | {t:.1f} s | {per} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
