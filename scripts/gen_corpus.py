"""Generate a synthetic, realistic-looking Vietnamese news corpus for benchmarks.

    .venv/bin/python scripts/gen_corpus.py 10000 --seed 1 --out /tmp/corpus10k
    .venv/bin/python scripts/gen_corpus.py 300 --network 100 --out /tmp/net100   # a network project

writes a Pelican content root in the content contract:

    OUT/articles/<year>/<slug>.md   (YAML front-matter + Markdown body)
    OUT/images/gen/*.jpg            (about one photo per three articles)

Python API (used by the related-news and search benchmarks):

    from scripts.gen_corpus import generate
    for art in generate(1000, seed=1):
        art["slug"], art["title"], art["date"], art["category"], art["tags"],
        art["summary"], art["body"], art["image"], art["cluster"]

The text is a syllable Markov chain trained on the team's demo articles
(content/articles/**/*.md) plus a seed text embedded below, so syllables carry
real tone marks and frequencies are Zipf-like. Each article belongs to a topic
cluster; a cluster has its own vocabulary (multi-syllable phrases), tags, place
and main category, so related-news and search have something real to find.

Deterministic for a given seed and the same source texts (``source_dir``).
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import hashlib
import json
import os
import random
import re
import sys
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from plugins import vietnamese  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = (2020, 2026)
DEFAULT_SOURCE = os.path.join(ROOT, "content", "articles")

# Same names as pelicanconf.PORTAL_CATEGORIES (not imported: pelicanconf pulls settings machinery).
CATEGORIES = [
    "Tin tức - Sự kiện", "Chính trị", "Kinh tế", "Văn hóa - Xã hội",
    "Quốc phòng - An ninh", "Nông thôn mới", "Y tế - Giáo dục",
]
# Weight of each category when a cluster picks its main one (news is the biggest).
CATEGORY_WEIGHTS = [30, 10, 18, 14, 8, 10, 10]

AUTHORS = [
    "Lò Thị Hoa", "Hà Văn Dũng", "Lường Thị Mai", "Vàng A Sử", "Nguyễn Thu Trang",
    "Cầm Văn Khánh", "Đinh Thị Yến", "Sùng A Pó", "Trần Minh Đức", "Ban Biên tập",
]
PLACES = [
    "Quảng Long", "Khe Vằn", "Nậm Khao", "Pá Hon", "Tà Xùa", "Huổi Mí", "Phiêng Ban",
    "Mường Lạn", "Bản Sáng", "Chiềng Khoang", "Nà Ngựu", "Suối Bạc", "Lũng Pục",
    "Tân Lập", "Xuân Hòa", "Thượng Sơn", "Đồng Tâm", "Pắc Ma", "Phúc Thịnh", "Nậm Păng",
]

# Real news keywords: clusters take their tags and core vocabulary from these.
TOPICS = [
    "nông thôn mới", "giảm nghèo bền vững", "chè", "quế", "cây ăn quả", "chăn nuôi bò", "nuôi cá lồng",
    "trồng rừng", "phòng cháy chữa cháy rừng", "thiên tai", "mưa lũ", "sạt lở đất", "giao thông nông thôn",
    "cải cách hành chính", "dịch vụ công trực tuyến", "chuyển đổi số", "bầu cử", "đại hội Đảng",
    "xây dựng Đảng", "dân vận khéo", "Mặt trận Tổ quốc", "Hội Nông dân", "Đoàn Thanh niên", "phụ nữ",
    "giáo dục", "năm học mới", "thi tốt nghiệp", "học sinh bán trú", "y tế", "tiêm chủng", "bảo hiểm y tế",
    "sốt xuất huyết", "an toàn thực phẩm", "an ninh trật tự", "an toàn giao thông", "ma túy", "giao nhận quân",
    "diễn tập khu vực phòng thủ", "lễ hội", "du lịch cộng đồng", "văn hóa dân tộc Thái", "người có uy tín",
    "chính sách dân tộc", "nhà ở cho hộ nghèo", "việc làm", "đào tạo nghề", "thương mại", "OCOP",
    "đầu tư công", "quy hoạch", "đất đai", "môi trường", "nước sạch", "điện nông thôn", "thể thao",
    "Tết Nguyên đán", "người cao tuổi", "trẻ em", "khuyến nông", "tín dụng chính sách",
]

# Fallback seed text, written for this generator about the fictional district.
SEED_TEXT = """
Sáng nay, Ủy ban nhân dân huyện Nậm Păng tổ chức hội nghị sơ kết công tác sáu tháng đầu năm và triển khai nhiệm vụ trọng tâm sáu tháng cuối năm. Dự hội nghị có lãnh đạo Huyện ủy, Hội đồng nhân dân, Ủy ban Mặt trận Tổ quốc huyện cùng đại diện các phòng, ban, ngành và Ủy ban nhân dân các xã, thị trấn.
Theo báo cáo, tổng giá trị sản xuất trên địa bàn ước đạt hơn một nghìn tỷ đồng, tăng tám phần trăm so với cùng kỳ năm trước. Diện tích gieo cấy lúa vụ xuân đạt kế hoạch, năng suất bình quân cao hơn năm trước. Nhiều mô hình trồng chè, trồng quế, nuôi cá lồng và chăn nuôi bò sinh sản tiếp tục mang lại thu nhập ổn định cho người dân.
Phát biểu kết luận hội nghị, đồng chí Chủ tịch Ủy ban nhân dân huyện đề nghị các đơn vị tập trung chỉ đạo sản xuất vụ mùa, chủ động phòng chống thiên tai, đẩy nhanh tiến độ giải ngân vốn đầu tư công và các chương trình mục tiêu quốc gia. Các xã cần rà soát từng tiêu chí nông thôn mới, huy động sức dân đúng quy định, không để phát sinh nợ đọng trong xây dựng cơ bản.
Những ngày này, trên các cánh đồng của xã Quảng Long, bà con nông dân tất bật xuống đồng gieo cấy. Cán bộ khuyến nông huyện thường xuyên có mặt tại thôn bản để hướng dẫn kỹ thuật làm đất, bón phân cân đối và phòng trừ sâu bệnh. Nhờ áp dụng giống mới, nhiều hộ gia đình đã có thu nhập khá, từng bước thoát nghèo bền vững.
Ông Hà Văn Dũng, trưởng thôn Khe Vằn, cho biết cả thôn có hơn chín mươi hộ, phần lớn là đồng bào dân tộc Thái. Trước đây bà con chủ yếu trồng ngô trên đất dốc, năng suất thấp, đất bị rửa trôi. Từ khi chuyển sang trồng chè theo tiêu chuẩn VietGAP, đời sống của người dân đã thay đổi rõ rệt, nhiều gia đình xây được nhà mới, mua sắm được xe máy và ti vi.
Năm học mới, toàn huyện có ba mươi hai trường học với hơn mười nghìn học sinh. Ngành giáo dục đã chuẩn bị đầy đủ sách giáo khoa, đồ dùng dạy học và sửa chữa phòng học, nhà bán trú cho học sinh ở các thôn bản xa. Các nhà trường vận động học sinh ra lớp đúng độ tuổi, không để học sinh bỏ học giữa chừng.
Trung tâm Y tế huyện phối hợp với trạm y tế các xã tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi và phụ nữ có thai. Cán bộ y tế đến từng thôn bản tuyên truyền cho người dân về vệ sinh môi trường, ăn chín uống sôi, phòng chống dịch bệnh mùa mưa. Công tác khám chữa bệnh bảo hiểm y tế được duy trì tốt, người bệnh hài lòng với thái độ phục vụ.
Công an huyện tăng cường tuần tra, kiểm soát, bảo đảm an ninh trật tự và an toàn giao thông trên các tuyến đường. Lực lượng công an xã bám địa bàn, nắm chắc tình hình, giải quyết kịp thời các vụ việc ngay từ cơ sở. Phong trào toàn dân bảo vệ an ninh Tổ quốc tiếp tục được nhân dân hưởng ứng tích cực.
Ban Chỉ huy Quân sự huyện tổ chức lễ giao nhận quân năm nay an toàn, trang trọng. Các tân binh đều có sức khỏe tốt, trình độ học vấn khá, nhiều thanh niên tình nguyện lên đường nhập ngũ. Gia đình và địa phương đã động viên các em yên tâm rèn luyện, hoàn thành tốt nhiệm vụ được giao.
Lễ hội truyền thống của đồng bào các dân tộc được tổ chức vui tươi, lành mạnh và tiết kiệm. Bên cạnh phần lễ trang nghiêm là phần hội với nhiều trò chơi dân gian như ném còn, kéo co, đẩy gậy, bắn nỏ và các tiết mục văn nghệ đặc sắc. Hoạt động này góp phần giữ gìn bản sắc văn hóa và thu hút du khách đến với địa phương.
Thực hiện chương trình xây dựng nông thôn mới, xã Tân Lập đã huy động hơn năm tỷ đồng để bê tông hóa đường giao thông nông thôn, xây dựng nhà văn hóa thôn và kênh mương nội đồng. Người dân tự nguyện hiến đất, góp ngày công lao động, cùng chính quyền làm nên những con đường mới sạch đẹp.
Hội Liên hiệp Phụ nữ huyện phát động phong trào xây dựng gia đình năm không ba sạch, giúp nhau phát triển kinh tế và chăm sóc con cái. Đoàn Thanh niên tổ chức chiến dịch tình nguyện hè, sửa chữa nhà cho hộ nghèo, dạy chữ cho trẻ em và trồng cây xanh tại các trường học.
Huyện ủy tổ chức hội nghị học tập, quán triệt các nghị quyết của Trung ương và của Tỉnh ủy cho cán bộ chủ chốt. Công tác xây dựng Đảng, xây dựng hệ thống chính trị ở cơ sở được chú trọng, đội ngũ cán bộ ngày càng trưởng thành, đáp ứng yêu cầu nhiệm vụ trong tình hình mới.
Việc cải cách thủ tục hành chính được đẩy mạnh, người dân có thể nộp hồ sơ trực tuyến qua Cổng dịch vụ công. Bộ phận một cửa của huyện và các xã tiếp nhận, giải quyết hồ sơ đúng hạn, công khai, minh bạch, tạo thuận lợi cho tổ chức và công dân.
Trong thời gian tới, huyện tiếp tục thu hút đầu tư vào nông nghiệp công nghệ cao, phát triển du lịch cộng đồng gắn với bảo tồn văn hóa các dân tộc. Mục tiêu đến cuối nhiệm kỳ là giảm tỷ lệ hộ nghèo xuống dưới mười phần trăm, nâng thu nhập bình quân đầu người lên gấp rưỡi.
"""

_TOKEN_RE = re.compile(r"\w+|[,;:]")
_SENT_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
_MD_STRIP_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[#>*_`|]+")
START, END = "\x02", "\x03"


# --- Source texts ---------------------------------------------------------------

def _read_sources(source_dir: str | None) -> list[str]:
    """Plain-text paragraphs: embedded seed text plus every demo article's body/title/summary."""
    texts = [p for p in SEED_TEXT.strip().split("\n") if p.strip()]
    if source_dir and os.path.isdir(source_dir):
        from plugins.content_contract import frontmatter  # pure module

        paths = []
        for dirpath, dirnames, filenames in os.walk(source_dir):
            dirnames.sort()
            paths += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".md")]
        for path in sorted(paths):
            try:
                with open(path, encoding="utf-8") as fh:
                    src = frontmatter.parse(fh.read(), path, path)
            except (OSError, UnicodeDecodeError):
                continue
            for key in ("title", "summary"):
                if isinstance(src.meta.get(key), str):
                    texts.append(src.meta[key])
            for para in src.body.split("\n\n"):
                para = _MD_STRIP_RE.sub(lambda m: m.group(1) or " ", para)
                if para.strip():
                    texts.append(" ".join(para.split()))
    return [vietnamese.normalize(t) for t in texts]


