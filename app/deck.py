"""ChartSpec -> 16:9 PowerPoint deck with native, editable charts.

Leaders' slides are edited after export (colours, wording, order), so every
chart is a real PowerPoint chart with its data in the embedded workbook, not
a picture; a heatmap becomes a table with coloured cells. Chinese text is set
in Microsoft YaHei as the East Asian font (a:ea), which PowerPoint uses for
CJK characters; the Latin font alone would leave Chinese in a fallback font.
No browser is involved.
"""
import datetime as dt
import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from app import palette
from app.chartspec import ChartSpec
from app.i18n import t

FONT = "Microsoft YaHei"
FONT_EA = "微软雅黑"
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK = RGBColor(0x22, 0x22, 0x22)
GREY = RGBColor(0x66, 0x66, 0x66)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
NUMBER_FORMATS = {"percent": "0.0%", "count": "#,##0", "number": "#,##0.##"}
def _tx(key, lang, **kwargs):
    return t("slide." + key, lang, **kwargs)


# ------------------------------------------------------------------ fonts

_EA_SUCCESSORS = ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")


def set_east_asian(rpr, typeface=FONT_EA):
    """Set <a:ea typeface> on a run-properties element (a:rPr, a:defRPr, a:endParaRPr).

    python-pptx only writes a:latin; a:ea must follow a:latin and precede a:cs etc.
    """
    for old in rpr.findall(qn("a:ea")):
        rpr.remove(old)
    ea = rpr.makeelement(qn("a:ea"), {"typeface": typeface})
    successor = next((rpr.find(qn(tag)) for tag in _EA_SUCCESSORS if rpr.find(qn(tag)) is not None), None)
    if successor is not None:
        successor.addprevious(ea)
    else:
        rpr.append(ea)
    return ea


def _style_font(font, size=None, bold=None, color=None):
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    set_east_asian(font._rPr)


def _write(text_frame, lines, size, bold=False, color=INK, align=None):
    """Replace a text frame's content with lines, each a paragraph in the deck font."""
    text_frame.word_wrap = True
    text_frame.clear()
    for i, line in enumerate(lines):
        p = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = line
        _style_font(run.font, size, bold, color)


