"""Streamlit parts of the leaders' view shared by the home page: a card per place with its promises.

Data comes from app.queries through ui.query (cached); HTML from app.render;
the brief's line builders (app/brief.py) write the follow-through lines, so
the card and the brief say the same thing.
"""
import streamlit as st

from app import brief, render, ui
from app.ui import tr

# Targets and achievements shown per place on the home page: a glance, not the table.
CARD_FACTS = 3
CARD_LINKS = 3
# Cards per row on a wide screen (like the emphasis cards below); Streamlit stacks columns on a phone.
CARDS_PER_ROW = 4


def promise_cards(flt, lab):
    """Per place, its latest year's headline targets and achievements, each linked to its sentence,
    then its follow-through (target → achievement, progress, rule)."""
    st.subheader(tr("promises"))
    st.caption(tr("promises_hint"))
    facts = ui.query("headline_facts", **flt.doc_args)
    links = ui.query("follow_through", **flt.doc_args)
    places = [r for r in lab.region_order if r in set(facts.region_id) | set(links.region_id)]
    if not places:
        st.info(tr("no_promises"))
        return
    lang = ui.lang()
    for start in range(0, len(places), CARDS_PER_ROW):
        cols = st.columns(CARDS_PER_ROW)
        for col, region_id in zip(cols, places[start:start + CARDS_PER_ROW]):
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
    st.markdown(f"**{tr('follow_through')}**")
    st.caption(tr("follow_hint"))
    if links.empty:
        st.info(tr("no_follow_through"))
