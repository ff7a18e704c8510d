"""数据与方法 Data and method: the theme dictionary, how figures are computed, and this build."""
import streamlit as st

from app import render, ui
from app.analysis import KEYNESS_ALPHA0
from app.ui import tr

# Rows of the documents table per page: at scale there are tens of thousands of documents.
DOCS_PER_PAGE = 100

ui.page_header("page_method", "method_intro")
lang = ui.lang()
en = lang == "en"

st.subheader(tr("dictionary"))
themes = ui.query("themes")
rows = [(r.theme, r.name_en if en else r.name_zh, r.name_zh if en else r.name_en, r.color,
         r.definition_en if en else r.definition_zh) for r in themes.itertuples()]
st.markdown(render.dictionary_table((tr("col_name"), tr("col_definition")), rows), unsafe_allow_html=True)

st.subheader(tr("how_shares"))
st.markdown(tr("how_shares_text"))
st.subheader(tr("how_keyness"))
st.markdown(tr("how_keyness_text", alpha0=int(KEYNESS_ALPHA0)))
st.subheader(tr("how_facts"))
st.markdown(tr("how_facts_text"))

st.subheader(tr("build"))
info = ui.query("build_info")
values = dict(zip(info["key"], info["value"]))
c1, c2 = st.columns(2)
c1.metric(tr("built_at"), values.get("built_at", "—"))
c2.metric(tr("content_hash"), (values.get("content_hash") or "—")[:16])
st.caption(f"{tr('content_hash')}: `{values.get('content_hash', '—')}`")
plain = info[~info["key"].str.startswith("score_")].rename(columns={"key": tr("build_key"), "value": tr("score_value")})
st.dataframe(plain, hide_index=True, width="stretch")

st.subheader(tr("scores"))
scores = info[info["key"].str.startswith("score_")]
if scores.empty:
    st.info(tr("scores_absent"))
else:
    shown = scores.assign(key=scores["key"].str.removeprefix("score_")).rename(
        columns={"key": tr("score_key"), "value": tr("score_value")})
    st.dataframe(shown, hide_index=True, width="stretch")

st.subheader(tr("documents_table"))
total = ui.query("document_count")
if total > DOCS_PER_PAGE:
    st.caption(tr("documents_table_pages", n=total, size=DOCS_PER_PAGE))
docs, _ = ui.query("documents_page", limit=DOCS_PER_PAGE, offset=ui.pager("pg", total, DOCS_PER_PAGE))
cols = {"doc_id": "doc_id", ("region_en" if en else "region_zh"): tr("col_region"), "year": tr("col_year"),
        ("doc_type_en" if en else "doc_type_zh"): tr("meta_type"), "title": tr("meta_title"), "script": tr("meta_script"),
        "n_chars": tr("chars_unit"), "n_sentences": tr("sentences_unit"), "encoding": "encoding", "sha256": "sha256"}
st.dataframe(docs[list(cols)].rename(columns=cols), hide_index=True, width="stretch",
             column_config={tr("col_year"): st.column_config.NumberColumn(format="%d")})
