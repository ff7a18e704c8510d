"""重点工作 Initiatives: which place runs which named programme, which several places share, which are new."""
import pandas as pd
import streamlit as st

from app import brief, render, ui
from app.ui import tr

ui.page_header("page_initiatives", "initiatives_intro")
flt = ui.filters()
lab = ui.labels()
lang = ui.lang()

ini = ui.query("initiative_rows", **flt.doc_args)
if flt.themes:
    ini = ini[ini.theme.isin(flt.themes)]
if ini.empty:
    st.info(tr("no_data"))
    st.stop()


def href(r):
    return brief.sentence_link(r.doc_id, r.sent_no).href(lang=lang)


def status(value):
    if pd.isna(value):
        return tr("ini_status_first")
    return tr("ini_status_new") if value else tr("ini_status_kept")


place = {r: lab.region_name.get(r, r) for r in lab.region_order}
# Rows one table shows: a page of reading; a corpus of thousands of documents would otherwise draw them all.
MAX_TABLE_ROWS = 200


def more_note(container, frame):
    """Say how many rows a capped table leaves out (the filters narrow it)."""
    if len(frame) > MAX_TABLE_ROWS:
        container.caption(tr("ini_more", shown=MAX_TABLE_ROWS, total=len(frame)))


st.subheader(tr("ini_shared"))
shared = ini[ini.n_places > 1]
if shared.empty:
    st.info(tr("ini_none_shared"))
else:
    rows = []
    for _norm, grp in shared.groupby("name_norm", sort=False):
        first = grp.drop_duplicates(["region_id", "year"])
        uses = [(place.get(r.region_id, r.region_id), int(r.year), href(r)) for r in first.itertuples()]
        rows.append((grp.name.iloc[0], uses))
    rows.sort(key=lambda x: -len({u[0] for u in x[1]}))
    st.markdown(render.shared_initiatives((tr("col_initiative"), tr("col_places")), rows[:MAX_TABLE_ROWS]),
                unsafe_allow_html=True)
    more_note(st, rows)

st.subheader(tr("ini_new"))
st.caption(tr("ini_new_hint"))
new = ini[ini.is_new.fillna(False).astype(bool)].drop_duplicates(["region_id", "name_norm"])
headers = [tr("col_region"), tr("col_year"), tr("col_initiative"), tr("col_theme"), tr("col_n_places"),
           tr("col_status"), tr("col_rule")]


def table_rows(frame):
    return [(place.get(r.region_id, r.region_id), int(r.year), r.name, href(r), r.theme,
             lab.theme_name.get(r.theme, "") if isinstance(r.theme, str) else "", int(r.n_places), status(r.is_new),
             tr(f"ini_rule_{r.rule}")) for r in frame.head(MAX_TABLE_ROWS).itertuples()]


if new.empty:
    st.info(tr("ini_none_new"))
else:
    st.markdown(render.initiative_table(headers, table_rows(new)), unsafe_allow_html=True)
    more_note(st, new)

st.subheader(tr("ini_by_place"))
regions = [r for r in lab.region_order if r in set(ini.region_id)]
tabs = st.tabs([place.get(r, r) for r in regions])
for tab, region_id in zip(tabs, regions):
    mine = ini[ini.region_id == region_id].drop_duplicates(["year", "name_norm"])
    tab.markdown(render.initiative_table(headers, table_rows(mine)), unsafe_allow_html=True)
    more_note(tab, mine)
