"""The deck in a real browser: add two charts, reorder them, download the .pptx and a PNG, reopen them.

Uses the shared Streamlit server and Debian Chromium fixtures from e2e_helpers.
"""
import struct

import duckdb
import pytest
from e2e_helpers import assert_no_exception, browser, page, streamlit_url, wait_for_app  # noqa: F401
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE


def sidebar_titles(pg):
    """The chart titles listed in the deck panel, in order."""
    return [t.split(".", 1)[1].strip() for t in pg.locator('[data-testid="stSidebar"] p')
            .filter(has_text=". ").all_inner_texts() if t[:1].isdigit()]


def click(pg, key):
    pg.locator(f".st-key-{key} button").first.click()
    wait_for_app(pg)


def download_deck(pg, attempts=2):
    """Click the deck export and wait for its file; a click that lands while a rerun replaces the
    button is lost without a download, so it is made once more."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for attempt in range(1, attempts + 1):
        wait_for_app(pg)
        try:
            with pg.expect_download(timeout=60000) as info:
                pg.locator(".st-key-deck_export button").first.click()
            return info.value
        except PlaywrightTimeout:
            if attempt == attempts:
                raise


def test_add_two_charts_reorder_and_download_the_deck(streamlit_url, page, built_warehouse, tmp_path):  # noqa: F811
    pg = page
    pg.goto(f"{streamlit_url}/themes")
    wait_for_app(pg)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    sidebar = pg.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("点击图表下方的“加入幻灯片”").wait_for(timeout=20000)

    click(pg, "deck_add_theme_share_bar")
    sidebar.get_by_text("1 张图表").wait_for(timeout=20000)
    click(pg, "deck_add_theme_radar")
    sidebar.get_by_text("2 张图表").wait_for(timeout=20000)
    click(pg, "deck_add_theme_radar")  # the same chart again is kept once
    sidebar.get_by_text("2 张图表").wait_for(timeout=20000)
    assert sidebar_titles(pg) == ["各地区各年份的主题占比（按句数）", "主题结构雷达图 · 占比（按句数）"]

    # Move the radar up: it becomes the first chart slide.
    sidebar.locator('[class*="st-key-deck_down_"] button').first.click()
    wait_for_app(pg)
    assert sidebar_titles(pg) == ["主题结构雷达图 · 占比（按句数）", "各地区各年份的主题占比（按句数）"]
    assert_no_exception(pg)

    download = download_deck(pg)
    assert download.suggested_filename.endswith(".pptx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    prs = Presentation(str(path))
    assert len(prs.slides) == 3
    charts = [[sh.chart for sh in s.shapes if sh.has_chart] for s in list(prs.slides)[1:]]
    assert [c[0].chart_type for c in charts] == [XL_CHART_TYPE.RADAR_MARKERS, XL_CHART_TYPE.BAR_CLUSTERED]
    title_slide = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "地区：全部地区" in title_slide and "共 2 张图表" in title_slide

    # The bars hold the warehouse's shares (independent SQL).
    con = duckdb.connect(str(built_warehouse), read_only=True)
    expected = dict(((g, th), v) for g, th, v in con.execute("""
        select r.name_zh || ' ' || d.year, t.name_zh,
               count(*) * 1.0 / sum(count(*)) over (partition by d.region_id, d.year)
        from sentences s join documents d using (doc_id) join regions r using (region_id)
             join themes t on t.theme = s.main_theme
        where not s.is_heading group by d.region_id, d.year, r.name_zh, t.name_zh""").fetchall())
    con.close()
    plot = charts[1][0].plots[0]
    cats = list(plot.categories)          # the themes; one series per region-year, then the average
    assert len(cats) == 12
    groups = [ser for ser in plot.series if ser.name != "所选文档平均"]
    assert len(groups) == 5 and len(plot.series) == 6
    for ser in groups:
        assert list(ser.values) == pytest.approx([expected.get((ser.name, th), 0.0) for th in cats], abs=1e-12)


def test_png_download_from_the_page(streamlit_url, page, tmp_path):  # noqa: F811
    pg = page
    pg.goto(f"{streamlit_url}/themes")
    wait_for_app(pg)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    with pg.expect_download(timeout=60000) as info:
        pg.locator(".st-key-png_theme_radar button").first.click()
    path = tmp_path / "radar.png"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 2560 and height > 800
