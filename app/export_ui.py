"""Export actions in the dashboard: file downloads under every chart and the deck basket in the sidebar.

`app.ui.show_chart` calls `chart_actions(spec, key, lang)` after each chart and
dashboard.py calls `deck_panel(lang, filter_lines)` once in the sidebar. The
caller passes the language and the filters in words, so this module needs
nothing of `app.ui` (no import circle). The basket keeps the
very ChartSpec objects drawn on screen, so the slides show the screen's numbers.
Files are generated only when a button is clicked (callable `data`), so a
page with many charts does not start a browser on every rerun.
"""
import datetime as dt

import streamlit as st

from app import deck, images
from app.i18n import t

DECK_KEY = "deck_items"


def _t(key, lang, **kwargs):
    return t("export." + key, lang, **kwargs)


def _items():
    return st.session_state.setdefault(DECK_KEY, [])


def _signature(spec):
    return (spec.key, spec.title, spec.subtitle, tuple(s.name for s in spec.series), tuple(spec.categories))


def add_to_deck(spec):
    """Append a chart to the basket; the same chart with the same data is kept once. Returns True if added."""
    items = _items()
    if any(_signature(it["spec"]) == _signature(spec) for it in items):
        return False
    next_id = st.session_state.get("_deck_next_id", 0)
    st.session_state["_deck_next_id"] = next_id + 1
    items.append({"id": next_id, "spec": spec})
    return True


def _on_add(spec, lang):
    if add_to_deck(spec):
        st.toast(_t("added", lang, title=spec.title), icon=":material/slideshow:")
    else:
        st.toast(_t("already", lang), icon=":material/info:")


def _move(item_id, step):
    items = _items()
    i = next((n for n, it in enumerate(items) if it["id"] == item_id), None)
    if i is None:
        return
    j = i + step
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


def _remove(item_id):
    st.session_state[DECK_KEY] = [it for it in _items() if it["id"] != item_id]


def _clear():
    st.session_state[DECK_KEY] = []


def chart_actions(spec, key, lang):
    """PNG, SVG, CSV and Excel downloads and "Add to deck" for one chart."""
    if spec is None or spec.is_empty:
        return
    stem = images.file_stem(spec, key)
    no_browser = images.image_unavailable(lang)
    cols = st.columns([1, 1, 1, 1, 2], gap="small")
    cols[0].download_button(_t("png", lang), (lambda: images.to_png(spec)) if not no_browser else b"",
                            file_name=f"{stem}.png", mime="image/png", key=f"png_{key}", on_click="ignore",
                            disabled=bool(no_browser), help=no_browser or _t("png_help", lang), icon=":material/image:")
    cols[1].download_button(_t("svg", lang), (lambda: images.to_svg(spec)) if not no_browser else b"",
                            file_name=f"{stem}.svg", mime="image/svg+xml", key=f"svg_{key}", on_click="ignore",
                            disabled=bool(no_browser), help=no_browser or _t("svg_help", lang), icon=":material/draw:")
    cols[2].download_button(_t("csv", lang), lambda: images.to_csv(spec), file_name=f"{stem}.csv", mime="text/csv",
                            key=f"csv_{key}", on_click="ignore", help=_t("csv_help", lang), icon=":material/table:")
    cols[3].download_button(_t("xlsx", lang), lambda: images.to_excel(spec), file_name=f"{stem}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"xlsx_{key}", on_click="ignore", help=_t("xlsx_help", lang), icon=":material/grid_on:")
    cols[4].button(_t("add", lang), key=f"deck_add_{key}", on_click=_on_add, args=(spec, lang), icon=":material/add_to_queue:")
    if no_browser:
        st.caption(no_browser)


def _deck_bytes(specs, lang, lines):
    return deck.deck_bytes(specs, lang=lang, filter_lines=lines, date=dt.date.today())


def deck_panel(lang, filter_lines):
    """The basket: chosen charts with up/down/remove, and the .pptx download.

    `filter_lines`: the filters in force in words, for the title slide.
    """
    items = _items()
    st.subheader(_t("deck", lang))
    if not items:
        st.caption(_t("empty", lang))
        return
    st.caption(_t("count", lang, n=len(items)))
    for n, it in enumerate(items):
        spec = it["spec"]
        st.markdown(f"**{n + 1}.** {spec.title}")
        c1, c2, c3 = st.columns(3, gap="small")
        c1.button("↑", key=f"deck_up_{it['id']}", on_click=_move, args=(it["id"], -1), disabled=n == 0,
                  help=_t("up", lang))
        c2.button("↓", key=f"deck_down_{it['id']}", on_click=_move, args=(it["id"], 1),
                  disabled=n == len(items) - 1, help=_t("down", lang))
        c3.button("✕", key=f"deck_rm_{it['id']}", on_click=_remove, args=(it["id"],), help=_t("remove", lang))
    specs = [it["spec"] for it in items]
    lines = list(filter_lines)
    st.download_button(_t("export", lang), lambda: _deck_bytes(specs, lang, lines),
                       file_name=f"jiedao-lens-{dt.date.today():%Y%m%d}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="deck_export", on_click="ignore", type="primary", help=_t("deck_help", lang),
                       icon=":material/slideshow:")
    st.button(_t("clear", lang), key="deck_clear", on_click=_clear, type="tertiary")
