"""Read and normalise stages: encodings, line endings, page furniture, script."""
import pytest

from etl.errors import DocumentError
from etl.normalize import detect_script, fold_width, to_simplified
from etl.read import clean_text, decode_bytes, read_document, strip_page_furniture

SIMPLIFIED = "大港街道今年新增就业3000人，完成规上工业产值16.1亿元。\n坚持党建引领，推进基层治理。\n"
TRADITIONAL = "大港街道辦事處組建黨員突擊隊33個，發動黨員羣眾志願者五百餘名。\n"


def test_utf8_with_and_without_bom():
    assert decode_bytes(SIMPLIFIED.encode("utf-8"))[0] == SIMPLIFIED
    assert decode_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"))[0] == SIMPLIFIED


def test_gb18030_file_is_detected(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.text == SIMPLIFIED.rstrip("\n")


def test_big5_file_is_detected(tmp_path):
    path = tmp_path / "article.txt"
    text = TRADITIONAL.replace("羣", "群")  # 羣 is not in Big5
    path.write_bytes(text.encode("big5"))
    doc = read_document(path)
    assert doc.encoding in ("big5", "cp950")
    assert "黨員突擊隊33個" in doc.text


def test_line_endings_are_normalised():
    text, _ = clean_text("第一行。\r\n第二行。\r第三行。")
    assert text == "第一行。\n第二行。\n第三行。"


def test_page_furniture_removed_and_date_kept():
    page = ("当前位置:大港街道> 政务公开> 最新文件\n\n大港街2023年工作计划\n"
            "发布日期: 2023-04-03 14:38      来源: 大港街道\n字号:\n  • 扫一扫在手机打开当前页\n\n"
            "    2023年大港街将坚持稳中求进工作总基调。\n\n    全国各省市政府网站\n    天津市各区政府网站\n    重点链接\n")
    text, published = strip_page_furniture(page)
    assert published == "2023-04-03"
    assert "当前位置" not in text and "发布日期" not in text and "扫一扫" not in text
    assert "全国各省市政府网站" not in text and "重点链接" not in text
    assert "大港街2023年工作计划" in text and "坚持稳中求进工作总基调" in text


def test_a_date_line_gives_the_publication_date():
    _, published = strip_page_furniture("关于印发工作要点的通知\n2013年3月27日\n一、总体要求")
    assert published == "2013-03-27"


def test_link_like_line_inside_the_body_is_kept():
    text, _ = strip_page_furniture("重点链接\n街道将完成三项工作，确保全年目标实现。\n第二段落内容较长，并且包含句号。")
    assert "重点链接" in text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\t", "empty file"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_bad_bytes_raise_document_error(data, reason):
    with pytest.raises(DocumentError, match=reason):
        decode_bytes(data, "bad.txt")


def test_text_without_chinese_is_rejected(tmp_path):
    path = tmp_path / "english.txt"
    path.write_text("This plan has no Chinese at all.", encoding="utf-8")
    with pytest.raises(DocumentError, match="no Chinese"):
        read_document(path)


def test_simplified_copy_keeps_length_and_offsets():
    simplified = to_simplified(TRADITIONAL)
    assert len(simplified) == len(TRADITIONAL)
    assert "党员突击队33个" in simplified
    assert simplified.index("五百余名") == TRADITIONAL.index("五百餘名")


def test_width_folding_and_script_detection():
    assert fold_width("新增就业３０００人，ＡＢ") == "新增就业3000人,AB"
    assert detect_script(TRADITIONAL) == "traditional"
    assert detect_script(SIMPLIFIED) == "simplified"


_FOLD_ALPHABET = "".join(map(chr, range(0xFF00, 0xFF61))) + "\u3000 。、“”‘’《》【】〔〕—－～…大港就业ａ1,.\n\t"


@pytest.mark.parametrize("seed", range(30))
def test_the_folds_are_the_translate_tables_they_replace(seed):
    """fold_width and the key's punctuation fold replace per character what str.translate with their tables does."""
    import random

    from etl.normalize import PUNCT_TABLE, WIDTH_TABLE, _fold_punctuation
    rng = random.Random(seed)
    text = "".join(rng.choice(_FOLD_ALPHABET) for _ in range(rng.randrange(0, 400)))
    assert fold_width(text) == text.translate(WIDTH_TABLE)
    assert _fold_punctuation(text) == text.translate(PUNCT_TABLE)
    assert _fold_punctuation(fold_width(text)) == fold_width(text).translate(PUNCT_TABLE)


def test_the_common_share_counts_the_level_one_characters():
    from etl.read import _common_share
    level_one = "的一是在不了有和人这中大为上个国我以要他"       # GB2312 level 1
    rare = "亍丌兀丐廿卅丕亘丞鬲孬噩丨禺丿"                     # GB2312 level 2
    assert _common_share(level_one) == 1.0
    assert _common_share(rare) == 0.0
    assert _common_share(level_one + rare) == pytest.approx(len(level_one) / (len(level_one) + len(rare)))
    assert _common_share("") == 0.0
