"""重点工作 Initiatives: which place runs which named programme, which several places share, which are new."""
import pandas as pd
import streamlit as st

from app import brief, render, ui
from app.ui import tr

ui.page_header("page_initiatives", "initiatives_intro")
flt = ui.filters()
lab = ui.labels()
lang = ui.lang()

# Rows one table shows: a page of reading; a corpus of thousands of documents would otherwise draw them all.
MAX_TABLE_ROWS = 200
# Place-years a shared initiative lists: past them the row says how many more there are.
MAX_USES = 24
# Shared initiatives listed: each row carries up to MAX_USES place-years, so a screenful of rows, not a table's page.
MAX_SHARED_ROWS = 30
# Places shown as tabs; past them one place at a time from a list (50 tabs neither fit a row nor render quickly).
MAX_PLACE_TABS = 8

tables = ui.query("initiative_tables", n=MAX_TABLE_ROWS, uses=MAX_USES, themes=flt.themes, **flt.doc_args)
by_place = tables[tables.part == "place"]
if by_place.empty:
    st.info(tr("no_data"))
    st.stop()


def href(r):
    return brief.sentence_link(r.doc_id, r.sent_no).href(lang=lang)


# Read once: a table's rows would otherwise look each word up in the session's state thousands of times.
STATUS = {None: tr("ini_status_first"), True: tr("ini_status_new"), False: tr("ini_status_kept")}
RULE = {}


def status(value):
    return STATUS[None if pd.isna(value) else bool(value)]


def rule(name):
    if name not in RULE:
        RULE[name] = tr(f"ini_rule_{name}")
    return RULE[name]


place = {r: lab.region_name.get(r, r) for r in lab.region_order}


def more_note(container, frame, shown=MAX_TABLE_ROWS):
    """Say how many rows a capped table leaves out (the filters narrow it): `total` counts them all."""
    total = int(frame["total"].iloc[0]) if not frame.empty else 0
    if total > shown:
        container.caption(tr("ini_more", shown=shown, total=total))


st.subheader(tr("ini_shared"))
shared = tables[tables.part == "shared"]
if shared.empty:
    st.info(tr("ini_none_shared"))
else:
    rows = []
    shared = shared[shared["rank"] <= MAX_SHARED_ROWS]
    for _rank, grp in shared.groupby("rank", sort=True):
        uses = [(place.get(r.region_id, r.region_id), int(r.year), href(r)) for r in grp.itertuples()]
        rows.append((grp.name.iloc[0], uses, int(grp.n_uses.iloc[0]) - len(uses)))
    st.markdown(render.shared_initiatives((tr("col_initiative"), tr("col_places")), rows,
                                          more=lambda n: tr("ini_more_uses", n=n)), unsafe_allow_html=True)
    more_note(st, shared, MAX_SHARED_ROWS)

st.subheader(tr("ini_new"))
st.caption(tr("ini_new_hint"))
new = tables[tables.part == "new"]
headers = [tr("col_region"), tr("col_year"), tr("col_initiative"), tr("col_theme"), tr("col_n_places"),
           tr("col_status"), tr("col_rule")]


def table_rows(frame):
    return [(place.get(r.region_id, r.region_id), int(r.year), r.name, href(r), r.theme,
             lab.theme_name.get(r.theme, "") if isinstance(r.theme, str) else "", int(r.n_places), status(r.is_new),
             rule(r.rule)) for r in frame.head(MAX_TABLE_ROWS).itertuples()]


if new.empty:
    st.info(tr("ini_none_new"))
else:
    st.markdown(render.initiative_table(headers, table_rows(new)), unsafe_allow_html=True)
    more_note(st, new)

st.subheader(tr("ini_by_place"))
regions = lab.regions_in(by_place.region_id)
if len(regions) <= MAX_PLACE_TABS:
    for tab, region_id in zip(st.tabs([place.get(r, r) for r in regions]), regions):
        mine = by_place[by_place.region_id == region_id]
        tab.markdown(render.initiative_table(headers, table_rows(mine)), unsafe_allow_html=True)
        more_note(tab, mine)
else:
    ikey = ui.page_param("ip", regions)
    ui.bound(st.selectbox, ikey, tr("brief_place"), regions, format_func=lambda r: place.get(r, r))
    region_id = st.session_state[ikey]
    ui.set_page_param("ip", region_id, regions[0])
    st.caption(tr("ini_places_listed", n=len(regions)))
    mine = by_place[by_place.region_id == region_id]
    st.markdown(render.initiative_table(headers, table_rows(mine)), unsafe_allow_html=True)
    more_note(st, mine)
