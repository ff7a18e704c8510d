"""The 添加文档 page under Streamlit AppTest: upload, check, correct, confirm; bad uploads change nothing."""
import shutil

import duckdb
import pytest
from doc_fixtures import GOV_PAGE, make_docx
from streamlit.testing.v1 import AppTest
from test_ingest import BAD_INPUTS, snapshot

from etl import pipeline, read
from etl.config import ROOT

PAGE = str(ROOT / "views" / "add_documents.py")


@pytest.fixture(scope="module")
def base_warehouse(tmp_path_factory):
    cache = tmp_path_factory.mktemp("page-cache")
    path = tmp_path_factory.mktemp("page-base") / "warehouse.duckdb"
    assert not pipeline.build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", path, cache_dir=cache).failed
    return path, cache


@pytest.fixture
def store(seeds_copy, tmp_path, base_warehouse, monkeypatch):
    from etl.ingest import Paths
    regions = tmp_path / "regions.yaml"
    shutil.copy(ROOT / "config" / "regions.yaml", regions)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base_warehouse[0], warehouse)
    for var, value in (("JIEDAO_SEEDS", seeds_copy), ("JIEDAO_WAREHOUSE", warehouse),
                       ("JIEDAO_REGIONS", regions), ("JIEDAO_CACHE", base_warehouse[1])):
        monkeypatch.setenv(var, str(value))
    return Paths(seeds_copy, seeds_copy / "manifest.csv", warehouse, regions, base_warehouse[1])


def page(lang=None):
    at = AppTest.from_file(PAGE, default_timeout=120)
    if lang:
        at.session_state["f_lang"] = lang   # the dashboard's language widget (app.ui.lang reads it)
    return at.run()


def n_documents(paths):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute("select count(*) from documents").fetchone()[0]


def test_empty_page_explains_in_chinese(store):
    at = page()
    assert at.title[0].value == "添加文档"
    assert "python -m etl add" in at.info[0].value
    assert not at.exception


def test_english_switch(store, tmp_path):
    at = page("en")
    assert at.title[0].value == "Add documents"
    at.file_uploader[0].upload("plan.docx", make_docx(tmp_path / "plan.docx").read_bytes()).run()
    assert at.button(key="add_confirm").label == "Add and rebuild"
    assert [s.label for s in at.selectbox] == ["Region", "Document type"]


def test_upload_shows_text_and_inferred_metadata_then_adds(store, tmp_path):
    at = page()
    data = make_docx(tmp_path / "plan.docx").read_bytes()
    at.file_uploader[0].upload("plan.docx", data).run()
    assert not at.error and not at.exception
    assert at.text_area[0].value.startswith("大港街道2024年工作计划\n一、总体要求")
    assert at.selectbox[0].value == "binhai" and at.selectbox[1].value == "plan"
    assert at.number_input[0].value == 2024 and at.text_input[0].value == "大港街道2024年工作计划"
    captions = " ".join(c.value for c in at.caption)
    assert "found 大港街道" in captions and "title: 大港街道2024年工作计划" in captions
    at.number_input[0].set_value(2025)
    at.text_input[0].set_value("大港街道明年工作计划")
    at.button(key="add_confirm").click().run()
    assert not at.error and not at.exception
    assert "已添加 1 个文档" in at.success[0].value and "现有 6 个文档" in at.success[0].value
    assert at.success[1].value.startswith("plan.docx → seeds/005_")
    assert n_documents(store) == 6
    last = store.manifest.read_text(encoding="utf-8").strip().split("\n")[-1].split(",")
    assert last[1] == "binhai" and last[6] == "2025" and last[9] == "大港街道明年工作计划"
    assert at.file_uploader[0].value in (None, [])   # a fresh uploader after the add


def test_new_region_from_the_page(store):
    at = page()
    at.file_uploader[0].upload("hongqi.html", GOV_PAGE.encode()).run()
    assert at.selectbox[0].value == "dalian"
    at.selectbox[0].set_value("__new__").run()
    fields = {t.label: t for t in at.text_input}
    assert fields["区/县"].value == "甘井子区" and fields["街道"].value == "红旗街道"
    fields["地区代码（小写字母、数字、下划线）"].set_value("dalian_hongqi")
    fields["中文名"].set_value("大连·红旗")
    fields["英文名"].set_value("Dalian · Hongqi")
    at.button(key="add_confirm").click().run()
    assert not at.error, [e.value for e in at.error]
    assert 'region_id: "dalian_hongqi"' in store.regions_file.read_text(encoding="utf-8")
    with duckdb.connect(str(store.warehouse), read_only=True) as con:
        assert con.execute("select region_id, year, doc_type from documents where region_id like 'dalian%'").fetchall() \
            == [("dalian_hongqi", 2023, "summary")]


