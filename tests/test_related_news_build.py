"""Related news in real Pelican builds: clusters, overrides, determinism, cache, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, Site, soup

SECTIONS = ("tin-lien-quan", "tin-cung-chuyen-muc", "co-the-ban-quan-tam")

# Four events, four articles each, written differently. Tags are deliberately generic
# (the same two on every article), so only the text can find the clusters.
CLUSTERS = {
    "lu-quet": [
        ("Lũ quét gây thiệt hại nặng tại xã Nà Hu", "Quốc phòng - An ninh", "2024-07-02 07:00",
         "Trận mưa lớn kéo dài suốt đêm đã gây lũ quét tại bản Huổi Khe, xã Nà Hu. Nước lũ cuốn trôi "
         "ba ngôi nhà, vùi lấp gần mười héc-ta ruộng lúa và làm sạt lở nhiều đoạn đường vào bản."),
        ("Bộ đội giúp bà con Nà Hu khắc phục hậu quả lũ quét", "Quốc phòng - An ninh", "2024-07-04 09:00",
         "Hơn một trăm cán bộ, chiến sĩ đã có mặt ở Nà Hu để dọn bùn đất, dựng lại nhà cho các hộ "
         "bị lũ quét cuốn trôi. Lực lượng vũ trang cũng giúp dân thu dọn ruộng lúa bị vùi lấp."),
        ("Hỗ trợ khẩn cấp gạo và nhà tạm cho các hộ bị lũ quét", "Tin tức - Sự kiện", "2024-07-06 15:00",
         "Ủy ban nhân dân huyện đã trao gạo cứu trợ và tiền hỗ trợ làm nhà tạm cho các hộ ở Nà Hu "
         "có nhà bị lũ quét cuốn trôi. Trẻ em bản Huổi Khe được nhận sách vở mới."),
        ("Nà Hu gieo cấy lại lúa sau trận lũ quét", "Tin tức - Sự kiện", "2024-07-20 08:00",
         "Sau lũ quét, bà con Nà Hu đã cào bùn đất, khơi lại mương và gieo cấy lại ruộng lúa bị vùi lấp. "
         "Huyện cấp giống lúa ngắn ngày để kịp mùa vụ."),
    ],
    "hoa-ban": [
        ("Rộn ràng Lễ hội hoa ban xã Mường Lạn", "Văn hóa - Xã hội", "2024-03-08 08:00",
         "Lễ hội hoa ban năm nay có hội thi người đẹp hoa ban, thi múa xòe và các trò chơi dân gian "
         "của đồng bào Thái. Những cành hoa ban trắng được trang trí khắp sân vận động Mường Lạn."),
        ("Hàng nghìn du khách về Mường Lạn xem múa xoè", "Văn hóa - Xã hội", "2024-03-09 20:00",
         "Đêm khai mạc lễ hội hoa ban thu hút hàng nghìn du khách. Vòng múa xoè đoàn kết nối dài "
         "quanh đống lửa, các cô gái Thái đội hoa ban trắng trên mái tóc."),
        ("Mường Lạn chuẩn bị gian hàng ẩm thực cho lễ hội hoa ban", "Kinh tế", "2024-03-05 10:00",
         "Các bản ở Mường Lạn đã dựng gian hàng bán xôi màu, cá nướng và rượu cần phục vụ du khách "
         "dịp lễ hội hoa ban. Đội văn nghệ các bản tập múa xòe mỗi tối."),
        ("Bế mạc Lễ hội hoa ban, trao giải người đẹp hoa ban", "Văn hóa - Xã hội", "2024-03-10 21:00",
         "Ban tổ chức đã trao giải người đẹp hoa ban và giải múa xòe cho các đội. Lễ hội hoa ban "
         "Mường Lạn khép lại bằng màn múa xòe của hàng trăm người."),
    ],
    "vac-xin-soi": [
        ("Tiêm vắc xin sởi cho trẻ em vùng cao", "Y tế - Giáo dục", "2024-05-02 08:00",
         "Trạm y tế các xã vùng cao bắt đầu tiêm vắc xin phòng sởi cho trẻ từ chín tháng đến năm tuổi. "
         "Cán bộ y tế đến từng bản để lập danh sách trẻ cần tiêm."),
        ("Tổ tiêm lưu động mang vắc xin sởi vào bản", "Y tế - Giáo dục", "2024-05-06 08:00",
         "Tổ tiêm lưu động đã mang vắc xin sởi vào các bản xa, nơi cha mẹ khó đưa trẻ ra trạm y tế. "
         "Mỗi trẻ đều được khám sàng lọc trước khi tiêm."),
        ("Tỷ lệ trẻ tiêm vắc xin sởi đạt 98%", "Y tế - Giáo dục", "2024-05-25 08:00",
         "Sau ba tuần, 98% trẻ trong độ tuổi đã được tiêm vắc xin sởi. Trung tâm y tế huyện tiếp tục "
         "tiêm vét cho trẻ chưa được tiêm ở các bản vùng cao."),
        ("Cha mẹ đưa trẻ đi tiêm mũi hai vắc xin sởi", "Tin tức - Sự kiện", "2024-06-10 08:00",
         "Nhiều gia đình đã đưa trẻ đến trạm y tế tiêm mũi hai vắc xin sởi. Cán bộ y tế dặn cha mẹ "
         "theo dõi trẻ sau tiêm và giữ sổ tiêm chủng."),
    ],
    "cau-treo": [
        ("Khởi công cầu treo Pá Hon", "Kinh tế", "2024-09-01 08:00",
         "Cầu treo Pá Hon bắc qua suối Nậm Khao dài tám mươi mét, rộng hai mét, do nhà thầu của tỉnh "
         "thi công. Khi xong, cầu treo giúp học sinh Pá Hon không phải lội suối Nậm Khao."),
        ("Cầu treo Pá Hon lắp xong cáp thép", "Kinh tế", "2024-10-15 08:00",
         "Nhà thầu đã lắp xong cáp thép và đổ bê tông mố cầu treo Pá Hon. Công nhân làm việc cả ngày "
         "nghỉ để kịp đưa cầu treo vào sử dụng trước mùa lũ trên suối Nậm Khao."),
        ("Học sinh Pá Hon vui mừng đi trên cầu treo mới", "Y tế - Giáo dục", "2024-12-02 08:00",
         "Từ khi cầu treo Pá Hon thông xe, học sinh không còn phải lội suối Nậm Khao đến trường. "
         "Thầy cô không còn lo học sinh nghỉ học khi nước suối lên."),
        ("Nghiệm thu, bàn giao cầu treo Pá Hon", "Nông thôn mới", "2024-12-20 08:00",
         "Huyện đã nghiệm thu cầu treo Pá Hon và bàn giao cho xã quản lý. Xã giao cho thôn tổ chức "
         "kiểm tra cáp thép và mặt cầu treo sau mỗi mùa lũ trên suối Nậm Khao."),
    ],
}
GENERIC_TAGS = ["Nậm Păng", "tin địa phương"]


def slug_of(cluster: str, i: int) -> str:
    return f"{cluster}-{i}"


def write_clusters(site: Site, overrides: dict[str, dict] | None = None) -> dict[str, str]:
    """Writes the 16 articles; returns slug -> cluster."""
    overrides = overrides or {}
    out = {}
    for cluster, items in CLUSTERS.items():
        for i, (title, category, date, body) in enumerate(items):
            slug = slug_of(cluster, i)
            site.article(slug, body, title=title, slug=slug, category=category, date=date,
                         tags=GENERIC_TAGS, summary=body.split(". ")[0] + ".",
                         **overrides.get(slug, {}))
            out[slug] = cluster
    return out


def page_of(output: Path, slug: str) -> Path:
    found = list(output.glob(f"20*/*/{slug}.html"))
    assert len(found) == 1, (slug, found)
    return found[0]


def lists(output: Path, slug: str) -> dict[str, list[str]]:
    doc = soup(page_of(output, slug))
    out = {}
    for section in SECTIONS:
        box = doc.find(id=section)  # an empty block is left out
        out[section] = [Path(a["href"]).stem for a in box.select("a.mini__title, .card__title a")] if box else []
    return out


def all_lists(output: Path, slugs) -> dict[str, dict[str, list[str]]]:
    return {s: lists(output, s) for s in slugs}


@pytest.fixture(scope="module")
def cluster_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("related"))
    clusters = write_clusters(site)
    site.image("mua-xoe.jpg")
    # one article with an image: its items show a thumbnail
    path = site.content / "articles" / "hoa-ban-1.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\nimage: '{static}/images/mua-xoe.jpg'\n", 1), encoding="utf-8")
    site.build()
    return site, clusters


def run_stats(site: Site) -> dict:
    return json.loads((site.base / "cache" / "related_news" / "last_run.json").read_text())


def test_cluster_mates_come_first(cluster_site):
    site, clusters = cluster_site
    for slug, cluster in clusters.items():
        got = lists(site.output, slug)
        mates = {s for s, c in clusters.items() if c == cluster and s != slug}
        assert set(got["tin-lien-quan"][:3]) == mates, (slug, got["tin-lien-quan"])
        assert len(got["tin-lien-quan"]) <= 5


def test_sections_same_category_and_may_interest(cluster_site):
    site, clusters = cluster_site
    category = {}
    for cluster, items in CLUSTERS.items():
        for i, (_, cat, date, _) in enumerate(items):
            category[slug_of(cluster, i)] = (cat, date)
    for slug in clusters:
        got = lists(site.output, slug)
        cat = category[slug][0]
        same = sorted((s for s in clusters if category[s][0] == cat and s != slug),
                      key=lambda s: category[s][1], reverse=True)[:5]
        assert got["tin-cung-chuyen-muc"] == same
        assert all(category[s][0] != cat for s in got["co-the-ban-quan-tam"])
        assert not set(got["co-the-ban-quan-tam"]) & set(got["tin-lien-quan"])
    # the flood cluster spans two categories: its mates from the other one "may interest"
    assert "lu-quet-2" in lists(site.output, "lu-quet-0")["co-the-ban-quan-tam"] or \
        "lu-quet-2" in lists(site.output, "lu-quet-0")["tin-lien-quan"]


def test_items_show_title_date_and_thumbnail(cluster_site):
    site, _ = cluster_site
    doc = soup(page_of(site.output, "hoa-ban-0"))
    box = doc.find(id="tin-lien-quan")
    assert box.find("h2").get_text(strip=True) == "Tin liên quan"
    items = box.select("li.mini")
    with_image = [li for li in items if li.select_one("a.mini__title")["href"].endswith("hoa-ban-1.html")]
    assert with_image and "mua-xoe" in with_image[0].select_one("img.mini__thumb")["src"]
    others = [li for li in items if li not in with_image]
    assert others and all(li.select_one("img") is None for li in others)
    for li in items:
        assert li.select_one("a.mini__title").get_text(strip=True)
        assert li.select_one("time.mini__date")["datetime"].startswith("2024-")


def test_two_builds_identical_and_cache_reused(cluster_site, tmp_path):
    site, clusters = cluster_site
    first = all_lists(site.output, clusters)
    stats = run_stats(site)
    assert stats["articles"] == 16 and stats["tokenized"] == 16
    site.build()
    assert run_stats(site)["tokenized"] == 0 and run_stats(site)["cached"] == 16
    assert all_lists(site.output, clusters) == first
    # one edited article: only it is tokenised again
    path = site.content / "articles" / "cau-treo-1.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nCầu treo chịu được tải trọng 500 kg.\n",
                    encoding="utf-8")
    site.build()
    assert (run_stats(site)["tokenized"], run_stats(site)["cached"]) == (1, 15)
    assert all_lists(site.output, clusters)["lu-quet-0"] == first["lu-quet-0"]


def test_editor_overrides(tmp_path):
    site = Site(tmp_path)
    clusters = write_clusters(site, {
        "lu-quet-0": {"related": ["cau-treo-3", "vac-xin-soi-1"], "related_exclude": ["lu-quet-1"]},
        "hoa-ban-0": {"no_related": True},
    })
    site.build()
    got = lists(site.output, "lu-quet-0")["tin-lien-quan"]
    assert got[:2] == ["cau-treo-3", "vac-xin-soi-1"]
    assert "lu-quet-1" not in got and {"lu-quet-2", "lu-quet-3"} <= set(got)
    assert "lu-quet-1" not in lists(site.output, "lu-quet-0")["co-the-ban-quan-tam"]
    off = soup(page_of(site.output, "hoa-ban-0"))
    assert off.find(id="tin-lien-quan") is None  # an empty block is left out
    assert "Chưa có tin" not in off.get_text()
    assert lists(site.output, "hoa-ban-0")["tin-cung-chuyen-muc"]  # the other sections stay
    assert len(clusters) == 16


def test_unknown_slug_in_related_exclude_names_the_file(site):
    site.article("a", title="Bài A", related_exclude=["khong-ton-tai"])
    proc = site.build(check=False)
    assert proc.returncode != 0
    assert "a.md" in proc.stderr and "'related_exclude' nhắc tới bài không tồn tại 'khong-ton-tai'" in proc.stderr


def test_demo_cluster_mates_rank_high(demo_output):
    clusters = json.loads((ROOT / "tests" / "data" / "demo_clusters.json").read_text(encoding="utf-8"))
    found = total = 0
    for slugs in clusters.values():
        for slug in slugs:
            related = lists(demo_output, slug)["tin-lien-quan"]
            mates = set(slugs) - {slug}
            assert mates & set(related[:3]), (slug, related)
            found += len(mates & set(related[: len(mates)]))
            total += len(mates)
    assert found / total >= 0.75, found / total
