"""Theme coding on the failure classes seen on outside documents, in general form.

Each sentence is constructed, not taken from a development document: a field
named in passing does not code, furniture and topics outside the guide get
no theme, the vocabulary of national reports codes by the guide's table.
"""
import pytest

from etl.normalize import to_simplified
from etl.segment import segment
from etl.themes import code_themes, load_dictionary, match_terms

WITH_MODEL = load_dictionary()
DICTIONARY_ONLY = load_dictionary(model_path=None)
CODERS = pytest.mark.parametrize("dictionary", [WITH_MODEL, DICTIONARY_ONLY], ids=["model", "dictionary"])


def _themes(text, dictionary):
    """Themes of every unit of `text`, by unit text without its final mark."""
    sents = segment(text, to_simplified(text))
    coded = code_themes(sents, dictionary)
    return {s.text.rstrip("。；"): [t for t, _, _ in coded[s.sent_no]] for s in sents}


def _one(sentence, dictionary):
    return next(iter(_themes(sentence, dictionary).values()))


def test_a_single_list_item_weighs_less_than_a_term_standing_alone():
    d = DICTIONARY_ONLY
    alone, _ = match_terms("加强生态保护", d)
    listed, _ = match_terms("统筹推进产业、教育、生态保护、医疗等领域结对帮扶", d)
    assert listed["environment"] < alone["environment"]


def test_several_list_items_of_one_theme_keep_their_weight():
    d = DICTIONARY_ONLY
    shared, _ = match_terms("开展信访、维稳、矛盾纠纷化解工作", d)
    single, _ = match_terms("化解矛盾纠纷", d)
    assert shared["stability"] > single["stability"]


@CODERS
def test_a_field_named_in_a_list_does_not_code_the_unit(dictionary):
    themes = _one("围绕产业、教育、生态、消费等方面开展对口帮扶，巩固脱贫攻坚成果", dictionary)
    assert "environment" not in themes
    assert "livelihood" in themes


@CODERS
def test_spending_as_a_means_is_not_party_building(dictionary):
    assert "party" not in _one("严格控制一般性财政支出，压减非急需非刚性开支", dictionary)


@CODERS
def test_a_licence_block_and_its_fragments_get_no_theme(dictionary):
    text = ("抓安全生产保平安\n开展安全生产隐患排查整治，落实企业主体责任。\n"
            "本作品是中华人民共和国的\n法律\n、\n法规\n，国家机关的文件。\nfalse")
    themes = _themes(text, dictionary)
    assert "safety" in themes["开展安全生产隐患排查整治，落实企业主体责任"]
    for line in ("本作品是中华人民共和国的", "法律", "法规", "，国家机关的文件", "false"):
        assert themes[line] == [], line


@CODERS
@pytest.mark.parametrize("sentence", [
    "深化国防和军队改革，推进依法治军",
    "加强国防和军队现代化建设，维护国家安全",
    "发展两岸关系，深化两岸经济文化交流合作",
])
def test_topics_outside_the_guide_get_no_theme(sentence, dictionary):
    assert _one(sentence, dictionary) == []


@CODERS
@pytest.mark.parametrize(("sentence", "theme"), [
    ("实施积极的财政政策和稳健的货币政策", "economy"),
    ("深化价格改革，保持物价总水平基本稳定", "economy"),
    ("推动义务教育优质均衡发展，加强教师队伍建设", "culture"),
    ("加强基础研究和关键核心技术攻关", "innovation"),
    ("做好洪涝地震等自然灾害抢险救援工作", "safety"),
    ("加大扶贫开发力度，帮助贫困地区群众脱贫", "livelihood"),
])
def test_common_policy_vocabulary_codes_by_the_guide(sentence, theme, dictionary):
    assert _one(sentence, dictionary)[:2].count(theme) == 1


def test_every_code_keeps_evidence():
    text = "一、经济发展\n实施积极的财政政策。\n推进区域协调发展，优化营商环境。"
    sents = segment(text, to_simplified(text))
    for themes in code_themes(sents, WITH_MODEL).values():
        for _, _, evidence in themes:
            assert evidence
