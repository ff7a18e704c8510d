"""Target/achievement pairing by blocking gives the pairs of the all-pairs rule, with far fewer comparisons."""
import pandas as pd
import pytest
import reference_queries

from app import analysis, queries


def all_pairs(facts):
    """The all-pairs rule: every target against every achievement of its place, unit and theme."""
    rows = []
    targets = facts[facts.kind == "target"]
    achievements = facts[facts.kind == "achievement"]
    for tg in targets.itertuples():
        cands = achievements[(achievements.region_id == tg.region_id) & (achievements.unit == tg.unit)
                             & (achievements.theme == tg.theme)]
        for ac in cands.itertuples():
            if analysis.similar_indicator(tg.indicator, ac.indicator):
                rows.append((tg.fact_id, ac.fact_id))
    return rows


@pytest.mark.parametrize("warehouse_name", ["built_warehouse", "generated_warehouse"])
def test_blocking_gives_the_all_pairs_rule(request, warehouse_name):
    con = queries.connect(request.getfixturevalue(warehouse_name))
    facts = reference_queries.facts(con)
    con.close()
    for unit in facts.unit.dropna().value_counts().index[:6]:
        fx = facts[facts.unit == unit]
        pairs = analysis.target_achievement_pairs(fx)
        got = list(zip(pairs.target_fact, pairs.achievement_fact)) if not pairs.empty else []
        assert got == all_pairs(fx), unit
    pairs = analysis.target_achievement_pairs(facts)
    got = list(zip(pairs.target_fact, pairs.achievement_fact)) if not pairs.empty else []
    assert got == all_pairs(facts)
    if warehouse_name == "generated_warehouse":   # the five seeds are of different places or themes
        assert len(got) > 0


def test_blocking_compares_far_fewer_than_all_pairs(generated_warehouse, monkeypatch):
    con = queries.connect(generated_warehouse)
    facts = reference_queries.facts(con)
    con.close()
    calls = []
    real = analysis.similar_indicator
    monkeypatch.setattr(analysis, "similar_indicator", lambda a, b: calls.append(1) or real(a, b))
    analysis.target_achievement_pairs(facts)
    n_t, n_a = (facts.kind == "target").sum(), (facts.kind == "achievement").sum()
    same_block = facts.groupby(["region_id", "unit", "theme", "kind"]).size().unstack(fill_value=0)
    block_pairs = int((same_block.get("target", 0) * same_block.get("achievement", 0)).sum())
    assert n_t * n_a > 10000
    # The all-pairs rule looks at every achievement for each target (n_t × n_a) and compares the names of
    # every pair of a block; blocking compares only names that share a bigram.
    assert len(calls) < min(block_pairs, n_t * n_a / 100), (len(calls), block_pairs, n_t * n_a)


def test_missing_place_unit_or_theme_pairs_nothing():
    row = {"fact_id": 1, "region_id": "r", "unit": "元", "theme": "economy", "indicator": "产值", "value": 1.0,
           "surface": "1元", "year": 2020, "sentence": "s"}
    facts = pd.DataFrame([dict(row, kind="target"), dict(row, fact_id=2, kind="achievement", unit=None)])
    assert analysis.target_achievement_pairs(facts).empty


def test_chart_pairs_keep_one_nearest_achievement_per_target(generated_warehouse):
    con = queries.connect(generated_warehouse)
    facts = reference_queries.facts(con)
    con.close()
    pairs = analysis.target_achievement_pairs(facts)
    shown = analysis.chart_pairs(pairs, n=10)
    assert 0 < len(shown) <= 10 and shown.target_fact.is_unique
    for row in shown.itertuples():
        options = pairs[pairs.target_fact == row.target_fact]
        later = options[options.achievement_year >= options.target_year]
        pool = later if not later.empty else options
        gaps = (pool.achievement_year - pool.target_year).abs()
        assert abs(row.achievement_year - row.target_year) == gaps.min()
    assert len(analysis.chart_pairs(pairs, n=10 ** 6)) == pairs.target_fact.nunique()
    assert analysis.chart_pairs(pairs.iloc[:0]).empty


@pytest.mark.parametrize("warehouse_name", ["built_warehouse", "generated_warehouse"])
def test_the_chart_query_gives_the_chart_pairs_of_the_rule(request, warehouse_name):
    """queries.target_achievement_pairs (SQL, through indicator_pairs) = chart_pairs of the pandas rule, per filter."""
    con = queries.connect(request.getfixturevalue(warehouse_name))
    facts = reference_queries.facts(con)
    regions, years = list(facts.region_id.unique()), sorted(facts.year.unique())
    cases = [{}, {"regions": regions[:1]}, {"years": [int(years[-1])]}, {"doc_types": ["plan"]},
             {"themes": ["economy"]}, {"regions": regions[:3], "years": [int(y) for y in years[-4:]]}]
    n_shown = 0
    for unit in facts.unit.dropna().value_counts().index[:5]:
        for case in cases:
            for n in (5, 10 ** 6):
                fx = reference_queries.facts(con, units=(unit,), **case)
                every = analysis.target_achievement_pairs(fx)
                got = queries.target_achievement_pairs(con, unit, n=n, **case)
                if every.empty:
                    assert got.empty, (unit, case)
                    continue
                expected = analysis.chart_pairs(every, n=n)
                assert list(zip(got.target_fact, got.achievement_fact)) == \
                    list(zip(expected.target_fact, expected.achievement_fact)), (unit, case, n)
                if len(got):
                    assert list(got.target) == list(expected.target)
                    assert list(got.achievement_year) == list(expected.achievement_year)
                    assert got.n_targets.iloc[0] == every.target_fact.nunique()
                n_shown += len(got)
    con.close()
    if warehouse_name == "generated_warehouse":
        assert n_shown > 0


def test_an_update_of_indicator_pairs_equals_filling_them_anew():
    """After facts come and go, the update pairs only the changed names, and its rows are those of a full fill."""
    import duckdb

    from etl.indicators import INDICATOR_PAIRS_SCHEMA, insert_indicator_pairs, update_indicator_pairs
    con = duckdb.connect()
    con.execute("create table facts (kind varchar, indicator varchar)")
    con.execute(INDICATOR_PAIRS_SCHEMA)
    before = ["规上工业产值", "规上工业总产值", "新增就业", "城镇新增就业", "老旧小区改造", None]
    con.executemany("insert into facts values ('target', ?)", [[n] for n in before])
    insert_indicator_pairs(con)
    con.execute("delete from facts where indicator in ('规上工业总产值', '老旧小区改造')")
    con.executemany("insert into facts values ('achievement', ?)", [["规上工业产值增速"], ["老旧小区改造提升"], ["城镇新增就业"]])
    update_indicator_pairs(con)
    updated = sorted(con.execute("select * from indicator_pairs").fetchall())
    insert_indicator_pairs(con)
    fresh = sorted(con.execute("select * from indicator_pairs").fetchall())
    assert updated == fresh
    assert ("规上工业产值增速", "规上工业产值") in fresh and not any("规上工业总产值" in p for p in fresh)