def _textbox(slide, left, top, width, height, lines, size, bold=False, color=INK, align=None, anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.vertical_anchor = anchor
    _write(box.text_frame, lines, size, bold, color, align)
    return box


def _notes(slide, text):
    _write(slide.notes_slide.notes_text_frame, text.split("\n"), 12)


def _rgb(hex_color):
    return RGBColor(*palette.rgb(hex_color))


# ------------------------------------------------------------------ filters

def describe_filters(filters, labels, lang="zh"):
    """The filters in force as readable lines (regions, years, document types, themes, measure)."""
    sep = ", " if lang == "en" else "、"
    colon = ": " if lang == "en" else "："

    def names(values, mapping, all_key):
        return sep.join(str(mapping.get(v, v)) for v in values) if values else t(all_key, lang)

    lines = [
        t("regions", lang) + colon + names(filters.regions, labels.region_name, "chart_all_regions"),
        t("years", lang) + colon + (sep.join(str(y) for y in sorted(filters.years)) if filters.years
                                    else t("chart_all_years", lang)),
        t("doc_types", lang) + colon + names(filters.doc_types, labels.doc_type_name, "chart_all_types"),
        t("themes", lang) + colon + names(filters.themes, labels.theme_name, "all"),
        t("measure", lang) + colon + t(f"measure_{filters.measure}", lang)
        + (" · " + t("mode", lang) + colon + t(f"mode_{filters.mode}", lang)),
    ]
    return lines


# ------------------------------------------------------------------ charts

def chart_type(spec: ChartSpec):
    """The XL_CHART_TYPE a spec becomes (None for a heatmap, which becomes a table)."""
    horizontal = spec.horizontal
    if spec.kind == "bar":
        return XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    if spec.kind == "stacked_bar":
        return XL_CHART_TYPE.BAR_STACKED if horizontal else XL_CHART_TYPE.COLUMN_STACKED
    if spec.kind == "line":
        return XL_CHART_TYPE.LINE_MARKERS
    if spec.kind == "radar":
        return XL_CHART_TYPE.RADAR_MARKERS
    if spec.kind == "pie":
        return XL_CHART_TYPE.PIE
    return None


def _clean(v):
    """Chart caches hold floats; None stays a gap."""
    return None if v is None or v != v else float(v)


def _chart_data(spec):
    data = CategoryChartData(number_format=NUMBER_FORMATS.get(spec.value_format, "General"))
    categories = [str(c) for c in spec.categories]
    series = spec.series[:1] if spec.kind == "pie" else spec.series
    data.categories = categories
    for s in series:
        data.add_series(s.name, [_clean(v) for v in s.values])
    if spec.reference:
        # A native chart has no reference mark across its bars: the reference is a last, grey series.
        data.add_series(spec.reference_name, [_clean(v) for v in spec.reference])
    return data


def _style_text_props(chart, size):
    """Deck font (with East Asian typeface) for all text in a chart."""
    chart.font.name = FONT
    chart.font.size = Pt(size)
    chart.font.color.rgb = INK
    set_east_asian(chart.font._rPr)


def _colour_series(chart, spec):
    ctype = chart.chart_type
    plot = chart.plots[0]
    if ctype == XL_CHART_TYPE.PIE:
        colors = spec.column_colors or [palette.series_color(i) for i in range(len(spec.categories))]
        for point, color in zip(plot.series[0].points, colors):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(color)
        return
    colors = [s.color or palette.series_color(i) for i, s in enumerate(spec.series)]
    if spec.reference:
        colors.append(palette.REFERENCE)
    for ser, color in zip(plot.series, colors):
        color = _rgb(color)
        if ctype in (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.RADAR_MARKERS):
            ser.format.line.color.rgb = color
            ser.format.line.width = Pt(2.25)
            ser.smooth = False
            ser.marker.format.fill.solid()
            ser.marker.format.fill.fore_color.rgb = color
            ser.marker.format.line.color.rgb = color
        else:
            ser.format.fill.solid()
            ser.format.fill.fore_color.rgb = color
            ser.invert_if_negative = False


def _exclusive(spec):
    """True when each category has a value in at most one series (keyness A/B, rose/fell)."""
    return len(spec.series) > 1 and all(
        sum(1 for s in spec.series if _clean(s.values[i]) is not None) <= 1 for i in range(len(spec.categories)))


def _value_axis_at_last_category(value_axis):
    """valAx/c:crosses = max: the value axis meets the category axis at its last category.

    python-pptx's `crosses` setter writes the other axis's element, so we set ours directly.
    """
    element = value_axis._element
    element._remove_crosses()
    element._remove_crossesAt()
    element._add_crosses(val=XL_AXIS_CROSSES.MAXIMUM)


def add_chart(slide, spec, left, top, width, height):
    """A native chart for the spec, coloured like the screen, with axis formats and legend."""
    ctype = chart_type(spec)
    frame = slide.shapes.add_chart(ctype, left, top, width, height, _chart_data(spec))
    chart = frame.chart
    many = len(spec.categories) > 20
    _style_text_props(chart, 10 if many else 12)
    chart.has_title = False
    chart.has_legend = ctype == XL_CHART_TYPE.PIE or len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.RIGHT if ctype == XL_CHART_TYPE.PIE else XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    _colour_series(chart, spec)
    number_format = NUMBER_FORMATS.get(spec.value_format, "General")
    if ctype == XL_CHART_TYPE.PIE:
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = "0.0%" if spec.value_format == "percent" else number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        return frame
    value_axis = chart.value_axis
    value_axis.tick_labels.number_format = number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    if spec.kind == "stacked_bar" and spec.value_format == "percent":
        value_axis.maximum_scale = 1.0
        value_axis.minimum_scale = 0.0
    if spec.y_title and ctype != XL_CHART_TYPE.RADAR_MARKERS:
        value_axis.has_title = True
        _write(value_axis.axis_title.text_frame, [spec.y_title], 11, color=GREY)
    if ctype in (XL_CHART_TYPE.BAR_STACKED, XL_CHART_TYPE.BAR_CLUSTERED) and spec.bar_mode != "relative":
        # As on screen: the first category on top (PowerPoint, like Plotly, starts at the bottom);
        # the value axis then crosses at the last category to stay below the bars.
        chart.category_axis.reverse_order = True
        _value_axis_at_last_category(value_axis)
    if any(v is not None and v < 0 for s in spec.series for v in map(_clean, s.values)):
        # Labels beside the zero line would sit on the negative bars.
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    plot = chart.plots[0]
    if ctype in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED):
        plot.gap_width = 60
        plot.overlap = 100 if _exclusive(spec) else -10
    elif ctype in (XL_CHART_TYPE.BAR_STACKED, XL_CHART_TYPE.COLUMN_STACKED):
        plot.gap_width = 50
        plot.overlap = 100
    return frame


