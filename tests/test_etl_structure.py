"""Structure stage: review and plan parts from headings, position, title and type.

Documents are constructed in the general form of work summaries, plans and
government work reports; each test names the sentence it checks.
"""
from pathlib import Path

import pytest

from etl.normalize import to_simplified
from etl.segment import segment
from etl.structure import PLAN, REVIEW, heading_part, sentence_parts, title_part


def parts_of(text, title="", doc_type="", year=None):
    """{sentence text: part} of a constructed document."""
    sentences = segment(text, to_simplified(text))
    return {s.text: p for s, p in zip(sentences, sentence_parts(sentences, title, doc_type, year))}


@pytest.mark.parametrize("heading, part", [
    ("一、2023年工作回顾", REVIEW),
    ("一、过去一年的工作", REVIEW),
    ("一、过去五年工作回顾", REVIEW),
    ("一、上半年工作开展情况", REVIEW),
    ("一、目标任务完成情况", REVIEW),
    ("一、主要成效", REVIEW),
    ("二、2024年工作总体部署", PLAN),
    ("二、2024年经济社会发展总体要求和政策取向", PLAN),
    ("三、2024年重点工作", PLAN),
    ("三、主要任务", PLAN),
    ("二、对今年政府工作的建议", PLAN),
    ("二、下半年工作思路", PLAN),
    ("三、明年工作打算", PLAN),
    ("三、存在的问题和下一步打算", PLAN),
    ("三、下阶段工作重点", PLAN),
    ("一、指导思想", None),
    ("二、推动基层治理取得新成效", None),       # a resolve, not a review
    ("三、推动城市更新取得新进展", None),
    ("四、保障措施", None),
])
def test_a_top_level_heading_names_its_part(heading, part):
    assert heading_part(heading) == part


@pytest.mark.parametrize("heading, part", [
    ("(二)科学编制城市规划", None),          # a topic, not a part
    ("(五)圆满完成各项目标任务", None),
    ("(四)下一步工作打算", PLAN),
    ("(一)上半年经济运行情况", REVIEW),
    ("(二)2024年工作计划", PLAN),
    ("(三)为今后发展打下坚实基础", None),     # 今后 in passing, not the coming period's work
    ("(三)今后五年的主要任务", PLAN),
])
def test_a_deeper_heading_names_a_part_only_with_a_period(heading, part):
    assert heading_part(heading, top_level=False) == part


@pytest.mark.parametrize("title, part", [
    ("某街道2023年上半年工作总结", REVIEW),
    ("某街道2024年工作计划", PLAN),
    ("某街道2024年重点工作进展", REVIEW),       # the head noun comes last
    ("某街道2023年工作计划完成情况", REVIEW),
    ("某街道2023年工作总结和2024年工作思路", None),
    ("某街道2023年工作完成情况及2024年工作计划", None),
    ("2024年政府工作报告", None),
])
def test_title_part(title, part):
    assert title_part(title) == part


def test_a_summary_with_a_plan_part():
    parts = parts_of("一、上半年工作开展情况\n(一)经济发展\n新增企业10家。\n二、存在问题\n个别项目进度滞后。\n"
                     "三、下半年工作打算\n(一)招商引资\n1.项目建设\n新引进项目5个。",
                     title="某街道2023年上半年工作总结", doc_type="summary", year=2023)
    assert parts["新增企业10家。"] == REVIEW
    assert parts["个别项目进度滞后。"] == REVIEW     # a sibling stays in the part it follows
    assert parts["新引进项目5个。"] == PLAN          # inherited from the parent two levels up


def test_a_lead_in_line_opens_a_part():
    text = "一、上半年工作开展情况\n新增企业10家。\n下半年，街道将重点抓好以下工作：\n1.招商引资\n新引进项目5个。"
    parts = parts_of(text, title="某街道2023年上半年工作总结", doc_type="summary", year=2023)
    assert (parts["新增企业10家。"], parts["新引进项目5个。"]) == (REVIEW, PLAN)
    kept = parts_of("一、上半年工作开展情况\n主要做法如下：\n新增企业10家。", doc_type="summary")
    assert kept["新增企业10家。"] == REVIEW
    report = parts_of("一、1999年国内工作回顾\n一年来，我们主要做了以下工作：\n(一)农业\n新建堤防6100公里。\n"
                      "二、坚持扩大内需\n发行国债1100亿元。", doc_type="report", year=2000)
    assert (report["新建堤防6100公里。"], report["发行国债1100亿元。"]) == (REVIEW, PLAN)


def test_a_plan_with_a_review_part():
    parts = parts_of("一、2023年工作完成情况\n全年新建公园3个。\n二、2024年工作目标\n新建公园5个。",
                     title="某街道2024年工作计划", doc_type="plan", year=2024)
    assert parts["全年新建公园3个。"] == REVIEW
    assert parts["新建公园5个。"] == PLAN


