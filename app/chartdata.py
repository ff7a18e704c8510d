"""Query results -> ChartSpec, without Streamlit, so the deck export draws the same figures.

Every builder has the signature `builder(con, filters, lang) -> ChartSpec` and is
listed in `CHARTS`. Statistics live in `app/analysis.py`, names and colours in
`app/labels.py`; here they become chart text. Titles state the comparison, subtitles the regions, years
and document types shown, `source` the documents used and `notes` how the
figures were computed. Theme colours come from the themes table.

Each spec declares its orientation and bar mode and carries `meta` (ids behind
the display labels), so a click on a bar can be traced back to its region, year
and theme, and the renderers never look at a chart's key.
"""
import pandas as pd

from app import analysis, palette, queries
from app.analysis import KEYNESS_ALPHA0, TOP_TERMS
from app.chartspec import ChartSpec, Series
from app.i18n import t
from app.labels import Labels

# Bars with long labels (terms, indicators, region-years in a stack) read better sideways.
HORIZONTAL = "horizontal"


def _join(items, lang):
    return (", " if lang == "en" else "、").join(str(i) for i in items)


# Places a subtitle names before it says how many more: 50 names wrap over the chart they describe.
SUBTITLE_REGIONS = 8


def _region_list(labels, regs, lang):
    """The regions' names, the first SUBTITLE_REGIONS of them and how many in all when there are more."""
    names = [labels.region_name.get(x, x) for x in regs]
    if len(names) <= SUBTITLE_REGIONS:
        return _join(names, lang)
    return t("chart_regions_more", lang, names=_join(names[:SUBTITLE_REGIONS], lang), n=len(names))


def subtitle(labels, filters, lang, regions=None, years=None, con=None):
    """Which regions, years and document types a chart shows.

    With a connection, an unrestricted dimension lists what the matching
    documents actually cover (a slide must say it without the sidebar).
    """
    regs = regions if regions else filters.regions
    yrs = years if years else filters.years
    types = filters.doc_types
    if con is not None and not (regs and yrs and types):
        covered = queries.document_facets(con, regions=regs or (), years=yrs or (), doc_types=types)
        if covered["regions"]:
            regs = regs or labels.regions_in(covered["regions"])
            yrs = yrs or covered["years"]
            types = types or covered["doc_types"]
    sep = ": " if lang == "en" else "："
    r = _region_list(labels, regs, lang) if regs else t("chart_all_regions", lang)
    y = _join(sorted(yrs), lang) if yrs else t("chart_all_years", lang)
    d = _join([labels.doc_type_name.get(x, x) for x in types], lang) if types else t("chart_all_types", lang)
    return " · ".join([f"{t('regions', lang)}{sep}{r}", f"{t('years', lang)}{sep}{y}", f"{t('doc_types', lang)}{sep}{d}"])


MAX_SOURCE_DOCS = 12   # a source line a slide can still hold; beyond it the line says how many more


def source_line(con, labels, lang, groups=None, **doc_args):
    """The documents behind a chart, e.g. `<region> 2013 工作要点《…》`; only those of `groups` when given."""
    docs, total = queries.source_documents(con, MAX_SOURCE_DOCS, groups=groups, **doc_args)
    if docs.empty:
        return ""
    parts = [f"{labels.region_name.get(d.region_id, d.region_id)} {d.year} "
             f"{labels.doc_type_name.get(d.doc_type, d.doc_type)}《{d.title}》"
             for d in docs.itertuples()]
    line = t("chart_source", lang, docs=_join(parts, lang))
    if total > MAX_SOURCE_DOCS:
        line += t("chart_source_more", lang, n=total)
    return line


