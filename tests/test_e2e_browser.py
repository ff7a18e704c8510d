"""The dashboard in a real browser: every page, charts drawn, filters in the URL, English, no exceptions.

One Streamlit server and one Chromium for the whole test (see e2e_helpers).
Screenshots go to a temporary folder (or $JIEDAO_SCREENSHOTS) for a human look.
"""
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from e2e_helpers import assert_no_exception, browser, page, streamlit_url, wait_for_app  # noqa: F401

PAGES = [  # url path ("" is the default Overview page), a text that must appear, whether it draws Plotly charts
    ("", "文档覆盖", True),
    ("themes", "查看句子", True),
    ("trends", "上升与下降的词语", True),
    ("targets", "同单位、同主题比较", True),
    ("keywords", "关键词上下文检索", True),
    ("documents", "章节目录", False),
    ("method", "主题词典", False),
]


# Milliseconds a page may take to draw: generous, the suite shares a busy machine.
LOAD_TIMEOUT = 90000
# Every page's own address and its title (h1): a shared link must open that page in the shell.
DEEP_LINKS = [("overview", "总览"), ("themes", "主题对比"), ("trends", "年度变化"), ("targets", "目标与成效"),
              ("keywords", "关键词"), ("documents", "文档"), ("method", "数据与方法"), ("add_documents", "添加文档")]


