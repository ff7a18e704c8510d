"""Query results -> ChartSpec, without Streamlit, so the deck export draws the same figures.

Every builder has the signature `builder(con, filters, lang) -> ChartSpec` and is
listed in `CHARTS`. Titles state the comparison, subtitles the regions, years
and document types shown, `source` the documents used and `notes` how the
figures were computed. Theme colours come from the themes table.

Builders also attach `spec.meta` (ids behind the display labels) so a click on a
bar can be traced back to its region, year and theme.
"""
import math
import re
from dataclasses import dataclass, replace

import pandas as pd

from app import queries
from app.chartspec import ChartSpec, Series
from app.i18n import t

# Colours for series that are not themes (regions, region-years, kinds).
REGION_PALETTE = ["#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22"]
KIND_COLORS = {"target": "#95A5A6", "achievement": "#2471A3"}
ROSE_FELL_COLORS = ("#C0392B", "#2471A3")
KEYNESS_ALPHA0 = 1000.0
TOP_TERMS = 15


@dataclass(frozen=True)
class Filters:
    """What the user chose. Empty tuples mean "all". Hashable, so it can key caches."""
    regions: tuple = ()
    years: tuple = ()
    themes: tuple = ()
    doc_types: tuple = ()
    measure: str = "sentences"          # 'sentences' | 'chars'
    mode: str = "share"                 # 'share' | 'count'
    region: str | None = None           # focus region (trends, keyness)
    compare_with: str | None = None     # keyness: the other region, None = the rest
    units: tuple = ()                   # facts
    kinds: tuple = ()                   # facts: 'target', 'achievement'
    style: str = "line"                 # trends: 'line' | 'slope'

    @property
    def doc_args(self):
        return {"regions": self.regions, "years": self.years, "doc_types": self.doc_types}

    def with_(self, **changes):
        return replace(self, **changes)


class Labels:
    """Display names and colours from the warehouse, in one language."""

    def __init__(self, con, lang):
        self.lang = lang
        en = lang == "en"
        th = queries.themes(con)
        self.theme_order = list(th["theme"])
        self.theme_name = dict(zip(th["theme"], th["name_en" if en else "name_zh"]))
        self.theme_color = dict(zip(th["theme"], th["color"]))
        rg = queries.regions(con)
        self.region_order = list(rg["region_id"])
        self.region_name = dict(zip(rg["region_id"], rg["name_en" if en else "name_zh"]))
        self.region_color = {r: REGION_PALETTE[i % len(REGION_PALETTE)] for i, r in enumerate(self.region_order)}
        dt = queries.doc_types(con)
        self.doc_type_name = dict(zip(dt["doc_type"], dt["name_en" if en else "name_zh"]))

    def group(self, region_id, year):
        return f"{self.region_name.get(region_id, region_id)} {int(year)}"

    def themes_for(self, filters):
        """Themes to show, in dictionary order."""
        return [th for th in self.theme_order if not filters.themes or th in filters.themes]