def _group_texts(con, labels, filters, lang, groups, capped, sub):
    """Subtitle and source line of a chart of region-year groups: when only some are shown, they name exactly those."""
    if not capped:
        return sub, source_line(con, labels, lang, **filters.doc_args)
    sub = subtitle(labels, filters, lang, regions=list(dict.fromkeys(r for r, _ in groups)),
                   years=sorted({y for _, y in groups}), con=con)
    return sub, source_line(con, labels, lang, groups=groups, **filters.doc_args)


def _empty(kind, key, title, sub="", **layout):
    return ChartSpec(kind=kind, title=title, categories=[], series=[], subtitle=sub, key=key, **layout)


# ---------------------------------------------------------------- theme shares

def theme_table(con, filters):
    """Long table region_id, year, theme, value (share or count by measure/mode)."""
    tc = queries.theme_counts(con, **filters.doc_args)
    if tc.empty:
        return tc.assign(value=[])
    num, den = ("n_chars", "total_chars") if filters.measure == "chars" else ("n_sentences", "total_sentences")
    tc["value"] = tc[num] / tc[den] if filters.mode == "share" else tc[num]
    return tc


EARLIEST_YEAR_LIGHTEN = 0.55   # how much lighter a region's earliest year is than its latest (0 = same, 1 = white)
# Most region-year groups a chart draws before it keeps each region's latest year, then the largest regions.
MAX_GROUPS = {"bar": 6, "heatmap": 40, "radar": 6}


def _groups(tc, labels):
    """Region-year groups present, in region then year order."""
    pairs = tc[["region_id", "year"]].drop_duplicates()
    pairs["o"] = pairs["region_id"].map({r: i for i, r in enumerate(labels.region_order)})
    pairs = pairs.sort_values(["o", "year"])
    return [(r, int(y)) for r, y in zip(pairs["region_id"], pairs["year"])]


def _readable_groups(tc, labels, limit, lang):
    """At most `limit` groups, and a note saying which, when there are more.

    Too many groups make bars too thin to read and a legend of look-alike
    lines: first each region keeps only its latest year, then only the
    regions with the most sentences stay (in their usual order).
    """
    groups = _groups(tc, labels)
    if len(groups) <= limit:
        return groups, ""
    latest = {r: y for r, y in groups}
    if len(latest) > limit:
        size = tc.drop_duplicates(["region_id", "year"]).set_index(["region_id", "year"])["total_sentences"]
        largest = set(sorted(latest, key=lambda r: -float(size[(r, latest[r])]))[:limit])
        latest = {r: y for r, y in latest.items() if r in largest}
    kept = [(r, y) for r, y in groups if latest.get(r) == y]
    return kept, t("notes_groups_capped", lang, shown=len(kept), total=len(groups))


def _measure_words(filters, lang):
    return t("m_chars" if filters.measure == "chars" else "m_sentences", lang)


def _measure_label(filters, lang):
    return t("measure_chars" if filters.measure == "chars" else "measure_sentences", lang)


def _share_texts(filters, lang):
    m = _measure_words(filters, lang)
    notes = t("notes_share" if filters.mode == "share" else "notes_count", lang, m=m)
    if filters.mode == "share":
        y_title, fmt = t("share_axis", lang), "percent"
        title = t("share_title_chars" if filters.measure == "chars" else "share_title_sentences", lang)
    else:
        y_title, fmt = t("count_axis_chars" if filters.measure == "chars" else "count_axis_sentences", lang), "count"
        title = t("count_title_chars" if filters.measure == "chars" else "count_title_sentences", lang)
    return title, y_title, fmt, notes


def _matrix(tc, groups, themes):
    """values[group][theme] with 0 where a theme has no sentence.

    Read by index for the shown groups only: a chart shows at most a few dozen of a corpus's region-years.
    """
    wanted = pd.MultiIndex.from_tuples([(r, y, th) for r, y in groups for th in themes])
    if wanted.empty:
        return [[] for _ in groups]
    values = tc.set_index(["region_id", "year", "theme"])["value"].reindex(wanted, fill_value=0.0)
    flat = [float(v) for v in values]
    return [flat[i * len(themes):(i + 1) * len(themes)] for i in range(len(groups))]