def _heat_text(v, value_format):
    if v is None or v != v:
        return ""
    if value_format == "percent":
        return f"{v:.1%}"
    if value_format == "count":
        return f"{v:,.0f}"
    return f"{v:,.4g}"


def _cell_text(cell, text, size, bold=False, color=INK, align=PP_ALIGN.CENTER):
    cell.margin_left = cell.margin_right = Inches(0.04)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    _write(cell.text_frame, [text], size, bold, color, align)


def add_heatmap_table(slide, spec, left, top, width, height):
    """A heatmap as a native table: one row per series, one column per category, cells shaded by value.

    Shading is relative to the largest value in the table; headers take the column colours.
    """
    n_rows, n_cols = len(spec.series) + 1, len(spec.categories) + 1
    row_h = min(Inches(0.6), Emu(int(height / n_rows)))
    frame = slide.shapes.add_table(n_rows, n_cols, left, top, width, Emu(row_h * n_rows))
    table = frame.table
    first_w = Inches(1.9)
    table.columns[0].width = first_w
    other_w = Emu(int((width - first_w) / max(1, n_cols - 1)))
    for j in range(1, n_cols):
        table.columns[j].width = other_w
    for i in range(n_rows):
        table.rows[i].height = row_h
    size = 11 if n_cols <= 10 else 9
    values = [_clean(v) for s in spec.series for v in s.values]
    vmax = max((v for v in values if v is not None), default=0) or 1.0
    header = table.cell(0, 0)
    _cell_text(header, spec.y_title, size, bold=True, color=GREY)
    header.fill.solid()
    header.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for j, cat in enumerate(spec.categories, start=1):
        color = spec.column_colors[j - 1] if j - 1 < len(spec.column_colors) else palette.HEAT_DEFAULT
        cell = table.cell(0, j)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(color)
        _cell_text(cell, str(cat), size, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
    for i, s in enumerate(spec.series, start=1):
        cell = table.cell(i, 0)
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor(0xF2, 0xF2, 0xF2)
        _cell_text(cell, s.name, size, bold=True, align=PP_ALIGN.LEFT)
        for j, v in enumerate(s.values, start=1):
            cell = table.cell(i, j)
            v = _clean(v)
            level = 0.0 if v is None else max(0.0, min(1.0, v / vmax))
            color = spec.column_colors[j - 1] if j - 1 < len(spec.column_colors) else palette.HEAT_DEFAULT
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(palette.mix_white(color, 1.0 - 0.85 * level))
            _cell_text(cell, _heat_text(v, spec.value_format), size,
                       color=RGBColor(0xFF, 0xFF, 0xFF) if level > 0.6 else INK)
    return frame


# ------------------------------------------------------------------ slides

def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])


