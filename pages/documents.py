"""文档 Documents: read one document with sentences coloured by theme and numbers highlighted."""
import pandas as pd
import streamlit as st

from app import ui
from app.ui import esc, theme_chip, tr

ui.require_shell()
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
label = {d.doc_id: f"{lab.region_name.get(d.region_id, d.region_id)} {d.year} · {lab.doc_type_name.get(d.doc_type, d.doc_type)} · {d.title}"
         for d in docs.itertuples()}
c1, c2 = st.columns([3, 1])
dkey = ui.page_param("doc", ids)
ui.bound(c1.selectbox, dkey, tr("choose_document"), ids, format_func=lambda i: label[i])
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
st.markdown("".join(
    f'<span style="display:inline-block;margin:0 18px 6px 0"><span style="color:#888;font-size:0.85em">{esc(k)}</span>'
    f'<br><b style="font-size:1.1em">{esc(v)}</b></span>' for k, v in facts_meta), unsafe_allow_html=True)
colon = ": " if ui.lang() == "en" else "："
st.markdown(f"**{tr('meta_title')}**{colon}{esc(meta['title'])} · {tr('meta_source')}{colon}`{esc(meta['source_file'])}`",
            unsafe_allow_html=True)

sents = ui.query("document_sentences", doc_id=doc_id)
facts = ui.query("document_facts", doc_id=doc_id)
facts_by_sent = {k: g for k, g in facts.groupby("sent_no")}
text_col = "text_simplified" if script == "simplified" else "text"


def render_sentence(row):
    """Escaped sentence with its facts marked, tinted by its main theme."""
    text = row[text_col] or ""
    spans = []
    for f in facts_by_sent.get(row["sent_no"], pd.DataFrame()).itertuples():
        a, b = max(0, int(f.start_in_sentence)), min(len(text), int(f.end_in_sentence))
        if a < b:
            spans.append((a, b, f"{tr('kind_' + f.kind)} · {f.indicator} · {f.surface}"))
    out, pos = [], 0
    for a, b, tip in sorted(spans):
        if a < pos:
            continue
        out.append(esc(text[pos:a]))
        out.append(f'<mark title="{esc(tip)}" style="background:#FFE066;font-weight:600;padding:0 2px">{esc(text[a:b])}</mark>')
        pos = b
    out.append(esc(text[pos:]))
    inner = "".join(out)
    theme = row["main_theme"]
    names = [lab.theme_name.get(x, x) for x in str(row["themes"] or "").split(",") if x]
    tip = " / ".join(names) + (f" · {row['evidence']}" if isinstance(row["evidence"], str) and row["evidence"] else "")
    if isinstance(theme, str) and theme in lab.theme_color:
        color = lab.theme_color[theme]
        return (f'<span title="{esc(tip)}" style="background:{esc(color)}1A;border-bottom:2px solid {esc(color)};'
                f'padding:1px 0;line-height:2">{inner}</span>')
    return f'<span style="line-height:2">{inner}</span>'


outline, reader = st.columns([1, 3])
with outline:
    st.markdown(f"**{tr('outline')}**")
    heads = sents[sents.is_heading]
    items = []
    for h in heads.itertuples():
        depth = str(h.section or "").count(" > ")
        color = lab.theme_color.get(h.main_theme, "#bbb") if isinstance(h.main_theme, str) else "#bbb"
        items.append(f'<div style="margin-left:{depth * 12}px;border-left:3px solid {color};padding-left:6px;'
                     f'margin-bottom:3px;font-size:0.88em">{esc(getattr(h, text_col))}</div>')
    st.markdown("".join(items) or "—", unsafe_allow_html=True)
    st.markdown(f"**{tr('legend')}**")
    present = [th for th in lab.theme_order if th in set(sents.main_theme.dropna())]
    st.markdown("".join(theme_chip(lab.theme_name[th], lab.theme_color[th]) for th in present)
                + f' <mark style="background:#FFE066;font-weight:600">{esc(tr("fact_mark"))}</mark>',
                unsafe_allow_html=True)
with reader:
    blocks, para = [], []
    for _, row in sents.iterrows():
        if row["is_heading"]:
            if para:
                blocks.append(f'<p style="margin:0 0 10px 0">{"".join(para)}</p>')
                para = []
            depth = str(row["section"] or "").count(" > ")
            size = ("1.15em", "1.05em", "1em")[min(depth, 2)]
            blocks.append(f'<div style="font-weight:700;font-size:{size};margin:14px 0 6px 0">{render_sentence(row)}</div>')
        else:
            para.append(render_sentence(row))
    if para:
        blocks.append(f'<p style="margin:0 0 10px 0">{"".join(para)}</p>')
    st.markdown(f'<div style="font-size:1.02em">{"".join(blocks)}</div>', unsafe_allow_html=True)

if not facts.empty:
    st.subheader(tr("doc_facts"))
    ft = facts.assign(kind=facts.kind.map(lambda k: tr(f"kind_{k}")))
    cols = {"sent_no": "#", "indicator": tr("col_indicator"), "surface": tr("col_surface"), "value": tr("col_value"),
            "unit": tr("col_unit"), "kind": tr("col_kind"), "comparator": tr("col_comparator")}
    st.dataframe(ft[list(cols)].rename(columns=cols), hide_index=True, width="stretch",
                 column_config={tr("col_value"): st.column_config.NumberColumn(format="%,.6g")})
