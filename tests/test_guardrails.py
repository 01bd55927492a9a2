"""Issue 14's table of editors' mistakes: each one is explained in Vietnamese with its
file and line, or handled. Real builds (plugins.staged_build) in temp dirs."""

import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from plugins.content_contract import frontmatter

INVOKE = str(ROOT / ".venv" / "bin" / "invoke")
ENGLISH = re.compile(r"Traceback|Error|found character|mapping values|token|scanner|while scanning")


def no_english(proc):
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text[-3000:]
    problems = [ln for ln in proc.stderr.splitlines() if re.match(r"^\S+\.md:\d+: ", ln)]
    for line in problems:
        assert not ENGLISH.search(line), line
    return problems


HEADER = "---\ntitle: {title}\ndate: 2024-05-17 08:30\ncategory: Thể thao\n---\n\nNội dung.\n"


@pytest.mark.parametrize("title, line, cause", [
    # Tab used to indent a list (the tags field below the title)
    ("Bài có thẻ\ntags:\n\t- a\n\t- b", 4, r"thụt lề bằng phím Tab — .*dấu cách"),
    # colon in an unquoted title
    ("Hội nghị: tổng kết năm", 2, r"có dấu hai chấm ':' mà không đặt trong ngoặc kép — .*title: \"Hội nghị: tổng kết năm\""),
    # Word's quotes around a title with ':' (the old advice said: put it in quotes)
    ("“Hội nghị: tổng kết năm”", 2, r"dấu ngoặc kiểu Word “ ”.* — thay bằng dấu ngoặc kép gõ thẳng"),
    # a quote never closed
    ('"Hội nghị tổng kết năm', 2, r"mở dấu ngoặc \" nhưng không đóng lại"),
])
def test_yaml_error_is_explained_by_its_cause_and_other_checks_still_run(site, title, line, cause):
    site.article("loi", raw=HEADER.format(title=title))
    proc = site.build(check=False)
    assert proc.returncode == 1
    problems = no_english(proc)
    assert any(re.match(rf"content/articles/loi\.md:{line}: lỗi cú pháp YAML: .*{cause}", p) for p in problems), problems
    # the rest of the header was read: the wrong category is reported too
    assert any(re.match(r"content/articles/loi\.md:\d+: chuyên mục không có trong danh sách: 'Thể thao'", p)
               for p in problems), problems


def test_vietnamese_date_is_accepted_in_articles_day_first(site):
    site.article("ngay", title="Họp giao ban tháng Mười hai", date="03/12/2024 08:30")
    site.article("ngay-ngan", title="Ngày không có giờ", date="5/1/2024")
    site.build()
    page = site.output / "2024" / "12" / "hop-giao-ban-thang-muoi-hai.html"
    assert page.exists()
    assert site.html("2024/12/hop-giao-ban-thang-muoi-hai.html").find("time")["datetime"].startswith("2024-12-03T08:30")
    assert (site.output / "2024" / "01" / "ngay-khong-co-gio.html").exists()


def test_impossible_vietnamese_date_is_named():
    from plugins.content_contract import rules

    src = frontmatter.parse("---\ntitle: A\ncategory: Kinh tế\ndate: 31/09/2024 08:30\n---\nx\n", "a.md")
    out = rules.check_articles([src], ["Kinh tế"], "/nonexistent")
    assert [(p.line, p.message) for p in out] == [(4, "không đọc được ngày 'date: 31/09/2024 08:30'")]


def test_empty_body_is_an_error(site):
    site.article("rong", raw="---\ntitle: Bài chưa viết\ndate: 2024-05-17 08:30\ncategory: Kinh tế\n---\n\n  \n")
    proc = site.build(check=False)
    assert proc.returncode == 1
    assert re.search(r"rong\.md:\d+: bài viết chưa có nội dung \(phần thân trống\) — viết nội dung", proc.stderr)


def test_content_error_has_no_traceback_and_says_the_site_was_left_unchanged(site):
    site.article("tot", title="Bài tốt")
    site.build()
    site.article("hong", title="Bài hỏng", category="Không có")
    proc = site.build(check=False)
    assert proc.returncode == 1
    no_english(proc)
    assert "CRITICAL" not in proc.stdout + proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "được giữ nguyên" in last and "output" in last
    # Pelican run directly (as `pelican content`) stops the same way: the list, no traceback
    direct = subprocess.run([sys.executable, "-m", "pelican", str(site.content), "-s", str(site.settings_file()),
                             "-o", str(site.base / "direct")], cwd=site.base, capture_output=True, text=True,
                            env={"COLUMNS": "300", "PATH": "/usr/bin:/bin", "COUNTER_URL": ""})
    assert direct.returncode == 1
    assert "Traceback" not in direct.stdout + direct.stderr
    assert "hong.md:3: chuyên mục không có trong danh sách" in direct.stderr


