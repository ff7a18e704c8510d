"""年度变化 Trends: one region across the years, with the terms that rose and fell."""
import streamlit as st

from app import ui
from app.ui import tr

ui.page_header("page_trends", "trends_intro")
flt = ui.filters()
lab = ui.labels()

docs = ui.query("documents", **flt.with_(regions=()).doc_args)
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
ui.bound(c1.selectbox, rkey, tr("trend_region"), regions,
             format_func=lambda r: f"{lab.region_name.get(r, r)} ({', '.join(str(y) for y in sorted(docs[docs.region_id == r].year.unique()))})")
skey = ui.page_param("style", ["line", "slope"])
ui.bound(c2.radio, skey, tr("trend_style"), ["line", "slope"], horizontal=True, format_func=lambda s: tr(f"style_{s}"))
region, style = st.session_state[rkey], st.session_state[skey]
ui.set_page_param("region", region)
ui.set_page_param("style", style, "line")

f = flt.with_(region=region, style=style)
if n_years.get(region, 0) < 2:
    st.info(tr("one_year_only", region=lab.region_name.get(region, region)))
ui.show_chart(ui.chart("theme_trend", f), "theme_trend")

st.subheader(tr("terms_rose_fell"))
ui.show_chart(ui.chart("term_change_bar", f), "term_change_bar")
changes, yrs = ui.chartdata_call("term_changes", f)
if changes is not None and not changes.empty:
    a, b = yrs[0], yrs[-1]
    table = changes.rename(columns={"term": tr("col_term"), "count_first": f"{a}", "count_last": f"{b}",
                                    "change": tr("per_10k")})[[tr("col_term"), f"{a}", f"{b}", tr("per_10k")]]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={tr("per_10k"): st.column_config.NumberColumn(format="%+.1f")})
