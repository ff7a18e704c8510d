"""ChartSpec -> Plotly figure for the dashboard (and PNG/SVG export).

The figure carries the spec's title, subtitle and source line, so an exported
image still says what it shows and where the numbers come from.
"""
import html
import re

import plotly.graph_objects as go

from app import palette
from app.chartspec import ChartSpec

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _fmt(spec):
    """(axis tick format, hover format) for the spec's value format."""
    if spec.value_format == "percent":
        return ".0%", ".1%"
    if spec.value_format == "count":
        return ",d", ",d"
    values = [abs(v) for s in spec.series for v in s.values if isinstance(v, (int, float))]
    if values and max(values) >= 10000:
        # Money and head counts: full digits with separators, never SI prefixes like "1.5G".
        return ",d", ",.12~g"
    return "~g", ",.4~g"


def _source_lines(source):
    """One document per line: a source line lists `… 《title》` items joined by 、 (or ", ")."""
    return re.split(r"(?<=》)(?:、|, )", source)


def _wrap(text, width=60):
    """Break a long line for the figure, at separators where possible."""
    if len(text) <= width:
        return text
    lines, line = [], ""
    for part in text.replace("、", "、\u200b").replace(", ", ", \u200b").split("\u200b"):
        if len(line) + len(part) > width and line:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "<br>".join(lines)


