"""Load stage and whole builds: schema, atomic swap, determinism, bad documents, quality."""
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import etl.load
from etl.cli import main as cli_main
from etl.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"


def _rows(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_public_schema_columns(built_warehouse):
    expected = {
        "regions": {"region_id", "name_zh", "name_en", "province", "city", "district", "subdistrict", "level"},
        "documents": {"doc_id", "source_file", "region_id", "year", "year_inferred", "doc_type", "title",
                      "published", "script", "n_chars", "sha256"},
        "sentences": {"doc_id", "sent_no", "section", "text", "text_simplified", "char_start", "char_end"},
        "themes": {"theme", "name_zh", "name_en", "color"},
        "sentence_themes": {"doc_id", "sent_no", "theme", "score", "evidence"},
        "facts": {"doc_id", "sent_no", "surface", "value", "value_max", "unit", "kind", "comparator",
                  "approximate", "indicator", "theme"},
        "terms": {"doc_id", "term", "count"},
        "initiatives": {"doc_id", "sent_no", "name", "name_norm", "theme", "char_start", "char_end", "rule"},
        "fact_links": {"target_fact_id", "achievement_fact_id", "region_id", "target_doc_id", "target_sent_no",
                       "achievement_doc_id", "achievement_sent_no", "unit", "tokens", "score", "progress", "rule"},
    }
    for table, columns in expected.items():
        got = {r[0] for r in _rows(built_warehouse, "select column_name from information_schema.columns where table_name = ?", [table])}
        assert columns <= got, (table, columns - got)


def test_seed_metadata_and_regions(built_warehouse):
    docs = dict(_rows(built_warehouse, "select source_file, region_id || ':' || year || ':' || doc_type || ':' || script from documents"))
    assert docs == {
        "000_2f0f695204b7557d.txt": "binhai:2016:article:traditional",
        "001_3dde43c3253f4fbc.txt": "qingdao:2020:article:traditional",
        "002_87c5de217289fb41.txt": "binhai:2023:plan:simplified",
        "003_2cec1110e9bbf6af.txt": "binhai_new_area:2013:priorities:simplified",
        "004_450e182e794b4c39.txt": "xiangshan:2023:summary:simplified",
    }
    assert _rows(built_warehouse, "select year_inferred from documents where region_id = 'qingdao'") == [(True,)]
    assert [r[0] for r in _rows(built_warehouse, "select published::varchar from documents where doc_type in ('plan', 'priorities') order by year")] == ["2013-03-27", "2023-04-03"]
    assert dict(_rows(built_warehouse, "select region_id, level from regions")) == {
        "binhai": "subdistrict", "binhai_new_area": "district", "qingdao": "subdistrict", "xiangshan": "subdistrict",
        "dalian": "city"}


def test_sentences_are_exact_substrings_of_the_clean_text(built_warehouse):
    bad = _rows(built_warehouse, """
        select s.doc_id, s.sent_no from sentences s join document_texts t using (doc_id)
        where substr(t.text, s.char_start + 1, s.char_end - s.char_start) <> s.text""")
    assert bad == []
    furniture = _rows(built_warehouse, "select count(*) from sentences where text like '%扫一扫%' or text like '%当前位置%'")
    assert furniture == [(0,)]


def test_fact_surfaces_point_into_the_text(built_warehouse):
    bad = _rows(built_warehouse, """
        select f.fact_id from facts f join document_texts t using (doc_id)
        where substr(t.text, f.char_start + 1, f.char_end - f.char_start) <> f.surface""")
    assert bad == []
    assert _rows(built_warehouse, "select value, unit, kind from facts where surface = '16.1亿元'") == [(1.61e9, "元", "achievement")]


def test_extraction_quality_against_gold(built_warehouse):
    from eval.score import score
    result = score(str(built_warehouse), str(GOLD))
    assert result["missing_docs"] == []
    assert result["themes"]["f1"] >= 0.85, result["themes"]
    assert result["facts"]["f1"] >= 0.95, result["facts"]
    assert result["facts"]["kind_acc"] >= 0.93, result["facts"]
    stored = dict(_rows(built_warehouse, "select key, value from build_info where key like 'score_%'"))
    assert float(stored["score_themes_f1"]) == pytest.approx(result["themes"]["f1"], abs=1e-3)


def test_rebuild_of_unchanged_input_gives_the_same_content(built_warehouse, tmp_path):
    again = tmp_path / "again.duckdb"
    build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", again)
    for table in ("documents", "sentences", "sentence_themes", "facts", "terms", "keywords"):
        sql = f"select * from {table} order by all"
        assert _rows(again, sql) == _rows(built_warehouse, sql), table
    key = "select value from build_info where key = 'content_hash'"
    assert _rows(again, key) == _rows(built_warehouse, key)


def test_failed_build_leaves_the_previous_warehouse_untouched(built_warehouse, tmp_path, monkeypatch):
    target = tmp_path / "warehouse.duckdb"
    target.write_bytes(Path(built_warehouse).read_bytes())
    before = _digest(target)

    def interrupted(con, n_docs):
        raise KeyboardInterrupt("build interrupted while writing")
    monkeypatch.setattr(etl.load, "insert_keywords", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", target, workers=1)
    assert _digest(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["warehouse.duckdb"]


def test_killed_build_leaves_a_whole_warehouse(built_warehouse, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    target.write_bytes(Path(built_warehouse).read_bytes())
    before = _digest(target)
    proc = subprocess.Popen([sys.executable, "-m", "etl", "build", "--quiet", "--warehouse", str(target)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if _digest(target) != before:      # the swap happened before the kill: it must be complete
        assert _rows(target, "select count(*) from documents") == [(5,)]
    assert _rows(target, "select count(*) from documents") == [(5,)]


def test_one_bad_document_does_not_stop_the_others(seeds_copy, tmp_path, capsys):
    (seeds_copy / "004_450e182e794b4c39.txt").write_bytes(b"\x00\x01 not text \x00")
    warehouse = tmp_path / "w.duckdb"
    status = cli_main(["build", "--seeds", str(seeds_copy), "--warehouse", str(warehouse), "--workers", "2"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "004_450e182e794b4c39.txt" in err and "binary" in err
    assert _rows(warehouse, "select count(*) from documents") == [(4,)]
    assert "documents 4" in out and "sentences per theme" in out


def test_manifest_errors_are_reported_by_file(seeds_copy, tmp_path, capsys):
    manifest = seeds_copy / "manifest.csv"
    text = manifest.read_text(encoding="utf-8").replace("004_450e182e794b4c39.txt,xiangshan", "004_450e182e794b4c39.txt,atlantis")
    manifest.write_text(text, encoding="utf-8")
    (seeds_copy / "stray.txt").write_text("街道工作计划。", encoding="utf-8")
    status = cli_main(["build", "--seeds", str(seeds_copy), "--warehouse", str(tmp_path / "w.duckdb"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert "004_450e182e794b4c39.txt: unknown region 'atlantis'" in err.replace("could not load ", "")
    assert "stray.txt" in err and "not in the manifest" in err


def test_build_if_stale_skips_an_up_to_date_warehouse(tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    assert cli_main(["build", "--warehouse", str(warehouse), "--quiet", "--if-stale"]) == 0
    mtime = warehouse.stat().st_mtime_ns
    assert cli_main(["build", "--warehouse", str(warehouse), "--quiet", "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert warehouse.stat().st_mtime_ns == mtime