def test_a_title_naming_both_parts_leaves_them_to_the_headings():
    text = "一、2023年工作回顾\n新建公园3个。\n二、2024年工作思路\n新建公园5个。"
    parts = parts_of(text, title="某街道2023年工作总结和2024年工作思路", doc_type="summary", year=2023)
    assert (parts["新建公园3个。"], parts["新建公园5个。"]) == (REVIEW, PLAN)


def test_the_title_decides_where_no_heading_does():
    parts = parts_of("新建公园5个。\n改造老旧小区3个。", title="某街道2024年工作计划", doc_type="summary")
    assert set(parts.values()) == {PLAN}
    assert set(parts_of("新建公园5个。", doc_type="article").values()) == {None}


def test_a_report_reviews_then_plans():
    text = ("一、2023年工作回顾\n新增就业1200万人。\n二、2024年经济社会发展总体要求和政策取向\n"
            "国内生产总值增长5%左右。\n三、加强政府自身建设\n精简会议文件30%。")
    parts = parts_of(text, title="2024年政府工作报告", doc_type="report", year=2024)
    assert parts["新增就业1200万人。"] == REVIEW
    assert parts["国内生产总值增长5%左右。"] == PLAN
    assert parts["精简会议文件30%。"] == PLAN


def test_numbered_topics_under_an_unnumbered_review_heading_stay_in_the_review():
    text = ("2023年工作回顾\n一、产业转型发展取得新成效\n新增企业120家。\n二、城乡规划建设管理水平明显提升\n"
            "改造道路30公里。\n2024年工作安排\n一、推进产业转型\n新增企业150家。")
    parts = parts_of(text, doc_type="report", year=2024)
    assert (parts["新增企业120家。"], parts["改造道路30公里。"], parts["新增企业150家。"]) == (REVIEW, REVIEW, PLAN)


def test_in_a_report_every_top_level_section_after_the_review_is_the_plan():
    text = "一、1999年国内工作回顾\n新建堤防6100公里。\n二、坚持扩大内需\n发行国债1100亿元。"
    assert parts_of(text, doc_type="report", year=2000)["发行国债1100亿元。"] == PLAN
    assert parts_of(text, doc_type="summary", year=2000)["发行国债1100亿元。"] == REVIEW


def test_a_heading_naming_only_a_years_work_is_dated():
    text = "一、2010年工作回顾\n新增就业1100万人。\n二、2011年的工作\n新增就业900万人。"
    assert parts_of(text, doc_type="report", year=2011)["新增就业900万人。"] == PLAN
    assert parts_of("一、2024年的工作\n新建公园5个。", doc_type="summary", year=2023)["新建公园5个。"] == PLAN
    assert parts_of("一、2023年主要工作\n新建公园3个。", doc_type="plan", year=2024)["新建公园3个。"] == REVIEW


def test_a_stray_line_does_not_open_a_part():
    text = "一、2023年工作回顾\n(一)教育\n教育振兴行动计划\n新建学校40所。\n展望明年，任务依然艰巨\n签署协定12项。"
    parts = parts_of(text, doc_type="report", year=2024)
    assert parts["新建学校40所。"] == REVIEW
    assert parts["签署协定12项。"] == REVIEW


def test_an_enumeration_is_not_a_part_heading():
    text = "一、城市建设\n二是完成老旧小区改造。改造小区20个。"
    assert parts_of(text, title="某街道2024年工作计划", doc_type="plan")["改造小区20个。"] == PLAN


def test_the_warehouse_stores_each_sentences_part(built_warehouse):
    import duckdb
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = dict(con.execute("""
            select d.doc_type || ':' || coalesce(s.part, '-'), count(*) from sentences s join documents d using (doc_id)
            group by 1""").fetchall())
    assert rows.get("summary:review") and rows.get("summary:plan")      # a mid-year summary and its plan part
    assert rows.get("plan:plan") and not rows.get("plan:review")
    assert rows.get("article:-")


def test_report_is_a_configured_document_type():
    from etl.config import load_doc_types
    names = {d["doc_type"]: (d["name_zh"], d["name_en"]) for d in load_doc_types()}
    assert names["report"] == ("政府工作报告", "Government work report")


EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external"


@pytest.mark.skipif(not (EXTERNAL / "gold").is_dir() or not (EXTERNAL.parent / "eval" / "score.py").is_file(),
                    reason="../shared/external or its scorer is not present")
def test_kind_on_the_external_documents(tmp_path):
    """Reports, plans and summaries from outside the seeds: the parts must carry the kind.

    Scored by the shared scorer, whose --window mode the gold of the national reports needs."""
    import importlib.util

    from etl.pipeline import build
    spec = importlib.util.spec_from_file_location("shared_score", EXTERNAL.parent / "eval" / "score.py")
    shared_score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared_score)
    texts = EXTERNAL / "texts"
    report = build(texts, texts / "manifest.csv", tmp_path / "ext.duckdb", regions_file=EXTERNAL / "regions.yaml",
                   cache_dir=tmp_path / "cache")
    assert not report.failed, report.failed
    result = shared_score.score(str(tmp_path / "ext.duckdb"), str(EXTERNAL / "gold"), window=True)
    assert result["facts"]["kind_acc"] >= 0.95, result["facts"]