@pytest.fixture
def project(tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns(
        ".venv", "node_modules", "output*", "cache", ".git", "content", "var"))
    (proj / "content" / "articles" / "2021").mkdir(parents=True)
    (proj / "content" / "articles" / "2021" / "cu.md").write_text(
        '---\ntitle: "Xã Quảng Long đạt chuẩn nông thôn mới"\nslug: quang-long-ntm\ndate: 2021-11-25 08:00\n'
        "category: Nông thôn mới\n---\n\nNội dung.\n", encoding="utf-8")
    return proj


def test_new_refuses_an_existing_title_or_slug_naming_the_file(project):
    same_title = subprocess.run([INVOKE, "new", "--title", "Xã Quảng Long đạt chuẩn nông thôn mới",
                                 "--category", "Kinh tế"], cwd=project, capture_output=True, text=True)
    assert same_title.returncode == 1
    assert "Đã có bài content/articles/2021/cu.md:2 cùng tiêu đề" in same_title.stderr
    same_slug = subprocess.run([INVOKE, "new", "--title", "Quang Long NTM", "--category", "Kinh tế"],
                               cwd=project, capture_output=True, text=True)
    assert same_slug.returncode == 1
    assert "content/articles/2021/cu.md:2 cùng đường dẫn (slug 'quang-long-ntm')" in same_slug.stderr
    assert sorted(p.name for p in (project / "content" / "articles").rglob("*.md")) == ["cu.md"]


def test_new_help_and_make_targets_work_without_invoke_on_path(project):
    helped = subprocess.run([INVOKE, "new", "--help"], cwd=project, capture_output=True, text=True)
    assert helped.returncode == 0, helped.stderr
    assert "--title" in helped.stdout and "--category" in helped.stdout
    env = {"PATH": "/usr/bin:/bin", "COUNTER_URL": ""}  # no .venv/bin, no invoke on PATH
    make = ["make", "-s", f"INVOKE={INVOKE}", "PY_STAMP=", "NODE_STAMP="]
    made = subprocess.run([*make, "new", "TITLE=Chợ phiên Nậm Păng đông vui", "CATEGORY=Kinh tế"],
                          cwd=project, capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    path = project / made.stdout.strip().splitlines()[-1]
    assert path.name == "cho-phien-nam-pang-dong-vui.md"
    checked = subprocess.run([*make, "check"], cwd=project, capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stderr
    assert "Nội dung hợp lệ" in checked.stdout


def test_big_photo_is_resized_for_output_and_shared_as_a_variant(site):
    """An 8 MB camera photo: readers, og:image and JSON-LD get resized files, and the
    original's URL serves a resized copy, not megabytes."""
    import json
    import os

    from PIL import Image

    big = site.content / "images" / "2024" / "hoi-nghi.jpg"
    big.parent.mkdir(parents=True)
    noise = Image.effect_noise((4000, 3000), 90).convert("RGB")
    noise.save(big, "JPEG", quality=98)
    assert os.path.getsize(big) > 5_000_000
    site.article("anh", title="Hội nghị tổng kết", image="{static}/images/2024/hoi-nghi.jpg",
                 image_caption="Quang cảnh hội nghị.")
    site.build()
    page = site.html("2024/05/hoi-nghi-tong-ket.html")
    og = page.find("meta", property="og:image")["content"]
    assert og.endswith("images/2024/hoi-nghi-1200w.jpg"), og
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert [u.rsplit("/", 1)[-1] for u in ld["image"]] == ["hoi-nghi-1200w.jpg"]
    out = site.output / "images" / "2024" / "hoi-nghi.jpg"
    assert os.path.getsize(out) < os.path.getsize(big) / 4
    with Image.open(out) as im:
        assert im.size == (1200, 900)
    assert (site.output / "images" / "2024" / "hoi-nghi-1200w.jpg").exists()
    assert os.path.getsize(big) > 5_000_000, "the source photo in content/ is never touched"
