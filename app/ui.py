"""Shared Streamlit plumbing: the cached warehouse, filters in the sidebar and the URL, chart display.

Views call `filters()`, `lang()`, `query(...)` and `show_chart(...)`; they hold no
SQL and no HTML (app/render.py writes it). Dependencies run one way: ui uses
export_ui, chartdata and render; none of them imports ui.
"""
import threading
from pathlib import Path

import streamlit as st

from app import chartdata, deck, export_ui, places, queries, render
from app.filters import Filters
from app.i18n import DEFAULT_LANG, LANGS, t
from app.labels import Labels, region_display_order
from app.plotly_charts import figure
from etl import settings

# URL parameter -> (session key, is a list, cast)
COMMON = {
    "lang": ("f_lang", False, str),
    "pl": ("f_place", False, str),
    "r": ("f_regions", True, str),
    "y": ("f_years", True, int),
    "t": ("f_themes", True, str),
    "dt": ("f_doc_types", True, str),
    "m": ("f_measure", False, str),
    "v": ("f_mode", False, str),
}
DEFAULTS = {"f_lang": DEFAULT_LANG, "f_place": "", "f_regions": [], "f_years": [], "f_themes": [], "f_doc_types": [],
            "f_measure": "sentences", "f_mode": "share"}
CHOICES = {"f_lang": LANGS, "f_measure": ("sentences", "chars"), "f_mode": ("share", "count")}


# ------------------------------------------------------------------ warehouse

def warehouse_path():
    """Read at call time (etl/settings.py) so tests and staff can point at another file."""
    return Path(settings.warehouse())


_LIVE = {}
_LIVE_LOCK = threading.Lock()


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(path, mtime):
    """One read-only connection per file version: a new mtime opens the rebuilt file.

    DuckDB shares one database instance per path within a process, so the
    previous version's connection is closed first; otherwise the new
    connection would still read the replaced file.
    """
    with _LIVE_LOCK:
        old = _LIVE.pop(path, None)
        if old is not None:
            old.close()
        con = queries.connect(path)
        _LIVE[path] = con
        return con


def _version():
    path = warehouse_path()
    return str(path), path.stat().st_mtime


def connection():
    """A cursor on the current warehouse (cursors make the shared connection thread-safe)."""
    path, mtime = _version()
    return _open(path, mtime).cursor()


def _freeze(value):
    if isinstance(value, (list, set)):
        return tuple(value)
    return value


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(name, path, mtime, items):
    return getattr(queries, name)(_open(path, mtime).cursor(), **dict(items))


def query(name, **kwargs):
    """Run the named function of app.queries, cached by its arguments and the file version."""
    path, mtime = _version()
    return _cached_query(name, path, mtime, tuple(sorted((k, _freeze(v)) for k, v in kwargs.items())))


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_chart(key, path, mtime, flt, lang_):
    return chartdata.CHARTS[key](_open(path, mtime).cursor(), flt, lang_)


def chart(key, flt, lang_=None):
    """The ChartSpec of a registered builder, cached by filters, language and file version."""
    path, mtime = _version()
    return _cached_chart(key, path, mtime, flt, lang_ or lang())


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_call(fn_name, path, mtime, flt, lang_):
    fn = getattr(chartdata, fn_name)
    con = _open(path, mtime).cursor()
    return fn(con, flt, lang_) if lang_ else fn(con, flt)


def chartdata_call(fn_name, flt, with_lang=False):
    """A cached helper of app.chartdata (keyness table, term changes, top themes...)."""
    path, mtime = _version()
    return _cached_call(fn_name, path, mtime, flt, lang() if with_lang else None)


# ------------------------------------------------------------------ language and filters

def lang():
    """The interface language: the one place that reads it."""
    return st.session_state.get("f_lang", DEFAULTS["f_lang"])


def tr(key, **kwargs):
    return t(key, lang(), **kwargs)


def _parse(param, raw):
    key, is_list, cast = COMMON[param]
    try:
        if is_list:
            return [cast(x) for x in str(raw).split(",") if x != ""]
        return cast(raw)
    except ValueError:
        return None


