"""PowerPoint decks reopened with python-pptx: slides, native chart types, numbers, Chinese text, fonts, CLI.

Expected numbers are computed here with plain SQL on the seed warehouse, not
through app.queries or app.chartdata, so a wrong query shows up as a mismatch.
"""
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn

from app import deck, palette
from app.chartspec import ChartSpec, Series
from export import cli

ROOT = Path(__file__).resolve().parent.parent
EA = "微软雅黑"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def sql(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def expected_shares(sql, regions=None, years=None, measure="sentences"):
    """{(group label, theme name): share} of body sentences (or their characters) by main theme."""
    weight = "length(s.text)" if measure == "chars" else "1"
    rows = sql.execute(f"""
        select r.name_zh || ' ' || d.year as grp, t.name_zh as theme,
               sum({weight}) * 1.0 / sum(sum({weight})) over (partition by d.region_id, d.year) as share
        from sentences s join documents d using (doc_id) join regions r using (region_id)
             join themes t on t.theme = s.main_theme
        where not s.is_heading
          and ($regions is null or list_contains($regions, d.region_id))
          and ($years is null or list_contains($years, d.year))
        group by d.region_id, d.year, r.name_zh, t.name_zh""", {"regions": regions, "years": years}).fetchall()
    return {(g, th): v for g, th, v in rows}


def expected_groups(sql, regions=None, years=None):
    rows = sql.execute("""
        select distinct r.name_zh || ' ' || d.year, d.region_id = 'dalian', d.region_id, d.year
        from documents d join regions r using (region_id)
        where ($regions is null or list_contains($regions, d.region_id))
          and ($years is null or list_contains($years, d.year))
        order by 2, 3, 4""", {"regions": regions, "years": years}).fetchall()
    return [r[0] for r in rows]


def theme_names(sql):
    return [r[0] for r in sql.execute("select name_zh from themes order by sort_order").fetchall()]


def theme_colors(sql):
    return dict(sql.execute("select name_zh, upper(ltrim(color, '#')) from themes").fetchall())


def texts(slide):
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def chart_of(slide):
    charts = [sh.chart for sh in slide.shapes if sh.has_chart]
    assert len(charts) == 1, f"expected one native chart, found {len(charts)}"
    return charts[0]


def values(chart):
    plot = chart.plots[0]
    return list(plot.categories), {s.name: list(s.values) for s in plot.series}


@pytest.fixture(scope="module")
def default_deck(built_warehouse, tmp_path_factory):
    """The scripted default deck: six charts, all regions and years, Chinese."""
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    n, skipped = cli.build_deck_file(out, warehouse=built_warehouse, date=TODAY)
    assert (n, skipped) == (6, [])
    return Presentation(str(out))


def test_deck_is_16_9_with_title_slide_and_one_slide_per_chart(default_deck):
    prs = default_deck
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    # Title and six charts, then a brief per place (4) and the initiative table (tests/test_leaders.py).
    assert len(prs.slides) > 7 + 4
    tail = [next(sh.text_frame.text for sh in sl.shapes if sh.has_text_frame) for sl in list(prs.slides)[7:]]
    assert sum(x.endswith("简报") for x in tail) == 4
    assert all(x.endswith("简报") or x.startswith("重点工作一览") for x in tail)
    title = "\n".join(texts(prs.slides[0]))
    assert "街道工作文档主题比较" in title
    assert "2026年11月23日" in title
    assert "地区：全部地区" in title and "年份：全部年份" in title and "计量：按句数" in title


def test_each_chart_slide_holds_the_expected_native_chart(default_deck):
    kinds = [XL_CHART_TYPE.BAR_STACKED, XL_CHART_TYPE.BAR_CLUSTERED, None, XL_CHART_TYPE.RADAR_MARKERS,
             XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.BAR_CLUSTERED]
    for slide, kind in zip(list(default_deck.slides)[1:], kinds):
        if kind is None:
            assert not any(sh.has_chart for sh in slide.shapes)
            assert sum(sh.has_table for sh in slide.shapes) == 1
        else:
            assert chart_of(slide).chart_type == kind


def test_share_bar_numbers_equal_the_warehouse(default_deck, sql):
    slide = default_deck.slides[2]
    assert "各地区各年份的主题占比（按句数）" in texts(slide)
    cats, series = values(chart_of(slide))
    assert sorted(cats) == sorted(theme_names(sql))
    average = series.pop("所选文档平均")
    assert average == sorted(average, reverse=True)    # themes sorted by the average, largest first
    assert list(series) == expected_groups(sql)
    expected = expected_shares(sql)
    for grp, vals in series.items():
        for theme, v in zip(cats, vals):
            assert v == pytest.approx(expected.get((grp, theme), 0.0), abs=1e-12), (grp, theme)


def test_series_take_the_region_colours_and_the_average_is_grey(default_deck, sql):
    """Each region-year in its region's colour (earlier years lighter), as on screen; no two regions alike."""
    chart = chart_of(default_deck.slides[2])
    fills = {ser.name: str(ser.format.fill.fore_color.rgb) for ser in chart.plots[0].series}
    assert fills.pop("所选文档平均") == palette.REFERENCE.lstrip("#").upper()
    latest = {name.rsplit(" ", 1)[0]: fill for name, fill in sorted(fills.items(), key=lambda kv: kv[0][-4:])}
    assert len(set(latest.values())) == len(latest)
    assert fills["滨海·大港 2016"] != fills["滨海·大港 2023"]
    assert chart.category_axis.reverse_order   # the largest theme on top, as on screen


def test_radar_and_trend_numbers_equal_the_warehouse(default_deck, sql):
    expected = expected_shares(sql)
    cats, series = values(chart_of(default_deck.slides[4]))
    assert cats == theme_names(sql)
    assert list(series) == expected_groups(sql)
    for grp, vals in series.items():
        assert vals == pytest.approx([expected.get((grp, th), 0.0) for th in cats], abs=1e-12)
    # The trend follows the region with most years: Binhai · Dagang (2016, 2023).
    cats, series = values(chart_of(default_deck.slides[5]))
    assert cats == ["2016", "2023"]
    assert any("滨海" in x and "各年份主题占比变化" in x for x in texts(default_deck.slides[5]))
    for theme, vals in series.items():
        assert vals == pytest.approx([expected.get((f"滨海·大港 {y}", theme), 0.0) for y in cats], abs=1e-12)


def test_emphasis_bars_read_top_down_like_the_screen(default_deck, sql):
    """PowerPoint draws the first category at the bottom; the axis is reversed so Binhai is on top."""
    chart = chart_of(default_deck.slides[1])
    assert chart.category_axis.reverse_order
    assert chart.value_axis._element.find(qn("c:crosses")).get("val") == "max"  # the value axis stays below
    cats, series = values(chart)
    latest = sql.execute("""select r.name_zh || ' ' || max(d.year) from documents d join regions r using (region_id)
                            group by r.region_id, r.name_zh order by r.region_id""").fetchall()
    assert cats == [x[0] for x in latest]
    expected = expected_shares(sql)
    for theme, vals in series.items():
        assert vals == pytest.approx([expected.get((g, theme), 0.0) for g in cats], abs=1e-12)
    totals = [sum(v[i] for v in series.values()) for i in range(len(cats))]
    assert totals == pytest.approx([1.0] * len(cats))


def test_heatmap_is_a_table_with_the_shares_and_theme_coloured_headers(default_deck, sql):
    slide = default_deck.slides[3]
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    names, colors, expected = theme_names(sql), theme_colors(sql), expected_shares(sql)
    groups = expected_groups(sql)
    assert [table.cell(0, j).text for j in range(1, len(names) + 1)] == names
    assert [table.cell(i, 0).text for i in range(1, len(groups) + 1)] == groups
    for j, th in enumerate(names, start=1):
        assert str(table.cell(0, j).fill.fore_color.rgb) == colors[th]
        for i, grp in enumerate(groups, start=1):
            assert table.cell(i, j).text == f"{expected.get((grp, th), 0.0):.1%}"


def test_keyness_bars_hold_one_value_per_term(default_deck):
    chart = chart_of(default_deck.slides[6])
    cats, series = values(chart)
    assert len(series) == 2 and len(cats) > 10
    for i in range(len(cats)):
        assert sum(vals[i] is not None for vals in series.values()) == 1
    assert chart.plots[0].overlap == 100
    # Term labels at the left edge, not on the negative bars.
    assert chart.category_axis.tick_label_position == XL_TICK_LABEL_POSITION.LOW


def test_source_lines_name_every_document_and_notes_explain(default_deck, sql):
    docs = sql.execute("""select r.name_zh, d.year, d.title, d.region_id
                          from documents d join regions r using (region_id)""").fetchall()
    latest = {}
    for _, year, _, region_id in docs:
        latest[region_id] = max(year, latest.get(region_id, year))
    for n, slide in enumerate(list(default_deck.slides)[1:6], start=1):
        source = next(x for x in texts(slide) if x.startswith("来源："))
        for region, year, title, region_id in docs:
            # The emphasis slide (1) shows each region's latest year and names only those documents;
            # the trend slide (5) follows one region, Binhai, and names only its documents.
            shown = (n != 5 or region_id == "binhai") and (n != 1 or year == latest[region_id])
            assert (f"{region} {year}" in source and f"《{title}》" in source) == shown, (n, title)
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith("计算方法：") and "正文句子" in notes and "来源：" in notes
    assert default_deck.slides[0].has_notes_slide


def test_every_run_and_chart_sets_the_east_asian_font(default_deck):
    runs = 0
    for slide in default_deck.slides:
        for el in slide.shapes._spTree.iter(qn("a:rPr")):
            runs += 1
            ea = el.find(qn("a:ea"))
            assert ea is not None and ea.get("typeface") == EA
            assert el.find(qn("a:latin")).get("typeface") == "Microsoft YaHei"
            assert list(el).index(ea) == list(el).index(el.find(qn("a:latin"))) + 1
        for sh in slide.shapes:
            if sh.has_chart:
                ea = sh.chart._chartSpace.find(".//" + qn("c:txPr") + "//" + qn("a:ea"))
                assert ea is not None and ea.get("typeface") == EA
    assert runs > 100


def test_filtered_english_deck_by_cli(built_warehouse, sql, tmp_path):
    out = tmp_path / "weekly.pptx"
    proc = subprocess.run([sys.executable, "-m", "export", "deck", "--out", str(out), "--warehouse",
                           str(built_warehouse), "--regions", "binhai,binhai_new_area", "--years", "2013,2023", "--measure", "chars",
                           "--charts", "theme_share_bar", "--charts", "theme_heatmap,target_achievement_bar",
                           "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "target_achievement_bar has no data" in proc.stderr
    prs = Presentation(str(out))
    # Title, two charts, a brief per chosen place, the initiative table.
    assert len(prs.slides) == 3 + 2 + 1
    assert "Regions: Binhai · Dagang, Binhai New Area" in "\n".join(texts(prs.slides[0]))
    assert "Theme shares by region and year (characters)" in texts(prs.slides[1])
    cats, series = values(chart_of(prs.slides[1]))
    assert list(series) == ["Binhai · Dagang 2023", "Binhai New Area 2013", "average of the selected documents"]
    expected = expected_shares(sql, regions=["binhai", "binhai_new_area"], years=[2013, 2023], measure="chars")
    zh_of = dict(sql.execute("select name_en, name_zh from themes").fetchall())
    for en_group, zh_group in (("Binhai · Dagang 2023", "滨海·大港 2023"), ("Binhai New Area 2013", "滨海新区 2013")):
        assert series[en_group] == pytest.approx([expected.get((zh_group, zh_of[c]), 0.0) for c in cats])


@pytest.mark.parametrize("args, message", [
    (["--regions", "binhai,atlantis"], "unknown region: atlantis"),
    (["--charts", "theme_share_bar,pie_of_everything"], "unknown chart: pie_of_everything"),
    (["--themes", "sports"], "unknown theme: sports"),
    (["--years", "1999"], "unknown year: 1999"),
    (["--doc-types", "memo"], "unknown document type: memo"),
])
def test_cli_rejects_unknown_values(built_warehouse, tmp_path, args, message):
    out = tmp_path / "x.pptx"
    proc = subprocess.run([sys.executable, "-m", "export", "deck", "--out", str(out), "--warehouse",
                           str(built_warehouse), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr and "known:" in proc.stderr
    assert not out.exists()


def test_cli_missing_or_broken_warehouse(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    proc = subprocess.run([sys.executable, "-m", "export", "deck", "--out", str(tmp_path / "x.pptx"),
                           "--warehouse", str(missing)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no warehouse at" in proc.stderr and "python -m etl build" in proc.stderr
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database")
    proc = subprocess.run([sys.executable, "-m", "export", "deck", "--out", str(tmp_path / "x.pptx"),
                           "--warehouse", str(broken)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not a readable Jiedao Lens warehouse" in proc.stderr


def test_pie_becomes_a_native_pie_in_theme_colours(sql, tmp_path):
    rows = sql.execute("""
        select t.name_zh, t.color, count(*) * 1.0 / sum(count(*)) over () as share
        from sentences s join documents d using (doc_id) join themes t on t.theme = s.main_theme
        where not s.is_heading and d.region_id = 'xiangshan' group by all order by share desc""").fetchall()
    spec = ChartSpec("pie", "象山主题结构", [r[0] for r in rows], [Series("占比", [r[2] for r in rows])],
                     value_format="percent", source="来源：测试", notes="测试", column_colors=[r[1] for r in rows])
    out = tmp_path / "pie.pptx"
    out.write_bytes(deck.deck_bytes([spec], date=TODAY))
    chart = chart_of(Presentation(str(out)).slides[1])
    assert chart.chart_type == XL_CHART_TYPE.PIE
    assert list(chart.plots[0].series[0].values) == pytest.approx([r[2] for r in rows])
    fills = [str(p.format.fill.fore_color.rgb) for p in chart.plots[0].series[0].points]
    assert fills == [r[1].lstrip("#").upper() for r in rows]


def test_empty_specs_are_left_out():
    empty = ChartSpec("bar", "空", [], [])
    prs = deck.build_deck([empty], date=TODAY)
    assert len(prs.slides) == 1
    assert "共 0 张图表" in "\n".join(texts(prs.slides[0]))


def test_east_asian_font_goes_before_later_siblings():
    """a:ea must precede a:cs/a:sym in a:rPr, or PowerPoint reports a damaged file."""
    from lxml import etree
    rpr = etree.fromstring('<a:rPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                           '<a:latin typeface="X"/><a:cs typeface="Y"/><a:sym typeface="Z"/></a:rPr>')
    deck.set_east_asian(rpr)
    deck.set_east_asian(rpr)
    assert [etree.QName(c).localname for c in rpr] == ["latin", "ea", "cs", "sym"]


# ------------------------------------------------------------------ the deck panel in the dashboard (AppTest)

@pytest.fixture
def themes_page(built_warehouse, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(built_warehouse))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("views/themes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def deck_titles(at):
    return [it["spec"].title for it in at.session_state["deck_items"]]


def panel_lines(at):
    return [m.value for m in at.sidebar.markdown if m.value.startswith("**")]


def test_deck_panel_adds_reorders_removes_and_clears(themes_page):
    at = themes_page
    assert "deck_export" not in [d.key for d in at.get("download_button")]
    at.button(key="deck_add_theme_share_bar").click().run()
    at.button(key="deck_add_theme_radar").click().run()
    at.button(key="deck_add_theme_radar").click().run()
    share, radar = "各地区各年份的主题占比（按句数）", "主题结构雷达图 · 占比（按句数）"
    assert deck_titles(at) == [share, radar]
    assert panel_lines(at) == [f"**1.** {share}", f"**2.** {radar}"]
    ids = [it["id"] for it in at.session_state["deck_items"]]
    at.button(key=f"deck_up_{ids[1]}").click().run()
    assert deck_titles(at) == [radar, share]
    assert at.button(key=f"deck_up_{ids[1]}").disabled
    export = [d for d in at.get("download_button") if d.proto.label == "导出PPT"]
    assert len(export) == 1 and not export[0].proto.disabled
    at.button(key=f"deck_rm_{ids[1]}").click().run()
    assert deck_titles(at) == [share]
    at.button(key="deck_clear").click().run()
    assert deck_titles(at) == []
    assert not at.exception


def test_every_chart_offers_four_downloads_and_add_to_deck(themes_page):
    at = themes_page
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["PNG", "SVG", "CSV", "Excel"] * 3
    assert {"deck_add_theme_share_bar", "deck_add_theme_heatmap", "deck_add_theme_radar"} <= {b.key for b in at.button}
    assert all(b.label == "加入幻灯片" for b in at.button if b.key.startswith("deck_add_"))


def test_without_chromium_image_buttons_say_why(built_warehouse, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app import images
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(built_warehouse))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    monkeypatch.setattr(images, "DEFAULT_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    images_ = [d.proto for d in buttons if d.proto.label in ("PNG", "SVG")]
    data = [d.proto for d in buttons if d.proto.label in ("CSV", "Excel")]
    assert images_ and all(p.disabled and "Chromium" in p.help for p in images_)
    assert data and not any(p.disabled for p in data)
    assert any("无法生成 PNG/SVG" in c.value for c in at.caption)


def test_focus_and_comparison_regions(built_warehouse, tmp_path):
    out = tmp_path / "focus.pptx"
    n, _ = cli.build_deck_file(out, warehouse=built_warehouse, charts=["keyness_bar", "theme_trend"],
                               focus="xiangshan", compare_with="qingdao", date=TODAY)
    prs = Presentation(str(out))
    assert n == 2
    assert "象山·丹西 相对于 青岛·大港 的特征词" in texts(prs.slides[1])
    assert "象山·丹西：各年份主题占比变化" in texts(prs.slides[2])
