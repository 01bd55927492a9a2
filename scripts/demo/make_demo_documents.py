"""Generate the demo văn bản PDFs from the front-matter of content/documents/*.md.

Every attachment named in `files:` that does not exist yet is written as a small A4 PDF
laid out like a Vietnamese administrative document (fictional content). Needs fpdf2
and a Unicode TTF font (Debian: fonts-dejavu-core).

Usage: python scripts/demo/make_demo_documents.py [--force] [--content content]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from fpdf import FPDF  # noqa: E402
from fpdf.enums import XPos, YPos  # noqa: E402

from plugins.documents import fields, model, sources  # noqa: E402

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"]
SIGNERS = {  # the demo district's officials (fictional)
    "Lường Văn Hải": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "Lò Văn Thắng": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    "Vàng Thị Mai": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    # the demo network's province (sites/hoang-son)
    "Nguyễn Văn Khải": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "Trần Thị Hạnh": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
}
ISSUER_HEAD = {
    "UBND huyện Nậm Păng": ("", "ỦY BAN NHÂN DÂN\nHUYỆN NẬM PĂNG"),
    "UBND tỉnh Hoàng Sơn": ("", "ỦY BAN NHÂN DÂN\nTỈNH HOÀNG SƠN"),
}


def font_path(name: str) -> str:
    for d in FONT_DIRS:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    sys.exit(f"Không tìm thấy phông {name}: cài gói Debian 'fonts-dejavu-core' "
             "(sudo apt-get install fonts-dejavu-core)")


def header_lines(doc: model.Entry) -> tuple[str, str]:
    if doc.issuer in ISSUER_HEAD:
        return ISSUER_HEAD[doc.issuer]
    return ("UBND HUYỆN NẬM PĂNG", doc.issuer.upper())


def signer(doc: model.Entry) -> tuple[str, str]:
    if doc.signer in SIGNERS:
        return SIGNERS[doc.signer]
    return ("", "TRƯỞNG PHÒNG")


def body_text(doc: model.Entry) -> list[str]:
    paras = [p.replace("\n", " ").strip() for p in doc.body.split("\n\n") if p.strip()]
    if not paras:
        paras = [f"{doc.issuer} ban hành {doc.doc_type.lower()} này về việc: "
                 f"{doc.title[len(doc.doc_type):].strip() or doc.title}."]
    intro = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
             "căn cứ chức năng, nhiệm vụ của cơ quan và tình hình thực tế tại địa phương;")
    outro = ("Thủ trưởng các cơ quan, đơn vị và Chủ tịch UBND các xã, thị trấn chịu trách nhiệm "
             "tổ chức thực hiện. Trong quá trình thực hiện, nếu có vướng mắc, báo cáo về "
             f"{doc.issuer} để được hướng dẫn.")
    return [intro, *paras, outro]


class DocPDF(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.add_font("DejaVu", "", font_path("DejaVuSerif.ttf"))
        self.add_font("DejaVu", "B", font_path("DejaVuSerif-Bold.ttf"))
        self.set_margins(25, 20, 20)
        self.set_auto_page_break(True, 20)

    def multi_cell(self, *args, **kwargs):
        # Each block starts on a new line at the left margin unless placed explicitly.
        kwargs.setdefault("new_x", XPos.LMARGIN)
        kwargs.setdefault("new_y", YPos.NEXT)
        return super().multi_cell(*args, **kwargs)

    def footer(self):
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, "Văn bản mẫu của cổng thông tin trình diễn – nội dung hư cấu.", align="C")


def write_main(doc: model.Entry, path: str) -> None:
    pdf = DocPDF()
    pdf.set_creation_date(datetime.datetime.combine(doc.issued, datetime.time(8),
                                                    datetime.timezone(datetime.timedelta(hours=7))))
    pdf.set_title(f"{doc.doc_type} {doc.number}")
    pdf.set_author(doc.issuer)
    pdf.add_page()
    top, left_w, right_w = pdf.get_y(), 70, 95
    parent, own = header_lines(doc)
    pdf.set_font("DejaVu", "", 10)
    if parent:
        pdf.multi_cell(left_w, 5, parent, align="C")
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(left_w, 5, own, align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(left_w, 6, f"Số: {doc.number}", align="C")
    bottom = pdf.get_y()
    pdf.set_xy(25 + left_w, top)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(right_w, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc", align="C")
    pdf.set_x(25 + left_w)
    pdf.set_font("DejaVu", "", 10)
    d = doc.issued
    pdf.multi_cell(right_w, 8, f"Nậm Păng, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", align="C")
    pdf.set_y(max(bottom, pdf.get_y()) + 8)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, doc.doc_type.upper(), align="C")
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, doc.title, align="C")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    for para in body_text(doc):
        pdf.multi_cell(0, 6, "      " + para, align="J")
        pdf.ln(2)
    pdf.ln(8)
    role1, role2 = signer(doc)
    pdf.set_x(105)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(80, 5, "\n".join(x for x in (role1, role2) if x), align="C")
    pdf.ln(16)
    pdf.set_x(105)
    pdf.multi_cell(80, 5, doc.signer, align="C")
    pdf.output(path)


def write_annex(doc: model.Entry, title: str, path: str) -> None:
    pdf = DocPDF()
    pdf.set_creation_date(datetime.datetime.combine(doc.issued, datetime.time(8),
                                                    datetime.timezone(datetime.timedelta(hours=7))))
    pdf.set_title(title)
    pdf.set_author(doc.issuer)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, title.upper(), align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, f"(Kèm theo {doc.doc_type} số {doc.number} ngày "
                         f"{doc.issued:%d/%m/%Y} của {doc.issuer})", align="C")
    pdf.ln(6)
    units = ["Thị trấn Nậm Păng", "Xã Quảng Long", "Xã Nậm Xe", "Xã Tả Phìn", "Xã Lũng Vài",
             "Xã Phìn Hồ", "Xã Khe Vằn"]
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(col_widths=(12, 60, 45, 48), text_align=("CENTER", "LEFT", "LEFT", "LEFT")) as table:
        head = table.row()
        for text in ("TT", "Đơn vị", "Nhiệm vụ / chỉ tiêu", "Thời hạn"):
            head.cell(text)
        for i, unit in enumerate(units, start=1):
            r = table.row()
            r.cell(str(i))
            r.cell(unit)
            r.cell("Theo nội dung văn bản")
            r.cell(f"Trước 31/12/{doc.year}")
    pdf.output(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", default=os.path.join(ROOT, "content"))
    ap.add_argument("--force", action="store_true", help="rewrite PDFs that exist")
    args = ap.parse_args(argv)
    docs_dir = os.path.join(args.content, "documents")
    files_dir = os.path.join(docs_dir, "files")
    os.makedirs(files_dir, exist_ok=True)
    written = 0
    for src in sources.load_sources(docs_dir, skip=[files_dir]):
        if not src.meta:
            continue
        main_done = False
        for item in fields.as_list(src.meta.get("files")):
            name, title = fields.attachment_spec(item)
            path = os.path.join(files_dir, name)
            if not name.endswith(".pdf") or (os.path.exists(path) and not args.force):
                main_done = True
                continue
            # from_source needs the files to exist (sizes): build the model without them.
            doc = sources.from_source(
                type(src)(src.path, {**src.meta, "files": []}, src.lines, src.body, src.body_line, [], src.abs_path),
                files_dir, "documents/files")
            if not main_done:
                write_main(doc, path)
                main_done = True
            else:
                write_annex(doc, title or "Phụ lục", path)
            written += 1
            print(f"{os.path.relpath(path, ROOT)}: {os.path.getsize(path):,} bytes")
    print(f"{written} tệp PDF đã tạo.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
