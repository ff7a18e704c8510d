"""Readers for docx, pdf and html on real files, and metadata inference with its evidence."""
import pytest
import yaml
from doc_fixtures import GOV_PAGE, PLAN_TEXT, SCRIPT_ONLY_PAGE, make_docx, make_pdf, make_scanned_pdf

from etl import read
from etl.config import add_region, load_regions
from etl.errors import DocumentError
from etl.infer import infer_metadata, infer_region, infer_year
from etl.read import RawDocument, read_document

ROOT_REGIONS = load_regions()


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    doc = read_document(make_docx(tmp_path / "plan.docx"))
    lines = doc.text.split("\n")
    assert lines[0] == "大港街道2024年工作计划"
    assert "（一）抓好就业创业。全年新增就业岗位不少于3000个，完成职业技能培训500人次。" in lines
    assert lines.index("新增就业\t3000人") > lines.index("（二）改善人居环境。完成老旧小区改造12个，新增绿化面积2万平方米。")
    assert lines[-1] == "（完）" and doc.encoding == "docx"


def test_pdf_text_layer_is_read_and_wrapped_lines_rejoined(tmp_path):
    doc = read_document(make_pdf(tmp_path / "plan.pdf", width=20))
    assert doc.text == PLAN_TEXT.rstrip("\n")
    assert doc.meta["title"] == "大港街道2024年工作计划"


def test_pdf_page_numbers_are_dropped(tmp_path):
    doc = read_document(make_pdf(tmp_path / "numbered.pdf", text=PLAN_TEXT + "— 1 —\n第 1 页 共 2 页\n"))
    assert doc.text == PLAN_TEXT.rstrip("\n")


def test_scanned_pdf_is_refused(tmp_path):
    with pytest.raises(DocumentError, match="no text layer; OCR is not supported") as err:
        read_document(make_scanned_pdf(tmp_path / "scan.pdf"))
    assert err.value.source == "scan.pdf"


