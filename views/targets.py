"""目标与成效 Targets and achievements: the numbers in the documents, compared like with like."""
import streamlit as st

from app import ui
from app.ui import tr

# Rows of the facts table per page.
FACTS_PER_PAGE = 100

ui.page_header("page_targets", "targets_intro")
flt = ui.filters()
lab = ui.labels()

units = list(ui.query("fact_units")["unit"])
c1, c2 = st.columns(2)
kinds = ["target", "achievement"]
kkey = ui.page_param("kind", ["", *kinds], "")
ui.bound(c1.selectbox, kkey, tr("kind"), ["", *kinds], format_func=lambda k: tr(f"kind_{k}") if k else tr("all"))
ukey = ui.page_param("unit", ["", *units], "")
ui.bound(c2.selectbox, ukey, tr("unit"), ["", *units], format_func=lambda u: u or tr("all"))
kind, unit = st.session_state[kkey], st.session_state[ukey]
ui.set_page_param("kind", kind, "")
ui.set_page_param("unit", unit, "")

fact_filter = dict(themes=flt.themes, kinds=(kind,) if kind else (), units=(unit,) if unit else (), **flt.doc_args)
unit_counts = ui.query("fact_counts", by="unit", **fact_filter)
total = ui.query("fact_total", **fact_filter)
if not total or unit_counts.empty:
    st.info(tr("no_data"))
    st.stop()

# One page of the table at a time: at scale the filter holds hundreds of thousands of facts.
st.markdown(f"**{tr('facts_found', n=total)}**")
facts, _ = ui.query("facts_page", limit=FACTS_PER_PAGE, offset=ui.pager("pg", total, FACTS_PER_PAGE), **fact_filter)
table = facts.assign(
    region=facts.region_id.map(lambda r: lab.region_name.get(r, r)),
    theme_name=facts.theme.map(lambda th: lab.theme_name.get(th, th)),
    kind_name=facts.kind.map(lambda k: tr(f"kind_{k}")),
    source=facts.sentence,
)
cols = {"region": tr("col_region"), "year": tr("col_year"), "indicator": tr("col_indicator"),
        "surface": tr("col_surface"), "kind_name": tr("col_kind"), "theme_name": tr("col_theme"),
        "source": tr("col_source"), "value": tr("col_value"), "unit": tr("col_unit"),
        "comparator": tr("col_comparator"), "title": tr("col_document")}
st.dataframe(table[list(cols)].rename(columns=cols), hide_index=True, width="stretch",
             column_config={tr("col_value"): st.column_config.NumberColumn(format="%,.6g"),
                            tr("col_source"): st.column_config.TextColumn(width="large"),
                            tr("col_year"): st.column_config.NumberColumn(format="%d")})

# Like with like: one unit and one theme at a time.
st.subheader(tr("compare_like"))
unit_options = list(unit_counts["key"])
c3, c4 = st.columns(2)
cukey = ui.page_param("cunit", unit_options, unit or unit_options[0])
ui.bound(c3.selectbox, cukey, tr("choose_unit"), unit_options)
chart_unit = st.session_state[cukey]
theme_counts = ui.query("fact_counts", by="theme", **(fact_filter | {"units": (chart_unit,)}))
chart_themes = lab.themes_in(theme_counts["key"])
if not chart_themes:
    st.info(tr("no_data"))
    st.stop()
ctkey = ui.page_param("ctheme", chart_themes, theme_counts["key"].iloc[0])
ui.bound(c4.selectbox, ctkey, tr("fact_theme"), chart_themes, format_func=lambda th: lab.theme_name.get(th, th))
chart_theme = st.session_state[ctkey]
ui.set_page_param("cunit", chart_unit)
ui.set_page_param("ctheme", chart_theme)
cf = flt.with_(units=(chart_unit,), themes=(chart_theme,), kinds=(kind,) if kind else ())
ui.show_chart(ui.chart("facts_bar", cf), "facts_bar")

st.subheader(tr("pairs_title"))
pair_flt = flt.with_(units=(chart_unit,))
pairs_spec = ui.chart("target_achievement_bar", pair_flt)
if pairs_spec.is_empty:
    st.info(tr("no_pairs"))
else:
    ui.show_chart(pairs_spec, "target_achievement_bar")