def seed_from_url():
    """Once per session, copy the URL's parameters into widget state (a shared link opens the same view)."""
    if st.session_state.get("_url_seeded"):
        return
    # A shared link's longest honest value is a list of every region or theme, well under this many characters.
    max_chars = 2000
    params = {k: v for k, v in st.query_params.to_dict().items() if len(k) + len(v) <= max_chars}
    for param, raw in params.items():
        if param in COMMON:
            value = _parse(param, raw)
            key = COMMON[param][0]
            if value is not None and (key not in CHOICES or value in CHOICES[key]):
                st.session_state[key] = value
    st.session_state["_url_pending"] = {k: v for k, v in params.items() if k not in COMMON}
    st.session_state["_url_seeded"] = True


def _reset():
    for key in list(st.session_state.keys()):
        if key.startswith(("f_", "p_")) and key != "f_lang":
            del st.session_state[key]
    st.session_state["_url_pending"] = {}


def sidebar_filters():
    """The shared filters; options come from the warehouse, invalid URL values are dropped."""
    regions = query("regions", order=region_order())
    doc_types = query("doc_types")
    themes = query("themes")
    years = query("years")
    nodes = places.place_nodes(regions)
    node_label = {node: "\u3000" * depth + name for node, depth, name in nodes}
    if st.session_state.get("f_place", "") not in node_label:
        st.session_state["f_place"] = ""
    options = {"f_regions": places.regions_under(regions, st.session_state["f_place"]), "f_years": list(years),
               "f_themes": list(themes["theme"]), "f_doc_types": list(doc_types["doc_type"])}
    for key, opts in options.items():
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in opts]
    lg = lang()
    en = lg == "en"
    region_name = dict(zip(regions["region_id"], regions["name_en" if en else "name_zh"]))
    theme_name = dict(zip(themes["theme"], themes["name_en" if en else "name_zh"]))
    type_name = dict(zip(doc_types["doc_type"], doc_types["name_en" if en else "name_zh"]))
    sb = st.sidebar
    sb.radio(t("language", lg), LANGS, key="f_lang", horizontal=True,
             format_func=lambda x: {"zh": "中文", "en": "English"}[x])
    lg = lang()
    sb.subheader(t("filters", lg))
    if len(nodes) > 1:
        bound(sb.selectbox, "f_place", t("place", lg), ["", *node_label],
              format_func=lambda x: node_label.get(x) or t("all", lg), help=t("place_help", lg))
    bound(sb.multiselect, "f_regions", t("regions", lg), options["f_regions"],
          format_func=lambda x: region_name.get(x, x), placeholder=t("all", lg))
    bound(sb.multiselect, "f_years", t("years", lg), options["f_years"], placeholder=t("all", lg))
    bound(sb.multiselect, "f_doc_types", t("doc_types", lg), options["f_doc_types"],
          format_func=lambda x: type_name.get(x, x), placeholder=t("all", lg))
    bound(sb.multiselect, "f_themes", t("themes", lg), options["f_themes"],
          format_func=lambda x: theme_name.get(x, x), placeholder=t("all", lg))
    bound(sb.radio, "f_measure", t("measure", lg), CHOICES["f_measure"], horizontal=True,
          format_func=lambda x: t(f"measure_{x}", lg))
    bound(sb.radio, "f_mode", t("mode", lg), CHOICES["f_mode"], horizontal=True,
          format_func=lambda x: t(f"mode_{x}", lg))
    sb.button(t("reset", lg), on_click=_reset, key="reset_filters", icon=":material/restart_alt:")
    sb.caption(t("link_hint", lg))
    write_url()


def _sync(canonical, widget_key):
    st.session_state[canonical] = st.session_state[widget_key]


def widget_key(canonical):
    """The key of the widget showing `canonical` in the current language."""
    return f"{canonical}__{lang()}"


