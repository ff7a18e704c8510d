"""总览 Overview: what the corpus covers and what each region emphasises, readable in ten seconds."""
from pathlib import Path

import pandas as pd
import streamlit as st

from app import brief, render, ui
from app.ui import tr

# Targets and achievements shown per place on the home page: a glance, not the table.
CARD_FACTS = 3
CARD_LINKS = 3
# Cards per row on a wide screen (like the emphasis cards below); Streamlit stacks columns on a phone.
CARDS_PER_ROW = 4
# Documents a coverage cell names one by one; past them it says how many and their size (the seeds have one or two).
CELL_DOCS = 2
# Places with a card: two rows read at a glance; with 50 places the rest are a sidebar choice away (a note says how many).
MAX_CARDS = 8


def capped_places(places):
    """The first MAX_CARDS places, and a note naming how many are left out (empty when none are)."""
    if len(places) <= MAX_CARDS:
        return places, ""
    return places[:MAX_CARDS], tr("cards_capped", shown=MAX_CARDS, total=len(places))


def card_rows(places, per_row=CARDS_PER_ROW):
    """Rows of `per_row` columns, each column paired with its place."""
    for start in range(0, len(places), per_row):
        yield zip(st.columns(per_row), places[start:start + per_row])


def coverage_matrix(docs, lab, region_col):
    """Region × year: one document's type and size, or, for several, how many and their sizes summed.

    At thousands of documents a cell listing each one is unreadable (a dozen
    per place and year); the translations are read once, not per document.
    """
    if docs.empty:
        return pd.DataFrame(columns=[]).rename_axis(region_col)
    sent, chars = tr("sentences_unit"), tr("chars_unit")
    cells = docs.assign(region=docs.region_id.map(lambda r: lab.region_name.get(r, r)), year=docs.year.astype(int))
    keys = ["region", "year"]
    n_docs = cells.groupby(keys, sort=False)["doc_id"].transform("size")
    # Documents are named one by one only in cells of at most CELL_DOCS: text for those rows alone.
    few = cells[n_docs <= CELL_DOCS]
    few = few.assign(one=[f"{lab.doc_type_name.get(d, d)} · {int(ns)} {sent} · {int(nc):,} {chars}"
                          for d, ns, nc in zip(few.doc_type, few.n_sentences, few.n_chars)])
    named = few.groupby(keys, sort=False)["one"].agg(" / ".join)
    cells = cells.groupby(keys, sort=False).agg(n=("doc_id", "size"), sentences=("n_sentences", "sum"),
                                               chars=("n_chars", "sum"))
    several = tr("n_documents_unit")
    text = [named[key] if n <= CELL_DOCS else f"{n} {several} · {int(s):,} {sent} · {int(c):,} {chars}"
            for key, n, s, c in zip(cells.index, cells.n, cells.sentences, cells.chars)]
    matrix = pd.Series(text, index=cells.index).unstack("year").sort_index(axis=1)
    matrix.columns = [str(y) for y in matrix.columns]
    return matrix


def promise_cards(flt, lab):
    """Per place, its latest year's headline targets and achievements, each linked to its sentence,
    then its follow-through (target → achievement, progress, rule)."""
    st.subheader(tr("promises"))
    st.caption(tr("promises_hint"))
    if flt.themes:
        st.caption(tr("promises_themes", themes=("、" if ui.lang() == "zh" else ", ").join(lab.theme_name.get(th, th) for th in flt.themes)))
    facts = ui.query("headline_facts", n=CARD_FACTS, themes=flt.themes, **flt.doc_args)
    links = ui.query("follow_through", n=CARD_LINKS, themes=flt.themes, **flt.doc_args)
    places = lab.regions_in([*facts.region_id, *links.region_id])
    if not places:
        st.info(tr("no_promises"))
        return
    lang = ui.lang()
    places, capped = capped_places(places)
    for row in card_rows(places):
        for col, region_id in row:
            mine = facts[(facts.region_id == region_id) & (facts.place_rank == 1)]
            year = int(mine.year.iloc[0]) if not mine.empty else ""
            rows = []
            for kind in ("target", "achievement"):
                for r in brief.headline(mine, kind, CARD_FACTS):
                    # The unit is shown when the value as written does not already carry it (8期 does, 126.6 would not).
                    unit = r.unit if r.unit and r.unit not in r.surface else ""
                    rows.append((kind, tr(f"kind_{kind}"), r.indicator or "—", r.surface, unit,
                                 brief.sentence_link(r.doc_id, r.sent_no).href(lang=lang)))
            follow = [render.segments(brief.link_line(r, lang), lang=lang)
                      for r in links[links.region_id == region_id].head(CARD_LINKS).itertuples()]
            col.markdown(render.promise_card(lab.region_name.get(region_id, region_id), year, rows, follow,
                                             tr("no_promises")), unsafe_allow_html=True)
    if capped:
        st.caption(capped)
    st.markdown(f"**{tr('follow_through')}**")
    st.caption(tr("follow_hint"))
    if links.empty:
        st.info(tr("no_follow_through"))


