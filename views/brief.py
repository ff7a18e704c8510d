"""地区简报 Place brief: one page per place and year, generated from the data, every number linked to its source."""
import streamlit as st

from app import brief, deck, render, ui
from app.ui import tr

ui.page_header("page_brief", "brief_intro")
flt = ui.filters()
lab = ui.labels()
lang = ui.lang()

py = ui.query("place_years", **flt.doc_args)
if py.empty:
    st.info(tr("no_documents"))
    st.stop()
places = lab.regions_in(py.region_id)
c1, c2 = st.columns(2)
pkey = ui.page_param("place", places)
ui.bound(c1.selectbox, pkey, tr("brief_place"), places, format_func=lambda r: lab.region_name.get(r, r))
region_id = st.session_state[pkey]
years = sorted((int(y) for y in py[py.region_id == region_id].year), reverse=True)
ykey = ui.page_param("year", years, cast=int)
ui.bound(c2.selectbox, ykey, tr("brief_year"), years)
year = st.session_state[ykey]
ui.set_page_param("place", region_id, places[0])
ui.set_page_param("year", year, years[0])


@st.cache_data(max_entries=64, show_spinner=False)
def _brief(path, mtime, region_id, year, lang_, regions, doc_types):
    return brief.build_brief(ui.connection(), region_id, year, lang_, regions, doc_types)


path, mtime = ui.warehouse_path(), ui.warehouse_path().stat().st_mtime
b = _brief(str(path), mtime, region_id, year, lang, flt.regions, flt.doc_types)
st.markdown(render.brief_body(b, lang=lang), unsafe_allow_html=True)

d1, d2 = st.columns(2)
if d1.button(tr("brief_pdf"), key="brief_make_pdf", icon=":material/picture_as_pdf:"):
    try:
        st.session_state["_brief_pdf"] = (b.title, b.year, brief.pdf_bytes(render.brief_document(b, brief.app_url(), lang)))
    except (RuntimeError, OSError) as exc:
        st.error(tr("brief_pdf_missing", error=exc))
made = st.session_state.get("_brief_pdf")
if made and made[:2] == (b.title, b.year):
    d1.download_button(tr("brief_pdf"), made[2], file_name=f"{region_id}-{year}-brief.pdf", mime="application/pdf",
                       key="brief_pdf_download", icon=":material/download:")
d2.download_button(tr("brief_pptx"), deck.brief_slide_bytes(b, lang, brief.app_url()),
                   file_name=f"{region_id}-{year}-brief.pptx",
                   mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   key="brief_pptx_download", icon=":material/slideshow:")
