"""A small NukeViet 4.5 database for the importer's tests and benchmark.

The CREATE TABLE statements are modelled on NukeViet 4.5's own schemas (table and column
names and types as in nukeviet/nukeviet branch nukeviet4.5 modules/news/action_mysql.php,
modules/comment/action_mysql.php, install/action_mysql.php `_counter`, and
nukeviet/module-laws modules/laws/action_mysql.php); the rows are ours. They cover every
rule of the import: entities, local-midnight epochs, scheduled/expired/draft/suspended,
per-category copies, a tag with an empty title, CKEditor figures, a remote image, file
names with spaces, a replaced văn bản, a pending comment.
"""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
P = "nv4_vi"


def epoch(y, m, d, hh=0, mm=0) -> int:
    """Local (Asia/Ho_Chi_Minh) time as NukeViet stores it: a Unix epoch."""
    return int(datetime.datetime(y, m, d, hh, mm, tzinfo=VN).timestamp())


def schema_sql(categories=(1, 2, 3)) -> str:
    rows_cols = """
  id int(11) unsigned NOT NULL auto_increment,
  catid smallint(5) unsigned NOT NULL default '0',
  listcatid varchar(255) NOT NULL default '',
  topicid smallint(5) unsigned NOT NULL default '0',
  admin_id mediumint(8) unsigned NOT NULL default '0',
  author varchar(250) default '',
  sourceid mediumint(8) NOT NULL default '0',
  addtime int(11) unsigned NOT NULL default '0',
  edittime int(11) unsigned NOT NULL default '0',
  status tinyint(4) NOT NULL default '1',
  weight int(11) unsigned NOT NULL default '0',
  publtime int(11) unsigned NOT NULL default '0',
  exptime int(11) unsigned NOT NULL default '0',
  archive tinyint(1) unsigned NOT NULL default '0',
  title varchar(250) NOT NULL default '',
  alias varchar(250) NOT NULL default '',
  hometext text NOT NULL,
  homeimgfile varchar(255) default '',
  homeimgalt varchar(255) default '',
  homeimgthumb tinyint(4) NOT NULL default '0',
  inhome tinyint(1) unsigned NOT NULL default '0',
  allowed_comm varchar(255) default '',
  allowed_rating tinyint(1) unsigned NOT NULL default '0',
  external_link tinyint(1) unsigned NOT NULL default '0',
  hitstotal mediumint(8) unsigned NOT NULL default '0',
  hitscm mediumint(8) unsigned NOT NULL default '0',
  total_rating int(11) NOT NULL default '0',
  click_rating int(11) NOT NULL default '0',
  instant_active tinyint(1) NOT NULL default '0',
  instant_template varchar(100) NOT NULL default '',
  instant_creatauto tinyint(1) NOT NULL default '0',
  PRIMARY KEY (id),
  KEY catid (catid),
  KEY publtime (publtime),
  KEY status (status)"""
    out = [f"""CREATE TABLE {P}_news_cat (
  catid smallint(5) unsigned NOT NULL AUTO_INCREMENT,
  parentid smallint(5) unsigned NOT NULL DEFAULT '0',
  title varchar(250) NOT NULL,
  titlesite varchar(250) DEFAULT '',
  alias varchar(250) NOT NULL DEFAULT '',
  description text,
  descriptionhtml text,
  image varchar(255) DEFAULT '',
  viewdescription tinyint(2) NOT NULL DEFAULT '0',
  weight smallint(5) unsigned NOT NULL DEFAULT '0',
  sort smallint(5) NOT NULL DEFAULT '0',
  lev smallint(5) NOT NULL DEFAULT '0',
  viewcat varchar(50) NOT NULL DEFAULT 'viewcat_page_new',
  numsubcat smallint(5) NOT NULL DEFAULT '0',
  subcatid varchar(255) DEFAULT '',
  numlinks tinyint(2) unsigned NOT NULL DEFAULT '3',
  newday tinyint(2) unsigned NOT NULL DEFAULT '2',
  featured int(11) NOT NULL DEFAULT '0',
  ad_block_cat varchar(255) NOT NULL DEFAULT '',
  layout_func varchar(100) NOT NULL DEFAULT '',
  keywords text,
  admins text,
  add_time int(11) unsigned NOT NULL DEFAULT '0',
  edit_time int(11) unsigned NOT NULL DEFAULT '0',
  groups_view varchar(255) DEFAULT '',
  status smallint(4) NOT NULL DEFAULT '1',
  PRIMARY KEY (catid),
  UNIQUE KEY alias (alias),
  KEY parentid (parentid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"""CREATE TABLE {P}_news_sources (
  sourceid mediumint(8) unsigned NOT NULL AUTO_INCREMENT,
  title varchar(250) NOT NULL DEFAULT '',
  link varchar(255) DEFAULT '',
  logo varchar(255) DEFAULT '',
  weight mediumint(8) unsigned NOT NULL DEFAULT '0',
  add_time int(11) unsigned NOT NULL,
  edit_time int(11) unsigned NOT NULL,
  PRIMARY KEY (sourceid),
  UNIQUE KEY title (title)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"CREATE TABLE {P}_news_rows ({rows_cols}\n) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4",
           f"""CREATE TABLE {P}_news_detail (
  id int(11) unsigned NOT NULL,
  titlesite varchar(255) NOT NULL DEFAULT '',
  description text NOT NULL,
  bodyhtml longtext NOT NULL,
  voicedata text NULL DEFAULT NULL,
  keywords varchar(255) default '',
  sourcetext varchar(255) default '',
  files TEXT NULL,
  imgposition tinyint(1) NOT NULL default '1',
  layout_func varchar(100) DEFAULT '',
  copyright tinyint(1) NOT NULL default '0',
  allowed_send tinyint(1) NOT NULL default '0',
  allowed_print tinyint(1) NOT NULL default '0',
  allowed_save tinyint(1) NOT NULL default '0',
  PRIMARY KEY (id)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"""CREATE TABLE {P}_news_tags (
  tid mediumint(8) unsigned NOT NULL AUTO_INCREMENT,
  numnews mediumint(8) NOT NULL DEFAULT '0',
  title varchar(250) NOT NULL DEFAULT '',
  alias varchar(250) NOT NULL DEFAULT '',
  image varchar(255) DEFAULT '',
  description text,
  keywords varchar(255) DEFAULT '',
  PRIMARY KEY (tid),
  UNIQUE KEY alias (alias)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"""CREATE TABLE {P}_news_tags_id (
  id int(11) NOT NULL,
  tid mediumint(9) NOT NULL,
  keyword varchar(65) NOT NULL,
  UNIQUE KEY id_tid (id,tid),
  KEY tid (tid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"""CREATE TABLE {P}_news_author (
  id MEDIUMINT(8) UNSIGNED NOT NULL AUTO_INCREMENT,
  uid INT(11) UNSIGNED NOT NULL,
  alias VARCHAR(100) NOT NULL DEFAULT '',
  pseudonym VARCHAR(100) NOT NULL DEFAULT '',
  image VARCHAR(255) NULL DEFAULT '',
  description TEXT,
  add_time INT(11) UNSIGNED NOT NULL DEFAULT '0',
  edit_time INT(11) UNSIGNED NOT NULL DEFAULT '0',
  active TINYINT(1) UNSIGNED NOT NULL DEFAULT '1',
  numnews MEDIUMINT(8) NOT NULL DEFAULT '0',
  PRIMARY KEY (id),
  UNIQUE KEY uid (uid),
  UNIQUE KEY alias (alias)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
           f"""CREATE TABLE {P}_news_authorlist (
  id INT(11) NOT NULL,
  aid MEDIUMINT(8) NOT NULL,
  alias VARCHAR(100) NOT NULL DEFAULT '',
  pseudonym VARCHAR(100) NOT NULL DEFAULT '',
  UNIQUE KEY id_aid (id, aid),
  KEY aid (aid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4"""]
    # NukeViet keeps a full copy of every row per category (nv4_vi_news_<catid>).
    out += [f"CREATE TABLE {P}_news_{c} LIKE {P}_news_rows" for c in categories]
    out += [f"""CREATE TABLE {P}_laws_area (
  id smallint(4) unsigned NOT NULL AUTO_INCREMENT,
  parentid smallint(4) unsigned NOT NULL DEFAULT '0',
  alias varchar(249) NOT NULL,
  title varchar(249) NOT NULL,
  introduction mediumtext NOT NULL,
  keywords varchar(255) NOT NULL,
  addtime int(11) unsigned NOT NULL DEFAULT '0',
  weight smallint(4) unsigned NOT NULL DEFAULT '0',
  sort smallint(5) unsigned NOT NULL DEFAULT '1',
  lev tinyint(1) unsigned NOT NULL DEFAULT '0',
  numsubcat tinyint(1) unsigned NOT NULL DEFAULT '0',
  subcatid varchar(255) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY alias (alias,parentid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_cat (
  id smallint(4) unsigned NOT NULL AUTO_INCREMENT,
  parentid smallint(4) unsigned NOT NULL DEFAULT '0',
  alias varchar(249) NOT NULL,
  title varchar(249) NOT NULL,
  introduction mediumtext NOT NULL,
  keywords varchar(255) NOT NULL,
  newday tinyint(2) unsigned NOT NULL DEFAULT '5',
  addtime int(11) unsigned NOT NULL DEFAULT '0',
  weight smallint(4) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id),
  UNIQUE KEY alias (alias,parentid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_subject (
  id smallint(4) unsigned NOT NULL AUTO_INCREMENT,
  alias varchar(250) NOT NULL,
  title varchar(250) NOT NULL,
  introduction mediumtext NOT NULL,
  keywords varchar(255) NOT NULL,
  numcount int(10) NOT NULL DEFAULT '0',
  numlink tinyint(2) NOT NULL DEFAULT '5',
  addtime int(11) unsigned NOT NULL DEFAULT '0',
  weight smallint(4) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id),
  UNIQUE KEY alias (alias)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_row (
  id int(10) NOT NULL AUTO_INCREMENT,
  replacement varchar(255) NOT NULL DEFAULT '',
  relatement varchar(255) NOT NULL DEFAULT '',
  title varchar(255) NOT NULL,
  alias varchar(255) NOT NULL,
  code varchar(50) NOT NULL,
  area_ids varchar(191) NOT NULL DEFAULT '',
  cid smallint(4) unsigned NOT NULL DEFAULT '0',
  sid smallint(4) unsigned NOT NULL DEFAULT '0',
  eid smallint(4) unsigned NOT NULL DEFAULT '0',
  sgid smallint(4) unsigned NOT NULL DEFAULT '0',
  note text NOT NULL,
  introtext text NOT NULL,
  bodytext mediumtext NOT NULL,
  keywords varchar(255) NOT NULL,
  groups_view varchar(255) NOT NULL,
  groups_download varchar(255) NOT NULL,
  files mediumtext NOT NULL,
  status tinyint(1) NOT NULL,
  approval tinyint(1) NOT NULL,
  addtime int(11) NOT NULL,
  edittime int(11) NOT NULL,
  publtime int(11) NOT NULL DEFAULT '0',
  start_comm_time int(11) NULL,
  end_comm_time int(11) NULL,
  startvalid int(11) NOT NULL DEFAULT '0',
  exptime int(11) NOT NULL DEFAULT '0',
  view_hits mediumint(8) unsigned NOT NULL DEFAULT '0',
  download_hits mediumint(8) unsigned NOT NULL DEFAULT '0',
  admin_add mediumint(8) unsigned NOT NULL DEFAULT '0',
  admin_edit mediumint(8) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id),
  KEY cid (cid)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_row_area (
  row_id INT(10) UNSIGNED NOT NULL,
  area_id SMALLINT(4) UNSIGNED NOT NULL,
  UNIQUE KEY alias (row_id, area_id)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_signer (
  id smallint(4) unsigned NOT NULL AUTO_INCREMENT,
  title varchar(255) NOT NULL,
  offices varchar(255) NOT NULL DEFAULT '',
  positions varchar(255) NOT NULL DEFAULT '',
  addtime int(11) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_laws_set_replace (
  id mediumint(8) unsigned NOT NULL AUTO_INCREMENT,
  oid mediumint(8) unsigned NOT NULL DEFAULT '0',
  nid mediumint(8) unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            f"""CREATE TABLE {P}_comment (
 cid mediumint(8) unsigned NOT NULL AUTO_INCREMENT,
 module varchar(55) NOT NULL,
 area int(11) NOT NULL DEFAULT '0',
 id mediumint(8) unsigned NOT NULL DEFAULT '0',
 pid mediumint(8) unsigned NOT NULL DEFAULT '0',
 content text NOT NULL,
 attach varchar(255) NOT NULL DEFAULT '',
 post_time int(11) unsigned NOT NULL DEFAULT '0',
 userid mediumint(8) unsigned NOT NULL DEFAULT '0',
 post_name varchar(100) NOT NULL,
 post_email varchar(100) NOT NULL,
 post_ip varchar(39) NOT NULL DEFAULT '',
 status tinyint(1) unsigned NOT NULL DEFAULT '0',
 likes mediumint(9) NOT NULL DEFAULT '0',
 dislikes mediumint(9) NOT NULL DEFAULT '0',
 PRIMARY KEY (cid),
 KEY mod_id (module,area,id)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4""",
            """CREATE TABLE nv4_counter (
   c_type varchar(100) NOT NULL,
   c_val varchar(100) NOT NULL,
   last_update int(11) NOT NULL DEFAULT '0',
   c_count int(11) unsigned NOT NULL DEFAULT '0',
   vi_count int(11) unsigned NOT NULL DEFAULT '0',
   UNIQUE KEY c_type (c_type,c_val)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4"""]
    return ";\n".join(out) + ";\n"


def _q(s) -> str:
    if s is None:
        return "NULL"
    if isinstance(s, int):
        return str(s)
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def insert(table: str, rows: list[dict]) -> str:
    cols = list(rows[0])
    values = ",\n".join("(" + ", ".join(_q(r.get(c)) for c in cols) + ")" for r in rows)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES\n{values};\n"


FIGURE_BODY = (
    '<p style="text-align: justify;">Sáng 20/11, tại Trung tâm Văn hóa huyện, UBND huyện Nậm Păng khai mạc '
    '<strong>Ngày hội văn hóa các dân tộc</strong> lần thứ V &amp; giới thiệu &quot;sản phẩm OCOP&quot;.</p>\n'
    '<figure class="image"><img alt="Múa xòe" height="400" src="/uploads/news/2026_11/mua xoe khai mac.jpg" '
    'style="width: 600px;" width="600" /><figcaption>Màn múa xòe chào mừng ngày hội.</figcaption></figure>\n'
    '<p><img src="/uploads/news/2026_11/gian-hang.jpg" style="float: left; margin: 5px;" /></p>\n'
    '<script>document.write("quang cao")</script>\n'
    '<table border="1" cellpadding="1" style="width: 100%;"><tbody>'
    '<tr><td><strong>Xã</strong></td><td><strong>Số đội tham gia</strong></td></tr>'
    '<tr><td>Pà Cò</td><td>12</td></tr><tr><td>Hua Na</td><td>9</td></tr></tbody></table>\n'
    '<table border="1"><tbody><tr><td colspan="2" style="color:red">Tổng hợp giải thưởng</td></tr>'
    '<tr><td>Giải nhất</td><td>Xã Pà Cò</td></tr></tbody></table>\n'
    '<p>Xem <a href="/uploads/news/2026_11/ke hoach to chuc.pdf" onclick="evil()">kế hoạch tổ chức</a>.</p>')


def rows_sql(now_year: int = 2026) -> str:
    cats = [
        dict(catid=1, parentid=0, title="Tin tức - Sự kiện", alias="tin-tuc-su-kien", description="Tin hoạt động",
             sort=1, weight=1, lev=0, keywords="", admins=""),
        dict(catid=2, parentid=0, title="Kinh tế", alias="kinh-te", description="", sort=2, weight=2, lev=0,
             keywords="", admins=""),
        dict(catid=3, parentid=2, title="Nông nghiệp &amp; Nông thôn", alias="nong-nghiep", description="",
             sort=3, weight=1, lev=1, keywords="", admins=""),
    ]
    base = dict(topicid=0, admin_id=1, sourceid=0, weight=0, archive=0, homeimgfile="", homeimgalt="",
                homeimgthumb=0, inhome=1, allowed_comm="4", allowed_rating=1, external_link=0, hitstotal=0,
                hitscm=0, total_rating=0, click_rating=0, author="")
    arts = [
        dict(id=1, catid=1, listcatid="1,2", title="Khai mạc &quot;Ngày hội văn hóa&quot; các dân tộc &#x002F; lần V",
             alias="khai-mac-ngay-hoi-van-hoa-cac-dan-toc", status=1, publtime=epoch(2026, 11, 20, 8, 30),
             exptime=0, addtime=epoch(2026, 11, 20, 8), edittime=epoch(2026, 11, 21, 9),
             hometext="Ngày hội quy tụ hơn 500 nghệ nhân &amp; diễn viên quần chúng&#33;",
             homeimgfile="2026_11/mua xoe khai mac.jpg", homeimgalt="Múa xòe khai mạc", homeimgthumb=1,
             hitstotal=1234, total_rating=45, click_rating=10, sourceid=1, author="Lò Thị Hoa"),
        dict(id=2, catid=3, listcatid="3", title="Hội nghị tổng kết vụ lúa mùa", alias="hoi-nghi-tong-ket",
             status=1, publtime=epoch(2026, 10, 5, 14), exptime=0, addtime=epoch(2026, 10, 5, 14), edittime=0,
             hometext="Năng suất lúa mùa đạt 52 tạ/ha.", homeimgfile="http://203.0.113.7/anh/lua-mua.jpg",
             homeimgthumb=3, hitstotal=77),
        dict(id=3, catid=2, listcatid="2", title="Hội nghị tổng kết công tác thương mại",
             alias="hoi-nghi-tong-ket", status=1, publtime=epoch(2026, 9, 1, 9), exptime=0,
             addtime=epoch(2026, 9, 1, 9), edittime=0, hometext="<p>Tổng kết năm.</p>"),
        dict(id=4, catid=1, listcatid="1", title="Lịch tiếp công dân tháng 6/2030", alias="lich-tiep-cong-dan-6-2030",
             status=2, publtime=epoch(2030, 6, 1, 7), exptime=0, addtime=epoch(2026, 11, 1), edittime=0,
             hometext="Lịch tiếp công dân định kỳ."),
        dict(id=5, catid=1, listcatid="1", title="Thông báo tuyển dụng viên chức năm 2025",
             alias="thong-bao-tuyen-dung-2025", status=3, publtime=epoch(2025, 1, 5, 8),
             exptime=epoch(2025, 6, 1), addtime=epoch(2025, 1, 5, 8), edittime=0, hometext="Hết hạn nộp hồ sơ."),
        dict(id=6, catid=2, listcatid="2", title="Bản nháp báo cáo kinh tế quý IV", alias="ban-nhap-bao-cao",
             status=4, publtime=epoch(2026, 11, 25, 10), exptime=0, addtime=epoch(2026, 11, 25, 10), edittime=0,
             hometext="Nháp."),
        dict(id=7, catid=2, listcatid="2", title="Bài bị đình chỉ", alias="bai-bi-dinh-chi", status=0,
             publtime=epoch(2026, 8, 1, 10), exptime=0, addtime=epoch(2026, 8, 1, 10), edittime=0,
             hometext="Đình chỉ."),
    ]
    arts = [{**base, **a} for a in arts]
    detail_base = dict(titlesite="", description="", voicedata=None, keywords="", files="", imgposition=1,
                       layout_func="", copyright=0, allowed_send=1, allowed_print=1, allowed_save=1)
    details = [
        dict(id=1, bodyhtml=FIGURE_BODY, sourcetext="https://baodienbien.vn/"),
        dict(id=2, bodyhtml='<p>Toàn huyện gieo cấy 1.200 ha lúa mùa.</p>\n<p><img alt="Cánh đồng lúa" '
                            'src="http://203.0.113.7/anh/canh-dong.jpg" /></p>', sourcetext=""),
        dict(id=3, bodyhtml="<p>Tổng mức bán lẻ hàng hóa tăng 8%.</p>", sourcetext=""),
        dict(id=4, bodyhtml="<p>Chủ tịch UBND huyện tiếp công dân vào thứ Năm.</p>", sourcetext=""),
        dict(id=5, bodyhtml="<p>Thông báo đã hết hạn.</p>", sourcetext=""),
        dict(id=6, bodyhtml="<p>Nháp.</p>", sourcetext=""),
        dict(id=7, bodyhtml="<p>Đình chỉ.</p>", sourcetext=""),
    ]
    details = [{**detail_base, **d} for d in details]
    sql = [insert(f"{P}_news_cat", cats),
           insert(f"{P}_news_sources", [dict(sourceid=1, title="Báo Điện Biên Phủ", link="https://baodienbien.vn",
                                             logo="", weight=1, add_time=epoch(2020, 1, 1), edit_time=0)]),
           insert(f"{P}_news_rows", arts), insert(f"{P}_news_detail", details),
           insert(f"{P}_news_tags", [
               dict(tid=1, numnews=1, title="", alias="lễ-hội", image="", description="", keywords="lễ hội"),
               dict(tid=2, numnews=1, title="Văn hóa", alias="văn-hóa", image="", description="", keywords="văn hóa"),
           ]),
           insert(f"{P}_news_tags_id", [dict(id=1, tid=1, keyword="lễ hội"), dict(id=1, tid=2, keyword="văn hóa")]),
           insert(f"{P}_news_author", [dict(id=1, uid=5, alias="mai-anh", pseudonym="Mai Anh", image="",
                                            description="", add_time=0, edit_time=0, active=1, numnews=1)]),
           insert(f"{P}_news_authorlist", [dict(id=3, aid=1, alias="mai-anh", pseudonym="Mai Anh")])]
    for c in (1, 2, 3):
        ids = ",".join(str(a["id"]) for a in arts if str(c) in a["listcatid"].split(","))
        if ids:
            sql.append(f"INSERT INTO {P}_news_{c} SELECT * FROM {P}_news_rows WHERE id IN ({ids});\n")
    law_base = dict(eid=0, note="", bodytext="", keywords="", groups_view="6", groups_download="6", status=1,
                    approval=1, start_comm_time=None, end_comm_time=None, admin_add=1, admin_edit=1,
                    replacement="", relatement="", exptime=0, view_hits=0, download_hits=0, edittime=0)
    laws = [
        dict(id=1, title="Quyết định ban hành Quy chế làm việc của UBND huyện", alias="quy-che-lam-viec-2024",
             code="15&#x002F;QĐ-UBND", area_ids="1", cid=1, sid=1, sgid=1,
             introtext="Ban hành kèm theo Quyết định này Quy chế làm việc.", files="2024_03/qd 15 quy che.pdf",
             addtime=epoch(2024, 3, 10, 9), publtime=epoch(2024, 3, 10), startvalid=epoch(2024, 3, 20),
             view_hits=310, download_hits=42),
        dict(id=2, title="Quyết định ban hành Quy chế làm việc của UBND huyện (sửa đổi)",
             alias="quy-che-lam-viec-sua-doi-2025", code="412/QĐ-UBND", area_ids="1,2", cid=1, sid=1, sgid=1,
             introtext="Thay thế Quyết định số 15&#x002F;QĐ-UBND.", replacement="1", relatement="3",
             bodytext="<p>Điều 1. <em>Ban hành</em> kèm theo Quyết định này.</p>",
             files="2025_04/qd-412.pdf,2025_04/phu luc kem theo.pdf", addtime=epoch(2025, 4, 15, 10),
             publtime=epoch(2025, 4, 15), startvalid=epoch(2025, 5, 1), view_hits=95, download_hits=12),
        dict(id=3, title="Kế hoạch chuyển đổi số năm 2025", alias="ke-hoach-chuyen-doi-so-2025",
             code="130/KH-UBND", area_ids="", cid=3, sid=1, sgid=0, introtext="Kế hoạch chuyển đổi số.",
             files="2025_02/kh-130.pdf", addtime=epoch(2025, 2, 1, 8), publtime=epoch(2025, 2, 1),
             startvalid=epoch(2025, 2, 1), exptime=epoch(2025, 12, 31)),
        dict(id=4, title="Công văn không có tệp", alias="cong-van-khong-tep", code="9/UBND-VP", area_ids="1",
             cid=2, sid=1, sgid=1, introtext="", files="", addtime=epoch(2025, 1, 1), publtime=epoch(2025, 1, 1),
             startvalid=epoch(2025, 1, 1)),
    ]
    laws = [{**law_base, **x} for x in laws]
    sql += [insert(f"{P}_laws_cat", [
                dict(id=1, parentid=0, alias="quyet-dinh", title="Quyết định", introduction="", keywords="", weight=1),
                dict(id=2, parentid=0, alias="cong-van", title="Công văn", introduction="", keywords="", weight=2),
                dict(id=3, parentid=0, alias="ke-hoach-hanh-dong", title="Kế hoạch hành động", introduction="",
                     keywords="", weight=3)]),
            insert(f"{P}_laws_subject", [dict(id=1, alias="ubnd-huyen", title="UBND huyện Nậm Păng",
                                              introduction="", keywords="", weight=1)]),
            insert(f"{P}_laws_signer", [dict(id=1, title="Lường Văn Hải", offices="UBND huyện",
                                             positions="Chủ tịch")]),
            insert(f"{P}_laws_area", [
                dict(id=1, parentid=0, alias="dat-dai", title="Đất đai", introduction="", keywords="", weight=1),
                dict(id=2, parentid=0, alias="to-chuc-bo-may", title="Tổ chức bộ máy", introduction="",
                     keywords="", weight=2)]),
            insert(f"{P}_laws_row", laws),
            insert(f"{P}_laws_row_area", [dict(row_id=1, area_id=1), dict(row_id=2, area_id=1),
                                          dict(row_id=2, area_id=2)]),
            insert(f"{P}_laws_set_replace", [dict(id=1, oid=2, nid=1)]),
            insert(f"{P}_comment", [
                dict(cid=1, module="news", area=1, id=1, pid=0, content="Ngày hội rất ý nghĩa &amp; bổ ích&#33;",
                     post_time=epoch(2026, 11, 20, 10), userid=0, post_name="Nguyễn Văn An",
                     post_email="an@example.vn", post_ip="203.0.113.1", status=1),
                dict(cid=2, module="news", area=1, id=1, pid=1, content="Cảm ơn bạn đã quan tâm.",
                     post_time=epoch(2026, 11, 20, 11), userid=1, post_name="Ban biên tập",
                     post_email="bbt@example.vn", post_ip="203.0.113.2", status=1),
                dict(cid=3, module="news", area=1, id=1, pid=0, content="BÌNH LUẬN CHỜ DUYỆT quảng cáo",
                     post_time=epoch(2026, 11, 20, 12), userid=0, post_name="Khách",
                     post_email="spam@example.vn", post_ip="203.0.113.3", status=0),
                dict(cid=4, module="laws", area=1, id=1, pid=0, content="Góp ý văn bản",
                     post_time=epoch(2025, 3, 1), userid=0, post_name="Dân", post_email="d@example.vn",
                     post_ip="203.0.113.4", status=1)]),
            insert("nv4_counter", [
                dict(c_type="total", c_val="hits", last_update=epoch(now_year, 11, 30, 23), c_count=18912473,
                     vi_count=18912473),
                dict(c_type="month", c_val="Oct", last_update=epoch(now_year, 10, 31, 23), c_count=1032001,
                     vi_count=1032001),
                dict(c_type="month", c_val="Nov", last_update=epoch(now_year, 11, 30, 23), c_count=1119475,
                     vi_count=1119475),
                dict(c_type="month", c_val="Dec", last_update=0, c_count=0, vi_count=0),
                dict(c_type="year", c_val=str(now_year), last_update=epoch(now_year, 11, 30, 23), c_count=9000000,
                     vi_count=9000000)])]
    return "".join(sql)


def make_uploads(root: Path) -> Path:
    """uploads/ with the files the rows name (one named in the rows is missing on purpose: none)."""
    from PIL import Image

    for rel, color in (("news/2026_11/mua xoe khai mac.jpg", "#c33"), ("news/2026_11/gian-hang.jpg", "#3a3")):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (120, 80), color).save(p, quality=80)
    for rel in ("news/2026_11/ke hoach to chuc.pdf", "laws/2024_03/qd 15 quy che.pdf", "laws/2025_04/qd-412.pdf",
                "laws/2025_04/phu luc kem theo.pdf", "laws/2025_02/kh-130.pdf"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"%PDF-1.4\n% " + rel.encode() + b"\n%%EOF\n")
    return root
