"""Follow-through: a target linked to the achievement on the same indicator in a later document of its place."""
import csv

import duckdb
import pytest

from etl.config import REGIONS_FILE
from etl.followthrough import MIN_SCORE, indicator_words
from etl.manifest import COLUMNS
from etl.pipeline import build

PLAN = "某街道2024年工作计划\n一、重点任务\n全年新增就业3000人，完成老旧小区改造12个。\n"
SUMMARY = "某街道2024年工作总结\n一、主要成效\n全年已新增就业3200人，已完成老旧小区改造10个。\n"
OTHER_UNIT = "某街道2024年工作总结\n一、主要成效\n全年已新增就业3200户。\n"


def _build(tmp_path, docs):
    """Build a warehouse from constructed documents: (file name, text, region, year, type, published)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    with open(seeds / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for name, text, region, year, doc_type, published in docs:
            (seeds / name).write_text(text, encoding="utf-8")
            writer.writerow({"source_file": name, "region_id": region, "year": year, "doc_type": doc_type,
                             "title": text.splitlines()[0], "published": published})
    path = tmp_path / "w.duckdb"
    report = build(seeds, seeds / "manifest.csv", path, workers=1, regions_file=REGIONS_FILE, use_cache=False)
    assert not report.failed, report.failed
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select t.surface, a.surface, l.unit, l.tokens, l.rule, l.progress, l.target_doc_id, l.achievement_doc_id "
            "from fact_links l join facts t on t.fact_id = l.target_fact_id "
            "join facts a on a.fact_id = l.achievement_fact_id order by 1").fetchall()


def test_indicator_words_drop_kind_cues_and_rejoin_split_words():
    assert indicator_words("努力实现全年新增就业") == indicator_words("新增就业") == ["就业", "新增"]
    assert indicator_words("居民收入比上年增长") == indicator_words("居民收入")
    assert indicator_words("增长") == []


def test_plan_linked_to_its_summary(tmp_path):
    links = _build(tmp_path, [("plan.txt", PLAN, "binhai", 2024, "plan", "2024-02-01"),
                              ("summary.txt", SUMMARY, "binhai", 2024, "summary", "2024-12-20")])
    by_target = {row[0]: row for row in links}
    assert set(by_target) == {"3000人", "12个"}
    job = by_target["3000人"]
    assert job[1:3] == ("3200人", "人") and "就业" in job[3].split("、") and job[6:] == ("plan", "summary")
    assert job[4].startswith("same year, later document type") and job[5] == pytest.approx(3200 / 3000)
    assert by_target["12个"][1] == "10个"


def test_a_year_links_to_the_next(tmp_path):
    links = _build(tmp_path, [("a.txt", PLAN, "binhai", 2023, "plan", ""),
                              ("b.txt", SUMMARY, "binhai", 2024, "plan", "")])
    assert [row[4].split(":")[0] for row in links] == ["later year", "later year"]


@pytest.mark.parametrize("summary, region, year", [
    (OTHER_UNIT, "binhai", 2024),       # same indicator, another unit
    (SUMMARY, "qingdao", 2024),         # another place
    (SUMMARY, "binhai", 2023),          # an earlier document cannot fulfil a later target
])
def test_not_linked(tmp_path, summary, region, year):
    assert _build(tmp_path, [("plan.txt", PLAN, "binhai", 2024, "plan", "2024-02-01"),
                             ("summary.txt", summary, region, year, "summary", "2024-12-20")]) == []


def test_one_best_achievement_per_target(tmp_path):
    """Two later summaries: the nearer year wins, whatever the file order."""
    links = _build(tmp_path, [("z_plan.txt", PLAN, "binhai", 2022, "plan", ""),
                              ("b_late.txt", SUMMARY.replace("3200", "4000"), "binhai", 2024, "summary", ""),
                              ("a_near.txt", SUMMARY, "binhai", 2023, "summary", "")])
    jobs = [row for row in links if row[0] == "3000人"]
    assert len(jobs) == 1 and jobs[0][1] == "3200人" and jobs[0][7] == "a_near"


def test_real_seeds_links_respect_the_rule(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        bad = con.execute("""
            select l.* from fact_links l
            join facts t on t.fact_id = l.target_fact_id join facts a on a.fact_id = l.achievement_fact_id
            join documents td on td.doc_id = t.doc_id join documents ad on ad.doc_id = a.doc_id
            where t.kind <> 'target' or a.kind <> 'achievement' or t.unit <> a.unit or td.region_id <> ad.region_id
               or ad.year < td.year or td.doc_id = ad.doc_id or l.score < ?""", [MIN_SCORE]).fetchall()
        per_target = con.execute("select max(n) from (select count(*) n from fact_links group by target_fact_id)").fetchall()
    assert bad == [] and per_target[0][0] in (None, 1)