def add_title_slide(prs, lang, filter_lines, date, n_charts, title=None):
    slide = _blank(prs)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(0.25))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    _textbox(slide, Inches(0.9), Inches(1.6), SLIDE_W - Inches(1.8), Inches(1.4),
             [title or _tx("deck_title", lang)], 40, bold=True, color=ACCENT, anchor=MSO_ANCHOR.BOTTOM)
    date_text = f"{date.year}年{date.month}月{date.day}日" if lang != "en" else date.isoformat()
    _textbox(slide, Inches(0.9), Inches(3.1), SLIDE_W - Inches(1.8), Inches(0.5),
             [_tx("made", lang, date=date_text) + " · " + _tx("n_charts", lang, n=n_charts)], 18, color=GREY)
    _textbox(slide, Inches(0.9), Inches(3.9), SLIDE_W - Inches(1.8), Inches(3.0),
             [_tx("filters", lang)] + list(filter_lines), 16, color=INK)
    _notes(slide, _tx("title_notes", lang))
    return slide


def add_chart_slide(prs, spec, lang):
    """Title (the comparison), scope line, native chart or table, source line; notes say how it was computed."""
    slide = _blank(prs)
    width = SLIDE_W - 2 * MARGIN
    _textbox(slide, MARGIN, Inches(0.3), width, Inches(0.75), [spec.title], 26, bold=True, color=ACCENT,
             anchor=MSO_ANCHOR.BOTTOM)
    if spec.subtitle:
        _textbox(slide, MARGIN, Inches(1.05), width, Inches(0.4), [spec.subtitle], 13, color=GREY)
    top, bottom = Inches(1.5), SLIDE_H - Inches(0.85)
    if spec.kind == "heatmap":
        add_heatmap_table(slide, spec, MARGIN, top, width, bottom - top)
    else:
        add_chart(slide, spec, MARGIN, top, width, bottom - top)
    if spec.source:
        _textbox(slide, MARGIN, SLIDE_H - Inches(0.8), width, Inches(0.6), [spec.source],
                 9 if len(spec.source) > 160 else 11, color=GREY)
    notes = [_tx("how", lang) + (spec.notes or "")]
    if spec.subtitle:
        notes.append(_tx("shown", lang) + spec.subtitle)
    if spec.source:
        notes.append(spec.source)
    _notes(slide, "\n".join(notes))
    return slide