def _group_colors(groups, labels):
    """Each group in its region's colour, earlier years of the same region lighter."""
    colors = []
    for r, y in groups:
        years_of_region = [yy for rr, yy in groups if rr == r]
        lighten = EARLIEST_YEAR_LIGHTEN * (len(years_of_region) - 1 - years_of_region.index(y)) / max(1, len(years_of_region) - 1)
        colors.append(palette.mix_white(labels.region_color.get(r), lighten))
    return colors


def _theme_average(tc, themes, filters):
    """Per theme, the figure of all the selected documents pooled: the reference the bars are read against.

    A share pools sentences (or characters) over every document, so a long
    document weighs more, as in the bars; a count is the mean per region-year.
    """
    num = "n_chars" if filters.measure == "chars" else "n_sentences"
    den = "total_chars" if filters.measure == "chars" else "total_sentences"
    per_theme = tc.groupby("theme")[num].sum()
    totals = tc.drop_duplicates(["region_id", "year"])
    base = float(totals[den].sum()) if filters.mode == "share" else len(totals)
    return [float(per_theme.get(th, 0)) / base if base else 0.0 for th in themes]


def build_theme_share_bar(con, filters, lang="zh"):
    """Horizontal bars: one row of bars per theme (sorted by the average), one bar per region-year, the average marked."""
    labels = Labels(con, lang)
    tc = theme_table(con, filters)
    title, y_title, fmt, notes = _share_texts(filters, lang)
    sub = subtitle(labels, filters, lang, con=con)
    themes = labels.themes_for(filters)
    if tc.empty or not themes:
        return _empty("bar", "theme_share_bar", title, sub, orientation=HORIZONTAL)
    groups, capped = _readable_groups(tc, labels, MAX_GROUPS["bar"], lang)
    sub, source = _group_texts(con, labels, filters, lang, groups, capped, sub)
    average = _theme_average(tc, themes, filters)
    order = sorted(range(len(themes)), key=lambda j: -average[j])
    themes = [themes[j] for j in order]
    matrix = _matrix(tc, groups, themes)
    cats = [labels.theme_name[th] for th in themes]
    names = [labels.group(r, y) for r, y in groups]
    series = [Series(name, row, color) for name, row, color in zip(names, matrix, _group_colors(groups, labels))]
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("themes", lang), y_title=y_title,
                     value_format=fmt, source=source,
                     notes=" ".join(x for x in (notes, t("notes_average", lang), capped) if x),
                     key="theme_share_bar", orientation=HORIZONTAL,
                     reference=[average[j] for j in order], reference_name=t("chart_average", lang),
                     meta={"categories": dict(zip(cats, themes)), "series": dict(zip(names, groups))})


def _share_chart_parts(con, filters, lang, title_key):
    """What the share heatmap and radar have in common: labels, data, texts, themes."""
    labels = Labels(con, lang)
    tc = theme_table(con, filters)
    _, y_title, fmt, notes = _share_texts(filters, lang)
    sub = subtitle(labels, filters, lang, con=con)
    measure = _measure_label(filters, lang)
    title = t(title_key, lang) + " · " + y_title + (f"（{measure}）" if lang == "zh" else f" ({measure})")
    return labels, tc, y_title, fmt, notes, sub, title, labels.themes_for(filters)


