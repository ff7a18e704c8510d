"""Chart specs from the seed warehouse: contents, labels, colours, keyness, rendering."""
import duckdb
import pandas as pd
import pytest
import reference_queries

from app import analysis, chartdata, queries
from app.chartdata import CHARTS
from app.filters import Filters
from app.labels import Labels
from app.plotly_charts import figure


@pytest.mark.parametrize("key", sorted(CHARTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_builder_returns_a_complete_spec(con, key, lang):
    spec = CHARTS[key](con, Filters(), lang)
    assert spec.key == key or (key == "theme_trend" and spec.key in ("theme_trend", "theme_slope"))
    assert spec.title and spec.subtitle
    if key == "target_achievement_bar":
        return  # the seed documents have no target/achievement pair (tested below with a frame)
    assert not spec.is_empty
    assert spec.source and spec.notes
    fig = figure(spec)
    assert "Noto Sans CJK SC" in fig.layout.font.family
    assert spec.title in fig.layout.title.text


def test_share_bar_values_equal_an_independent_computation(con, built_warehouse):
    spec = chartdata.build_theme_share_bar(con, Filters(regions=("xiangshan",)), "zh")
    raw = duckdb.connect(str(built_warehouse), read_only=True)
    share = raw.execute("""
        select count(*) filter (where main_theme = 'urban') * 1.0 / count(*)
        from sentences join documents using (doc_id)
        where region_id = 'xiangshan' and not is_heading and main_theme is not null""").fetchone()[0]
    raw.close()
    assert [s.name for s in spec.series] == ["象山·丹西 2023"]
    values = dict(zip(spec.categories, spec.series[0].values))
    assert values["城市建设与管理"] == pytest.approx(share)
    assert sum(values.values()) == pytest.approx(1.0)
    assert spec.value_format == "percent" and spec.horizontal
    assert "象山·丹西" in spec.subtitle and "象山·丹西 2023 工作总结" in spec.source


def test_share_bar_themes_are_sorted_by_the_pooled_average_which_is_marked(con, built_warehouse):
    """Leaders read the largest theme first and each place against the average of all selected documents."""
    spec = chartdata.build_theme_share_bar(con, Filters(), "zh")
    with duckdb.connect(str(built_warehouse), read_only=True) as raw:
        pooled = dict(raw.execute("""
            select t.name_zh, count(*) * 1.0 / sum(count(*)) over ()
            from sentences s join themes t on t.theme = s.main_theme
            where not s.is_heading group by t.name_zh""").fetchall())
    assert spec.reference == pytest.approx([pooled[c] for c in spec.categories])
    assert spec.reference == sorted(spec.reference, reverse=True)
    assert spec.reference_name == "所选文档平均" and "竖线" in spec.notes
    assert spec.to_frame().columns[-1] == "所选文档平均"


def test_chars_and_counts_modes(con):
    chars = chartdata.build_theme_share_bar(con, Filters(regions=("binhai",), measure="chars"), "en")
    assert "characters" in chars.title.lower()
    for s in chars.series:
        assert sum(s.values) == pytest.approx(1.0)
    counts = chartdata.build_theme_share_bar(con, Filters(regions=("binhai",), mode="count"), "en")
    assert counts.value_format == "count"
    assert all(float(v).is_integer() for s in counts.series for v in s.values)
    assert [s.name for s in counts.series] == ["Binhai · Dagang 2016", "Binhai · Dagang 2023"]
    mean = [sum(s.values[i] for s in counts.series) / 2 for i in range(len(counts.categories))]
    assert counts.reference == pytest.approx(mean)


def test_theme_filter_changes_shown_themes_not_shares(con):
    all_themes = chartdata.build_theme_share_bar(con, Filters(), "zh")
    one = chartdata.build_theme_share_bar(con, Filters(themes=("economy",)), "zh")
    assert one.categories == ["经济发展"]
    j = all_themes.categories.index("经济发展")
    assert [s.values[0] for s in one.series] == [s.values[j] for s in all_themes.series]


def test_heatmap_and_radar_shapes(con):
    heat = chartdata.build_theme_heatmap(con, Filters(), "zh")
    assert len(heat.series) == 5 and len(heat.categories) == 12 and len(heat.column_colors) == 12
    assert heat.meta["series"]["滨海新区 2013"] == ("binhai_new_area", 2013)
    assert "滨海·大港 2013" not in heat.meta["series"]
    radar = chartdata.build_theme_radar(con, Filters(regions=("binhai", "qingdao")), "zh")
    assert [s.name for s in radar.series] == ["滨海·大港 2016", "滨海·大港 2023", "青岛·大港 2020"]


def test_empty_filters_give_empty_specs_not_errors(con):
    f = Filters(regions=("dalian",))
    for key in CHARTS:
        spec = CHARTS[key](con, f, "zh")
        assert spec.is_empty, key


def test_trend_defaults_to_binhai_and_slope(con):
    line = chartdata.build_theme_trend(con, Filters(), "zh")
    # Binhai · Dagang is the one place with two years (the 2013 priorities belong to the district).
    assert line.categories == ["2016", "2023"] and "滨海·大港" in line.title
    slope = chartdata.build_theme_trend(con, Filters(style="slope"), "en")
    assert slope.key == "theme_slope" and slope.categories == ["2016", "2023"]
    changes, years = chartdata.term_changes(con, Filters())
    assert years == [2016, 2023]
    assert (changes.change > 0).any() and (changes.change < 0).any()


def test_keyness_log_odds_with_prior(con):
    k = chartdata.keyness(con, Filters(region="xiangshan"))
    assert k.z.is_monotonic_decreasing
    top = k.iloc[0]
    assert top.y_a > top.y_b
    # The place name is distinctive of its own region, and absent elsewhere.
    assert "丹西" in set(k.head(10).term)
    assert "大港" in set(k.tail(10).term)
    # Hand computation for one term, following Monroe, Colaresi & Quinn (2008).
    tc = reference_queries.term_counts(con)
    y = tc.groupby(["region_id", "term"])["count"].sum().unstack(0, fill_value=0)
    ya, yb = y["xiangshan"], y.drop(columns=["xiangshan"]).sum(axis=1)
    alpha = analysis.KEYNESS_ALPHA0 * (ya + yb) / (ya + yb).sum()
    a0 = analysis.KEYNESS_ALPHA0
    import math
    t = "丹西"
    d = (math.log((ya[t] + alpha[t]) / (ya.sum() + a0 - ya[t] - alpha[t]))
         - math.log((yb[t] + alpha[t]) / (yb.sum() + a0 - yb[t] - alpha[t])))
    z = d / math.sqrt(1 / (ya[t] + alpha[t]) + 1 / (yb[t] + alpha[t]))
    assert k.set_index("term").loc[t, "z"] == pytest.approx(z)
    pair = chartdata.keyness(con, Filters(region="binhai", compare_with="qingdao"))
    assert not pair.empty
    assert chartdata.keyness(con, Filters(region="binhai", compare_with="binhai")).empty


def test_facts_bar_compares_one_unit(con):
    spec = chartdata.build_facts_bar(con, Filters(units=("元",), themes=("economy",)), "zh")
    assert "元" in spec.title and "经济发展" in spec.title
    assert any("16.1亿元" in c for c in spec.categories)
    achieved = next(s for s in spec.series if s.name == "成效")
    assert 1.61e9 in achieved.values


def test_target_achievement_pairs_match_similar_indicators():
    facts = pd.DataFrame([
        {"fact_id": 1, "region_id": "a", "year": 2023, "unit": "个", "theme": "urban", "indicator": "老旧小区改造",
         "kind": "target", "value": 10.0, "surface": "10个", "sentence": "s1"},
        {"fact_id": 2, "region_id": "a", "year": 2023, "unit": "个", "theme": "urban", "indicator": "老旧小区改造项目",
         "kind": "achievement", "value": 8.0, "surface": "8个", "sentence": "s2"},
        {"fact_id": 3, "region_id": "b", "year": 2023, "unit": "个", "theme": "urban", "indicator": "老旧小区改造",
         "kind": "achievement", "value": 3.0, "surface": "3个", "sentence": "s3"},
        {"fact_id": 4, "region_id": "a", "year": 2023, "unit": "个", "theme": "urban", "indicator": "道路",
         "kind": "achievement", "value": 5.0, "surface": "5个", "sentence": "s4"},
    ])
    pairs = analysis.target_achievement_pairs(facts)
    assert list(zip(pairs.target_fact, pairs.achievement_fact)) == [(1, 2)]


def test_kwic_rows_use_original_script(con):
    rows = analysis.kwic_rows(queries.kwic(con, "经济", regions=["binhai"], years=[2016]), "经济")
    assert not rows.empty
    assert set(rows.match) == {"經濟"}  # found through the Simplified copy, shown as written


def test_figure_renders_every_kind():
    from app.chartspec import ChartSpec, Series
    for kind in ("bar", "stacked_bar", "line", "radar", "pie", "heatmap"):
        spec = ChartSpec(kind, "标题", ["甲", "乙", "丙"], [Series("一", [0.1, 0.2, 0.3], "#123456")],
                         value_format="percent", source="来源：测试", key=f"test_{kind}")
        fig = figure(spec)
        assert fig.data, kind


def test_keyness_on_a_constructed_corpus():
    """A term only region A uses is its most distinctive; one only B uses is the least; shared ones sit between."""
    rows = [("a", "网格", 30), ("a", "发展", 50), ("b", "发展", 50), ("b", "港口", 30), ("c", "发展", 40)]
    counts = pd.DataFrame(rows, columns=["region_id", "term", "count"])
    k = analysis.keyness(counts, "a")
    assert list(k.term) == ["网格", "发展", "港口"]
    assert k.iloc[0].z > 0 > k.iloc[-1].z
    pair = analysis.keyness(counts, "a", compare_with="b")
    assert set(pair.term) == {"网格", "发展", "港口"}
    assert analysis.keyness(counts, "a", compare_with="a").empty
    assert analysis.keyness(counts, "zz").empty


def test_term_changes_on_a_constructed_region():
    rows = [(2020, "网格", 10), (2020, "发展", 90), (2023, "网格", 50), (2023, "发展", 50)]
    changes, years = analysis.term_changes(pd.DataFrame(rows, columns=["year", "term", "count"]))
    assert years == [2020, 2023]
    by_term = changes.set_index("term")
    assert by_term.loc["网格", "change"] == pytest.approx(4000.0)   # 10% -> 50% of words, per 10,000
    assert by_term.loc["发展", "change"] == pytest.approx(-4000.0)
    assert (by_term.loc["网格", "count_first"], by_term.loc["网格", "count_last"]) == (10, 50)
    one_year, yrs = analysis.term_changes(pd.DataFrame(rows[:2], columns=["year", "term", "count"]))
    assert one_year.empty and yrs == [2020]


def test_specs_declare_layout_and_renderers_follow_it(con):
    """Orientation, bar mode and meta live in the spec; an unknown key renders as the spec says."""
    from pptx.enum.chart import XL_CHART_TYPE

    from app import deck
    from app.chartspec import ChartSpec, Series
    for key in ("keyness_bar", "term_change_bar", "facts_bar", "target_achievement_bar", "region_emphasis"):
        assert CHARTS[key](con, Filters(), "zh").orientation == "horizontal", key
    for key in ("keyness_bar", "term_change_bar"):
        spec = CHARTS[key](con, Filters(), "zh")
        assert spec.bar_mode == "relative" and spec.meta, key
    spec = ChartSpec("bar", "t", ["甲", "乙"], [Series("一", [1.0, -2.0])], key="never_seen_before",
                     orientation="horizontal", bar_mode="relative")
    fig = figure(spec)
    assert fig.data[0].orientation == "h" and fig.layout.barmode == "relative"
    assert deck.chart_type(spec) == XL_CHART_TYPE.BAR_CLUSTERED
    assert deck.chart_type(ChartSpec("bar", "t", ["甲"], [Series("一", [1.0])])) == XL_CHART_TYPE.COLUMN_CLUSTERED
    with pytest.raises(ValueError):
        ChartSpec("bar", "t", [], [], orientation="diagonal")


def test_one_colour_helper():
    from app import palette
    assert palette.mix_white("#000000", 0.5) == "#808080"
    assert palette.mix_white("#1F77B4", 0) == "#1F77B4" and palette.mix_white("#1F77B4", 1) == "#FFFFFF"


def test_no_two_regions_share_a_colour_even_with_fifty():
    """The palette used to cycle after nine colours: the tenth region looked like the first."""
    from app.palette import SERIES, series_color
    colors = [series_color(i) for i in range(60)]
    assert colors[:len(SERIES)] == SERIES
    assert len(set(colors)) == len(colors)
    assert all(len(c) == 7 and c.startswith("#") for c in colors)


def test_a_chart_of_many_region_years_keeps_each_regions_latest_and_names_exactly_those(generated_warehouse):
    """Bars too thin to read are worse than fewer groups with a note saying which are shown."""
    with duckdb.connect(str(generated_warehouse), read_only=True) as con:
        docs = queries.documents(con)
        spec = chartdata.build_theme_share_bar(con, Filters(), "zh")
        radar = chartdata.build_theme_radar(con, Filters(), "zh")
        one_region = chartdata.build_theme_share_bar(con, Filters(regions=(docs.region_id.iloc[0],)), "zh")
    pairs = set(zip(docs.region_id, docs.year))
    latest = docs.groupby("region_id")["year"].max().to_dict()
    assert len(pairs) > chartdata.MAX_GROUPS["bar"] >= len(latest)
    shown = list(spec.meta["series"].values())
    assert sorted(shown) == sorted(latest.items())
    assert "图中显示" in spec.notes and f"共 {len(pairs)} 组" in spec.notes
    assert "年份：" + "、".join(str(y) for y in sorted(set(latest.values()))) in spec.subtitle
    assert spec.source.count("《") == min(chartdata.MAX_SOURCE_DOCS, sum(1 for p in zip(docs.region_id, docs.year)
                                                                        if p in set(shown)))
    assert len(radar.series) <= chartdata.MAX_GROUPS["radar"]
    region_years = [g for g in pairs if g[0] == docs.region_id.iloc[0]]
    if len(region_years) <= chartdata.MAX_GROUPS["bar"]:
        assert len(one_region.series) == len(region_years) and "图中显示" not in one_region.notes


def test_the_latest_year_chart_names_only_the_documents_it_shows(con):
    spec = chartdata.build_region_emphasis(con, Filters(), "zh")
    assert "滨海·大港 2023" in spec.source and "滨海·大港 2016" not in spec.source
    assert "2016" not in spec.subtitle


def test_value_axis_titles_read_across_and_bars_carry_their_percentage(con):
    """Chinese is not read turned on its side; a leader reads the share off the bar, not the axis."""
    trend = figure(chartdata.build_theme_trend(con, Filters(), "zh"))
    assert not trend.layout.yaxis.title.text
    level = [a for a in trend.layout.annotations if a.text == "占比"]
    assert len(level) == 1 and not level[0].textangle
    bar = figure(chartdata.build_theme_share_bar(con, Filters(), "zh"))
    bars = [d for d in bar.data if d.type == "bar"]
    assert bars and all(d.texttemplate == "%{x:.0%}" for d in bars)
    assert bar.layout.xaxis.title.text == "占比" and bar.layout.yaxis.autorange == "reversed"
    average = [d for d in bar.data if d.type == "scatter"]
    assert len(average) == 1 and average[0].name == "所选文档平均"


def test_a_diverging_chart_says_which_side_is_which(con):
    spec = chartdata.build_keyness_bar(con, Filters(region="binhai"), "zh")
    assert spec.side_labels == ("◀ 其余地区更常用", "滨海·大港更常用 ▶")
    fig = figure(spec)
    sides = {a.text: (a.x, a.font.color) for a in fig.layout.annotations if "更常用" in (a.text or "")}
    assert sides == {"<b>◀ 其余地区更常用</b>": (0, spec.series[1].color), "<b>滨海·大港更常用 ▶</b>": (1, spec.series[0].color)}
    en = chartdata.build_keyness_bar(con, Filters(region="binhai", compare_with="qingdao"), "en")
    assert en.side_labels == ("◀ used more in Qingdao · Dagang", "used more in Binhai · Dagang ▶")


def test_the_figure_lists_its_source_documents_one_per_line_escaped():
    from app.chartspec import ChartSpec, Series
    spec = ChartSpec("bar", "标题<i>", ["a"], [Series("s", [1])], subtitle="地区：<b>某地</b>",
                     source="来源：甲 2020 工作计划《<b>标题</b>》、乙 2021 工作总结《上半年、下半年》")
    fig = figure(spec)
    source = next(a.text for a in fig.layout.annotations if "来源" in a.text)
    assert "甲 2020 工作计划《&lt;b&gt;标题&lt;/b&gt;》<br>乙 2021 工作总结《上半年、下半年》" in source
    assert "&lt;i&gt;" in fig.layout.title.text and "&lt;b&gt;某地" in fig.layout.title.text


def test_a_click_is_traced_back_to_its_place_year_and_theme(con):
    """Cross-filtering reads what a clicked point stands for from the chart itself, for every clickable chart."""
    lab = Labels(con, "zh")
    emphasis = CHARTS["region_emphasis"](con, Filters())
    label = next(c for c in emphasis.categories if c.startswith("青岛·大港"))
    j = 2
    theme = next(th for th in lab.theme_order if lab.theme_name[th] == emphasis.series[j].name)
    assert emphasis.clicked({"x": 0.1, "y": label, "curve_number": j}) == {
        "region": "qingdao", "year": int(label.rsplit(" ", 1)[1]), "theme": theme}
    bar = CHARTS["theme_share_bar"](con, Filters())
    found = bar.clicked({"x": 0.1, "y": bar.categories[0], "curve_number": 0})
    assert lab.theme_name[found["theme"]] == bar.categories[0]
    assert lab.group(found["region"], found["year"]) == bar.series[0].name
    heat = CHARTS["theme_heatmap"](con, Filters())
    found = heat.clicked({"x": heat.categories[1], "y": heat.series[-1].name})
    assert lab.theme_name[found["theme"]] == heat.categories[1]
    assert lab.group(found["region"], found["year"]) == heat.series[-1].name
    trend = CHARTS["theme_trend"](con, Filters(region="binhai"))
    found = trend.clicked({"x": trend.categories[-1], "y": 0.2, "curve_number": 1})
    assert found == {"year": int(trend.categories[-1]),
                     "theme": next(th for th in lab.theme_order if lab.theme_name[th] == trend.series[1].name)}
    # A point outside the chart's labels stands for nothing.
    assert trend.clicked({"x": "1999", "curve_number": 99}) == {}


def test_heatmap_writes_its_figures_in_the_cells_of_a_small_grid_only():
    """Up to HEATMAP_LABELLED_CELLS cells each shows its figure; a larger grid shows colour, and every cell's
    figure stays in its hover and in the click layer."""
    from app.chartspec import ChartSpec, Series
    from app.plotly_charts import HEATMAP_LABELLED_CELLS
    themes = [f"主题{j}" for j in range(12)]

    def heat(n_rows):
        rows = [Series(f"地区{i} 2020", [(i + j) / 100 for j in range(12)]) for i in range(n_rows)]
        return figure(ChartSpec("heatmap", "t", themes, rows, value_format="percent"))

    small_rows = HEATMAP_LABELLED_CELLS // len(themes)
    small, large = heat(small_rows), heat(small_rows + 1)
    assert small.data[0].texttemplate == "%{text}" and small.data[0].text[1][2] == "3%"
    assert large.data[0].texttemplate is None and large.data[0].text is None
    assert list(large.data[1].customdata) == [(i + j) / 100 for i in range(small_rows + 1) for j in range(12)]
    assert "customdata" in large.data[1].hovertemplate
