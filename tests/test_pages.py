"""Every dashboard page under Streamlit's AppTest, default and filtered, on the seed warehouse."""
import os
import shutil
import time

import duckdb
import pytest
from apptest_helpers import DASHBOARD, run
from conftest import ROOT, sql
from streamlit.testing.v1 import AppTest

PAGES = ["overview", "themes", "trends", "targets", "keywords", "documents", "method"]




def texts(at):
    """All visible text of markdown, captions, info boxes, titles and metrics."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(out)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(warehouse, page):
    zh = run(page)
    assert zh.title[0].value
    en = run(page, lang="en")
    assert en.title[0].value != zh.title[0].value
    assert en.sidebar.radio[0].value == "en"
    assert "Filters" in texts(en)


def test_overview_coverage_cards_and_emphasis(warehouse):
    at = run()
    body = texts(at)
    for name in ("滨海·大港", "滨海新区", "青岛·大港", "象山·丹西"):
        assert name in body
    assert "大连 暂无文档" in body
    coverage = at.dataframe[0].value
    assert "大连" in list(coverage.index)
    assert "工作要点" in coverage.loc["滨海新区", "2013"] and not coverage.loc["滨海·大港", "2013"]
    # Xiangshan's top theme by sentence share, computed independently.
    (name, share), = sql(warehouse, """
        select t.name_zh, count(*) * 1.0 / sum(count(*)) over ()
        from sentences s join documents d using (doc_id) join themes t on t.theme = s.main_theme
        where d.region_id = 'xiangshan' and not s.is_heading
        group by t.name_zh order by 2 desc limit 1""")
    card = next(m.value for m in at.markdown if "象山·丹西" in m.value and "jl-promises" not in m.value)
    assert name in card and f"{share:.0%}" in card
    assert [m.value for m in at.metric][:2] == ["5", "4"]
    # Each card names the type of the document behind it, and the page warns that the types differ.
    assert "· 工作总结" in card
    assert "注意：各卡片的文档类型不同" in body
    assert "注意：各卡片的文档类型不同" not in texts(run(r="binhai"))


def test_overview_filtered_by_url(warehouse):
    at = run(r="xiangshan", y="2023")
    assert [m.value for m in at.metric][:2] == ["1", "1"]
    assert at.sidebar.multiselect[0].value == ["xiangshan"]
    assert at.query_params.get("r") == "xiangshan"


def test_themes_drilldown_lists_the_sentences(warehouse):
    at = run("themes", g="xiangshan-2023", th="economy")
    (n,), = sql(warehouse, """select count(*) from sentences s join documents d using (doc_id)
        where d.region_id = 'xiangshan' and d.year = 2023 and not s.is_heading and s.main_theme = 'economy'""")
    body = texts(at)
    assert f"象山·丹西 2023 · 经济发展：{n} 句" in body
    assert "16.1亿元" in body and "<mark" in body  # matched terms are marked
    # Choosing another theme lists other sentences and updates the address.
    at.selectbox(key="p_th__zh").set_value("party").run()
    assert "象山·丹西 2023 · 党的建设" in texts(at)
    assert at.query_params.get("th") == "party"


def test_themes_filters_measure_and_english(warehouse):
    at = run("themes", lang="en", m="chars", v="count", r="binhai")
    body = texts(at)
    assert "Theme comparison" in body
    assert at.selectbox(key="p_th__en").format_func("economy") == "Economy"
    assert at.query_params.get("m") == "chars" and at.query_params.get("v") == "count"


def test_language_switch_keeps_filters(warehouse):
    at = run("themes", m="chars", r="binhai", th="economy")
    at.sidebar.radio(key="f_lang").set_value("en").run()
    assert at.sidebar.radio(key="f_measure__en").value == "chars"
    assert at.sidebar.multiselect(key="f_regions__en").value == ["binhai"]
    assert at.selectbox(key="p_th__en").value == "economy"
    assert "Theme comparison" in texts(at) and "Economy" in at.selectbox(key="p_th__en").format_func("economy")
    assert at.query_params.get("lang") == "en" and at.query_params.get("m") == "chars"


def test_sidebar_change_goes_to_url_and_reset_clears(warehouse):
    at = run("themes")
    at.sidebar.radio(key="f_measure__zh").set_value("chars").run()
    assert at.query_params.get("m") == "chars"
    at.sidebar.multiselect(key="f_regions__zh").set_value(["qingdao"]).run()
    assert at.query_params.get("r") == "qingdao"
    at.sidebar.button(key="reset_filters").click().run()
    assert at.sidebar.multiselect(key="f_regions__zh").value == []
    assert "r" not in at.query_params and "m" not in at.query_params


def test_trends_binhai_by_default_and_one_year_region(warehouse):
    at = run("trends")
    assert at.selectbox(key="p_region__zh").value == "binhai"
    assert "2013" in texts(at) or at.dataframe
    terms = at.dataframe[0].value
    assert {"2016", "2023"} <= set(terms.columns) and "2013" not in set(terms.columns)
    at = run("trends", region="qingdao")
    assert "青岛·大港 只有一个年份" in texts(at)


def test_targets_show_the_known_fact(warehouse):
    at = run("targets", r="xiangshan", unit="元")
    table = at.dataframe[0].value
    row = table[table["原文"] == "16.1亿元"].iloc[0]
    assert row["指标"] == "规上工业产值" and row["类别"] == "成效"
    assert "16.1亿元" in row["来源句"]
    assert "没有同时具有目标和成效的指标" in texts(at)
    at = run("targets", r="dalian")
    assert "当前筛选条件下没有数据" in texts(at)


def test_keywords_keyness_and_kwic(warehouse):
    at = run("keywords", a="xiangshan", q="网格")
    (n_sent,), = sql(warehouse, "select count(*) from sentences where contains(text_simplified, '网格')")
    assert f"在 {n_sent} 句中" in texts(at)
    table = at.dataframe[0].value
    assert "丹西" in list(table["词语"].head(10))
    at = run("keywords", q="不存在的词")
    assert "没有找到" in texts(at)


def test_documents_reader_escapes_and_marks_facts(warehouse):
    at = run("documents", doc="004_450e182e794b4c39")
    body = texts(at)
    assert "丹西街道2023年上半年工作总结和下半年工作思路" in body
    assert ">16.1亿元</mark>" in body
    at = run("documents", doc="000_2f0f695204b7557d", script="simplified")
    assert "经济发展" in texts(at)
    at = run("documents", doc="000_2f0f695204b7557d")
    assert "經濟發展" in texts(at)


def test_method_build_info_and_scores(scored_warehouse, monkeypatch):
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(scored_warehouse))
    warehouse = scored_warehouse
    at = run("method")
    body = texts(at)
    (content_hash,), = sql(warehouse, "select value from build_info where key = 'content_hash'")
    assert content_hash in body
    assert "党的建设" in body and "Monroe" in body
    assert any("facts_f1" in list(df.value.iloc[:, 0]) for df in at.dataframe)


def test_method_says_when_scores_are_absent(built_warehouse, tmp_path, monkeypatch):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute("delete from build_info where key like 'score_%'")
    con.close()
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(copy))
    at = run("method")
    assert "本次构建没有抽取评分" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_empty_filters_say_so(warehouse, page):
    at = run(page, r="dalian")
    if page in ("overview", "themes", "trends", "targets"):
        assert "当前筛选条件下没有" in texts(at)


def test_rebuilt_warehouse_is_picked_up(built_warehouse, tmp_path, monkeypatch):
    """A new file at the same path (new mtime) is reopened without restarting."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, path)
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(path))
    at = run("method")
    assert "feedfacefeedface" not in texts(at)
    staged = tmp_path / "staged.duckdb"
    shutil.copy(built_warehouse, staged)
    con = duckdb.connect(str(staged))
    con.execute("update build_info set value = 'feedfacefeedface' where key = 'content_hash'")
    con.close()
    os.replace(staged, path)
    os.utime(path, (time.time() + 5, time.time() + 5))
    at.run()
    assert "feedfacefeedface" in texts(at)