def figure(spec: ChartSpec) -> go.Figure:
    """Render any ChartSpec kind as a Plotly figure."""
    axis_fmt, hover_fmt = _fmt(spec)
    fig = go.Figure()
    horizontal = spec.horizontal
    cats = list(spec.categories)
    if spec.kind in ("bar", "stacked_bar"):
        label = _label_format(spec, axis_fmt)
        stacked = spec.kind == "stacked_bar"
        for s in spec.series:
            hover = f"%{{{'y' if horizontal else 'x'}}}<br>{s.name}: %{{{'x' if horizontal else 'y'}:{hover_fmt}}}<extra></extra>"
            text = dict(texttemplate=f"%{{{'x' if horizontal else 'y'}:{label}}}" if label else None,
                        textposition="inside" if stacked else "outside", cliponaxis=False,
                        textfont=dict(size=LABEL_SIZE))
            if horizontal:
                fig.add_bar(y=cats, x=s.values, name=s.name, orientation="h", marker_color=s.color, hovertemplate=hover,
                            **text)
            else:
                fig.add_bar(x=cats, y=s.values, name=s.name, marker_color=s.color, hovertemplate=hover, **text)
        if spec.reference:
            _add_reference(fig, spec, cats, hover_fmt)
        if spec.side_labels and horizontal:
            _add_side_labels(fig, spec)
        # Labels that do not fit their bar are hidden, not shrunk to illegibility.
        fig.update_layout(barmode=spec.bar_mode, uniformtext=dict(minsize=LABEL_MIN_SIZE, mode="hide"))
        value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
        value_axis(tickformat=axis_fmt, title_text=spec.y_title if horizontal else "")
        # Category labels name themselves; an axis title would collide with rotated labels.
        (fig.update_yaxes if horizontal else fig.update_xaxes)(title_text="", type="category", automargin=True)
        if horizontal and spec.bar_mode != "relative":
            # First category on top, legend in series order (diverging bars keep their builder's bottom-up sort).
            fig.update_yaxes(autorange="reversed")
            fig.update_layout(legend_traceorder="normal")
        bars_per_row = 1 if stacked or spec.bar_mode != "group" else max(1, len(spec.series))
        height = max(420, (8 + BAR_PX * bars_per_row) * len(cats) + 180) if horizontal else 480
    elif spec.kind == "line":
        for s in spec.series:
            fig.add_scatter(x=cats, y=s.values, name=s.name, mode="lines+markers", line=dict(color=s.color, width=2.5),
                            marker=dict(size=8),
                            hovertemplate=f"%{{x}}<br>{s.name}: %{{y:{hover_fmt}}}<extra></extra>")
        fig.update_xaxes(type="category", title_text=spec.x_title)
        fig.update_yaxes(tickformat=axis_fmt, title_text="", rangemode="tozero")
        height = 480
    elif spec.kind == "radar":
        for s in spec.series:
            fig.add_scatterpolar(r=list(s.values) + list(s.values[:1]), theta=cats + cats[:1], name=s.name,
                                 line=dict(color=s.color), fill="toself", opacity=0.55,
                                 hovertemplate=f"%{{theta}}<br>{s.name}: %{{r:{hover_fmt}}}<extra></extra>")
        fig.update_layout(polar=dict(radialaxis=dict(tickformat=axis_fmt, angle=90, tickfont=dict(size=10))))
        height = 520
    elif spec.kind == "pie":
        s = spec.series[0] if spec.series else None
        if s is not None:
            fig.add_pie(labels=cats, values=s.values, marker=dict(colors=spec.column_colors or None), sort=False,
                        hole=0.35)
        height = 440
    elif spec.kind == "heatmap":
        z = [list(s.values) for s in spec.series]
        rows = [s.name for s in spec.series]
        # Past HEATMAP_LABELLED_CELLS the cells carry colour only; hovering a cell gives its figure.
        labelled = len(rows) * len(cats) <= HEATMAP_LABELLED_CELLS
        text = [[_cell(v, spec.value_format) for v in row] for row in z] if labelled else None
        fig.add_heatmap(z=z, x=cats, y=rows, text=text, texttemplate="%{text}" if labelled else None,
                        colorscale="Blues",
                        colorbar=dict(tickformat=axis_fmt, title=dict(text=spec.y_title if spec.value_format != "percent" else "")),
                        xgap=2, ygap=2)
        # Heatmaps cannot be selected in Plotly; invisible markers on the cell centres
        # make a click on a cell a selectable point (x = column, y = row).
        xs = [c for _ in rows for c in cats]
        ys = [r for r in rows for _ in cats]
        vals = [v for row in z for v in row]
        fig.add_scatter(x=xs, y=ys, mode="markers", showlegend=False, customdata=vals,
                        marker=dict(symbol="square", size=34, color="rgba(0,0,0,0)"),
                        selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)),
                        hovertemplate=f"%{{y}} · %{{x}}<br>%{{customdata:{hover_fmt}}}<extra></extra>")
        fig.data[0].hoverinfo = "skip"
        fig.update_yaxes(autorange="reversed", type="category", automargin=True)
        fig.update_xaxes(type="category", automargin=True)
        if spec.column_colors:
            # A strip of theme colours above the cells ties each column to its theme.
            # One layout update for the strip: add_shape per column rebuilt the layout's shapes each time.
            fig.update_layout(shapes=[dict(type="rect", xref="x", yref="paper", x0=i - 0.45, x1=i + 0.45, y0=1.01,
                                           y1=1.04, fillcolor=color, line_width=0)
                                      for i, color in enumerate(spec.column_colors[:len(cats)])])
        height = max(360, 48 * len(rows) + 260)
    else:
        raise ValueError(f"unknown chart kind {spec.kind!r}")
    # Titles, subtitles and source lines hold place names and document titles: escaped, as every document text.
    title = f"<b>{html.escape(spec.title, quote=False)}</b>"
    top = 70
    if spec.subtitle:
        sub = _wrap(html.escape(spec.subtitle, quote=False), 100)
        title += f"<br><span style='font-size:12px;color:#555'>{sub}</span>"
        top += 18 * (sub.count("<br>") + 1)
    # Room for the heatmap's colour strip, the radar's top label and the sides of a diverging chart.
    top += {"heatmap": 20, "radar": 55}.get(spec.kind, 0) + (AXIS_TITLE_ROOM if spec.side_labels else 0)
    bottom = 60
    if spec.kind in ("heatmap", "bar", "stacked_bar") and not horizontal and cats:
        # Rotated category labels hang below the plot: keep the source line clear of them.
        longest = max(len(str(c)) for c in cats)
        if longest * 8 * len(cats) > 900:
            bottom += int(longest * 3.6)
    if spec.source:
        src = "<br>".join(_wrap(html.escape(line, quote=False), 95) for line in _source_lines(spec.source))
        bottom += 10 + 14 * src.count("<br>")
        fig.add_annotation(text=f"<span style='font-size:10px;color:#777'>{src}</span>", xref="paper", yref="paper",
                           x=0, y=0, yshift=-bottom + 8, xanchor="left", yanchor="top", showarrow=False, align="left")
        bottom += 18 * (src.count("<br>") + 1) + 16
    if spec.kind in ("bar", "stacked_bar", "line") and not horizontal and spec.y_title:
        # Chinese reads across: the value axis's title stands level above the axis, not turned on its side.
        top += AXIS_TITLE_ROOM
        fig.add_annotation(text=spec.y_title, xref="paper", yref="paper", x=0, y=1, xanchor="right", yanchor="bottom",
                           xshift=-8, yshift=6, showarrow=False, font=dict(size=12, color="#444"))
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=17)),
        font=dict(family=FONT_FAMILY, size=13),
        height=height + bottom - 60 + top - 100,
        margin=dict(l=70, r=20, t=top, b=bottom),
        legend=dict(font=dict(size=12), tracegroupgap=2),
        paper_bgcolor="white", plot_bgcolor="white",
        hoverlabel=dict(font_family=FONT_FAMILY),
    )
    if spec.kind in ("bar", "stacked_bar", "line"):
        fig.update_xaxes(gridcolor="#eee", linecolor="#ccc", automargin=True)
        fig.update_yaxes(gridcolor="#eee", linecolor="#ccc", automargin=True)
    return fig


