"""主题对比 Theme comparison: shares per region and year, and the sentences behind any figure."""
import streamlit as st

from app import ui
from app.ui import tr

# Sentences a page of the drill-down lists; a page number reaches the rest. Fifty read on one screen
# and keep a rerun light (200 at once was a third of the page's drawing time).
DRILL_ROWS = 50

ui.page_header("page_themes", "themes_intro")
flt = ui.filters()
lab = ui.labels()

bar = ui.chart("theme_share_bar", flt)
if bar.is_empty:
    st.info(tr("no_data"))
    st.stop()

bar_event = ui.show_chart(bar, "theme_share_bar", selectable=True)
heat = ui.chart("theme_heatmap", flt)
heat_event = ui.show_chart(heat, "theme_heatmap", selectable=True)
ui.show_chart(ui.chart("theme_radar", flt), "theme_radar")

# Drill-down: a clicked bar or cell sets the region-year and theme below.
docs = ui.query("place_years", **flt.doc_args)
order = {r: i for i, r in enumerate(lab.region_order)}
groups = sorted({(r, int(y)) for r, y in zip(docs["region_id"], docs["year"])}, key=lambda g: (order.get(g[0], len(order)), g))
group_ids = [f"{r}-{y}" for r, y in groups]
group_label = {f"{r}-{y}": lab.group(r, y) for r, y in groups}
themes = lab.themes_in(bar.meta["categories"].values())


def _apply_selection(found):
    """Copy a new chart click (region, year, theme) into the drill-down widgets."""
    if "region" in found:
        st.session_state["p_g"] = f"{found['region']}-{found['year']}"
    if "theme" in found:
        st.session_state["p_th"] = found["theme"]


_apply_selection(ui.clicked(bar_event, bar, "bar"))
_apply_selection(ui.clicked(heat_event, heat, "heat"))

st.subheader(tr("drill_title"))
st.caption(tr("drill_hint"))
c1, c2 = st.columns(2)
gkey = ui.page_param("g", group_ids)
tkey = ui.page_param("th", themes)
ui.bound(c1.selectbox, gkey, tr("drill_group"), group_ids, format_func=lambda g: group_label[g])
ui.bound(c2.selectbox, tkey, tr("drill_theme"), themes, format_func=lambda th: lab.theme_name.get(th, th))
g, th = st.session_state[gkey], st.session_state[tkey]
ui.set_page_param("g", g)
ui.set_page_param("th", th)
region, year = g.rsplit("-", 1)
where = dict(theme=th, regions=[region], years=[int(year)], doc_types=flt.doc_types)
_, total = ui.query("theme_sentences_page", limit=0, **where)
st.markdown(f"**{tr('drill_count', group=group_label[g], theme=lab.theme_name.get(th, th), n=total)}**")
offset = ui.pager("dp", total, DRILL_ROWS, of=(g, th))
rows, _ = ui.query("theme_sentences_page", limit=DRILL_ROWS, offset=offset, **where)
if rows.empty:
    st.info(tr("no_data"))
else:
    ui.sentence_list(rows, lab, limit=DRILL_ROWS)
