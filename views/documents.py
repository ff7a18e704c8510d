"""文档 Documents: read one document with sentences coloured by theme and numbers highlighted."""
import pandas as pd
import streamlit as st

from app import render, ui
from app.ui import tr

ui.page_header("page_documents", "documents_intro")
flt = ui.filters()
lab = ui.labels()

docs = ui.query("documents", **flt.doc_args)
if docs.empty:
    st.info(tr("no_documents") + " " + tr("showing_all"))
    docs = ui.query("documents")
if docs.empty:
    st.info(tr("no_documents"))
    st.stop()
ids = list(docs["doc_id"])
# First the place, then its documents: one list of every document would be thousands long.
region_of = dict(zip(docs["doc_id"], docs["region_id"]))
with_docs = set(region_of.values())
places = lab.regions_in(with_docs)
places += sorted(with_docs - set(places))
c0, c1, c2 = st.columns([1.2, 3, 1])
dkey = ui.page_param("doc", ids)
pkey = "p_doc_place"
if st.session_state.get(pkey) not in places:
    st.session_state[pkey] = region_of[st.session_state[dkey]]   # a link (or the first document) decides the place
ui.bound(c0.selectbox, pkey, tr("meta_region"), places, format_func=lambda r: lab.region_name.get(r, r))
mine = docs[docs["region_id"] == st.session_state[pkey]]
place_ids = list(mine["doc_id"])
# Labels for the chosen place's documents only: the list shows no others.
label = {d.doc_id: f"{lab.region_name.get(d.region_id, d.region_id)} {d.year} · {lab.doc_type_name.get(d.doc_type, d.doc_type)} · {d.title}"
         for d in mine.itertuples()}
if st.session_state[dkey] not in place_ids:
    st.session_state[dkey] = place_ids[0]
ui.bound(c1.selectbox, dkey, tr("choose_document"), place_ids, format_func=lambda i: label[i])
skey = ui.page_param("script", ["original", "simplified"])
ui.bound(c2.radio, skey, tr("script"), ["original", "simplified"], horizontal=True,
         format_func=lambda s: tr(f"script_{s}"))
doc_id, script = st.session_state[dkey], st.session_state[skey]
ui.set_page_param("doc", doc_id)
ui.set_page_param("script", script, "original")

meta = ui.query("document", doc_id=doc_id).iloc[0]
published = meta["published"]
published = "—" if pd.isna(published) else str(pd.Timestamp(published).date())
year = f"{meta['year']}{tr('meta_year_inferred') if meta['year_inferred'] else ''}"
facts_meta = [
    (tr("meta_region"), lab.region_name.get(meta["region_id"], meta["region_id"])),
    (tr("meta_year"), year),
    (tr("meta_type"), lab.doc_type_name.get(meta["doc_type"], meta["doc_type"])),
    (tr("meta_published"), published),
    (tr("meta_script"), tr("script_traditional") if meta["script"] == "traditional" else tr("script_simplified_name")),
    (tr("meta_size"), f"{int(meta['n_chars']):,} {tr('chars_unit')} · {int(meta['n_sentences'])} {tr('sentences_unit')}"),
]
st.markdown(render.metadata_strip(facts_meta), unsafe_allow_html=True)
colon = ": " if ui.lang() == "en" else "："
st.markdown(f"**{tr('meta_title')}**{colon}{render.esc(meta['title'])} · {tr('meta_source')}{colon}"
            f"`{render.esc(meta['source_file'])}`", unsafe_allow_html=True)

sents = ui.query("document_sentences", doc_id=doc_id)
# A link to one sentence (?doc=...&s=N, from the home cards, initiatives and briefs) shows it first and marks it.
lkey = ui.page_param("s", [None] + [int(n) for n in sents.sent_no], cast=int)
if st.session_state.setdefault("_linked_doc", doc_id) != doc_id:  # another document chosen: the link is spent
    st.session_state[lkey], st.session_state["_linked_doc"] = None, doc_id
linked = st.session_state[lkey]
ui.set_page_param("s", linked)
if linked is not None:
    row = sents[sents.sent_no == linked].iloc[0]
    st.info(f"**{tr('linked_sentence', n=linked)}** {row['section'] or ''}\n\n{row['text']}")
facts = ui.query("document_facts", doc_id=doc_id)
facts_by_sent = {k: g for k, g in facts.groupby("sent_no")}
text_col = "text_simplified" if script == "simplified" else "text"


def sentence_html(row):
    """The sentence tinted by its main theme, its facts marked with kind, indicator and surface."""
    spans = [(f.start_in_sentence, f.end_in_sentence, f"{tr('kind_' + f.kind)} · {f.indicator} · {f.surface}")
             for f in facts_by_sent.get(row["sent_no"], pd.DataFrame()).itertuples()]
    names = [lab.theme_name.get(x, x) for x in str(row["themes"] or "").split(",") if x]
    evidence = row["evidence"] if isinstance(row["evidence"], str) else ""
    tip = " / ".join(names) + (f" · {evidence}" if evidence else "")
    theme = row["main_theme"] if row["main_theme"] in lab.theme_color else None
    html = render.sentence(row[text_col], spans=spans, theme=theme, tooltip=tip if theme else "")
    return render.linked(html) if row["sent_no"] == linked else html


outline, reader = st.columns([1, 3])
with outline:
    st.markdown(f"**{tr('outline')}**")
    heads = sents[sents.is_heading]
    st.markdown(render.outline((getattr(h, text_col), h.section, h.main_theme) for h in heads.itertuples()),
                unsafe_allow_html=True)
    st.markdown(f"**{tr('legend')}**")
    present = lab.themes_in(sents.main_theme.dropna())
    st.markdown(render.legend([(th, lab.theme_name[th]) for th in present], tr("fact_mark")), unsafe_allow_html=True)
with reader:
    units = [(row["is_heading"], row["section"], sentence_html(row)) for _, row in sents.iterrows()]
    st.markdown(render.reader(units), unsafe_allow_html=True)

if not facts.empty:
    st.subheader(tr("doc_facts"))
    ft = facts.assign(kind=facts.kind.map(lambda k: tr(f"kind_{k}")))
    cols = {"sent_no": "#", "indicator": tr("col_indicator"), "surface": tr("col_surface"), "value": tr("col_value"),
            "unit": tr("col_unit"), "kind": tr("col_kind"), "comparator": tr("col_comparator")}
    st.dataframe(ft[list(cols)].rename(columns=cols), hide_index=True, width="stretch",
                 column_config={tr("col_value"): st.column_config.NumberColumn(format="%,.6g")})