# Cells a heatmap writes its figure in (a dozen rows of themes): more is a wall of numbers, and at 40 rows
# their text took a fifth of the themes page's redraw.
HEATMAP_LABELLED_CELLS = 150
AXIS_TITLE_ROOM = 18   # px above the plot for a level value-axis title
LABEL_MIN_SIZE = 9     # px: the smallest data label worth printing on a bar
LABEL_SIZE = 11        # px: data labels, a size smaller than the axis labels
BAR_PX = 17            # px per bar in a horizontal grouped chart: room for its label
LABEL_MAX_BARS = 80    # more bars than this and labels only clutter (hover still gives each value)


def _label_format(spec, axis_fmt):
    """The d3 format of the value printed on each bar, or None when there are too many bars to label."""
    bars = len(spec.categories) * max(1, len(spec.series))
    if bars > LABEL_MAX_BARS:
        return None
    return ".0%" if spec.value_format == "percent" else axis_fmt


def _add_reference(fig, spec, cats, hover_fmt):
    """A mark across each category's bars at its reference value (the average), one legend entry."""
    horizontal = spec.horizontal
    values = dict(x=spec.reference, y=cats) if horizontal else dict(x=cats, y=spec.reference)
    fig.add_scatter(**values, mode="markers", name=spec.reference_name,
                    marker=dict(symbol="line-ns-open" if horizontal else "line-ew-open", color=palette.REFERENCE,
                                size=REFERENCE_MARK_PX * max(1, len(spec.series)) if spec.bar_mode == "group"
                                else REFERENCE_MARK_PX, line=dict(width=2, color=palette.REFERENCE)),
                    hovertemplate=f"%{{{'y' if horizontal else 'x'}}}<br>{spec.reference_name}: "
                                  f"%{{{'x' if horizontal else 'y'}:{hover_fmt}}}<extra></extra>")


def _add_side_labels(fig, spec):
    """Over a diverging chart, which side is which, each in its side's colour, at the two ends of the value axis."""
    colors = [s.color or "#444" for s in spec.series[:2]] + ["#444", "#444"]
    for (label, color, x, anchor) in ((spec.side_labels[0], colors[1], 0, "left"),
                                      (spec.side_labels[1], colors[0], 1, "right")):
        fig.add_annotation(text=f"<b>{label}</b>", xref="paper", yref="paper", x=x, y=1, xanchor=anchor,
                           yanchor="bottom", yshift=4, showarrow=False, font=dict(size=13, color=color))


REFERENCE_MARK_PX = 12     # the mark spans the bars of its category: this many pixels per bar


def _cell(v, value_format):
    if v is None:
        return ""
    if value_format == "percent":
        return f"{v:.0%}" if v else ""
    if value_format == "count":
        return f"{int(v):,}" if v else ""
    return f"{v:.3g}"
