"""Extraction on every core: job order, per-document errors, dead workers, same warehouse as one process."""
import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from etl import pipeline
from etl.workers import CONTENT_NICENESS, TwoPoolExtraction, WorkerDied

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("documents", "document_texts", "sentences", "sentence_themes", "facts", "terms", "keywords")


def _content(job):
    if job == "bad":
        return None, "bad document"
    return (f"content of {job}", job.upper()), None


def _terms(text):
    if text == "SPOIL":
        return None, "terms failed"
    return {text: len(text)}, None


def _die_on_third(job):
    if job == "c":
        os._exit(7)
    return _content(job)


def test_results_come_in_job_order_with_per_job_errors():
    jobs = ["a", "bad", "c", "spoil", *[f"doc{i}" for i in range(20)]]
    with TwoPoolExtraction(jobs, _content, _terms, lambda: None, workers=2) as extraction:
        results = list(extraction)
    assert [i for i, *_ in results] == list(range(len(jobs)))
    assert results[0][1:] == ("content of a", {"A": 1}, None)
    assert results[1][1:] == (None, None, "bad document")
    assert results[3][2:] == (None, "terms failed")
    assert results[-1][1:] == ("content of doc19", {"DOC19": 5}, None)


def test_warm_up_runs_in_the_parent_before_the_term_workers_fork():
    """Term workers see what the warm-up loaded; content workers, forked before, do not."""
    loaded = []

    def content(job):
        return (bool(loaded), "x"), None

    def terms(text):
        return bool(loaded), None

    with TwoPoolExtraction(["a", "b", "c"], content, terms, lambda: loaded.append(1), workers=2) as extraction:
        results = list(extraction)
    assert [(content, terms) for _, content, terms, _ in results] == [(False, True)] * 3


def test_content_workers_yield_to_the_jieba_load_and_the_term_workers():
    def content(job):
        return (os.nice(0), "x"), None

    def terms(text):
        return os.nice(0), None

    with TwoPoolExtraction(["a", "b"], content, terms, lambda: None, workers=2) as extraction:
        results = list(extraction)
    parent = os.nice(0)
    assert {(content, terms) for _, content, terms, _ in results} == {(min(19, parent + CONTENT_NICENESS), parent)}


def test_a_dead_worker_stops_the_extraction_with_a_clear_error():
    with pytest.raises(WorkerDied, match="exit code 7"):
        with TwoPoolExtraction(["a", "b", "c", "d"], _die_on_third, _terms, lambda: None, workers=2) as extraction:
            list(extraction)


def test_a_dead_worker_leaves_the_previous_warehouse_untouched(built_warehouse, tmp_path, monkeypatch):
    target = tmp_path / "warehouse.duckdb"
    target.write_bytes(Path(built_warehouse).read_bytes())
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    real = pipeline._content_job
    monkeypatch.setattr(pipeline, "_content_job",
                        lambda job: os._exit(9) if job[1].source_file.startswith("003") else real(job))
    with pytest.raises(WorkerDied):
        pipeline.build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", target, workers=2, use_cache=False)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir()] == ["warehouse.duckdb"]


def test_both_cores_build_the_same_warehouse_as_one_process(tmp_path):
    paths = {}
    for workers in (1, 2):
        paths[workers] = tmp_path / f"w{workers}.duckdb"
        report = pipeline.build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", paths[workers],
                                workers=workers, use_cache=False)
        assert not report.failed
    for table in TABLES:
        sql = f"select * from {table} order by all"
        with duckdb.connect(str(paths[1]), read_only=True) as one, duckdb.connect(str(paths[2]), read_only=True) as two:
            assert one.execute(sql).fetchall() == two.execute(sql).fetchall(), table


def test_the_command_line_reports_a_dead_worker_and_an_interrupt(seeds_copy, tmp_path, monkeypatch, capsys):
    from etl import cache
    from etl.cli import main as cli_main
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "empty-cache")
    warehouse = tmp_path / "w.duckdb"
    argv = ["build", "--quiet", "--seeds", str(seeds_copy), "--warehouse", str(warehouse), "--workers", "2"]
    monkeypatch.setattr(pipeline, "_content_job", lambda job: os._exit(9))
    assert cli_main(argv) == 1
    assert "extraction worker ended abnormally (exit code 9)" in capsys.readouterr().err

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "build", interrupted)
    assert cli_main(argv) == 130
    assert f"build interrupted: {warehouse} was not changed" in capsys.readouterr().err
    assert not warehouse.exists()


def _hostile(path, meta, dictionary=None):
    """A document whose extraction runs over the memory budget (it stands in for a decompression bomb)."""
    if meta.source_file.startswith("002"):
        return len(bytearray(4 * 1024 ** 3))
    return _REAL_EXTRACT(path, meta, dictionary)


_REAL_EXTRACT = pipeline.extract_document


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_budget_is_refused_on_every_path_and_the_others_load(tmp_path, monkeypatch, workers):
    from etl.workers import EXTRACT_MEMORY
    monkeypatch.setattr(pipeline, "extract_document", _hostile)
    monkeypatch.setattr(pipeline, "extract_content", lambda path, meta, dictionary=None: (
        _hostile(path, meta) if meta.source_file.startswith("002") else _REAL_CONTENT(path, meta, dictionary)))
    report = pipeline.build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", tmp_path / "w.duckdb",
                            workers=workers, use_cache=False)
    assert [(name[:3], reason) for name, reason in report.failed] == [
        ("002", f"extraction needed more than {EXTRACT_MEMORY // 1024 ** 2} MB (memory limit per document); refused")]
    assert len(report.loaded) == 4


_REAL_CONTENT = pipeline.extract_content


# A worker whose extraction exits while its previous result (larger than a pipe's buffer) is still being written.
_EXIT_MID_MESSAGE = """
import os, time
from etl.workers import TwoPoolExtraction, WorkerDied
BIG = "x" * (4 << 20)
def content(job):
    if job == "exit":
        os._exit(7)
    return (BIG, "text"), None
try:
    with TwoPoolExtraction(["big", "exit"], content, lambda text: ({}, None), lambda: time.sleep(1), workers=1) as ex:
        list(ex)
except WorkerDied as exc:
    print(exc)
"""


def test_a_worker_that_exits_with_a_result_still_in_flight_is_reported_not_waited_for():
    """The parent must not wait forever on half a message: the worker sends everything, then exits."""
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _EXIT_MID_MESSAGE], cwd=ROOT, capture_output=True, text=True,
                          timeout=30)
    assert "exit code 7" in done.stdout, done.stderr