def _mix_white(color, amount):
    """Lighten a #RRGGBB colour towards white by amount (0-1)."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


def _join(items, lang):
    return (", " if lang == "en" else "、").join(str(i) for i in items)


def subtitle(labels, filters, lang, regions=None, years=None, con=None):
    """Which regions, years and document types a chart shows.

    With a connection, an unrestricted dimension lists what the matching
    documents actually cover (a slide must say it without the sidebar).
    """
    regs = regions if regions else filters.regions
    yrs = years if years else filters.years
    types = filters.doc_types
    if con is not None and not (regs and yrs and types):
        docs = queries.documents(con, regions=regs or (), years=yrs or (), doc_types=types)
        if not docs.empty:
            regs = regs or [r for r in labels.region_order if r in set(docs.region_id)]
            yrs = yrs or sorted(int(y) for y in docs.year.unique())
            types = types or sorted(docs.doc_type.unique())
    sep = ": " if lang == "en" else "："
    r = _join([labels.region_name.get(x, x) for x in regs], lang) if regs else t("chart_all_regions", lang)
    y = _join(sorted(yrs), lang) if yrs else t("chart_all_years", lang)
    d = _join([labels.doc_type_name.get(x, x) for x in types], lang) if types else t("chart_all_types", lang)
    return " · ".join([f"{t('regions', lang)}{sep}{r}", f"{t('years', lang)}{sep}{y}", f"{t('doc_types', lang)}{sep}{d}"])


def source_line(con, labels, lang, **doc_args):
    """The documents behind a chart, e.g. `滨海·大港 2013 工作要点《…》`."""
    docs = queries.documents(con, **doc_args)
    if docs.empty:
        return ""
    parts = [f"{labels.region_name.get(d.region_id, d.region_id)} {d.year} "
             f"{labels.doc_type_name.get(d.doc_type, d.doc_type)}《{d.title}》" for d in docs.itertuples()]
    return t("chart_source", lang, docs=_join(parts, lang))


def _empty(kind, key, title, sub=""):
    spec = ChartSpec(kind=kind, title=title, categories=[], series=[], subtitle=sub, key=key)
    spec.meta = {}
    return spec


# ---------------------------------------------------------------- theme shares

def theme_table(con, filters):
    """Long table region_id, year, theme, value (share or count by measure/mode)."""
    tc = queries.theme_counts(con, **filters.doc_args)
    if tc.empty:
        return tc.assign(value=[])
    num, den = ("n_chars", "total_chars") if filters.measure == "chars" else ("n_sentences", "total_sentences")
    tc["value"] = tc[num] / tc[den] if filters.mode == "share" else tc[num]
    return tc


def _groups(tc, labels):
    """Region-year groups present, in region then year order."""
    pairs = tc[["region_id", "year"]].drop_duplicates()
    pairs["o"] = pairs["region_id"].map({r: i for i, r in enumerate(labels.region_order)})
    pairs = pairs.sort_values(["o", "year"])
    return [(r, int(y)) for r, y in zip(pairs["region_id"], pairs["year"])]


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
    """values[group][theme] with 0 where a theme has no sentence."""
    lookup = {(r, int(y), th): v for r, y, th, v in zip(tc["region_id"], tc["year"], tc["theme"], tc["value"])}
    return [[float(lookup.get((r, y, th), 0.0)) for th in themes] for r, y in groups]


def build_theme_share_bar(con, filters, lang="zh"):
    """Grouped bars: one group per region-year, one bar per theme (theme colours)."""
    labels = Labels(con, lang)
    tc = theme_table(con, filters)
    title, y_title, fmt, notes = _share_texts(filters, lang)
    sub = subtitle(labels, filters, lang, con=con)
    themes = labels.themes_for(filters)
    if tc.empty or not themes:
        return _empty("bar", "theme_share_bar", title, sub)
    groups = _groups(tc, labels)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.group(r, y) for r, y in groups]
    series = [Series(labels.theme_name[th], [row[j] for row in matrix], labels.theme_color[th])
              for j, th in enumerate(themes)]
    spec = ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("drill_group", lang), y_title=y_title,
                     value_format=fmt, source=source_line(con, labels, lang, **filters.doc_args), notes=notes,
                     key="theme_share_bar")
    spec.meta = {"categories": dict(zip(cats, groups)), "series": dict((labels.theme_name[th], th) for th in themes)}
    return spec


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
    groups = _groups(tc, labels)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.theme_name[th] for th in themes]
    rows = [labels.group(r, y) for r, y in groups]
    series = [Series(rows[i], matrix[i]) for i in range(len(groups))]
    spec = ChartSpec("heatmap", title, cats, series, subtitle=sub, x_title=t("themes", lang),
                     y_title=t("drill_group", lang), value_format=fmt,
                     source=source_line(con, labels, lang, **filters.doc_args), notes=notes, key="theme_heatmap",
                     column_colors=[labels.theme_color[th] for th in themes])
    spec.meta = {"series": dict(zip(rows, groups)), "categories": dict(zip(cats, themes))}
    return spec


def build_theme_radar(con, filters, lang="zh"):
    """Each region-year's theme profile as a closed line over the themes."""
    labels, tc, y_title, fmt, notes, sub, title, themes = _share_chart_parts(con, filters, lang, "radar_title")
    if tc.empty or len(themes) < 3:
        return _empty("radar", "theme_radar", title, sub)
    groups = _groups(tc, labels)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.theme_name[th] for th in themes]
    # Region colour, lighter for earlier years of the same region.
    series = []
    for i, (r, y) in enumerate(groups):
        years_of_region = [yy for rr, yy in groups if rr == r]
        lighten = 0.55 * (len(years_of_region) - 1 - years_of_region.index(y)) / max(1, len(years_of_region) - 1)
        series.append(Series(labels.group(r, y), matrix[i], _mix_white(labels.region_color.get(r), lighten)))
    spec = ChartSpec("radar", title, cats, series, subtitle=sub, y_title=y_title, value_format=fmt,
                     source=source_line(con, labels, lang, **filters.doc_args), notes=notes, key="theme_radar")
    spec.meta = {"series": {s.name: g for s, g in zip(series, groups)}, "categories": dict(zip(cats, themes))}
    return spec