def build_theme_heatmap(con, filters, lang="zh"):
    """Rows region-year, columns themes: the whole comparison in one view."""
    labels, tc, y_title, fmt, notes, sub, title, themes = _share_chart_parts(con, filters, lang, "heatmap_title")
    if tc.empty or not themes:
        return _empty("heatmap", "theme_heatmap", title, sub)
    groups, capped = _readable_groups(tc, labels, MAX_GROUPS["heatmap"], lang)
    sub, source = _group_texts(con, labels, filters, lang, groups, capped, sub)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.theme_name[th] for th in themes]
    rows = [labels.group(r, y) for r, y in groups]
    series = [Series(rows[i], matrix[i]) for i in range(len(groups))]
    return ChartSpec("heatmap", title, cats, series, subtitle=sub, x_title=t("themes", lang),
                     y_title=t("drill_group", lang), value_format=fmt, source=source,
                     notes=" ".join(x for x in (notes, capped) if x), key="theme_heatmap",
                     column_colors=[labels.theme_color[th] for th in themes],
                     meta={"series": dict(zip(rows, groups)), "categories": dict(zip(cats, themes))})


def build_theme_radar(con, filters, lang="zh"):
    """Each region-year's theme profile as a closed line over the themes."""
    labels, tc, y_title, fmt, notes, sub, title, themes = _share_chart_parts(con, filters, lang, "radar_title")
    if tc.empty or len(themes) < 3:
        return _empty("radar", "theme_radar", title, sub)
    groups, capped = _readable_groups(tc, labels, MAX_GROUPS["radar"], lang)
    sub, source = _group_texts(con, labels, filters, lang, groups, capped, sub)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.theme_name[th] for th in themes]
    series = [Series(labels.group(r, y), row, color)
              for (r, y), row, color in zip(groups, matrix, _group_colors(groups, labels))]
    return ChartSpec("radar", title, cats, series, subtitle=sub, y_title=y_title, value_format=fmt, source=source,
                     notes=" ".join(x for x in (notes, capped) if x), key="theme_radar",
                     meta={"series": {s.name: g for s, g in zip(series, groups)}, "categories": dict(zip(cats, themes))})


def build_region_emphasis(con, filters, lang="zh"):
    """Overview: each region's latest year as a 100% stacked bar of theme shares."""
    labels = Labels(con, lang)
    f = filters.with_(mode="share")
    tc = theme_table(con, f)
    sub = subtitle(labels, filters, lang, con=con)
    title = t("emphasis_title", lang)
    themes = labels.themes_for(filters)
    if tc.empty or not themes:
        return _empty("stacked_bar", "region_emphasis", title, sub, orientation=HORIZONTAL)
    latest = tc.groupby("region_id")["year"].max()
    groups = [(r, int(latest[r])) for r in labels.region_order if r in latest.index]
    sub = subtitle(labels, filters, lang, regions=[r for r, _ in groups], years=sorted({y for _, y in groups}), con=con)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.group(r, y) for r, y in groups]
    series = [Series(labels.theme_name[th], [row[j] for row in matrix], labels.theme_color[th])
              for j, th in enumerate(themes)]
    _, _, _, notes = _share_texts(f, lang)
    return ChartSpec("stacked_bar", title, cats, series, subtitle=sub, y_title=t("share_axis", lang),
                     value_format="percent", source=source_line(con, labels, lang, groups=groups, **filters.doc_args),
                     notes=notes + " " + t("notes_emphasis", lang), key="region_emphasis", orientation=HORIZONTAL,
                     meta={"categories": dict(zip(cats, groups)),
                           "series": {labels.theme_name[th]: th for th in themes}})


def top_themes(con, filters, lang="zh", n=3):
    """{region_id: (year, [(theme, theme name, share), ...], [document type names])} for each region's latest year.

    The types travel with the shares: a plan, an article and a half-year
    summary emphasise differently, and a card must say which it is.
    """
    labels = Labels(con, lang)
    tc = theme_table(con, filters.with_(mode="share"))
    if tc.empty:
        return {}
    latest = tc[tc.year == tc.groupby("region_id")["year"].transform("max")]
    # One sort for every place (largest share first, ties in theme order), not a filter and a sort per place.
    top = latest.sort_values(["region_id", "value"], ascending=[True, False], kind="stable").groupby("region_id").head(n)
    py = queries.place_years(con, **filters.doc_args)
    types_of = {(r, int(y)): types for r, y, types in zip(py.region_id, py.year, py.doc_types)}
    out = {}
    for r, sub in top.groupby("region_id", sort=False):
        y = int(sub.year.iloc[0])
        out[r] = (y, [(th, labels.theme_name[th], float(v)) for th, v in zip(sub.theme, sub.value)],
                  [labels.doc_type_name.get(x, x) for x in sorted(set(types_of.get((r, y), ())))])
    return out


