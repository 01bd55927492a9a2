"""plugins.content_cache: Pelican's reader cache is kept across builds, and dropped when what
the readers' output depends on changes (here the Markdown settings)."""

from __future__ import annotations

CACHE_ON = "\nCACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n"
XHTML = '\nMARKDOWN = {**MARKDOWN, "output_format": "xhtml"}\n'


def test_a_markdown_setting_change_is_not_served_from_the_old_cache(site):
    site.article("dong", "Dòng một  \nDòng hai của bài.", title="Bài có ngắt dòng")
    site.extra_settings = CACHE_ON
    site.build()
    page = "2024/05/bai-co-ngat-dong.html"
    assert "Dòng một<br>" in (site.output / page).read_text(encoding="utf-8")
    assert any(p.name.endswith("Generator-Readers") for p in (site.base / "cache").iterdir())
    site.extra_settings = CACHE_ON + XHTML  # same file, same mtime: only the key says it changed
    site.build()
    assert "Dòng một<br />" in (site.output / page).read_text(encoding="utf-8")
    site.build()  # the key is stored again: the cache serves the new HTML
    assert "Dòng một<br />" in (site.output / page).read_text(encoding="utf-8")