def test_new_region_without_names_changes_nothing(store):
    at = page()
    at.file_uploader[0].upload("hongqi.html", GOV_PAGE.encode()).run()
    at.selectbox[0].set_value("__new__").run()
    before = snapshot(store)
    at.button(key="add_confirm").click().run()
    assert "region id must be" in at.error[0].value
    assert snapshot(store) == before


def test_year_left_as_inferred_stays_marked_inferred(store):
    text = "青岛市市北区大港街道上半年工作纪实\n今年以来，街道新增就业岗位1200个。\n2019年以来累计改造小区30个。\n"
    at = page()
    at.file_uploader[0].upload("notes.txt", text.encode()).run()
    assert at.number_input[0].value == 2019 and at.selectbox[0].value == "qingdao"
    at.button(key="add_confirm").click().run()
    assert not at.error, [e.value for e in at.error]
    last = store.manifest.read_text(encoding="utf-8").strip().split("\n")[-1].split(",")
    assert (last[6], last[7]) == ("2019", "true")


def test_duplicate_upload_is_flagged(store):
    data = (store.seeds_dir / "004_450e182e794b4c39.txt").read_bytes()
    at = page()
    at.file_uploader[0].upload("again.txt", data).run()
    assert "004_450e182e794b4c39.txt" in at.warning[0].value
    assert at.button(key="add_confirm").disabled


@pytest.mark.parametrize("case", [c for c in BAD_INPUTS if c != "unknown region"])
def test_bad_upload_is_refused_and_changes_nothing(case, store, tmp_path, monkeypatch):
    name, make, extra, reason = BAD_INPUTS[case]
    if case == "too large":
        monkeypatch.setattr(read, "MAX_BYTES", 1000)
    if case == "path separators":
        name = "../../etc/escape.txt"
    before = snapshot(store)
    at = page()
    at.file_uploader[0].upload(name, make(tmp_path)).run()
    if case == "year out of range":
        at.number_input[0].set_value(1800)
    if case == "no region inferred":  # the page then asks for a new region, which needs an id
        assert at.selectbox[0].value == "__new__"
        reason = "region id must be"
    if not at.error:
        at.button(key="add_confirm").click().run()
    assert not at.exception
    assert at.error, f"no error shown for {case}"
    message = at.error[0].value
    assert name in message or case == "no region inferred", message
    assert reason in message and "未做任何更改" in message, message
    assert snapshot(store) == before


def test_page_offers_only_configured_regions_and_refuses_a_taken_id(store, tmp_path):
    """An unknown region cannot be chosen; a 'new' region reusing a configured id is refused."""
    at = page()
    at.file_uploader[0].upload("plan.docx", make_docx(tmp_path / "plan.docx").read_bytes()).run()
    assert at.selectbox[0].options == ["滨海·大港 (binhai)", "滨海新区 (binhai_new_area)", "青岛·大港 (qingdao)",
                                       "象山·丹西 (xiangshan)", "大连 (dalian)", "➕ 新地区…"]
    at.selectbox[0].set_value("__new__").run()
    fields = {t.label: t for t in at.text_input}
    fields["地区代码（小写字母、数字、下划线）"].set_value("binhai")
    fields["中文名"].set_value("滨海")
    fields["英文名"].set_value("Binhai")
    before = snapshot(store)
    at.button(key="add_confirm").click().run()
    assert "binhai" in at.error[0].value and "region already configured" in at.error[0].value
    assert snapshot(store) == before


def test_inside_the_dashboard_the_new_document_appears_without_restart(store, tmp_path):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    at.switch_page("views/add_documents.py").run()
    assert at.title[0].value == "添加文档" and not at.exception
    at.file_uploader[0].upload("plan.docx", make_docx(tmp_path / "plan.docx").read_bytes()).run()
    at.button(key="add_confirm").click().run()
    assert not at.exception and "已添加 1 个文档" in at.success[0].value
    at.switch_page("views/documents.py").run()
    assert not at.exception
    with duckdb.connect(str(store.warehouse), read_only=True) as con:
        (region,), = con.execute("select region_id from documents where title = '大港街道2024年工作计划'").fetchall()
    at.selectbox(key="p_doc_place__zh").set_value(region).run()   # the documents page lists one place at a time
    assert any("2024 · 工作计划 · 大港街道2024年工作计划" in o for o in at.selectbox(key="p_doc__zh").options)
