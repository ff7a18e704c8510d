"""Segment and themes stages on small documents with known structure."""
from etl.normalize import to_simplified
from etl.segment import segment
from etl.themes import code_themes, dictionary_coding, load_dictionary, match_terms

DOC = """关于2024年街道工作的总体思路。
一、2024年上半年工作情况
(一)党建工作有效提升。一是强化理论学习。组织党员开展主题党日活动12场；深化党员教育管理。二是加强廉政建设。开展廉政教育。
(二)安全生产全面整改。一是隐患排查整治。检查企业378家，发现隐患1301个！整改率100%?
二、下半年工作思路
(一)聚焦民生保障
做好低保救助和养老服务；推进就业创业。"""


def _segment(text):
    return segment(text, to_simplified(text))


def test_units_split_at_sentence_marks_and_lines():
    sents = _segment(DOC)
    texts = [s.text for s in sents]
    assert "组织党员开展主题党日活动12场；" in texts
    assert "检查企业378家，发现隐患1301个！" in texts
    assert "整改率100%?" in texts
    assert all(s.text == DOC[s.char_start:s.char_end] for s in sents)


def test_headings_and_section_paths():
    sents = {s.text.rstrip("。"): s for s in _segment(DOC)}
    assert sents["一、2024年上半年工作情况"].is_heading
    assert sents["(一)党建工作有效提升"].is_heading
    assert sents["一是强化理论学习"].is_heading
    assert sents["(一)聚焦民生保障"].is_heading
    unit = sents["开展廉政教育"]
    assert unit.section == "一、2024年上半年工作情况 > (一)党建工作有效提升 > 二是加强廉政建设"
    assert not unit.is_heading
    assert sents["做好低保救助和养老服务；"].section == "二、下半年工作思路 > (一)聚焦民生保障"


def test_plain_short_lines_are_headings_in_unnumbered_documents():
    text = "抓戰“疫”,精心組織保平安\n年初,大港街道迅速成立疫情處置工作小組。\n強黨建,聚合資源強治理\n創新工作思路。"
    sents = _segment(text)
    assert [s.is_heading for s in sents] == [True, False, True, False]
    assert sents[1].section == "抓戰“疫”,精心組織保平安"


def test_themes_follow_the_guide_and_headings_take_their_section():
    sents = _segment(DOC)
    coded = code_themes(sents, load_dictionary())
    by_text = {s.text.rstrip("。；！?"): [t for t, _, _ in coded[s.sent_no]] for s in sents}
    assert by_text["组织党员开展主题党日活动12场"][0] == "party"
    assert by_text["开展廉政教育"] == ["party"]
    assert by_text["检查企业378家，发现隐患1301个"][0] == "safety"
    assert by_text["(一)党建工作有效提升"] == ["party"]
    assert by_text["(二)安全生产全面整改"][0] == "safety"
    assert by_text["做好低保救助和养老服务"] == ["livelihood"]
    assert by_text["关于2024年街道工作的总体思路"] == []
    assert by_text["一、2024年上半年工作情况"] == []


def test_evidence_lists_matched_terms_and_traditional_text_matches():
    scores, evidence = match_terms(to_simplified("組織黨員志願者開展垃圾分類宣傳"), load_dictionary())
    assert "垃圾分类" in evidence["environment"]
    assert "党员" in evidence["party"]
    assert scores["environment"] > 0 and scores["party"] > 0


def test_at_most_three_themes_per_unit():
    text = "推进党建引领安全生产、垃圾分类、养老服务、疫情防控、招商引资和网格化管理。"
    coded = code_themes(_segment(text), load_dictionary())
    assert all(len(v) <= 3 for v in coded.values())


def test_the_dictionary_defines_the_twelve_themes_with_colours():
    d = load_dictionary()
    assert [t["id"] for t in d.themes] == ["party", "economy", "innovation", "safety", "stability", "governance",
                                           "livelihood", "health", "environment", "urban", "culture", "rural"]
    assert all(t["color"].startswith("#") and t["name_zh"] and t["name_en"] for t in d.themes)