# ---------------------------------------------------------------- trends

def trend_region(con, filters):
    """The focus region: the chosen one, else the filtered region with most years."""
    if filters.region:
        return filters.region
    py = queries.place_years(con, **filters.doc_args)
    if py.empty:
        return None
    return py.groupby("region_id")["year"].nunique().sort_values(ascending=False).index[0]


def build_theme_trend(con, filters, lang="zh"):
    """One region across years: theme shares as lines, or first vs last year (slope)."""
    labels = Labels(con, lang)
    region = trend_region(con, filters)
    f = filters.with_(regions=(region,) if region else filters.regions)
    tc = theme_table(con, f)
    _, y_title, fmt, notes = _share_texts(f, lang)
    rname = labels.region_name.get(region, region or "")
    yrs = sorted(int(y) for y in tc["year"].unique()) if not tc.empty else []
    slope = filters.style == "slope" and len(yrs) >= 2
    if slope:
        yrs = [yrs[0], yrs[-1]]
        title = t("slope_title", lang, region=rname, a=yrs[0], b=yrs[-1])
    else:
        title = t("trend_title", lang, region=rname)
    key = "theme_slope" if slope else "theme_trend"
    sub = subtitle(labels, f, lang, regions=[region] if region else [], years=yrs, con=con)
    themes = labels.themes_for(filters)
    if tc.empty or not themes:
        return _empty("line", key, title, sub)
    groups = [(region, y) for y in yrs]
    matrix = _matrix(tc, groups, themes)
    cats = [str(y) for y in yrs]
    series = [Series(labels.theme_name[th], [row[j] for row in matrix], labels.theme_color[th])
              for j, th in enumerate(themes)]
    return ChartSpec("line", title, cats, series, subtitle=sub, x_title=t("year_axis", lang), y_title=y_title,
                     value_format=fmt, source=source_line(con, labels, lang, **f.doc_args), notes=notes, key=key,
                     meta={"region": region, "years": yrs, "categories": dict(zip(cats, yrs)),
                           "series": {labels.theme_name[th]: th for th in themes}})


def term_changes(con, filters, n=TOP_TERMS):
    """The focus region's terms that rose and fell most, first vs last year (see analysis.term_changes)."""
    region = trend_region(con, filters)
    if not region:
        return None, []
    tc = queries.term_counts_first_last(con, region, years=filters.years, doc_types=filters.doc_types)
    return analysis.term_changes(tc, n)


def build_term_change(con, filters, lang="zh"):
    """Terms that rose and fell in the focus region, first vs last year."""
    labels = Labels(con, lang)
    region = trend_region(con, filters)
    frame, yrs = term_changes(con, filters)
    rname = labels.region_name.get(region, region or "")
    a, b = (yrs[0], yrs[-1]) if len(yrs) >= 2 else ("", "")
    title = t("terms_change_title", lang, region=rname, a=a, b=b)
    f = filters.with_(regions=(region,) if region else ())
    sub = subtitle(labels, f, lang, regions=[region] if region else [], years=yrs, con=con)
    if frame is None or frame.empty:
        return _empty("bar", "term_change_bar", title, sub, orientation=HORIZONTAL, bar_mode="relative")
    frame = frame.sort_values("change")
    cats = list(frame["term"])
    vals = [round(float(v), 2) for v in frame["change"]]
    series = [Series(t("rose", lang), [v if v > 0 else None for v in vals], palette.ROSE),
              Series(t("fell", lang), [v if v < 0 else None for v in vals], palette.FELL)]
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_term", lang),
                     y_title=t("per_10k", lang), value_format="number",
                     source=source_line(con, labels, lang, **f.doc_args), notes=t("notes_terms", lang),
                     key="term_change_bar", orientation=HORIZONTAL, bar_mode="relative",
                     side_labels=(t("side_left", lang, name=f"{a}→{b} {t('fell', lang)}"),
                                  t("side_right", lang, name=f"{a}→{b} {t('rose', lang)}")),
                     meta={"region": region, "years": yrs, "terms": cats})