def build_region_emphasis(con, filters, lang="zh"):
    """Overview: each region's latest year as a 100% stacked bar of theme shares."""
    labels = Labels(con, lang)
    f = filters.with_(mode="share")
    tc = theme_table(con, f)
    sub = subtitle(labels, filters, lang, con=con)
    title = t("emphasis_title", lang)
    themes = labels.themes_for(filters)
    if tc.empty or not themes:
        return _empty("stacked_bar", "region_emphasis", title, sub)
    latest = tc.groupby("region_id")["year"].max()
    groups = [(r, int(latest[r])) for r in labels.region_order if r in latest.index]
    sub = subtitle(labels, filters, lang, regions=[r for r, _ in groups], years=sorted({y for _, y in groups}), con=con)
    matrix = _matrix(tc, groups, themes)
    cats = [labels.group(r, y) for r, y in groups]
    series = [Series(labels.theme_name[th], [row[j] for row in matrix], labels.theme_color[th])
              for j, th in enumerate(themes)]
    _, _, _, notes = _share_texts(f, lang)
    spec = ChartSpec("stacked_bar", title, cats, series, subtitle=sub, y_title=t("share_axis", lang),
                     value_format="percent", source=source_line(con, labels, lang, **filters.doc_args),
                     notes=notes + " " + t("notes_emphasis", lang), key="region_emphasis")
    spec.meta = {"categories": dict(zip(cats, groups)), "series": {labels.theme_name[th]: th for th in themes}}
    return spec


def top_themes(con, filters, lang="zh", n=3):
    """{region_id: [(theme name, share, colour), ...]} for each region's latest year."""
    labels = Labels(con, lang)
    tc = theme_table(con, filters.with_(mode="share"))
    out = {}
    if tc.empty:
        return out
    latest = tc.groupby("region_id")["year"].max()
    for r, y in latest.items():
        sub = tc[(tc.region_id == r) & (tc.year == y)].sort_values("value", ascending=False).head(n)
        out[r] = (int(y), [(labels.theme_name[th], float(v), labels.theme_color[th])
                           for th, v in zip(sub.theme, sub.value)])
    return out


# ---------------------------------------------------------------- trends

def trend_region(con, filters):
    """The focus region: the chosen one, else the filtered region with most years."""
    if filters.region:
        return filters.region
    docs = queries.documents(con, **filters.doc_args)
    if docs.empty:
        return None
    return docs.groupby("region_id")["year"].nunique().sort_values(ascending=False).index[0]


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
    spec = ChartSpec("line", title, cats, series, subtitle=sub, x_title=t("year_axis", lang), y_title=y_title,
                     value_format=fmt, source=source_line(con, labels, lang, **f.doc_args), notes=notes, key=key)
    spec.meta = {"region": region, "years": yrs, "series": {labels.theme_name[th]: th for th in themes}}
    return spec


def term_changes(con, filters, n=TOP_TERMS):
    """Terms whose rate per 10,000 words changed most between the focus region's first and last year."""
    region = trend_region(con, filters)
    if not region:
        return None, []
    tc = queries.term_counts(con, regions=(region,), years=filters.years, doc_types=filters.doc_types)
    yrs = sorted(int(y) for y in tc["year"].unique())
    if len(yrs) < 2:
        return pd.DataFrame(), yrs
    a, b = yrs[0], yrs[-1]
    rates = {}
    for y in (a, b):
        sub = tc[tc.year == y]
        rates[y] = (sub.set_index("term")["count"] / sub["count"].sum() * 10000)
    frame = pd.DataFrame({"first": rates[a], "last": rates[b]}).fillna(0.0)
    frame["change"] = frame["last"] - frame["first"]
    counts = tc.pivot_table(index="term", columns="year", values="count", aggfunc="sum").fillna(0)
    frame["count_first"] = counts[a].reindex(frame.index).fillna(0).astype(int)
    frame["count_last"] = counts[b].reindex(frame.index).fillna(0).astype(int)
    rose = frame.sort_values("change", ascending=False).head(n)
    fell = frame.sort_values("change").head(n)
    out = pd.concat([rose[rose.change > 0], fell[fell.change < 0]]).reset_index(names="term")
    return out, [a, b]


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
        return _empty("bar", "term_change_bar", title, sub)
    frame = frame.sort_values("change")
    cats = list(frame["term"])
    vals = [round(float(v), 2) for v in frame["change"]]
    series = [Series(t("rose", lang), [v if v > 0 else None for v in vals], ROSE_FELL_COLORS[0]),
              Series(t("fell", lang), [v if v < 0 else None for v in vals], ROSE_FELL_COLORS[1])]
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_term", lang),
                     y_title=t("per_10k", lang), value_format="number",
                     source=source_line(con, labels, lang, **f.doc_args), notes=t("notes_terms", lang),
                     key="term_change_bar")


