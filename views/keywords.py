"""关键词 Keywords: distinctive terms of one region (log-odds with informative prior) and keyword in context."""
import streamlit as st

from app import render, ui
from app.analysis import KEYNESS_ALPHA0, kwic_rows
from app.ui import tr

ui.page_header("page_keywords", "keywords_intro")
flt = ui.filters()
lab = ui.labels()

docs = ui.query("place_years", years=flt.years, doc_types=flt.doc_types)
if docs.empty:
    st.info(tr("no_documents"))
    st.stop()
with_docs = lab.regions_in(docs.region_id)
preferred = [r for r in with_docs if r in flt.regions] or with_docs
c1, c2 = st.columns(2)
akey = ui.page_param("a", with_docs, preferred[0])
ui.bound(c1.selectbox, akey, tr("region_a"), with_docs, format_func=lambda r: lab.region_name.get(r, r))
region = st.session_state[akey]
others = ["", *[r for r in with_docs if r != region]]
bkey = ui.page_param("b", others, "")
ui.bound(c2.selectbox, bkey, tr("region_b"), others, format_func=lambda r: lab.region_name.get(r, r) if r else tr("the_rest"))
other = st.session_state[bkey]
ui.set_page_param("a", region)
ui.set_page_param("b", other, "")

if len(with_docs) < 2:
    st.info(tr("same_region"))
else:
    kf = flt.with_(region=region, compare_with=other or None)
    ui.show_chart(ui.chart("keyness_bar", kf), "keyness_bar")
    table = ui.chartdata_call("keyness", kf)
    if not table.empty:
        b_name = lab.region_name.get(other, other) if other else tr("the_rest")
        shown = table.head(30).rename(columns={"term": tr("col_term"), "y_a": lab.region_name.get(region, region),
                                               "y_b": b_name, "delta": "δ", "z": "z"})
        with st.expander(f"{tr('col_term')} · z (α₀ = {int(KEYNESS_ALPHA0)})"):
            st.dataframe(shown, hide_index=True, width="stretch",
                         column_config={"δ": st.column_config.NumberColumn(format="%.2f"),
                                        "z": st.column_config.NumberColumn(format="%.2f")})

st.subheader(tr("kwic"))
pending = st.session_state.setdefault("_url_pending", {})
if "p_q" not in st.session_state:
    st.session_state["p_q"] = pending.pop("q", "")
term = ui.bound(st.text_input, "p_q", tr("kwic_term"), placeholder="社区 / 企业 / 网格").strip()
ui.set_page_param("q", term, "")
if term:
    sentences = ui.query("kwic", term=term, **flt.doc_args)
    rows = kwic_rows(sentences, term)
    if rows.empty:
        st.info(tr("kwic_none", term=term))
    else:
        st.markdown(f"**{tr('kwic_found', term=term, n=len(rows), s=sentences.shape[0])}**")
        headers = (tr("col_region"), tr("kwic_left"), term, tr("kwic_right"), tr("col_document"))
        lines = [(f"{lab.region_name.get(r.region_id, r.region_id)} {r.year}", r.left, r.match, r.right,
                  f"《{r.title}》 #{r.sent_no}") for r in rows.itertuples()]
        st.markdown(render.kwic_table(headers, lines), unsafe_allow_html=True)