# ---------------------------------------------------------------- keyness

def keyness_region(con, filters):
    """Group A: the chosen region, else the first filtered region that has documents."""
    if filters.region:
        return filters.region
    py = queries.place_years(con, **filters.doc_args)
    return py["region_id"].iloc[0] if not py.empty else None


def keyness(con, filters, alpha0=KEYNESS_ALPHA0):
    """Distinctive terms of the focus region against `compare_with` or the rest (see analysis.keyness).

    From per-term sums made in DuckDB (one row per term, not per region, year
    and term): the same figures, tested equal, at a fraction of the rows.
    """
    region = keyness_region(con, filters)
    pairs = queries.term_pair_counts(con, region, filters.compare_with, years=filters.years,
                                     doc_types=filters.doc_types)
    return analysis.keyness_from_pairs(pairs, alpha0)


def build_keyness_bar(con, filters, lang="zh", n=TOP_TERMS):
    """Top terms of region A (positive z) and of B (negative z)."""
    labels = Labels(con, lang)
    region = keyness_region(con, filters)
    a = labels.region_name.get(region, region or "")
    b = labels.region_name.get(filters.compare_with, filters.compare_with) if filters.compare_with else t("the_rest", lang)
    title = t("keyness_title", lang, a=a, b=b)
    regs = [region, filters.compare_with] if filters.compare_with else []
    sub = subtitle(labels, filters, lang, regions=regs, con=con)
    k = keyness(con, filters)
    if k.empty:
        return _empty("bar", "keyness_bar", title, sub, orientation=HORIZONTAL, bar_mode="relative")
    top = pd.concat([k.head(n), k.tail(n)]).drop_duplicates("term").sort_values("z")
    cats = list(top["term"])
    vals = [round(float(v), 3) for v in top["z"]]
    series = [Series(a, [v if v > 0 else None for v in vals], labels.region_color.get(region)),
              Series(b, [v if v <= 0 else None for v in vals], palette.OTHERS)]
    docs_regions = [region, filters.compare_with] if filters.compare_with else ()
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_term", lang),
                     y_title=t("keyness_axis", lang), value_format="number",
                     source=source_line(con, labels, lang, regions=docs_regions, years=filters.years,
                                        doc_types=filters.doc_types),
                     notes=t("how_keyness_text", lang, alpha0=int(KEYNESS_ALPHA0)), key="keyness_bar",
                     side_labels=(t("side_left", lang, name=t("keyness_side", lang, name=b)),
                                  t("side_right", lang, name=t("keyness_side", lang, name=a))),
                     orientation=HORIZONTAL, bar_mode="relative",
                     meta={"region": region, "compare_with": filters.compare_with})


# ---------------------------------------------------------------- facts

def _fact_unit(con, filters):
    """The unit to compare: the chosen one, else the most frequent in the filtered facts (ties by unit)."""
    if filters.units:
        return filters.units[0]
    return queries.top_unit(con, themes=filters.themes, kinds=filters.kinds, **filters.doc_args)