NOT_FOUND_WATCH = """window.__notFound = [];
new MutationObserver(() => { const text = document.body ? document.body.innerText : '';
  if (/page not found|does not seem to exist/i.test(text)) window.__notFound.push(location.pathname); })
  .observe(document, {subtree: true, childList: true, characterData: true});"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("JIEDAO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def query(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def open_page(pg, base, path, expect, charts):
    pg.goto(f"{base}/{path}")
    wait_for_app(pg)
    pg.get_by_text(expect, exact=False).first.wait_for(timeout=LOAD_TIMEOUT)
    if charts:
        pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=LOAD_TIMEOUT)
    assert_no_exception(pg)


def test_dashboard_in_browser(streamlit_url, page, shots):  # noqa: F811
    pg = page
    # Tall viewport: Streamlit scrolls inside its own container, so full-page shots need the height.
    pg.set_viewport_size({"width": 1400, "height": 2400})
    for path, expect, charts in PAGES:
        open_page(pg, streamlit_url, path, expect, charts)
        pg.wait_for_timeout(1200)
        pg.screenshot(path=str(shots / f"{path or 'overview'}.png"))
    assert all((shots / f"{path or 'overview'}.png").stat().st_size > 10000 for path, _, _ in PAGES)

    # The sidebar navigation goes to the Theme comparison page inside the shell.
    open_page(pg, streamlit_url, "", "文档覆盖", True)
    pg.locator('[data-testid="stSidebarNav"]').get_by_text("主题对比").click()
    pg.wait_for_url("**/themes**")
    wait_for_app(pg)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    assert pg.locator(".js-plotly-plot").count() >= 3

    # A filter change is written to the address; the link reopens the same view.
    before = query(pg.url)
    pg.locator('[data-testid="stSidebar"]').get_by_text("按字数").click()
    pg.wait_for_function("() => location.search.includes('m=chars')", timeout=20000)
    wait_for_app(pg)
    assert query(pg.url) != before and query(pg.url)["m"] == "chars"
    pg.get_by_text("各地区各年份的主题占比（按字数）").first.wait_for(timeout=20000)
    link = pg.url
    pg.goto(link)
    wait_for_app(pg)
    pg.get_by_text("各地区各年份的主题占比（按字数）").first.wait_for(timeout=20000)
    assert_no_exception(pg)

    # Clicking a bar (the longest: not the default first region-year / Party building) lists its sentences.
    before = query(pg.url)
    boxes = [b for b in (p.bounding_box() for p in pg.locator(".js-plotly-plot").first.locator("g.point path").all()) if b]
    longest = max(boxes, key=lambda b: b["width"])
    pg.mouse.click(longest["x"] + longest["width"] / 2, longest["y"] + longest["height"] / 2)
    pg.wait_for_function(
        "([g, th]) => { const q = new URLSearchParams(location.search);"
        " return q.has('g') && q.has('th') && (q.get('g') !== g || q.get('th') !== th); }",
        arg=[before.get("g"), before.get("th")], timeout=20000)
    wait_for_app(pg)
    after = query(pg.url)
    assert (after["g"], after["th"]) != (before.get("g"), before.get("th"))
    assert_no_exception(pg)

    # Clicking a heatmap cell (Xiangshan 2023 x Urban) does the same. The cell is found by its data:
    # the clickable markers' x (theme) and y (region-year) in the figure, not a position in the grid.
    heat = pg.locator(".js-plotly-plot").nth(1)
    index = heat.evaluate(
        "(gd, [x, y]) => { const t = gd.data.find(d => d.type === 'scatter');"
        " return t.x.findIndex((v, i) => v === x && t.y[i] === y); }", ["城市建设与管理", "象山·丹西 2023"])
    assert index >= 0
    cell = heat.locator(".scatterlayer .trace").first.locator("path.point").nth(index).bounding_box()
    pg.mouse.click(cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2)
    pg.wait_for_function("() => location.search.includes('g=xiangshan-2023') && location.search.includes('th=urban')",
                         timeout=20000)
    wait_for_app(pg)
    pg.get_by_text("象山·丹西 2023 · 城市建设与管理").first.wait_for(timeout=20000)
    assert_no_exception(pg)

    # English everywhere after the switch.
    pg.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    pg.get_by_text("Theme comparison").first.wait_for(timeout=20000)
    pg.get_by_text("Filters").first.wait_for(timeout=20000)
    pg.wait_for_function("() => location.search.includes('lang=en')", timeout=20000)
    wait_for_app(pg)
    assert pg.get_by_text("Theme shares by region and year (characters)").count() >= 1
    checked = pg.locator('[data-testid="stSidebar"] input[type=radio]:checked').evaluate_all(
        "els => els.map(e => e.closest('label').innerText.trim())")
    assert "Characters" in checked  # the measure survives the language switch
    pg.screenshot(path=str(shots / "themes_en.png"))
    assert_no_exception(pg)

    # A shared deep link with filters: Xiangshan's targets show the known fact.
    pg.goto(f"{streamlit_url}/targets?r=xiangshan&unit=%E5%85%83")
    wait_for_app(pg)
    pg.get_by_text("同单位、同主题比较").first.wait_for(timeout=30000)
    pg.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    assert "16.1亿元" in pg.locator(".js-plotly-plot").first.inner_text() or \
        pg.get_by_text("16.1亿元").count() >= 1
    assert_no_exception(pg)


@pytest.mark.parametrize("path,title", DEEP_LINKS)
def test_deep_link_opens_its_page(streamlit_url, page, path, title):  # noqa: F811
    """A bookmark or a link in a message: the page itself, inside the shell, with no "Page not found"."""
    pg = page
    # Streamlit's pop-up can come and go between two looks: record every time it is on the page.
    pg.add_init_script(NOT_FOUND_WATCH)
    # A session has run the app before (as on any server in use): Streamlit then resolves addresses
    # through st.navigation alone, which is when an address it does not know says "Page not found".
    pg.goto(streamlit_url)
    wait_for_app(pg)
    pg.goto(f"{streamlit_url}/{path}?r=xiangshan")
    wait_for_app(pg)
    pg.locator("h1").filter(has_text=title).first.wait_for(timeout=LOAD_TIMEOUT)
    pg.wait_for_timeout(1000)
    assert pg.evaluate("window.__notFound") == [], "Streamlit said the page does not exist"
    assert pg.get_by_text("Page not found").count() == 0
    assert pg.locator("h1").first.inner_text().strip() == title
    # Inside the shell: the sidebar filters are there and the link's filter is applied.
    assert pg.locator('[data-testid="stSidebar"]').get_by_text("筛选").count() >= 1
    assert "r=xiangshan" in pg.url
    expected = "" if path == "overview" else path  # the Overview is the default page, served at "/"
    assert urlparse(pg.url).path.rstrip("/") == ("/" + expected if expected else "")
    assert_no_exception(pg)


def test_clicking_a_place_filters_the_whole_overview(streamlit_url, page):  # noqa: F811
    """Cross-filtering: a place clicked in the emphasis chart becomes the page's filter, kept in the address."""
    pg = page
    pg.goto(streamlit_url)
    wait_for_app(pg)
    chart = pg.locator(".stPlotlyChart", has_text="各地区主题结构").first
    chart.wait_for(timeout=LOAD_TIMEOUT)
    chart.scroll_into_view_if_needed()
    index = chart.locator(".js-plotly-plot").evaluate(
        "(gd) => gd.data[0].y.findIndex(v => v === '青岛·大港 2020')")
    assert index >= 0
    # The caption names exactly the documents the chart shows: each place's latest year, not Binhai's 2016.
    source = chart.locator(".js-plotly-plot").evaluate(
        "(gd) => gd.layout.annotations.map(a => a.text).find(t => t.includes('来源'))")
    assert "滨海·大港 2023 工作计划" in source and "滨海·大港 2016" not in source
    theme = chart.locator(".js-plotly-plot").evaluate("(gd) => gd.data[0].name")
    bar = chart.locator(".barlayer .trace").first.locator("g.point path").nth(index).bounding_box()
    pg.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    pg.wait_for_function("() => new URLSearchParams(location.search).get('r') === 'qingdao'", timeout=20000)
    # The clicked segment's theme narrows the promise cards, and it is in the address too.
    pg.wait_for_function("() => new URLSearchParams(location.search).get('t')", timeout=20000)
    wait_for_app(pg)
    pg.get_by_text(f"仅显示主题：{theme}。").first.wait_for(timeout=20000)
    metrics = pg.locator('[data-testid="stMetricValue"]')
    pg.wait_for_function("() => document.querySelector('[data-testid=\"stMetricValue\"]').innerText === '1'",
                         timeout=20000)
    assert metrics.nth(1).inner_text() == "1"     # one place
    assert_no_exception(pg)


