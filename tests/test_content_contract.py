"""Bad content fails the build with every problem listed as `path:line: problem — fix`."""

import re
import subprocess
import sys

from conftest import ROOT

from plugins.content_contract import frontmatter, rules

LINE_RE = re.compile(r"^(?P<path>\S+\.md):(?P<line>\d+): (?P<msg>.+) — (?P<hint>.+)$")


def problems_of(proc):
    return [line for line in proc.stderr.splitlines() if LINE_RE.match(line)]


def test_every_problem_is_reported_at_once_and_the_build_fails(site):
    site.image("ok.jpg")
    site.article("no-title", raw="---\ndate: 2024-01-02 08:00\ncategory: Kinh tế\n---\nBody\n")
    site.article("empty-title", raw='---\ntitle: "  "\ndate: 2024-01-02 08:00\ncategory: Kinh tế\n---\nBody\n')
    site.article("bad-date", title="Ngày sai", date="31/09/2020")
    site.article("bad-cat", title="Chuyên mục sai", category="Thể thao")
    site.article("yaml", raw='---\ntitle: "Hội nghị: tổng kết\ndate: 2024-01-02\n---\nBody\n')
    site.article("hop", title="Họp báo")
    site.article("hop2", title="Hợp báo")
    site.article("img", title="Ảnh thiếu", body="Đoạn đầu.\n\n![Cây chè]({static}/images/khong-co.jpg)\n")
    site.article("alt", title="Ảnh không alt", body="![]({static}/images/ok.jpg)\n")
    proc = site.build(check=False)
    assert proc.returncode != 0
    out = proc.stderr
    lines = problems_of(proc)
    assert len(lines) == 9, out  # yaml.md: its YAML error, and (read field by field) no category
    assert re.search(r"no-title\.md:1: thiếu tiêu đề", out)
    assert re.search(r"empty-title\.md:2: thiếu tiêu đề", out)
    assert re.search(r"bad-date\.md:3: không đọc được ngày 'date: 31/09/2020' — viết dạng ngày/tháng/năm", out)
    m = re.search(r"bad-cat\.md:3: chuyên mục không có trong danh sách: 'Thể thao' — .*chọn một trong: (.*)", out)
    assert m and "Văn hóa - Xã hội" in m.group(1) and "Nông thôn mới" in m.group(1)
    assert re.search(r"yaml\.md:2: lỗi cú pháp YAML: trường 'title' mở dấu ngoặc \" nhưng không đóng lại", out)
    assert re.search(r"yaml\.md:1: thiếu chuyên mục", out)
    assert re.search(r"hop2\.md:2: trùng đường dẫn với \S*hop\.md:2 \(cùng slug 'hop-bao'\)", out)
    assert re.search(r"img\.md:\d+: ảnh không tồn tại: \{static\}/images/khong-co\.jpg", out)
    assert re.search(r"alt\.md:\d+: ảnh thiếu mô tả \(alt\)", out)
    assert not site.output.exists(), "a failed build must not leave a site behind"


def test_line_numbers_point_at_the_field_and_body_line(tmp_path):
    text = "---\ntitle: A\ndate: 2024-01-01\ncategory: X\n---\n\nPara\n\n![](a.jpg)\n"
    src = frontmatter.parse(text, "a.md", str(tmp_path / "a.md"))
    assert src.line_of("category") == 4
    out = []
    rules.check_body(src, str(tmp_path), out)
    assert [p.line for p in out if "alt" in p.message] == [9]


def test_yaml_error_line_is_in_file_coordinates(tmp_path):
    text = "---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\nBody\n"
    src = frontmatter.parse(text, "x.md")
    assert src.problems and src.problems[0].message.startswith("lỗi cú pháp YAML")
    assert 3 <= src.problems[0].line <= 5


def test_missing_front_matter_and_unclosed_header(site):
    site.article("plain", raw="Chỉ có nội dung, không có phần đầu.\n")
    site.article("open", raw="---\ntitle: Mở\ndate: 2024-01-01\n")
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert re.search(r"plain\.md:1: thiếu phần đầu YAML", proc.stderr)
    assert re.search(r"open\.md:1: phần đầu YAML không có dòng '---' đóng lại", proc.stderr)