def build_facts_bar(con, filters, lang="zh"):
    """One bar per fact of a single unit (and the chosen themes), targets and achievements apart: the largest queries.FACT_BARS."""
    labels = Labels(con, lang)
    unit = _fact_unit(con, filters)
    theme_names = _join([labels.theme_name.get(x, x) for x in filters.themes], lang) if filters.themes else None
    title = (t("facts_title", lang, unit=unit or "", theme=theme_names) if theme_names
             else t("facts_title_all", lang, unit=unit or ""))
    sub = subtitle(labels, filters, lang, con=con)
    fx = queries.facts_chart(con, unit, themes=filters.themes, kinds=filters.kinds,
                             **filters.doc_args) if unit else pd.DataFrame()
    if fx.empty:
        return _empty("bar", "facts_bar", title, sub, orientation=HORIZONTAL, bar_mode="relative")
    n_facts = int(fx["n_facts"].iloc[0])
    capped = t("notes_facts_capped", lang, shown=len(fx), total=n_facts) if n_facts > len(fx) else ""
    cats, seen = [], {}
    for r in fx.itertuples():
        label = f"{labels.region_name.get(r.region_id, r.region_id)} {r.year} · {r.indicator} ({r.surface})"
        seen[label] = seen.get(label, 0) + 1
        cats.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    series = []
    for kind in ("target", "achievement"):
        if filters.kinds and kind not in filters.kinds:
            continue
        series.append(Series(t(f"kind_{kind}", lang), [float(v) if k == kind else None
                                                        for v, k in zip(fx["value"], fx["kind"])], palette.KIND[kind]))
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_indicator", lang),
                     y_title=t("value_axis", lang, unit=unit), value_format="number",
                     source=source_line(con, labels, lang, **filters.doc_args),
                     notes=" ".join(x for x in (t("notes_facts", lang), capped) if x), key="facts_bar", orientation=HORIZONTAL, bar_mode="relative",
                     meta={"unit": unit, "fact_ids": list(fx["fact_id"])})


def build_target_achievement(con, filters, lang="zh"):
    """Target and achievement of the same indicator side by side: the latest targets, each with its nearest achievement."""
    labels = Labels(con, lang)
    unit = _fact_unit(con, filters)
    title = t("pairs_chart_title", lang, unit=unit or "")
    sub = subtitle(labels, filters, lang, con=con)
    pairs = (queries.target_achievement_pairs(con, unit, themes=filters.themes, **filters.doc_args) if unit
             else pd.DataFrame())
    if pairs.empty:
        return _empty("bar", "target_achievement_bar", title, sub, orientation=HORIZONTAL)
    n_targets = int(pairs["n_targets"].iloc[0])
    capped = t("notes_pairs_capped", lang, shown=len(pairs), total=n_targets) if n_targets > len(pairs) else ""
    cats = [f"{labels.region_name.get(p.region_id, p.region_id)} · {p.indicator} ({p.target_year}/{p.achievement_year})"
            for p in pairs.itertuples()]
    series = [Series(t("kind_target", lang), [float(v) for v in pairs["target"]], palette.KIND["target"]),
              Series(t("kind_achievement", lang), [float(v) for v in pairs["achievement"]], palette.KIND["achievement"])]
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_indicator", lang),
                     y_title=t("value_axis", lang, unit=unit), value_format="number",
                     source=source_line(con, labels, lang, **filters.doc_args),
                     notes=" ".join(x for x in (t("notes_pairs", lang), capped) if x),
                     key="target_achievement_bar", orientation=HORIZONTAL,
                     meta={"unit": unit, "pairs": list(zip(pairs["target_fact"], pairs["achievement_fact"]))})


CHARTS = {
    "region_emphasis": build_region_emphasis,
    "theme_share_bar": build_theme_share_bar,
    "theme_heatmap": build_theme_heatmap,
    "theme_radar": build_theme_radar,
    "theme_trend": build_theme_trend,
    "term_change_bar": build_term_change,
    "keyness_bar": build_keyness_bar,
    "facts_bar": build_facts_bar,
    "target_achievement_bar": build_target_achievement,
}
