"""File exports of one chart: PNG and SVG (Plotly + kaleido), CSV and Excel (its data).

Images are drawn server-side by kaleido 1.x, which drives a Chrome-family
browser through choreographer. We point it at Debian's chromium through the
BROWSER_PATH variable that choreographer reads, so no browser is downloaded;
fonts-noto-cjk lets Chinese render. CSV and Excel need no browser.
"""
import io
import os
import shutil
import threading
from pathlib import Path

import pandas as pd

from app.chartspec import ChartSpec

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Seconds one image may take: kaleido's 90 is short when the browser starts on a busy machine.
RENDER_TIMEOUT = 240
# Starting the browser is what fails under load (it closes or misses its start-up window): try again this often.
RENDER_ATTEMPTS = 3
WIDTH = 1280               # the slide's width at 96 dpi
PNG_SCALE = 2              # crisp on projectors
# kaleido starts a browser per call; serialising calls keeps one at a time on the server.
_LOCK = threading.Lock()


def chromium_path():
    """The browser kaleido will use: $BROWSER_PATH, else Debian's chromium, else one on PATH (or None)."""
    for candidate in (os.environ.get("BROWSER_PATH"), DEFAULT_CHROMIUM, shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def image_unavailable(lang="zh"):
    """Why PNG/SVG cannot be made here (a sentence for the button's help), or None when they can."""
    if chromium_path():
        return None
    if lang == "en":
        return "PNG/SVG need Chromium on the server (apt-get install chromium); CSV, Excel and PowerPoint still work."
    return "服务器未安装 Chromium，无法生成 PNG/SVG（apt-get install chromium）；CSV、Excel 和 PPT 导出不受影响。"


class ImageExportError(RuntimeError):
    """Raised when no browser is available for image export."""


def _render(spec: ChartSpec, fmt, width, height, scale):
    from app.plotly_charts import figure
    browser = chromium_path()
    if browser is None:
        raise ImageExportError(image_unavailable("en"))
    os.environ["BROWSER_PATH"] = browser
    fig = figure(spec)
    # Without an explicit height the figure's own (grown for long category lists) is kept.
    height = height or fig.layout.height or round(width * 9 / 16)
    fig.update_layout(title_x=0.01)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with _LOCK:
        return _calc_when_ready(fig.to_dict(), opts)


def _calc_when_ready(fig_dict, opts):
    """kaleido's render, once its browser answers: a browser that fails to start is started again."""
    import kaleido
    import plotly.io as pio
    from kaleido import errors

    # The same page settings plotly's own to_image passes, plus our timeout.
    kopts = {"timeout": RENDER_TIMEOUT, **{k: getattr(pio.defaults, k) for k in ("plotlyjs", "mathjax", "headers")
                                           if getattr(pio.defaults, k, None)}}
    retry = (errors.BrowserFailedError, errors.BrowserClosedError, TimeoutError)
    for attempt in range(1, RENDER_ATTEMPTS + 1):
        try:
            return kaleido.calc_fig_sync(fig_dict, opts=opts, topojson=pio.defaults.topojson, kopts=kopts)
        except retry:
            if attempt == RENDER_ATTEMPTS:
                raise


def to_png(spec: ChartSpec, width=WIDTH, height=None, scale=PNG_SCALE) -> bytes:
    """The chart as a PNG of width*scale × height*scale pixels (height: the figure's own by default)."""
    return _render(spec, "png", width, height, scale)


def to_svg(spec: ChartSpec, width=WIDTH, height=None) -> bytes:
    """The chart as SVG (vector: editable in Illustrator/Inkscape, sharp at any size)."""
    return _render(spec, "svg", width, height, 1)


def data_frame(spec: ChartSpec) -> pd.DataFrame:
    """The chart's numbers; a heatmap's rows are its series, so the table reads the same way as the chart."""
    if spec.kind == "heatmap":
        frame = pd.DataFrame([s.values for s in spec.series], columns=list(spec.categories),
                             index=[s.name for s in spec.series])
        frame.index.name = spec.y_title or "row"
        return frame.reset_index()
    return spec.to_frame()


def to_csv(spec: ChartSpec) -> bytes:
    """UTF-8 with BOM so Excel opens Chinese CSV correctly."""
    return data_frame(spec).to_csv(index=False).encode("utf-8-sig")


def to_excel(spec: ChartSpec) -> bytes:
    """An .xlsx with the data (percent-formatted shares) and a second sheet describing the chart."""
    frame = data_frame(spec)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        sheet = writer.sheets["data"]
        number_format = {"percent": "0.0%", "count": "#,##0"}.get(spec.value_format, "General")
        for col in sheet.iter_cols(min_row=2, min_col=2):
            for cell in col:
                cell.number_format = number_format
        sheet.column_dimensions["A"].width = max(12, min(60, max((len(str(v)) for v in frame.iloc[:, 0]), default=0) * 2))
        about = pd.DataFrame({"field": ["title", "subtitle", "source", "notes", "value_format", "key"],
                              "value": [spec.title, spec.subtitle, spec.source, spec.notes, spec.value_format, spec.key]})
        about.to_excel(writer, sheet_name="about", index=False)
    return buf.getvalue()


def file_stem(spec: ChartSpec, fallback="chart"):
    """A file name for downloads: the spec key (ASCII, stable)."""
    return spec.key or fallback