def test_unknown_field_suggests_the_right_name(site):
    site.article("typo", raw="---\ntitle: Sai tên trường\ndate: 2024-01-01\ncatgory: Kinh tế\ncategory: Kinh tế\n---\nx\n")
    proc = site.build(check=False)
    assert re.search(r"typo\.md:4: trường không được hỗ trợ 'catgory' — có phải ý bạn là 'category'\?", proc.stderr)


def test_unknown_related_slug_names_the_file(site):
    site.article("a", title="Bài A", related=["bai-b", "khong-ton-tai"])
    site.article("b", title="Bài B")
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert re.search(r"a\.md:\d+: 'related' nhắc tới bài không tồn tại 'khong-ton-tai'", proc.stderr)
    assert "bai-b'" not in proc.stderr


def test_failed_build_leaves_previous_output_untouched(site):
    site.article("good", title="Bài tốt")
    site.build()
    before = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.article("broken", title="Bài hỏng", category="Không có")
    assert site.build(check=False).returncode != 0
    after = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    assert before == after
    assert not (site.base / "output.new").exists()


def test_pelican_errors_fail_the_build(site):
    """An error Pelican itself raises (here: a missing template) is fatal, never a silent drop."""
    site.article("good", title="Bài tốt")
    site.article("tpl", title="Mẫu lạ", template="khong-co-mau")
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert not site.output.exists()


def test_check_task_reports_without_building(site):
    site.article("bad", title="", category="Kinh tế")
    settings = site.settings_file()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.path.insert(0, sys.argv[1]);"
         "from pelican.settings import read_settings;"
         "from plugins.content_contract.check import check_site, report;"
         "p = check_site(read_settings(sys.argv[2])); report(p); sys.exit(1 if p else 0)",
         str(ROOT), str(settings)],
        capture_output=True, text=True, cwd=site.base)
    assert proc.returncode == 1
    assert "thiếu tiêu đề" in proc.stderr
    assert not site.output.exists()


def test_invoke_check_passes_on_the_demo_content():
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "invoke"), "check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Nội dung hợp lệ" in proc.stdout


def test_new_scaffolds_a_valid_article(tmp_path):
    """`invoke new` writes a file with a correct slug, date and front-matter that passes the check."""
    import shutil

    proj = tmp_path / "proj"
    shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns(
        ".venv", "node_modules", "output*", "cache", ".git", "content", "var"))
    (proj / "content" / "articles").mkdir(parents=True)
    invoke = str(ROOT / ".venv" / "bin" / "invoke")
    proc = subprocess.run([invoke, "new", "--title", "Đổi mới công tác dân vận ở Sìn Hồ",
                           "--category", "Chính trị"], cwd=proj, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    path = proj / proc.stdout.strip()
    assert path.name == "doi-moi-cong-tac-dan-van-o-sin-ho.md"
    src = frontmatter.parse(path.read_text(encoding="utf-8"), str(path), str(path))
    assert src.problems == []
    assert src.meta["title"] == "Đổi mới công tác dân vận ở Sìn Hồ"
    assert src.meta["category"] == "Chính trị"
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", str(src.meta["date"]))
    assert rules.check_articles([src], ["Chính trị"], str(proj / "content")) == []
    bad = subprocess.run([invoke, "new", "--title", "X", "--category", "Thể thao"], cwd=proj,
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "Chọn một trong" in bad.stderr


def test_impossible_unquoted_date_is_a_problem_not_a_crash():
    text = "---\ntitle: Ngày không có thật\ncategory: Kinh tế\ndate: 2024-13-45\n---\nBody\n"
    src = frontmatter.parse(text, "bad.md")
    assert src.problems == [] and src.meta["date"] == "2024-13-45"
    out = rules.check_articles([src], ["Kinh tế"], "/nonexistent")
    assert [(p.line, p.message) for p in out] == [(4, "không đọc được ngày 'date: 2024-13-45'")]
