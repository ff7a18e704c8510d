"""Structure: each section is a review part or a plan part.

A work summary looks back (上半年工作情况, 2022年工作回顾) and often ends with
a plan (下半年工作思路, 明年工作打算); a plan may open with what was done
(2023年完成情况); a government work report reviews the past year(s), then
sets the year's targets (总体部署, 总体要求和政策取向, 重点工作, 主要任务, 对今年
政府工作的建议). Facts in a review part are achievements unless a cue says
otherwise, facts in a plan part targets.

A section's part comes from its own heading, else from its parent heading,
else from the last classified heading before it at the same level (a
sibling such as 存在问题 or 保障措施 stays in the part it follows), else from
the document title, else from the document type. A heading or title naming
both parts (…工作总结和2024年工作计划) decides nothing: its sections do. A
lead-in line of its own (下半年，街道将重点抓好以下工作：) that names another
part opens it.
"""
import re

from etl.segment import ENUM_LEVEL, HEADING_MARKERS

REVIEW, PLAN = "review", "plan"
PERIOD_NUM = "一二两三四五六七八九十\\d"
# Cues that name a part by themselves: a past or coming period, or a heading
# noun that only ever heads one part.
STRONG_CUES = (
    (REVIEW, re.compile(
        rf"回顾|回眸|工作总结|完成情况|过去(?:的)?[{PERIOD_NUM}]*年|[{PERIOD_NUM}]+年来|去年(?:的)?(?:政府)?工作|"
        r"以来(?:的)?(?:主要)?工作|上半年|半年度|前三季度")),
    (PLAN, re.compile(
        r"下一步|下步|下一?阶段|下半年|(?:今后|明年)(?=[一两二三四五几]|一个|一段|时期|的?(?:工作|主要|重点|目标|任务))|"
        r"(?:今年|本年度?)(?:的)?(?:政府)?(?:工作|主要任务)|"
        r"工作(?:思路|打算|计划|安排|设想|谋划|要点|重点|部署|目标|任务|建议)|重点工作|主要任务|"
        r"总体要求|政策取向|总体部署")),
)
# Cues that name a part only in a top-level heading or next to a period
# (2024年…目标): deeper in a section, 目标任务 or 规划 are topics, not parts.
WEAK_CUES = (
    (REVIEW, re.compile(r"情况|(?<![新大显])成[效绩]|工作进展|进展情况|亮点|总结")),   # not 取得新成效: a resolve
    (PLAN, re.compile(r"思路|计划(?!生育)|打算|安排|目标|要点|任务|部署|建议|设想|谋划|规划|展望")),
)
PERIOD = re.compile(rf"\d{{4}}\s*年|[今明去本上下]年|年度|半年|期间|时期|阶段|今后|下一?步|以来|[{PERIOD_NUM}]+年来|过去")
# A conjunction between a review cue and a plan cue: the heading names both parts.
BOTH = re.compile(r"[和及暨与、]|以及")
HEADING_END = " \t。.；;：:，,！!？?"
TOP_LEVEL = 1
# A short unnumbered line with a pause inside is a sentence on a line of its
# own (五年来，外交工作开创新局面), not a heading that opens a part.
PLAIN_NOT_HEADING = re.compile(r"[，,：:]")
# A lead-in line (下半年工作打算：) opens a part above every numbered heading after it.
LEAD_IN_END = re.compile(r"[：:]$")
MAX_LEAD_IN = 30
LEAD_IN_LEVEL = 0
# Types whose parts follow a fixed order: a report's review comes first and
# every top-level section after it belongs to the plan (二、抓紧有利时机…).
REVIEW_THEN_PLAN = frozenset({"report"})
TYPE_PART = {"plan": PLAN, "priorities": PLAN, "summary": REVIEW, "report": REVIEW}
# A heading naming only a year's work (三、2011年的工作): a later year is the
# plan, an earlier one the review; the document's own year is the plan in a
# report (dated by the year it plans) and undecided elsewhere.
YEAR_WORK = re.compile(r"(\d{4})\s*年度?(?:的)?(?:政府|主要|各项)?工作")