class _Chain:
    """First-order syllable Markov chain with cumulative weights for fast sampling."""

    def __init__(self, sentences: list[list[str]]):
        counts: dict[str, dict[str, int]] = {}
        self.freq: dict[str, int] = {}
        for toks in sentences:
            prev = START
            for t in toks + [END]:
                row = counts.setdefault(prev, {})
                row[t] = row.get(t, 0) + 1
                if t not in (END, ",", ";", ":"):
                    self.freq[t] = self.freq.get(t, 0) + 1
                prev = t
        self.table = {}
        for state in sorted(counts):
            row = counts[state]
            succ = sorted(row)
            cum, total = [], 0
            for s in succ:
                total += row[s]
                cum.append(total)
            self.table[state] = (succ, cum, total)

    def step(self, rng: random.Random, state: str) -> str:
        succ, cum, total = self.table.get(state) or self.table[START]
        return succ[bisect.bisect_right(cum, rng.random() * total)] if total else END

    def sentence(self, rng: random.Random, lo: int, hi: int) -> list[str]:
        out: list[str] = []
        state = START
        limit = rng.randint(lo, hi)
        while len(out) < limit:
            nxt = self.step(rng, state)
            if nxt == END:
                if len(out) >= lo:
                    break
                nxt = self.step(rng, START)  # too short: keep going with a new clause
                if out and out[-1] not in (",", ";"):
                    out.append(",")
                if nxt == END:
                    break
            out.append(nxt)
            state = nxt
        while out and out[-1] in (",", ";", ":"):
            out.pop()
        return out