def test_clicking_a_year_in_the_trend_compares_it_with_the_year_before(generated_warehouse, page):  # noqa: F811
    """Cross-filtering by year: a point clicked in the theme trend sets the term change's years, kept in the address."""
    from e2e_helpers import run_streamlit
    pg = page
    with run_streamlit(generated_warehouse) as url:
        pg.goto(f"{url}/trends")
        wait_for_app(pg)
        chart = pg.locator(".stPlotlyChart").first
        chart.wait_for(timeout=LOAD_TIMEOUT)
        years = chart.locator(".js-plotly-plot").evaluate("(gd) => gd.data[0].x")
        assert len(years) >= 3, years
        chart.scroll_into_view_if_needed()
        # The middle one of the markers drawn, and its year by the index Plotly binds to it (the markers
        # are drawn after the figure's data is set, so they are waited for, not counted from the data).
        markers = chart.locator(".scatterlayer .trace").first.locator("path.point")
        markers.nth(2).wait_for(timeout=LOAD_TIMEOUT)
        marker = markers.nth(markers.count() // 2)
        i = marker.evaluate("(p) => p.__data__.i")
        assert 1 <= i < len(years), (i, years)
        point = marker.bounding_box()
        pg.mouse.click(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
        span = f"{years[i - 1]}-{years[i]}"
        pg.wait_for_function(f"() => new URLSearchParams(location.search).get('ty') === '{span}'", timeout=20000)
        wait_for_app(pg)
        change = pg.locator(".stPlotlyChart").nth(1).locator(".js-plotly-plot")
        title = change.evaluate("(gd) => gd.layout.title.text")
        assert f"{years[i - 1]}→{years[i]}" in title, title
        assert_no_exception(pg)
        # The link reopens the same comparison.
        pg.goto(pg.url)
        wait_for_app(pg)
        assert f"{years[i - 1]}→{years[i]}" in pg.locator(".stPlotlyChart").nth(1).locator(
            ".js-plotly-plot").evaluate("(gd) => gd.layout.title.text")
