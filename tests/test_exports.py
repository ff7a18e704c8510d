"""Chart file exports: PNG and SVG through kaleido and Debian's chromium, CSV and Excel of the chart's data.

Specs come from the real builders on the seed warehouse; files are reopened
with independent readers (PNG header, XML parser, csv, openpyxl).
"""
import csv
import io
import struct
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from app import images
from app.chartdata import CHARTS
from app.filters import Filters

needs_chromium = pytest.mark.skipif(images.chromium_path() is None, reason="no Chromium on this machine")


@pytest.fixture(scope="module")
def share_spec(con):
    return CHARTS["theme_share_bar"](con, Filters(), "zh")


@pytest.fixture(scope="module")
def heatmap_spec(con):
    return CHARTS["theme_heatmap"](con, Filters(), "zh")


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_png_has_the_asked_size(share_spec):
    data = images.to_png(share_spec, width=800, height=450, scale=2)
    assert png_size(data) == (1600, 900)
    assert len(data) > 20_000  # a drawn chart, not an empty canvas


@needs_chromium
def test_svg_parses_with_size_and_chinese_title(share_spec):
    data = images.to_svg(share_spec, width=960, height=540)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert (root.get("width"), root.get("height")) == ("960", "540")
    text = "".join(root.itertext())
    assert "各地区各年份的主题占比（按句数）" in text
    assert "党的建设" in text


def test_no_browser_gives_a_reason_instead_of_failing(share_spec, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    monkeypatch.setattr(images, "DEFAULT_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    assert images.chromium_path() is None
    assert "Chromium" in images.image_unavailable("zh") and "PPT" in images.image_unavailable("zh")
    assert "Chromium" in images.image_unavailable("en")
    with pytest.raises(images.ImageExportError):
        images.to_png(share_spec)
    # Data exports need no browser.
    assert images.to_csv(share_spec)


def _csv_rows(data):
    assert data[:3] == b"\xef\xbb\xbf"  # BOM: Excel reads the Chinese correctly
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_holds_the_chart_rows(share_spec):
    rows = _csv_rows(images.to_csv(share_spec))
    assert rows[0] == [share_spec.x_title] + [s.name for s in share_spec.series] + [share_spec.reference_name]
    assert [r[0] for r in rows[1:]] == list(share_spec.categories)
    for j, s in enumerate(share_spec.series, start=1):
        assert [float(r[j]) for r in rows[1:]] == pytest.approx(s.values)
    assert [float(r[-1]) for r in rows[1:]] == pytest.approx(share_spec.reference)


def test_heatmap_csv_reads_like_the_chart(heatmap_spec):
    rows = _csv_rows(images.to_csv(heatmap_spec))
    assert rows[0][1:] == list(heatmap_spec.categories)
    assert [r[0] for r in rows[1:]] == [s.name for s in heatmap_spec.series]
    for r, s in zip(rows[1:], heatmap_spec.series):
        assert [float(x) for x in r[1:]] == pytest.approx(s.values)


@pytest.mark.parametrize("key", ["theme_share_bar", "theme_heatmap", "keyness_bar"])
def test_excel_reopens_with_the_same_rows(con, key):
    spec = CHARTS[key](con, Filters(), "zh")
    wb = openpyxl.load_workbook(io.BytesIO(images.to_excel(spec)))
    sheet = wb["data"]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    frame = images.data_frame(spec)
    assert got[0] == list(frame.columns)
    assert len(got) == len(frame) + 1
    for row, (_, want) in zip(got[1:], frame.iterrows()):
        assert row[0] == want.iloc[0]
        assert [None if v is None else float(v) for v in row[1:]] == pytest.approx(
            [None if v != v else float(v) for v in want.iloc[1:]])
    if spec.value_format == "percent":
        assert sheet.cell(2, 2).number_format == "0.0%"
    about = dict(wb["about"].iter_rows(min_row=2, values_only=True))
    assert about["title"] == spec.title and about["source"] == spec.source