def build_deck(specs, lang="zh", filter_lines=(), date=None, title=None):
    """A Presentation: title slide, then one slide per non-empty spec, in order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    specs = [s for s in specs if s is not None and not s.is_empty]
    add_title_slide(prs, lang, filter_lines, date or dt.date.today(), len(specs), title)
    for spec in specs:
        add_chart_slide(prs, spec, lang)
    return prs


def deck_bytes(specs, lang="zh", filter_lines=(), date=None, title=None):
    """The deck as .pptx bytes (for a download button or a file)."""
    buf = io.BytesIO()
    build_deck(specs, lang, filter_lines, date, title).save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ leaders' view (issue 12)

# Brief slide: sections in a 2 x 2 grid; body text size that fits a section of about eight lines.
BRIEF_BODY_PT = 10
# Rows of the initiative table per slide (a header row comes on top of each).
INITIATIVE_ROWS = 14


def _write_segments(text_frame, lines, size, base, lang):
    """Lines of (text, Link | None) segments as paragraphs; linked segments are hyperlinks to the dashboard."""
    text_frame.word_wrap = True
    text_frame.clear()
    for i, line in enumerate(lines):
        p = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        for text, link in line:
            run = p.add_run()
            run.text = text
            if link is not None:
                run.hyperlink.address = link.href(base, lang)
            _style_font(run.font, size, None, ACCENT if link is not None else INK)


def add_brief_slide(prs, brief, lang, base):
    """A place's brief on one slide: title “<place>简报”, its documents, then the four sections as text boxes."""
    from pptx.enum.text import MSO_AUTO_SIZE
    slide = _blank(prs)
    width = SLIDE_W - 2 * MARGIN
    _textbox(slide, MARGIN, Inches(0.3), width, Inches(0.75), [brief.title], 26, bold=True, color=ACCENT,
             anchor=MSO_ANCHOR.BOTTOM)
    _textbox(slide, MARGIN, Inches(1.05), width, Inches(0.4), [brief.subtitle], 13, color=GREY)
    gap = Inches(0.25)
    col_w = Emu(int((width - gap) / 2))
    top0, row_h = Inches(1.55), Inches(2.85)
    for n, sec in enumerate(brief.sections[:4]):
        left = MARGIN + (col_w + gap) * (n % 2)
        top = top0 + (row_h + Inches(0.1)) * (n // 2)
        _textbox(slide, left, top, col_w, Inches(0.35), [sec.heading], 14, bold=True, color=ACCENT)
        box = slide.shapes.add_textbox(left, top + Inches(0.35), col_w, row_h - Inches(0.35))
        box.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        _write_segments(box.text_frame, sec.lines, BRIEF_BODY_PT, base, lang)
    _notes(slide, brief.text())
    return slide


def add_initiative_table_slides(prs, title, headers, rows):
    """The initiative table as native tables: rows of cell texts, INITIATIVE_ROWS per slide."""
    slides = []
    width = SLIDE_W - 2 * MARGIN
    for start in range(0, max(1, len(rows)), INITIATIVE_ROWS):
        chunk = rows[start:start + INITIATIVE_ROWS]
        slide = _blank(prs)
        _textbox(slide, MARGIN, Inches(0.3), width, Inches(0.75),
                 [title if start == 0 else title + " · " + str(start // INITIATIVE_ROWS + 1)], 26, bold=True,
                 color=ACCENT, anchor=MSO_ANCHOR.BOTTOM)
        row_h = Inches(0.38)
        frame = slide.shapes.add_table(len(chunk) + 1, len(headers), MARGIN, Inches(1.3), width,
                                       Emu(row_h * (len(chunk) + 1)))
        table = frame.table
        first_w = Inches(4.0)
        table.columns[0].width = first_w
        for j in range(1, len(headers)):
            table.columns[j].width = Emu(int((width - first_w) / max(1, len(headers) - 1)))
        for j, h in enumerate(headers):
            _cell_text(table.cell(0, j), h, 11, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
            table.cell(0, j).fill.solid()
            table.cell(0, j).fill.fore_color.rgb = ACCENT
        for i, row in enumerate(chunk, start=1):
            for j, text in enumerate(row):
                _cell_text(table.cell(i, j), str(text), 10, align=PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER)
        slides.append(slide)
    return slides


def initiative_matrix(rows, places, place_names, per_place=3):
    """Initiative table rows: shared initiatives first, then each place's most-named unique ones.

    `rows`: queries.initiative_years records (name_norm, region_id, years, name, mentions); a cell holds the
    years a place names the initiative.
    """
    years, first_name, mentions = {}, {}, {}
    for r in rows.itertuples():
        years.setdefault(r.name_norm, {})[r.region_id] = {int(y) for y in r.years}
        first_name[r.name_norm] = r.name
        mentions[r.name_norm] = int(r.mentions)
    shared = sorted((k for k, v in years.items() if len(v) > 1), key=lambda k: (-len(years[k]), -mentions[k], k))
    chosen = list(shared)
    for p in places:
        unique = sorted((k for k, v in years.items() if list(v) == [p]), key=lambda k: (-mentions[k], k))
        chosen += unique[:per_place]
    out = []
    for k in chosen:
        out.append([first_name[k]] + ["、".join(str(y) for y in sorted(years[k].get(p, ()))) for p in places])
    headers = [place_names.get(p, p) for p in places]
    return headers, out


def briefs_deck_bytes(specs, briefs, initiative_title, initiative_headers, initiative_rows, lang="zh",
                      filter_lines=(), date=None, title=None, base=""):
    """The chart deck, then one brief slide per place and the initiative table (native objects)."""
    prs = build_deck(specs, lang, filter_lines, date, title)
    for b in briefs:
        add_brief_slide(prs, b, lang, base)
    if initiative_rows:
        add_initiative_table_slides(prs, initiative_title, initiative_headers, initiative_rows)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def brief_slide_bytes(brief, lang="zh", base=""):
    """One brief as a one-slide .pptx (the brief page's download)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    add_brief_slide(prs, brief, lang, base)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