def bound(widget, canonical, *args, **kwargs):
    """Create a widget whose value lives in st.session_state[canonical].

    The widget key carries the language: a widget whose option labels change
    in place loses its selection in the browser, so each language gets its own
    widget, seeded from (and copied back to) the language-free value.
    """
    wkey = widget_key(canonical)
    if canonical in st.session_state:
        st.session_state[wkey] = st.session_state[canonical]
    value = widget(*args, key=wkey, on_change=_sync, args=(canonical, wkey), **kwargs)
    st.session_state[canonical] = value
    return value


def write_url():
    """Mirror the shared filters into the address; page parameters are added by the page.

    Only changed keys are written, so the address never passes through a state
    without the page's own parameters.
    """
    for param, (key, is_list, _) in COMMON.items():
        value = st.session_state.get(key, DEFAULTS[key])
        if value == DEFAULTS[key] or value in (None, []):
            if param in st.query_params:
                del st.query_params[param]
            continue
        text = ",".join(str(v) for v in value) if is_list else str(value)
        if st.query_params.get(param) != text:
            st.query_params[param] = text


def on_page(url_path):
    """When the page changes, drop the previous page's parameters from the address."""
    if st.session_state.get("_page") != url_path:
        if "_page" in st.session_state:
            for param in [p for p in st.query_params.keys() if p not in COMMON]:
                del st.query_params[param]
        st.session_state["_page"] = url_path


def filters(**overrides):
    """The current Filters from the sidebar, plus page-specific overrides."""
    get = st.session_state.get
    regions = get("f_regions", []) or (places.regions_under(query("regions", order=region_order()), get("f_place"))
                                       if get("f_place") else [])
    base = Filters(regions=tuple(regions), years=tuple(int(y) for y in get("f_years", [])),
                   themes=tuple(get("f_themes", [])), doc_types=tuple(get("f_doc_types", [])),
                   measure=get("f_measure", "sentences"), mode=get("f_mode", "share"))
    return base.with_(**overrides)


def page_param(param, options, default=None, cast=str):
    """Initial value of a page widget: its state, else the shared link's value (once), else default.

    Sets st.session_state[f"p_{param}"]; create the widget with `bound(widget, key, ...)`.
    """
    key = f"p_{param}"
    pending = st.session_state.setdefault("_url_pending", {})
    if key not in st.session_state or st.session_state[key] not in options:
        value = default
        if param in pending:
            raw = pending.pop(param)
            try:
                parsed = cast(raw)
            except ValueError:
                parsed = None
            if parsed in options:
                value = parsed
        if value not in options:
            value = options[0] if options else None
        st.session_state[key] = value
    return key


def set_page_param(param, value, default=None):
    """Put a page widget's value in the address, unless it is the default."""
    if value is None or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)