def _cues(text, strong_only):
    """(start, end, part) of the cues in a heading; a weak cue counts only as
    the heading's head noun: at its end or before a conjunction (目标和指导方针),
    not inside a topic (城乡规划建设管理水平明显提升)."""
    text = text.rstrip(HEADING_END)
    found = []
    for part, pattern in STRONG_CUES:
        found += [(m.start(), m.end(), part) for m in pattern.finditer(text)]
    if not strong_only:
        for part, pattern in WEAK_CUES:
            found += [(m.start(), m.end(), part) for m in pattern.finditer(text)
                      if m.end() == len(text) or BOTH.match(text, m.end())]
    return sorted(found)


def heading_part(text, top_level=True):
    """'review', 'plan' or None for one heading (Simplified text).

    The last cue decides, as the head noun of a Chinese heading comes last
    (重点工作进展 is a review, 目标任务完成情况 too); a review cue and a plan
    cue joined by a conjunction mean the heading spans both parts: None.
    """
    cues = _cues(text, strong_only=not (top_level or PERIOD.search(text)))
    if not cues:
        return None
    last = cues[-1]
    for _start, end, part in cues:
        if part != last[2] and BOTH.search(text, end, last[0]):
            return None
    return last[2]


def title_part(title):
    """The part a document title names, or None (none, or both)."""
    return heading_part(title or "", top_level=True)


def _numbered(simplified):
    """A heading with a number (一、 (一) 1.), as against a plain line."""
    return any(pattern.match(simplified) for _, pattern in HEADING_MARKERS)


def _dated_part(text, year, doc_type):
    """The part of a heading naming only a year's work, against the document's year."""
    m = YEAR_WORK.search(text)
    if not m or not year:
        return None
    named = int(m.group(1))
    if named > year or (named == year and doc_type in REVIEW_THEN_PLAN):
        return PLAN
    return REVIEW if named < year else None


def _own_part(s, year, doc_type):
    """The part a section-opening unit names: headings only, not enumerations or long openers."""
    if not s.is_heading or s.level == ENUM_LEVEL:
        return None
    numbered = _numbered(s.text_simplified)
    if not numbered and PLAIN_NOT_HEADING.search(s.text_simplified):
        return None
    top = numbered and s.level <= TOP_LEVEL
    return (heading_part(s.text_simplified, top_level=top)
            or (_dated_part(s.text_simplified, year, doc_type) if top else None))


def _lead_in_part(sentences, i):
    """The part a lead-in line opens (下半年工作打算： / 一年来，主要做了以下工作：):
    a line of its own ending in a colon, short as a heading, naming a part."""
    s = sentences[i]
    alone = all(not (0 <= j < len(sentences)) or sentences[j].line_no != s.line_no for j in (i - 1, i + 1))
    text = s.text_simplified
    if s.opens_section or not alone or len(text) > MAX_LEAD_IN or not LEAD_IN_END.search(text):
        return None
    return heading_part(text, top_level=False)


def sentence_parts(sentences, title="", doc_type="", year=None):
    """The part of every sentence, in order ('review', 'plan' or None); `title` in Simplified script."""
    base = title_part(title) or TYPE_PART.get(doc_type)
    stack, parts = [], []      # stack: (level, part) of the classified headings in force
    for i, s in enumerate(sentences):
        lead_in = _lead_in_part(sentences, i)
        if lead_in and lead_in != (stack[-1][1] if stack else base):
            stack = [(LEAD_IN_LEVEL, lead_in)]      # a lead-in within its own part changes nothing
        elif s.opens_section and s.level != ENUM_LEVEL:
            own = _own_part(s, year, doc_type)
            if own:
                stack = [e for e in stack if e[0] < s.level] + [(s.level, own)]
            elif s.level > 0:
                # An unnamed section ends the deeper ones; a plain line above the
                # numbered headings (level 0: a stray link, a caption) changes nothing.
                stack = [e for e in stack if e[0] <= s.level]
                if doc_type in REVIEW_THEN_PLAN and s.level <= TOP_LEVEL and stack and stack[-1] == (s.level, REVIEW):
                    stack[-1] = (s.level, PLAN)     # the review section closed by a sibling
        parts.append(stack[-1][1] if stack else base)
    return parts
