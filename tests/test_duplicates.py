"""Duplicates are the same text, not the same bytes: one document saved as .txt, .docx and .html loads once."""
import duckdb
import pytest

from etl import cli, ingest, pipeline
from etl.config import ROOT
from etl.ingest import Overrides, Paths
from etl.manifest import DocumentMeta, write_manifest
from etl.normalize import text_key

LINES = ["甲乙街道2024年工作计划", "一、总体要求",
         "2024年，某市某区甲乙街道将坚持党建引领，推进基层治理现代化。",
         "二、重点任务", "（一）抓好就业创业。全年新增就业岗位不少于3000个，完成职业技能培训500人次。",
         "（二）改善人居环境。完成老旧小区改造12个，新增绿化面积2万平方米。"]


def _txt(path):
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def _docx(path):
    import docx
    document = docx.Document()
    document.add_heading(LINES[0], level=1)
    for line in LINES[1:]:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def _html(path):
    body = "".join(f"<p>{line}</p>\n" for line in LINES[1:])
    path.write_text(f"<html><head><meta charset='utf-8'><title>{LINES[0]}_某区人民政府</title></head><body>"
                    f"<div class='main'><h1>{LINES[0]}</h1>\n{body}</div></body></html>", encoding="utf-8")
    return path


FORMATS = {"plan.txt": _txt, "plan.docx": _docx, "plan.html": _html}


def test_text_key_folds_script_width_punctuation_and_white_space():
    base = text_key("大港街道2024年工作计划。\n全年新增就业3000人，完成改造12个。")
    assert text_key("大港街道2024年工作计划.  全年新增就业３０００人,完成改造12个.") == base
    assert text_key("大港街道2024年工作計劃。\r\n\u3000全年新增就業3000人，完成改造12個。") == base
    assert text_key("大港街道2024年工作计划。\n全年新增就业3001人，完成改造12个。") != base


def test_the_same_text_in_three_formats_reads_to_one_key(tmp_path):
    from etl.read import read_document
    keys = {name: text_key(read_document(make(tmp_path / name)).text) for name, make in FORMATS.items()}
    assert len(set(keys.values())) == 1, keys


@pytest.fixture
def empty_store(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_manifest(seeds / "manifest.csv", [])
    return Paths(seeds, seeds / "manifest.csv", tmp_path / "w.duckdb", ROOT / "config" / "regions.yaml",
                 tmp_path / "cache")


def test_add_refuses_the_same_text_in_another_format(empty_store, tmp_path, capsys):
    files = {name: make(tmp_path / name) for name, make in FORMATS.items()}
    first = ingest.add_files([("plan.txt", files["plan.txt"].read_bytes())], empty_store,
                             Overrides(region="binhai"), workers=1)
    (_, stored), = first.added
    manifest = empty_store.manifest.read_bytes()
    for name in ("plan.docx", "plan.html"):
        args = ["add", str(files[name]), "--region", "binhai", "--seeds", str(empty_store.seeds_dir),
                "--warehouse", str(empty_store.warehouse), "--workers", "1"]
        assert cli.main(args) == 0
        assert f"{name}: duplicate of already loaded {stored} (same text)" in capsys.readouterr().out
    assert empty_store.manifest.read_bytes() == manifest


def test_add_of_three_formats_at_once_keeps_the_first(empty_store, tmp_path):
    files = [(name, make(tmp_path / name).read_bytes()) for name, make in FORMATS.items()]
    report = ingest.add_files(files, empty_store, Overrides(region="binhai"), workers=1)
    (_, stored), = report.added
    assert report.duplicates == [("plan.docx", stored), ("plan.html", stored)]


def test_build_reports_and_skips_the_later_duplicate(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    metas = []
    for i, (name, make) in enumerate(FORMATS.items()):
        stored = f"{i:03d}_{name}"
        make(seeds / stored)
        metas.append(DocumentMeta(source_file=stored, region_id="binhai", year=2024, doc_type="plan", title=LINES[0]))
    warehouse, cache = tmp_path / "w.duckdb", tmp_path / "cache"
    # The later two are cached first: the earlier one, extracted afresh, must still be the one kept.
    write_manifest(seeds / "manifest.csv", metas[1:])
    (seeds / metas[0].source_file).rename(tmp_path / "aside")
    assert pipeline.build(seeds, seeds / "manifest.csv", warehouse, workers=1, cache_dir=cache).loaded == ["001_plan.docx"]
    (tmp_path / "aside").rename(seeds / metas[0].source_file)
    write_manifest(seeds / "manifest.csv", metas)
    report = pipeline.build(seeds, seeds / "manifest.csv", warehouse, workers=2, cache_dir=cache)
    assert report.cached == 2 and report.loaded == ["000_plan.txt"] and not report.failed
    assert report.duplicates == [("001_plan.docx", "000_plan.txt"), ("002_plan.html", "000_plan.txt")]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select source_file from documents").fetchall() == [("000_plan.txt",)]
    assert cli.main(["build", "--seeds", str(seeds), "--warehouse", str(warehouse), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "skipped 001_plan.docx: same text as 000_plan.txt" in out
    assert "skipped 002_plan.html: same text as 000_plan.txt" in out