def test_missing_warehouse_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    assert "python -m etl build" in at.error[0].value


def test_document_text_is_escaped():
    from app import render
    out = render.highlight("<script>alert(1)</script> 网格化", "<script>alert(1)</script> 网格化", ["网格"])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark class="jl-term">网格</mark>化' in out
    # Terms found in the Simplified copy mark the same span of the Traditional original.
    assert ">網格</mark>" in render.highlight("網格化管理", "网格化管理", ["网格"])


def test_one_highlighter_marks_terms_and_facts():
    """A fact span wins over a term on the same characters; its tooltip is escaped too."""
    from app import render
    out = render.highlight("完成投资3亿元，网格全覆盖", terms=["网格", "投资"], spans=[(4, 7, 'a"<b>')])
    assert out == ('完成<mark class="jl-term">投资</mark><mark class="jl-fact" title="a&quot;&lt;b&gt;">3亿元</mark>'
                   '，<mark class="jl-term">网格</mark>全覆盖')


HOSTILE = '<img src=x onerror="alert(1)">'


def test_every_html_builder_escapes_what_it_is_given():
    from app import render
    outputs = [
        render.theme_chip(HOSTILE, "party"),
        render.sentence_list([(HOSTILE, None, ["img"], HOSTILE)]),
        render.metadata_strip([(HOSTILE, HOSTILE)]),
        render.outline([(HOSTILE, "一 > 二", "party")]),
        render.legend([("party", HOSTILE)], HOSTILE),
        render.sentence(HOSTILE, theme="party", tooltip=HOSTILE, spans=[(0, 4, HOSTILE)]),
        render.reader([(True, "", render.sentence(HOSTILE)), (False, "", render.sentence(HOSTILE))]),
        render.emphasis_card(HOSTILE, HOSTILE, [("party", HOSTILE, 0.5)]),
        render.kwic_table([HOSTILE] * 5, [[HOSTILE] * 5]),
        render.dictionary_table([HOSTILE] * 2, [("party", HOSTILE, HOSTILE, HOSTILE, HOSTILE)]),
    ]
    for out in outputs:
        assert "<img" not in out and "&lt;img" in out, out