def test_a_closing_paragraph_after_the_last_sub_section_is_framing():
    """The paragraph that closes a section after its sub-sections gets a theme only on strong evidence;
    a paragraph before it is body text."""
    text = ("(八)坚持党建引领\n一是加强党员教育。组织党员学习。\n二是加强廉政建设。开展廉政教育。\n"
            "全面推进党员教育、党组织建设和党风廉政建设,严格落实党建工作责任制。\n"
            "新的征程已经开启,我们将在党的领导下凝心聚力,奋力谱写新篇章。")
    sents = _segment(text)
    coded = code_themes(sents, load_dictionary())
    by_text = {s.text.rstrip("。"): [t for t, _, _ in coded[s.sent_no]] for s in sents}
    assert by_text["开展廉政教育"] == ["party"]
    assert by_text["新的征程已经开启,我们将在党的领导下凝心聚力,奋力谱写新篇章"] == []
    assert by_text["全面推进党员教育、党组织建设和党风廉政建设,严格落实党建工作责任制"] == ["party"]


def test_body_paragraphs_before_a_sections_enumerated_points_are_not_framing():
    """A report's review runs for paragraphs before its first 一是: only a numbered sub-heading has a lead-in.
    The paragraphs between the heading and the enumeration are coded like any body text."""
    text = ("一、过去一年的工作\n过去一年,我们迎难而上,各项工作取得新进展。\n"
            "国内生产总值增长百分之六,财政收入稳步增长。\n"
            "城镇新增就业人数超过预期,社会保障水平继续提高。\n"
            "一是\n加强安全生产。\n二是\n推进垃圾分类。")
    sents = _segment(text)
    units = dictionary_coding(sents, load_dictionary(model_path=None))
    by_text = {s.text.rstrip("。"): units[s.sent_no] for s in sents}
    for body in ("国内生产总值增长百分之六,财政收入稳步增长", "城镇新增就业人数超过预期,社会保障水平继续提高"):
        assert not by_text[body]["framing"], body
        assert by_text[body]["coded"], body
    assert [t for t, _, _ in by_text["国内生产总值增长百分之六,财政收入稳步增长"]["coded"]][0] == "economy"


def test_an_umbrella_heading_gets_only_the_theme_its_own_words_name():
    sections = "(一)加强党员教育。组织党员学习。\n(二)抓好安全生产。排查安全隐患。\n(三)推进垃圾分类。开展垃圾分类。\n(四)扩大就业。新增就业岗位。\n"
    rest = "二、招商引资\n" + "做好招商引资工作。" * 10
    for title, expected in (("一、以抓好民生工作为根本", ["livelihood"]), ("一、上半年工作情况", [])):
        sents = _segment(title + "\n" + sections + rest)
        coded = code_themes(sents, load_dictionary())
        assert [t for t, _, _ in coded[sents[0].sent_no]] == expected, title


def test_a_short_line_inside_a_broken_sentence_is_no_heading():
    """Web pages that break their text at every link leave short lines in mid-sentence;
    they continue the sentence around them and open no section."""
    text = ("城市建设持续推进。\n"
            "一年来，全区改造老旧小区一百余个，新建道路十余条，并且在重点片区推进了\n"
            "城市更新行动\n"
            "，完成投资二十亿元。对外开放推出新举措，“\n"
            "海丝之路\n"
            "”合作项目落地。\n"
            "优化营商环境\n"
            "全面推行一网通办。")
    sents = {s.text: s for s in _segment(text)}
    assert not sents["城市更新行动"].opens_section
    assert not sents["海丝之路"].opens_section
    assert sents["优化营商环境"].is_heading and sents["优化营商环境"].opens_section
    assert sents["全面推行一网通办。"].parent == sents["优化营商环境"].sent_no


def test_terms_match_leftmost_longest_without_overlap_at_character_offsets():
    from etl.themes import TermMatcher
    m = TermMatcher(["社区", "社区治理", "治理体系", "体系", "养老"])
    # The longest term at the leftmost position wins; the next match starts after it.
    text = "𠀀推进社区治理体系建设和养老"
    assert m.find(text) == [("社区治理", 3, 7), ("体系", 7, 9), ("养老", 12, 14)]
    assert [text[a:b] for _, a, b in m.find(text)] == ["社区治理", "体系", "养老"]
    assert m.search("社区") and not m.search("街道") and TermMatcher([]).find("社区") == []
