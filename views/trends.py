"""年度变化 Trends: one region across the years, with the terms that rose and fell."""
import streamlit as st

from app import ui
from app.ui import tr

ui.page_header("page_trends", "trends_intro")
flt = ui.filters()
lab = ui.labels()

docs = ui.query("place_years", **flt.with_(regions=()).doc_args)
if docs.empty:
    st.info(tr("no_documents"))
    st.stop()
n_years = docs.groupby("region_id")["year"].nunique()
# Regions with most years first: the one with the longest series is the natural default for a trend.
regions = sorted(n_years.index, key=lambda r: (-n_years[r], lab.region_order.index(r)))
if flt.regions:
    regions = [r for r in regions if r in flt.regions]
    if not regions:
        st.info(tr("no_documents"))
        st.stop()
c1, c2 = st.columns([2, 3])
rkey = ui.page_param("region", regions)
years_of = {r: ", ".join(str(y) for y in sorted(ys.unique())) for r, ys in docs.groupby("region_id")["year"]}
ui.bound(c1.selectbox, rkey, tr("trend_region"), regions,
             format_func=lambda r: f"{lab.region_name.get(r, r)} ({years_of.get(r, '')})")
skey = ui.page_param("style", ["line", "slope"])
ui.bound(c2.radio, skey, tr("trend_style"), ["line", "slope"], horizontal=True, format_func=lambda s: tr(f"style_{s}"))
region, style = st.session_state[rkey], st.session_state[skey]
ui.set_page_param("region", region)
ui.set_page_param("style", style, "line")

f = flt.with_(region=region, style=style)
if n_years.get(region, 0) < 2:
    st.info(tr("one_year_only", region=lab.region_name.get(region, region)))
trend = ui.chart("theme_trend", f)
trend_event = ui.show_chart(trend, "theme_trend", selectable=True)

# Terms that rose and fell: first year to last, or a year from the one before it (a year clicked in the trend).
st.subheader(tr("terms_rose_fell"))
region_years = sorted(int(y) for y in docs[docs.region_id == region].year.unique())
if len(region_years) >= 2:
    spans = [f"{a}-{b}" for a, b in zip(region_years, region_years[1:])]
    whole_span = f"{region_years[0]}-{region_years[-1]}"
    spans = ([whole_span] if whole_span not in spans else []) + spans
    clicked_year = ui.clicked(trend_event, trend, "trend").get("year")
    if clicked_year in region_years:
        end = max(clicked_year, region_years[1])
        st.session_state["p_ty"] = f"{region_years[region_years.index(end) - 1]}-{end}"
    tykey = ui.page_param("ty", spans, spans[0])
    ui.bound(st.selectbox, tykey, tr("term_change_years"), spans, format_func=lambda s: s.replace("-", " → "))
    st.caption(tr("term_change_click_hint"))
    span = st.session_state[tykey]
    ui.set_page_param("ty", span, spans[0])
    f = f.with_(years=tuple(int(y) for y in span.split("-")))
ui.show_chart(ui.chart("term_change_bar", f), "term_change_bar")
changes, yrs = ui.chartdata_call("term_changes", f)
if changes is not None and not changes.empty:
    a, b = yrs[0], yrs[-1]
    table = changes.rename(columns={"term": tr("col_term"), "count_first": f"{a}", "count_last": f"{b}",
                                    "change": tr("per_10k")})[[tr("col_term"), f"{a}", f"{b}", tr("per_10k")]]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={tr("per_10k"): st.column_config.NumberColumn(format="%+.1f")})