# ---------------------------------------------------------------- keyness

def keyness_region(con, filters):
    """Group A: the chosen region, else the first filtered region that has documents."""
    if filters.region:
        return filters.region
    docs = queries.documents(con, **filters.doc_args)
    return docs["region_id"].iloc[0] if not docs.empty else None


def keyness(con, filters, alpha0=KEYNESS_ALPHA0):
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    Group A = filters.region; group B = filters.compare_with or every other
    region. The prior is the whole filtered corpus's term distribution scaled
    to alpha0 pseudo-counts. Returns term, y_a, y_b, delta, z sorted by z.
    """
    region = keyness_region(con, filters)
    if not region or region == filters.compare_with:
        return pd.DataFrame(columns=["term", "y_a", "y_b", "delta", "z"])
    tc = queries.term_counts(con, years=filters.years, doc_types=filters.doc_types)
    counts = tc.groupby(["region_id", "term"])["count"].sum().unstack(0, fill_value=0)
    if region not in counts.columns:
        return pd.DataFrame(columns=["term", "y_a", "y_b", "delta", "z"])
    if filters.compare_with:
        if filters.compare_with not in counts.columns:
            return pd.DataFrame(columns=["term", "y_a", "y_b", "delta", "z"])
        y_b = counts[filters.compare_with]
        y_all = counts[region] + y_b
    else:
        y_b = counts.drop(columns=[region]).sum(axis=1)
        y_all = counts.sum(axis=1)
    y_a = counts[region]
    keep = (y_a + y_b) > 0
    y_a, y_b, y_all = y_a[keep], y_b[keep], y_all[keep]
    alpha = alpha0 * y_all / y_all.sum()
    n_a, n_b = y_a.sum(), y_b.sum()
    la = (y_a + alpha).apply(math.log) - (n_a + alpha0 - y_a - alpha).apply(math.log)
    lb = (y_b + alpha).apply(math.log) - (n_b + alpha0 - y_b - alpha).apply(math.log)
    delta = la - lb
    var = 1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)
    z = delta / var.pow(0.5)
    out = pd.DataFrame({"term": y_a.index, "y_a": y_a.values, "y_b": y_b.values,
                        "delta": delta.values, "z": z.values})
    return out.sort_values("z", ascending=False).reset_index(drop=True)


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
        return _empty("bar", "keyness_bar", title, sub)
    top = pd.concat([k.head(n), k.tail(n)]).drop_duplicates("term").sort_values("z")
    cats = list(top["term"])
    vals = [round(float(v), 3) for v in top["z"]]
    series = [Series(a, [v if v > 0 else None for v in vals], labels.region_color.get(region)),
              Series(b, [v if v <= 0 else None for v in vals], "#7F8C8D")]
    docs_regions = [region, filters.compare_with] if filters.compare_with else ()
    spec = ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_term", lang),
                     y_title=t("keyness_axis", lang), value_format="number",
                     source=source_line(con, labels, lang, regions=docs_regions, years=filters.years,
                                        doc_types=filters.doc_types),
                     notes=t("how_keyness_text", lang, alpha0=int(KEYNESS_ALPHA0)), key="keyness_bar")
    spec.meta = {"region": region, "compare_with": filters.compare_with}
    return spec


# ---------------------------------------------------------------- facts

def _bigrams(text):
    text = re.sub(r"\W", "", text or "")
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similar_indicator(a, b, threshold=0.5):
    """Equal, or character-bigram Jaccard >= threshold."""
    if a == b:
        return True
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / max(1, len(x | y)) >= threshold


def target_achievement_pairs(facts):
    """Pairs (target, achievement) of the same indicator: same region, unit, theme, similar name."""
    rows = []
    targets = facts[facts.kind == "target"]
    achievements = facts[facts.kind == "achievement"]
    for tg in targets.itertuples():
        cands = achievements[(achievements.region_id == tg.region_id) & (achievements.unit == tg.unit)
                             & (achievements.theme == tg.theme)]
        for ac in cands.itertuples():
            if similar_indicator(tg.indicator, ac.indicator):
                rows.append({"region_id": tg.region_id, "unit": tg.unit, "theme": tg.theme,
                             "indicator": tg.indicator, "target_fact": tg.fact_id, "target": tg.value,
                             "target_surface": tg.surface, "target_year": tg.year,
                             "achievement_fact": ac.fact_id, "achievement": ac.value,
                             "achievement_surface": ac.surface, "achievement_year": ac.year,
                             "target_sentence": tg.sentence, "achievement_sentence": ac.sentence})
    return pd.DataFrame(rows)


def _fact_unit(con, filters):
    """The unit to compare: the chosen one, else the most frequent in the filtered facts."""
    if filters.units:
        return filters.units[0]
    fx = queries.facts(con, themes=filters.themes, kinds=filters.kinds, **filters.doc_args)
    return fx["unit"].value_counts().index[0] if not fx.empty else None


def build_facts_bar(con, filters, lang="zh"):
    """One bar per fact of a single unit (and the chosen themes), targets and achievements apart."""
    labels = Labels(con, lang)
    unit = _fact_unit(con, filters)
    theme_names = _join([labels.theme_name.get(x, x) for x in filters.themes], lang) if filters.themes else None
    title = (t("facts_title", lang, unit=unit or "", theme=theme_names) if theme_names
             else t("facts_title_all", lang, unit=unit or ""))
    sub = subtitle(labels, filters, lang, con=con)
    fx = queries.facts(con, themes=filters.themes, kinds=filters.kinds, units=(unit,) if unit else (),
                       **filters.doc_args) if unit else pd.DataFrame()
    if fx.empty:
        return _empty("bar", "facts_bar", title, sub)
    fx = fx.sort_values(["theme", "value"])
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
                                                        for v, k in zip(fx["value"], fx["kind"])], KIND_COLORS[kind]))
    spec = ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_indicator", lang),
                     y_title=t("value_axis", lang, unit=unit), value_format="number",
                     source=source_line(con, labels, lang, **filters.doc_args), notes=t("notes_facts", lang),
                     key="facts_bar")
    spec.meta = {"unit": unit, "fact_ids": list(fx["fact_id"])}
    return spec


def build_target_achievement(con, filters, lang="zh"):
    """Target and achievement of the same indicator side by side."""
    labels = Labels(con, lang)
    unit = _fact_unit(con, filters)
    title = t("pairs_chart_title", lang, unit=unit or "")
    sub = subtitle(labels, filters, lang, con=con)
    fx = queries.facts(con, themes=filters.themes, units=(unit,) if unit else (), **filters.doc_args) if unit else pd.DataFrame()
    pairs = target_achievement_pairs(fx) if not fx.empty else pd.DataFrame()
    if pairs.empty:
        return _empty("bar", "target_achievement_bar", title, sub)
    cats = [f"{labels.region_name.get(p.region_id, p.region_id)} · {p.indicator} ({p.target_year}/{p.achievement_year})"
            for p in pairs.itertuples()]
    series = [Series(t("kind_target", lang), [float(v) for v in pairs["target"]], KIND_COLORS["target"]),
              Series(t("kind_achievement", lang), [float(v) for v in pairs["achievement"]], KIND_COLORS["achievement"])]
    return ChartSpec("bar", title, cats, series, subtitle=sub, x_title=t("col_indicator", lang),
                     y_title=t("value_axis", lang, unit=unit), value_format="number",
                     source=source_line(con, labels, lang, **filters.doc_args), notes=t("notes_pairs", lang),
                     key="target_achievement_bar")


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


def kwic_rows(frame, term, width=40):
    """Every occurrence of `term` in the sentences of `frame` as (left, match, right) of the original text.

    Occurrences are found in the Simplified copy (same length as the original),
    so a Simplified query also finds Traditional text.
    """
    rows = []
    if not term:
        return pd.DataFrame(rows)
    for r in frame.itertuples():
        text, simp = r.text or "", r.text_simplified or ""
        hay = simp if len(simp) == len(text) else text
        starts = set()
        for source in (hay, text):
            i = source.find(term)
            while i >= 0:
                starts.add(i)
                i = source.find(term, i + 1)
        for i in sorted(starts):
            rows.append({"region_id": r.region_id, "year": r.year, "doc_id": r.doc_id, "title": r.title,
                         "sent_no": r.sent_no, "section": r.section,
                         "left": text[max(0, i - width):i], "match": text[i:i + len(term)],
                         "right": text[i + len(term):i + len(term) + width]})
    return pd.DataFrame(rows)
