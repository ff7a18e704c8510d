"""The leaders' view in headless Chromium, desktop (1440×900) and phone (390×844): home cards, the
initiatives and brief pages by their own addresses, a card's number opening its sentence, no page wider
than the screen, and no request leaving localhost."""
from urllib.parse import urlparse

import pytest
from e2e_helpers import assert_no_exception, browser, streamlit_url, wait_for_app  # noqa: F401

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):  # noqa: F811
    """A page at the viewport, with every request's host recorded."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    pg = context.new_page()
    hosts = []
    pg.on("request", lambda r: hosts.append(urlparse(r.url).hostname or urlparse(r.url).scheme))
    try:
        yield pg, hosts, request.param
    finally:
        context.close()


def open_page(pg, url, text):
    pg.goto(url)
    wait_for_app(pg)
    pg.get_by_text(text, exact=False).first.wait_for(timeout=30000)
    assert_no_exception(pg)


def no_wider_than_screen(pg):
    """The page does not scroll sideways (wide tables scroll inside their own box)."""
    return pg.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.documentElement;
        return main.scrollWidth <= window.innerWidth + 1 && document.documentElement.scrollWidth <= window.innerWidth + 1;
    }""")


def test_leaders_pages_in_browser(streamlit_url, screen):  # noqa: F811
    pg, hosts, name = screen
    # Home: the promise cards, a number that opens its sentence in the documents view.
    open_page(pg, streamlit_url + "/", "各地目标与成效")
    card = pg.locator(".jl-promises").filter(has_text="象山·丹西")
    card.first.wait_for(timeout=30000)
    assert no_wider_than_screen(pg), name
    card.locator("a.jl-ref", has_text="16.1亿元").first.click()
    pg.wait_for_url("**/documents?**", timeout=30000)
    wait_for_app(pg)
    pg.get_by_text("链接的原句", exact=False).first.wait_for(timeout=30000)
    assert "doc=004_450e182e794b4c39" in pg.url
    pg.locator("#linked-sentence").first.wait_for(timeout=30000)

    # Initiatives by its own address, English too.
    open_page(pg, streamlit_url + "/initiatives", "多地共有")
    assert pg.locator("h1", has_text="重点工作品牌").count() == 1
    assert pg.locator(".jl-initiatives a.jl-ref").count() > 10
    assert no_wider_than_screen(pg), name
    open_page(pg, streamlit_url + "/initiatives?lang=en", "Shared by several places")

    # The brief of one place and year by its address; a share opens the theme drill-down.
    open_page(pg, streamlit_url + "/brief?place=binhai_new_area&year=2013", "滨海新区简报")
    assert pg.locator(".jl-brief a.jl-ref").count() > 5
    assert no_wider_than_screen(pg), name
    pg.locator(".jl-brief-emphasis a.jl-ref").first.click()
    pg.wait_for_url("**/themes?**", timeout=30000)
    wait_for_app(pg)
    assert "g=binhai_new_area-2013" in pg.url
    open_page(pg, streamlit_url + "/brief?lang=en&place=xiangshan", "Xiangshan · Danxi brief")

    outside = {h for h in hosts if h not in LOCAL_HOSTS and h not in ("data", "blob")}
    assert not outside, outside


def test_the_overview_figures_and_filters_fit_a_phone(streamlit_url, screen):  # noqa: F811
    """On a phone the six figures take two rows, not six screens' worth, and the folded-away filters are named."""
    pg, _, name = screen
    open_page(pg, streamlit_url + "/?r=xiangshan", "各地目标与成效")
    metrics = pg.locator(".st-key-jl_metrics [data-testid='stMetric']")
    metrics.nth(5).wait_for(timeout=30000)
    pg.locator(".jl-promises").first.wait_for(timeout=30000)
    assert metrics.count() == 6
    rows = {round(metrics.nth(i).bounding_box()["y"]) for i in range(6)}
    filters = pg.locator(".st-key-jl_phone_filters")
    if name == "phone":
        assert len(rows) == 2, rows
        assert filters.is_visible() and "地区：象山·丹西" in filters.inner_text()
        promises = pg.locator(".jl-promises").first.bounding_box()
        assert promises["y"] < VIEWPORTS["phone"]["height"]      # the first promise card starts on the first screen
    else:
        assert len(rows) == 1, rows
        assert not filters.is_visible()
    assert no_wider_than_screen(pg), name