@pytest.mark.parametrize("name, data, reason", [
    ("broken.docx", b"PK\x03\x04" + b"\x00garbage" * 50, "corrupt or unreadable docx"),
    ("renamed.docx", "大港街道工作计划".encode() * 20, "corrupt or unreadable docx"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n" + b"\x8f\x00junk" * 50, "corrupt or unreadable pdf"),
    ("empty.pdf", b"", "empty file"),
    ("empty.docx", b"", "empty file"),
])
def test_corrupt_files_raise_document_error(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DocumentError, match=reason):
        read_document(tmp_path / name)


def test_truncated_pdf_is_corrupt(tmp_path):
    good = make_pdf(tmp_path / "good.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    with pytest.raises(DocumentError, match="pdf"):
        read_document(tmp_path / "cut.pdf")


def test_government_page_main_text_only(tmp_path):
    (tmp_path / "page.html").write_text(GOV_PAGE, encoding="utf-8")
    doc = read_document(tmp_path / "page.html")
    assert doc.published == "2024-01-15"
    assert doc.text.startswith("红旗街道2023年工作总结\n2023年，辽宁省大连市甘井子区红旗街道坚持")
    assert "全年完成固定资产投资12.5亿元，同比增长8.3%。" in doc.text
    for furniture in ("首页", "网站首页", "当前位置", "发布日期", "分享到", "中国政府网", "版权所有", "_hmt", "访问统计", "float"):
        assert furniture not in doc.text, furniture


def test_html_body_split_over_many_containers_is_read_whole(tmp_path):
    paras = "".join(f'<div class="para"><span>第{i}项：街道完成老旧小区改造，惠及居民三百余户。</span></div>' for i in range(8))
    page = GOV_PAGE.replace(GOV_PAGE[GOV_PAGE.index('<div class="TRS_Editor"'):GOV_PAGE.index('<div class="share">')],
                            f'<div class="content">{paras}</div>\n')
    (tmp_path / "split.html").write_text(page, encoding="utf-8")
    doc = read_document(tmp_path / "split.html")
    assert all(f"第{i}项" in doc.text for i in range(8))
    assert "版权所有" not in doc.text and "网站首页" not in doc.text


def test_html_article_inside_a_wrapper_named_like_furniture(tmp_path):
    page = GOV_PAGE.replace('<div class="main">', '<div class="main-nav-box">')
    (tmp_path / "wrapped.html").write_text(page, encoding="utf-8")
    doc = read_document(tmp_path / "wrapped.html")
    assert "新增市场主体460户" in doc.text and "中国政府网" not in doc.text


def test_html_date_from_the_page_text_and_declared_charset(tmp_path):
    page = (GOV_PAGE.replace('<meta name="PubDate" content="2024-01-15 09:30">', "")
            .replace("发布日期：2024-01-15", "发布日期：2023-12-30").replace('charset="utf-8"', 'charset="gbk"'))
    (tmp_path / "gbk.html").write_bytes(page.encode("gb18030"))
    doc = read_document(tmp_path / "gbk.html")
    assert doc.published == "2023-12-30"
    assert "新增市场主体460户" in doc.text


def test_html_with_only_scripts_has_no_main_text(tmp_path):
    (tmp_path / "redirect.html").write_text(SCRIPT_ONLY_PAGE, encoding="utf-8")
    with pytest.raises(DocumentError, match="no main text"):
        read_document(tmp_path / "redirect.html")


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_BYTES", 100)
    (tmp_path / "big.txt").write_text("大港街道工作计划。" * 20, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"file too large: \d+ bytes \(limit 100\)"):
        read_document(tmp_path / "big.txt")


def test_unknown_extension_names_the_supported_ones(tmp_path):
    (tmp_path / "plan.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DocumentError, match=r"unsupported file type '.xls' \(supported: .docx, .htm, .html, .pdf, .txt\)"):
        read_document(tmp_path / "plan.xls")


@pytest.mark.parametrize("text, year, inferred, evidence", [
    ("丹西街道工作报告\n一、2023年上半年工作开展情况", 2023, False, "2023年上半年"),
    ("书记韩英\n2016年是“十三五”规划的起始之年", 2016, False, "2016年是"),
    ("大港街道上半年工作纪实\n今年以来成效明显", 2022, True, "publication date 2022-07-01"),
    ("二〇二一年工作总结\n全年任务完成", 2021, False, "title"),
])
def test_year_inference_with_evidence(text, year, inferred, evidence):
    raw = RawDocument("x.txt", text, "utf-8", "2022-07-01" if "纪实" in text else None)
    inf = infer_metadata(raw, ROOT_REGIONS)
    assert (inf.year.value, inf.year_inferred) == (year, inferred)
    assert evidence in inf.year.evidence


def test_no_year_is_not_a_confident_guess():
    guess, inferred = infer_year("街道工作计划", "街道工作计划", None)
    assert guess.value is None and not guess.confident and inferred


def test_region_needs_more_than_a_shared_subdistrict_name():
    assert not infer_region("大港街道召开会议", ROOT_REGIONS).confident
    guess = infer_region("青岛市市北区大港街道召开会议", ROOT_REGIONS)
    assert guess.value == "qingdao" and guess.confident and "市北区" in guess.evidence
    assert infer_region("天津市滨海新区大港街道召开会议", ROOT_REGIONS).value == "binhai"


@pytest.mark.parametrize("title, doc_type", [
    ("大港街2023年工作计划", "plan"), ("2013年滨海新区街道工作要点", "priorities"),
    ("丹西街道2023年上半年工作总结", "summary"), ("抓住战略机遇加速街道发展", "article")])
def test_doc_type_from_title(title, doc_type):
    inf = infer_metadata(RawDocument("x.txt", f"{title}\n正文内容。", "utf-8"), ROOT_REGIONS)
    assert inf.doc_type.value == doc_type


def test_government_page_inference(tmp_path):
    (tmp_path / "page.html").write_text(GOV_PAGE, encoding="utf-8")
    inf = infer_metadata(read_document(tmp_path / "page.html"), ROOT_REGIONS)
    assert (inf.region.value, inf.year.value, inf.doc_type.value) == ("dalian", 2023, "summary")
    assert inf.published == "2024-01-15" and inf.title.value == "红旗街道2023年工作总结"
    assert inf.places == {"province": "辽宁省", "city": "大连市", "district": "甘井子区", "subdistrict": "红旗街道"}


def test_add_region_keeps_comments_and_is_parsed_back(tmp_path):
    from etl.config import ROOT
    path = tmp_path / "regions.yaml"
    original = (ROOT / "config" / "regions.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    add_region({"region_id": "dalian_hongqi", "name_zh": "大连·红旗", "name_en": "Dalian · Hongqi",
                "city": "大连市", "subdistrict": "红旗街道"}, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original.split("\n\n# Document types")[0])
    assert "# Document types" in text
    data = yaml.safe_load(text)
    assert data["regions"][-1] == {"region_id": "dalian_hongqi", "name_zh": "大连·红旗", "name_en": "Dalian · Hongqi",
                                   "province": None, "city": "大连市", "district": None, "subdistrict": "红旗街道"}
    assert data["doc_types"] == yaml.safe_load(original)["doc_types"]
    with pytest.raises(DocumentError, match="already configured"):
        add_region({"region_id": "dalian_hongqi", "name_zh": "大连", "name_en": "x"}, path)
    with pytest.raises(DocumentError, match="region id"):
        add_region({"region_id": "Bad Id", "name_zh": "大连", "name_en": "x"}, path)
