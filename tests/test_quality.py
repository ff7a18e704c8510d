"""The quality gate: every development set beside the project, built with the ETL and scored by the shared scorer.

Each set has its own floor, set just below today's figures so a change that
makes extraction worse fails here; the goals are in benchmarks/quality.py.
The sets live in ../shared and are never copied into the project: without
them these tests skip.
"""
import duckdb
import pytest

import eval as scoring
from eval.devsets import SETS, available, build_set, gold_dir

# Floors: today's figures less a small margin for ties, per set. The theme model is
# trained on these sets, so their theme figures are in-sample; the held-out
# (leave-one-document-out) figures come from `eval/train_themes.py --lodo`.
SEEDS_THEMES_F1 = 0.98
SEEDS_FACTS_F1 = 0.99
SEEDS_KIND_ACC = 0.99
SEEDS_INDICATOR_F1 = 0.83
EXTERNAL_THEMES_F1 = 0.98
EXTERNAL_FACTS_F1 = 0.97
EXTERNAL_KIND_ACC = 0.99
EXTERNAL_INDICATOR_F1 = 0.85
SILVER_THEMES_F1 = 0.96
SILVER_FACTS_F1 = 0.97
SILVER_KIND_ACC = 0.98
SILVER_INDICATOR_F1 = 0.84


def _need(name):
    dev_set = SETS[name]
    if scoring.load_scorer() is None or not available(dev_set):
        pytest.skip(f"{name}: ../shared (scorer or gold) is absent")
    return dev_set


def test_seeds_quality(built_warehouse):
    dev_set = _need("seeds")
    result = scoring.score(built_warehouse, dev_set.gold)
    assert result["missing_docs"] == []
    assert result["themes"]["f1"] >= SEEDS_THEMES_F1, result["themes"]
    assert result["facts"]["f1"] >= SEEDS_FACTS_F1, result["facts"]
    assert result["facts"]["kind_acc"] >= SEEDS_KIND_ACC, result["facts"]
    assert result["facts"]["indicator_f1"] >= SEEDS_INDICATOR_F1, result["facts"]


def test_external_quality(tmp_path_factory):
    dev_set = _need("external")
    warehouse, report = build_set(dev_set, tmp_path_factory.mktemp("external"))
    assert not report.failed, report.failed
    result = scoring.score(warehouse, dev_set.gold, window=dev_set.window)
    assert result["missing_docs"] == []
    assert result["themes"]["f1"] >= EXTERNAL_THEMES_F1, result["themes"]
    assert result["facts"]["f1"] >= EXTERNAL_FACTS_F1, result["facts"]
    assert result["facts"]["kind_acc"] >= EXTERNAL_KIND_ACC, result["facts"]
    assert result["facts"]["indicator_f1"] >= EXTERNAL_INDICATOR_F1, result["facts"]


def test_silver_quality(tmp_path_factory):
    """The silver windows (coded once, noisier than gold) of national reports of other years."""
    dev_set = _need("silver")
    workdir = tmp_path_factory.mktemp("silver")
    warehouse, report = build_set(dev_set, workdir)
    assert not report.failed, report.failed
    result = scoring.score(warehouse, gold_dir(dev_set, workdir), window=dev_set.window)
    assert result["missing_docs"] == []
    assert result["themes"]["f1"] >= SILVER_THEMES_F1, result["themes"]
    assert result["facts"]["f1"] >= SILVER_FACTS_F1, result["facts"]
    assert result["facts"]["kind_acc"] >= SILVER_KIND_ACC, result["facts"]
    assert result["facts"]["indicator_f1"] >= SILVER_INDICATOR_F1, result["facts"]


def test_stored_scores_match_the_scorer(scored_warehouse):
    result = scoring.score(scored_warehouse, SETS["seeds"].gold)
    with duckdb.connect(str(scored_warehouse), read_only=True) as con:
        stored = dict(con.execute("select key, value from build_info where key like 'score_%'").fetchall())
    assert float(stored["score_themes_f1"]) == pytest.approx(result["themes"]["f1"], abs=1e-3)
    assert float(stored["score_facts_f1"]) == pytest.approx(result["facts"]["f1"], abs=1e-3)


def test_a_production_build_stores_no_scores(built_warehouse):
    """Gold is development material beside the project: the build itself never scores."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        assert con.execute("select count(*) from build_info where key like 'score_%'").fetchone() == (0,)