def pager(param, total, size, of=None):
    """The offset of the page of `size` rows, among `total`, that a page number chooses.

    The number is in the address as `param` (page 1 left out) and its input shows only when there is
    more than one page. `of`: what the rows are of; when it changes, the number starts again at 1.
    """
    key = f"p_{param}"
    if of is not None and st.session_state.get(f"_{param}_of") != of:
        st.session_state[f"_{param}_of"] = of
        st.session_state.pop(key, None)
    pages = max(1, -(-total // size))
    page_param(param, list(range(1, pages + 1)), 1, cast=int)
    if pages > 1:
        bound(st.number_input, key, tr("table_page", n=pages), min_value=1, max_value=pages, step=1)
    page_no = int(st.session_state[key])
    set_page_param(param, page_no, 1)
    return (page_no - 1) * size


# ------------------------------------------------------------------ display

def show_chart(spec, key, selectable=False):
    """The one way a chart is shown: figure (or a plain no-data note), notes, export actions.

    Returns the selection event when `selectable`, else None.
    """
    if spec is None or spec.is_empty:
        st.info(f"**{spec.title if spec else ''}** — {tr('no_data')}")
        return None
    kwargs = {"on_select": "rerun", "selection_mode": ("points",)} if selectable else {}
    event = st.plotly_chart(figure(spec), key=f"chart_{key}", theme=None,
                            config={"displaylogo": False, "responsive": True}, **kwargs)
    if spec.notes:
        st.caption(spec.notes)
    export_ui.chart_actions(spec, key, lang())
    return event if selectable else None


def new_point(event, name):
    """The clicked point of chart `name`'s selection, once: None when there is none or it was already acted on.

    A selection stays in the event on every rerun; acting on it once lets the
    user change the widgets it set without the chart setting them back.
    """
    points = selected_points(event)
    if not points:
        return None
    p = points[0]
    signature = repr(sorted((k, str(v)) for k, v in p.items()))
    if st.session_state.get(f"_sel_{name}") == signature:
        return None
    st.session_state[f"_sel_{name}"] = signature
    return p


def clicked(event, spec, name):
    """What a new click on chart `name` stands for ({'region', 'year', 'theme'}, see ChartSpec.clicked), or {}."""
    p = new_point(event, name)
    return spec.clicked(p) if p is not None and spec is not None else {}


# Cross-filtering: a clicked dimension -> the sidebar filter it sets (kept in the URL by sync_url).
CROSS_FILTER_KEYS = {"region": "f_regions", "theme": "f_themes", "year": "f_years"}


def filter_by_click(event, spec, name, dims=("region",)):
    """Cross-filtering: the clicked place, theme or year of `spec` (those in `dims`) becomes the page's filter.

    The filters are the sidebar's, so they show there, travel in the URL
    (r, t, y) and are cleared the same way as any other filter.
    """
    found = clicked(event, spec, name)
    changes = {CROSS_FILTER_KEYS[d]: [found[d]] for d in dims if d in found}
    if any(st.session_state.get(key) != value for key, value in changes.items()):
        st.session_state.update(changes)
        st.rerun()


def selected_points(event):
    """Points of a Plotly selection event, or []."""
    try:
        return list(event.selection.points)
    except AttributeError:
        try:
            return list(event["selection"]["points"])
        except (KeyError, TypeError):
            return []


def page_header(title_key, intro_key=None):
    """The page's title and intro; on a phone, where the sidebar is folded away, the filters in force too."""
    st.title(tr(title_key))
    if intro_key:
        st.caption(tr(intro_key))
    with st.container(key="jl_phone_filters"):
        st.caption(" · ".join(filter_lines()) + " — " + tr("phone_filters_hint"))


def region_order():
    """Configured region ids in display order (config/regions.yaml sort_order), as a hashable tuple."""
    return tuple(region_display_order())


def labels():
    """Theme/region/type names and colours in the current language (cached per file version)."""
    path, mtime = _version()
    return _cached_labels(path, mtime, lang())


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_labels(path, mtime, lang_):
    return Labels(_open(path, mtime).cursor(), lang_)


def filter_lines():
    """The filters in force in words (the deck's title slide)."""
    return deck.describe_filters(filters(), labels(), lang())


def stylesheet():
    """The dashboard's stylesheet with the themes' colours; dashboard.py puts it on every page."""
    st.markdown(render.stylesheet(labels().theme_color), unsafe_allow_html=True)


def sentence_list(frame, lab, terms_col="evidence", limit=200, total=None):
    """Sentences as a readable list: text with matched terms marked, then document and section.

    `total`: how many sentences there are when `frame` holds only the first of them.
    """
    rows = []
    for r in frame.head(limit).itertuples():
        terms = [x for x in str(getattr(r, terms_col, "") or "").split("、") if x]
        doc = f"{lab.region_name.get(r.region_id, r.region_id)} {r.year} 《{r.title}》 #{r.sent_no}"
        rows.append((r.text, r.text_simplified, terms, " · ".join(x for x in (doc, r.section or "", "、".join(terms)) if x)))
    st.markdown(render.sentence_list(rows), unsafe_allow_html=True)
    total = len(frame) if total is None else total
    if total > limit:
        st.caption(f"… {total - limit}")
