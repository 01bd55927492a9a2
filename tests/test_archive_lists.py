"""plugins.archive_lists: the same archive pages as Pelican's quadratic code, in linear time."""

from __future__ import annotations

import shutil

from plugins.archive_lists.idlist import IdList, members_in_order
from tests.conftest import snapshot


class Item:
    """No __eq__, like Pelican's content objects: ``in`` finds by identity."""


def test_idlist_membership_is_identity_like_list():
    a, b, c = Item(), Item(), Item()
    fast = IdList([a, b])
    assert list(fast) == [a, b] and isinstance(fast, list)
    assert (a in fast, b in fast, c in fast) == (a in [a, b], b in [a, b], c in [a, b]) == (True, True, False)


def test_members_in_order_keeps_the_order_of_items():
    items = [Item() for _ in range(6)]
    members = [items[4], items[1], items[3]]
    assert members_in_order(items, members) == [x for x in items if x in members] == [items[1], items[3], items[4]]


def test_archive_pages_equal_pelicans_own(site):
    cats = ["Tin tức - Sự kiện", "Kinh tế", "Văn hóa - Xã hội"]
    for i in range(12):
        site.article(f"luu-tru-{i}", f"Bài {i} về xã Nậm Xe.", title=f"Bài lưu trữ {i}",
                     date=f"{2022 + i % 3}-0{1 + i % 9}-1{i % 10} 08:{i:02d}", category=cats[i % 3],
                     tags=[["y tế"], ["y tế", "giáo dục"], ["giáo dục"]][i % 3],
                     author=["Lò Văn Sơn", "Cầm Thị Hoa"][i % 2], summary=f"Tóm tắt {i}.")
    site.build()
    fast = snapshot(site.output)
    shutil.rmtree(site.output)
    shutil.rmtree(site.base / "cache")
    site.extra_settings += '\nPLUGINS = [p for p in PLUGINS if p != "plugins.archive_lists"]\n'
    site.build()
    assert snapshot(site.output) == fast
    assert any(k.startswith("luu-tru/2023/") for k in fast) and any(k.startswith("the/") for k in fast)