def _train(texts: list[str]) -> _Chain:
    lower_seen: set[str] = set()
    raw: list[list[str]] = []
    for text in texts:
        for sent in _SENT_SPLIT_RE.split(text):
            toks = _TOKEN_RE.findall(sent)
            if len(toks) >= 3:
                raw.append(toks)
                lower_seen.update(t for t in toks[1:] if t.islower())
    sentences = []
    for toks in raw:
        first = toks[0]
        if first.lower() in lower_seen:  # "Toàn xã" -> "toàn": capital only because it starts a sentence
            toks = [first.lower()] + toks[1:]
        sentences.append(toks)
    return _Chain(sentences)


def _phrases(chain: _Chain) -> list[str]:
    """Two- and three-syllable lower-case phrases seen in the sources, most frequent first."""
    counts: dict[tuple, int] = {}
    for a, (succ, cum, _total) in chain.table.items():
        if a in (START, END) or not a.isalpha() or not a.islower():
            continue
        prev = 0
        for b, c in zip(succ, cum):
            n, prev = c - prev, c
            if b.isalpha() and b.islower():
                counts[(a, b)] = counts.get((a, b), 0) + n
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    return [" ".join(k) for k in ranked]


# --- Rendering ----------------------------------------------------------------

def _join(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return re.sub(r" ([,;:])", r"\1", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _zipf_pick(rng: random.Random, items: list, s: float = 1.1):
    """Rank-r item with probability ~ 1/r^s (r from 1)."""
    n = len(items)
    # inverse-CDF on a continuous approximation; cheap and deterministic
    u = rng.random()
    if abs(s - 1.0) < 1e-9:
        r = int(n ** u)
    else:
        a = 1.0 - s
        r = int(((n ** a - 1.0) * u + 1.0) ** (1.0 / a))
    return items[min(max(r, 1), n) - 1]


class _Cluster:
    __slots__ = ("id", "category", "place", "phrases", "tags", "has_image_bias")


def _clusters(rng: random.Random, n_clusters: int, phrases: list[str], chain: _Chain) -> list[_Cluster]:
    # Topic phrases come from the frequent-but-not-top band: the top ones are grammar ("của các").
    band = phrases[20:1500] or phrases
    out = []
    for cid in range(n_clusters):
        c = _Cluster()
        c.id = cid
        c.category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        c.place = PLACES[rng.randrange(len(PLACES))]
        topics = rng.sample(TOPICS, 3)
        own = topics + rng.sample(band, min(len(band), 21))
        c.phrases = own  # rank order inside the cluster = Zipf weight
        c.tags = [vietnamese.normalize(t) for t in topics] + [c.place]
        c.has_image_bias = rng.random()
        out.append(c)
    return out


def _sentence(rng: random.Random, chain: _Chain, cluster: _Cluster, topic_rate: float) -> str:
    toks = chain.sentence(rng, 8, 26)
    if rng.random() < topic_rate and len(toks) > 3:
        phrase = _zipf_pick(rng, cluster.phrases)
        pos = rng.randrange(1, len(toks))
        toks[pos:pos] = phrase.split()
    if rng.random() < 0.12:
        toks += ["ở", "xã", *cluster.place.split()]
    return _cap(_join(toks)) + "."


def _body(rng: random.Random, chain: _Chain, cluster: _Cluster, figure: str | None) -> tuple[str, str]:
    target = rng.randint(420, 820)
    paras: list[str] = []
    words = 0
    first = ""
    while words < target:
        sents = [_sentence(rng, chain, cluster, 0.45) for _ in range(rng.randint(3, 6))]
        if not first:
            first = sents[0]
        para = " ".join(sents)
        words += len(para.split())
        paras.append(para)
        if len(paras) == 3 and rng.random() < 0.3:
            paras.append("## " + _cap(_join(chain.sentence(rng, 4, 9))))
        if len(paras) == 2 and rng.random() < 0.15:
            paras.append("\n".join("- " + _cap(_join(chain.sentence(rng, 5, 12))) + ";" for _ in range(3)))
    while words > 900 and len(paras) > 2:  # the last paragraph overshot: drop it
        words -= len(paras.pop().split())
    if figure:
        alt = _cap(_join(chain.sentence(rng, 5, 10)))
        cap = _cap(_join(chain.sentence(rng, 6, 14))) + "."
        paras.insert(min(2, len(paras)), f'![{alt}]({figure} "{cap}")')
    return "\n\n".join(paras) + "\n", first


def _summary(first: str, rng: random.Random, chain: _Chain) -> str:
    words = first.split()
    if len(words) < 15:
        words += _join(chain.sentence(rng, 10, 20)).split()
    text = " ".join(words[:40]).rstrip(",;:.")
    return text + "."


def _title(rng: random.Random, chain: _Chain, cluster: _Cluster) -> str:
    toks = chain.sentence(rng, 5, 11)
    phrase = _zipf_pick(rng, cluster.phrases[:8], 0.8)
    if rng.random() < 0.5:
        return _cap(f"{cluster.place}: " + _cap(_join(toks + phrase.split())))
    return _cap(_join(phrase.split() + toks))


def generate(n: int, seed: int = 0, source_dir: str | None = DEFAULT_SOURCE,
             image_every: int = 3, figure_every: int = 10):
    """Yield ``n`` article dicts, oldest first. Deterministic for (n, seed, source texts).

    Keys: slug, title, date (aware, Asia/Ho_Chi_Minh), category, tags (list of str),
    summary, body (Markdown), image ("{static}/images/gen/<name>.jpg" or None),
    image_caption (str or None), author, cluster (topic id).
    """
    rng = random.Random(seed)
    chain = _train(_read_sources(source_dir))
    phrases = _phrases(chain)
    n_clusters = max(8, n // 40)
    clusters = _clusters(rng, n_clusters, phrases, chain)
    start = datetime.datetime(YEARS[0], 1, 1, tzinfo=TZ).timestamp()
    end = datetime.datetime(YEARS[1], 11, 1, tzinfo=TZ).timestamp()
    # n sorted dates, evenly spread with jitter; minutes only (the contract's format)
    step = (end - start) / max(n, 1)
    used: set[str] = set()
    for i in range(n):
        ts = start + step * (i + rng.random())
        date = datetime.datetime.fromtimestamp(ts - ts % 60, TZ)
        if date.hour < 6 or date.hour > 21:
            date = date.replace(hour=6 + date.hour % 15)
        # Zipf-ish cluster sizes: some topics run for years, most are short
        cluster = clusters[int(n_clusters * rng.random() ** 1.6)]
        category = cluster.category if rng.random() < 0.85 else rng.choice(CATEGORIES)
        title = _title(rng, chain, cluster)
        slug = base = vietnamese.slugify(title)[:80].rstrip("-") or f"bai-{i}"
        k = 2
        while slug in used:
            slug = f"{base}-{k}"
            k += 1
        used.add(slug)
        image = caption = None
        if image_every and rng.random() < 1.0 / image_every:
            image = f"{{static}}/images/gen/{slug}.jpg"
            caption = _cap(_join(chain.sentence(rng, 6, 14))) + "."
        figure = f"{{static}}/images/gen/{slug}-h.jpg" if figure_every and rng.random() < 1.0 / figure_every else None
        body, first = _body(rng, chain, cluster, figure)
        tags = rng.sample(cluster.tags, rng.randint(2, min(4, len(cluster.tags))))
        yield {
            "slug": slug,
            "title": title,
            "date": date,
            "category": category,
            "tags": tags,
            "summary": _summary(first, rng, chain),
            "body": body,
            "image": image,
            "image_caption": caption,
            "figure": figure,
            "author": AUTHORS[rng.randrange(len(AUTHORS))],
            "cluster": cluster.id,
        }


# --- Writing a content root ----------------------------------------------------

def _yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def render(art: dict) -> str:
    lines = [
        "---",
        f"title: {_yaml_str(art['title'])}",
        f"date: {art['date']:%Y-%m-%d %H:%M}",
        f"category: {art['category']}",
        "tags: [" + ", ".join(_yaml_str(t) for t in art["tags"]) + "]",
        f"author: {art['author']}",
        f"summary: {_yaml_str(art['summary'])}",
    ]
    if vietnamese.slugify(art["title"]) != art["slug"]:
        lines.append(f"slug: {art['slug']}")
    if art.get("image"):
        lines.append(f"image: {_yaml_str(art['image'])}")
        lines.append(f"image_caption: {_yaml_str(art['image_caption'])}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + art["body"]


def make_photo(path: str, seed: int, size=(1600, 1000)) -> None:
    """A photo-like JPEG (smooth gradients + shapes + grain) so encoders behave as on real photos."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = size
    small = Image.new("RGB", (16, 10))
    px = small.load()
    base = [rng.randrange(40, 200) for _ in range(3)]
    for y in range(10):
        for x in range(16):
            px[x, y] = tuple(max(0, min(255, b + rng.randrange(-60, 60) + (y * 6 if i == 1 else 0)))
                             for i, b in enumerate(base))
    img = small.resize((w, h), Image.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(20, 200)
        col = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=col)
    img = img.filter(ImageFilter.GaussianBlur(6))
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).convert("RGB")  # seeded grain
    img = Image.blend(img, noise, 0.10)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, "JPEG", quality=88)


def write(n: int, seed: int, out: str, source_dir: str | None = DEFAULT_SOURCE,
          image_pool: int = 24, pool_dir: str | None = None, pool_seed: int | None = None) -> dict:
    """Write the content root; returns counts. Photos are hard links into a small pool."""
    art_root = os.path.join(out, "articles")
    img_root = os.path.join(out, "images", "gen")
    pool_dir = pool_dir or os.path.join(out, ".pool")  # outside STATIC_PATHS: never published
    os.makedirs(art_root, exist_ok=True)
    os.makedirs(img_root, exist_ok=True)
    pool = []
    for k in range(image_pool):
        ps = seed if pool_seed is None else pool_seed
        p = os.path.join(pool_dir, f"pool-{ps}-{k:03d}.jpg")
        if not os.path.exists(p):
            make_photo(p, ps * 1000 + k)
        pool.append(p)
    stats = {"articles": 0, "images": 0}
    for art in generate(n, seed=seed, source_dir=source_dir):
        folder = os.path.join(art_root, f"{art['date']:%Y}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, art["slug"] + ".md"), "w", encoding="utf-8") as fh:
            fh.write(render(art))
        stats["articles"] += 1
        for ref in (art["image"], art["figure"]):
            if not ref:
                continue
            dest = os.path.join(out, ref.replace("{static}/", ""))
            src = pool[int(hashlib.md5(ref.encode()).hexdigest(), 16) % len(pool)]
            if os.path.exists(dest):
                os.remove(dest)
            try:
                os.link(src, dest)
            except OSError:
                import shutil
                shutil.copyfile(src, dest)
            stats["images"] += 1
    return stats


NETWORK_LINKED = ("theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py", "Makefile", "pyproject.toml",
                  "package.json", "package-lock.json", ".venv", "node_modules")


def network_slugs(communes: int) -> list[str]:
    return ["tinh-mau", *(f"xa-mau-{i:03d}" for i in range(1, communes + 1))]


def write_network(communes: int, per_site: int, seed: int, root: str, source_dir: str | None = DEFAULT_SOURCE,
                  image_pool: int = 24) -> dict:
    """A network project (docs/network.md) at ``root``: this checkout's code linked in, an empty
    default portal, a province ``sites/tinh-mau`` and ``communes`` communes ``sites/xa-mau-NNN``,
    each with ``per_site`` generated articles (the shared categories of pelicanconf.py)."""
    import shutil

    import yaml

    from plugins.network import scaffold

    os.makedirs(root, exist_ok=True)
    for name in NETWORK_LINKED:
        if not os.path.lexists(os.path.join(root, name)):
            os.symlink(os.path.join(ROOT, name), os.path.join(root, name))
    os.makedirs(os.path.join(root, "content", "articles"), exist_ok=True)
    os.makedirs(os.path.join(root, "content", "images"), exist_ok=True)
    share = os.path.join(ROOT, "content", "images", "chia-se.jpg")
    shutil.copy(share, os.path.join(root, "content", "images"))
    known = ["nam-pang"]
    stats = {"sites": 0, "articles": 0, "images": 0}
    for i, slug in enumerate(network_slugs(communes)):
        folder = os.path.join(root, "sites", slug)
        if not os.path.isdir(folder):
            name = "Tỉnh Mẫu" if i == 0 else f"Xã Mẫu {i:03d}"
            scaffold.new_site(root, slug, name, "" if i == 0 else "tinh-mau", known, share_image=share)
            path = os.path.join(folder, "site.yaml")
            with open(path, encoding="utf-8") as fh:
                facts = yaml.safe_load(fh)
            facts.pop("categories")  # the generated articles use the shared categories
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False))
        known.append(slug)
        got = write(per_site, seed * 1000 + i, os.path.join(folder, "content"), source_dir, image_pool,
                    pool_dir=os.path.join(root, ".pool"), pool_seed=seed)
        stats["sites"] += 1
        stats["articles"] += got["articles"]
        stats["images"] += got["images"]
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles (per site with --network)")
    ap.add_argument("--network", type=int, metavar="COMMUNES", default=0,
                    help="write a network project instead: a province and COMMUNES communes of n articles each")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="content root to write (articles/, images/gen/)")
    ap.add_argument("--source", default=DEFAULT_SOURCE,
                    help="demo articles to learn the vocabulary from (default: content/articles)")
    ap.add_argument("--image-pool", type=int, default=24, help="distinct photos, hard-linked")
    args = ap.parse_args(argv)
    if args.network:
        stats = write_network(args.network, args.n, args.seed, args.out, args.source, args.image_pool)
        print(f"{stats['sites']} sites, {stats['articles']} articles, {stats['images']} images -> {args.out}")
        return 0
    stats = write(args.n, args.seed, args.out, args.source, args.image_pool)
    print(f"{stats['articles']} articles, {stats['images']} images -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