ui.page_header("page_overview", "overview_intro")
flt = ui.filters()
lab = ui.labels()

c = ui.query("counts", **flt.doc_args)
if not c["documents"]:
    st.info(tr("no_documents"))
else:
    cols = st.container(key="jl_metrics").columns([1, 1, 1.7, 1.1, 1.1, 1.3])
    years = f"{c['first_year']}–{c['last_year']}" if c["first_year"] != c["last_year"] else str(c["first_year"])
    for col, label, value in zip(cols, ("card_documents", "card_regions", "card_years", "card_sentences",
                                        "card_facts", "card_chars"),
                                 (c["documents"], c["regions"], years, f"{c['sentences']:,}", c["facts"],
                                  f"{c['chars']:,}")):
        col.metric(tr(label), value, border=True)

# What each place promised and achieved, each number linked to its sentence.
promise_cards(flt, lab)

# Coverage: every configured region, with or without documents.
st.subheader(tr("coverage"))
cov = ui.query("coverage", order=ui.region_order())
region_col = tr("col_region")
missing = [lab.region_name.get(r, r) for r, grp in cov.groupby("region_id", sort=False) if grp.doc_id.isna().all()]
matrix = coverage_matrix(cov.dropna(subset=["doc_id"]), lab, region_col)
matrix = matrix.reindex([lab.region_name.get(r, r) for r in cov["region_id"].drop_duplicates()]).fillna("")
for name in missing:
    matrix.loc[name] = ["—  " + tr("no_document_yet")] + [""] * (len(matrix.columns) - 1)
matrix.index.name = region_col
st.dataframe(matrix, width="stretch")
add_page = Path(__file__).resolve().parent / "add_documents.py"
for name in missing:
    st.info(tr("add_pointer", region=name), icon=":material/info:")
    if add_page.exists():
        st.page_link("views/add_documents.py", label=tr("page_add"), icon=":material/upload_file:")

# What each region emphasises most: every theme, whatever the theme filter, so any theme can be clicked.
st.subheader(tr("emphasis"))
whole = flt.with_(themes=())
top = ui.chartdata_call("top_themes", whole, with_lang=True)
if not top:
    st.info(tr("no_data"))
else:
    order, capped = capped_places([r for r in lab.region_order if r in top])
    for row in card_rows(order, per_row=max(1, min(CARDS_PER_ROW, len(order)))):
        for col, region_id in row:
            year, items, doc_types = top[region_id]
            col.markdown(render.emphasis_card(lab.region_name.get(region_id, region_id), year, items, doc_types),
                         unsafe_allow_html=True)
    if capped:
        st.caption(capped)
    if len({tuple(top[r][2]) for r in order}) > 1:
        st.caption(tr("emphasis_types_differ"))
    st.caption(tr("emphasis_click_hint"))
    emphasis = ui.chart("region_emphasis", whole)
    ui.filter_by_click(ui.show_chart(emphasis, "region_emphasis", selectable=True), emphasis, "emphasis",
                       dims=("region", "theme"))
