"""The chart spec: one description of a chart, two renderers.

`app/chartdata.py` turns query results into a `ChartSpec`; `app/plotly_charts.py`
renders it for the dashboard and `app/deck.py` as a native PowerPoint chart.
Because both read the same spec, the deck's numbers equal the screen's.
"""
from dataclasses import dataclass, field

import pandas as pd

KINDS = ("bar", "stacked_bar", "line", "radar", "pie", "heatmap")
ORIENTATIONS = ("vertical", "horizontal")
# group: bars side by side; stack: one bar of parts; relative: one series per category, some negative (diverging).
BAR_MODES = ("group", "stack", "relative")


@dataclass
class Series:
    name: str
    values: list
    color: str | None = None


@dataclass
class ChartSpec:
    """kind: one of KINDS. For a heatmap, each series is a row and
    `categories` are the columns; `column_colors` colour the columns.

    The renderers read everything they draw from here (orientation and bar
    mode included), never the chart's key: a new chart needs no renderer change.
    `meta` holds the ids behind the display labels (e.g. category label ->
    (region, year)), so a click on a bar can be traced back to the data.
    """
    kind: str
    title: str
    categories: list
    series: list
    subtitle: str = ""
    x_title: str = ""
    y_title: str = ""
    value_format: str = "number"      # 'percent' (values are 0-1 shares), 'count' or 'number'
    source: str = ""                  # documents, regions, years: the slide's source line
    notes: str = ""                   # how the figures were computed: the speaker notes
    key: str = ""                     # stable id, e.g. 'theme_share_bar'
    column_colors: list = field(default_factory=list)
    orientation: str = "vertical"     # bars: 'horizontal' when labels are long (terms, indicators) or many
    bar_mode: str = ""                # one of BAR_MODES; '' = 'stack' for stacked_bar, else 'group'
    reference: list = field(default_factory=list)   # bars: one value per category to read them against (an average)
    side_labels: tuple = ()           # diverging bars: what the negative and the positive side stand for
    reference_name: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"unknown orientation {self.orientation!r}")
        self.bar_mode = self.bar_mode or ("stack" if self.kind == "stacked_bar" else "group")
        if self.bar_mode not in BAR_MODES:
            raise ValueError(f"unknown bar mode {self.bar_mode!r}")
        if self.reference and len(self.reference) != len(self.categories):
            raise ValueError(f"{len(self.reference)} reference values for {len(self.categories)} categories")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(self.categories)} categories")

    def to_frame(self):
        """The chart's data as a table: one row per category, one column per series."""
        columns = {s.name: s.values for s in self.series}
        if self.reference:
            columns[self.reference_name or "reference"] = self.reference
        frame = pd.DataFrame(columns, index=list(self.categories))
        frame.index.name = self.x_title or "category"
        return frame.reset_index()

    def clicked(self, point):
        """What a clicked point stands for: {'region', 'year', 'theme'} (only those it knows), from `meta`.

        A category or series id in `meta` is a (region, year) group, a year
        (int) or a theme (str); the category is read from the value axis's
        other side, the series from the trace number (a heatmap's rows: y).
        """
        cat_label = point.get("y") if self.horizontal else point.get("x")
        if self.kind == "heatmap":
            cat_label, series_label = point.get("x"), point.get("y")
        else:
            n = point.get("curve_number")
            series_label = self.series[n].name if isinstance(n, int) and 0 <= n < len(self.series) else None
        found = {}
        for table, label in ((self.meta.get("categories", {}), cat_label), (self.meta.get("series", {}), series_label)):
            key = table.get(label)
            if isinstance(key, tuple) and len(key) == 2:
                found.update(region=key[0], year=int(key[1]))
            elif isinstance(key, int):
                found["year"] = key
            elif isinstance(key, str):
                found["theme"] = key
        return found

    @property
    def horizontal(self):
        return self.orientation == "horizontal"

    @property
    def is_empty(self):
        return not self.categories or not self.series