def test_html_carries_classes_not_inline_styles():
    """Styles live in app/style.css: no style attribute in the views, the shell or the HTML builders."""
    import re
    files = [ROOT / "dashboard.py", ROOT / "app" / "render.py", ROOT / "app" / "ui.py", *sorted((ROOT / "views").glob("*.py"))]
    offenders = [f.name for f in files if re.search(r"""\bstyle\s*=\s*['"\\]""", f.read_text(encoding="utf-8"))]
    assert offenders == []
    from app import render
    css = render.stylesheet({"party": "#C0392B", "bad": "red;}</style><script>"})
    assert ".jl-t-party { --jl-theme: #C0392B;" in css and "<script>" not in css


def test_documents_are_chosen_by_place_then_document(warehouse):
    """A list of every document would be thousands long: the place comes first, a link picks both."""
    at = run("documents", doc="003_2cec1110e9bbf6af")
    assert at.selectbox(key="p_doc_place__zh").value == "binhai_new_area"
    assert at.selectbox(key="p_doc__zh").options == [at.selectbox(key="p_doc__zh").format_func("003_2cec1110e9bbf6af")]
    at.selectbox(key="p_doc_place__zh").set_value("binhai").run()
    docs = sql(warehouse, "select doc_id from documents where region_id = 'binhai' order by doc_id")
    assert len(at.selectbox(key="p_doc__zh").options) == len(docs) == 2
    assert at.query_params.get("doc") == docs[0][0]


def test_targets_table_comes_a_page_at_a_time(warehouse):
    """At scale a filter holds hundreds of thousands of facts: the table shows one page, the link keeps it."""
    (n,), = sql(warehouse, "select count(*) from facts")
    at = run("targets")
    assert f"共 {n} 条" in texts(at)
    assert len(at.dataframe[0].value) == min(n, 100)
    assert n > 100, "the seeds hold more facts than one page"
    last = run("targets", pg="2")
    assert len(last.dataframe[0].value) == n - 100
    assert last.query_params.get("pg") == "2"
    def shown(app):
        frame = app.dataframe[0].value
        return set(zip(frame["来源句"], frame["原文"]))
    every = set(sql(warehouse, """select s.text, f.surface from facts f
                                  join sentences s on s.doc_id = f.doc_id and s.sent_no = f.sent_no"""))
    assert shown(at) | shown(last) == every     # the two pages together show every fact
