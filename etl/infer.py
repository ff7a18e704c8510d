"""Infer a new document's metadata (year, region, type, title) from its text.

Every guess carries the evidence it rests on, so the person adding the
document can check it before anything is written; a guess that is not
confident is left for them (or the CLI flags) to supply.

The title is the first line near the top that reads like a document's name
(it names a document type and is neither page furniture nor a numbered
heading); the type and year are read from that title first, then from the
headings and the opening lines, never from the furniture of a web page.
"""
import re
from dataclasses import dataclass, field

from etl.manifest import YEAR_RANGE
from etl.normalize import to_simplified

CN_DIGITS = str.maketrans("〇零一二三四五六七八九○Ｏ", "0012345678900")
YEAR_PHRASE = re.compile(r"(\d{4})\s*年\s*(?:上半年|下半年|全年|第[一二三四]季度|是|工作|度|街道|,|，|重点|主要)")
ANY_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
CN_YEAR = re.compile(r"([〇零一二三四五六七八九○]{4})\s*年")
# A year that names a horizon, not the document's year: 2035年远景目标, 到2025年, 2021-2025年规划.
HORIZON_AFTER = re.compile(r"\s*年?\s*(?:远景|愿景|规划|发展规划|以?前(?![一二三四五六七八九十两\d]))")
HORIZON_BEFORE = re.compile(r"(?:到|(?<!截)至|展望|面向|\d\s*[-—~～])\s*$")
# The date a report was delivered: ——2024年3月5日在第十四届全国人民代表大会第二次会议上.
DELIVERY = re.compile(r"[—-]{1,2}\s*(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:在|于)")
PROVINCES = ("北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 "
             "山东省 河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 "
             "内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区").split()
# A place is written as a chain from the province down: 辽宁省大连市甘井子区红旗街道.
PLACE_CHAIN = re.compile(
    "(" + "|".join(PROVINCES) + r")([\u4e00-\u9fff]{2,3}?市)?([\u4e00-\u9fff]{2,4}?(?:新区|区|县))?"
    r"([\u4e00-\u9fff]{2,4}?(?:街道|镇|乡))?")
LEVEL_WEIGHT = {"subdistrict": 4, "district": 3, "city": 2, "province": 1}
SUFFIX = re.compile(r"(?:街道|新区|自治区|省|市|区|县|镇|乡)$")
# A bare place name followed by these is a street or a square named after the place (天津街, 北京路), not the place.
STREET_AFTER = r"(?![街路巷道]|大街|大道|胡同|广场|里\d)"
# A sub-district names itself: 丁兰街道 at the start of a line or clause, or after its district.
SELF_NAME = re.compile(r"(?:^|(?<=[\n，,。、；;：:“《（(\s省市区县]))([\u4e00-\u9fff]{2,4}?)(街道|镇|乡)(?:办事处)?")
OWN_NAME_OPENING = 300    # a sub-district names itself in its opening sentence (2024年，凤凰街道认真贯彻…)
NOT_A_NAME = re.compile(r"^(?:各|全|本|我|该|在|和|与|由|对|召开|印发|制定|开展|推进|构建|发挥|整合|完善|组织|指导)")
# A government speaking for itself: the report of the whole country has no place names to match.
NATIONAL_SPEAKER = re.compile(r"代表国务院|国务院总理")

# Document types by their cues, in order: a summary whose title also names next year's plan is a summary.
TYPE_CUES = (
    ("report", re.compile(r"政府工作报告")),
    ("summary", re.compile(r"总结|工作进展|完成情况|工作回顾|工作纪实")),
    ("priorities", re.compile(r"要点|重点工作[^，。]{0,6}安排")),
    ("plan", re.compile(r"计划|工作规划|工作思路|工作安排|工作打算")),
)
# The opening of a government work report, delivered to a people's congress.
REPORT_OPENING = re.compile(r"代表[^，。]{0,10}(?:政府|国务院)[^，。]{0,6}向大会(?:作|报告)")
# A document announcing itself in its opening: 现将半年度重点工作总结如下.
SELF_ANNOUNCED = re.compile(r"现将[^，。]{0,20}?(?:总结|情况报告|汇报)如下")
# The body begins here: a title is above it.
ADDRESS = re.compile(r"^(?:各位代表|同志们|各位委员)")
TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*")
OPENING_CLAUSE = re.compile(r"^[^，。,；;！？]{4,40}")   # a title glued to the first sentence
# Lines of a web page around the text, never a title: index numbers, dates, breadcrumbs, search boxes, counters.
FURNITURE = re.compile(
    r"索引号|组配分类|发布机构|生成日期|公开方式|公开日期|文件编号|效力状况|内容概述|发布日期|发布时间|信息来源|来源[:：]|"
    r"当前位置|首页|收藏|请输入|检索|无障碍|字号|打印|浏览|分享|导航|顶部|查看[:：]|回复|复制链接|签到|积分|版主|"
    r"帖子|扫一扫|[|｜]|^\s*[-—]{1,2}")
NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+[章部节])")
SENTENCE_END = re.compile(r"[，。：:；;,！？]$")
TITLE_TAG = re.compile(r"^\s*[\[【][^\]】]{1,8}[\]】]\s*")                 # [辽宁] a forum's region tag
TRAILING_DATE = re.compile(r"\s+\d{4}[-./]\d{1,2}[-./]\d{1,2}.*$")    # … 2018-06-15 the listing date
TITLE_LINES = 15          # a title sits near the top: the first lines that are not furniture
TITLE_LENGTH = (4, 60)
HEADING_LINES = 40        # headings read for the type when there is no title
OPENING_CHARS = 1500      # the opening where a report says it is one
MENTIONS_FOR_TRUST = 2    # a region matched on its one configured level needs that name more than once


@dataclass
class Guess:
    """One inferred field: its value, the evidence, and whether to trust it."""
    value: object
    evidence: str
    confident: bool = True


@dataclass
class Inference:
    year: Guess
    year_inferred: bool
    region: Guess
    doc_type: Guess
    title: Guess
    published: str
    places: dict = field(default_factory=dict)   # most frequent names per level, for a new region


def _context(text, start, end, width=14):
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _in_range(year):
    return YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


def _document_years(text, pattern):
    """(year, match) for each year in `text` that is the document's, not a horizon (2035年远景目标, 到2025年)."""
    for m in pattern.finditer(text):
        year = int(m.group(1))
        if not _in_range(year):
            continue
        if HORIZON_AFTER.match(text, m.end(1) + (0 if text[m.end(1):m.end(1) + 1] != "年" else 1)) \
                or HORIZON_BEFORE.search(text[max(0, m.start(1) - 3):m.start(1)]):
            continue
        yield year, m


def infer_year(text, title, published, doc_type=None, title_confident=True):
    """(Guess, inferred?) from the title, a report's delivery date, a year phrase, the publication date, or the commonest year.

    A title that is only a guess (a heading standing in for it) yields to the date a report was delivered.
    """
    digits = text.translate(CN_DIGITS) if CN_YEAR.search(text) else text
    from_title = next(_document_years(title.translate(CN_DIGITS), ANY_YEAR), None)
    if from_title and title_confident:
        return Guess(from_title[0], f"title: {title}"), False
    if doc_type == "report":
        for year, m in _document_years(digits[:OPENING_CHARS], DELIVERY):
            return Guess(year, f"delivered: {_context(text, m.start(), m.end())}"), False
    if from_title:
        return Guess(from_title[0], f"title: {title}"), False
    for year, m in _document_years(digits[:3000], YEAR_PHRASE):
        return Guess(year, f"text: {_context(text, m.start(), m.end())}"), False
    if published and _in_range(int(published[:4])):
        return Guess(int(published[:4]), f"publication date {published}"), True
    counts = {}
    for year, _ in _document_years(digits, ANY_YEAR):
        counts[year] = counts.get(year, 0) + 1
    if counts:
        year, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        return Guess(year, f"most frequent year in the text ({n}×)", confident=n >= 2), True
    return Guess(None, "no year found in the text", confident=False), True


def _variants(name):
    """A configured name and its short form (大港街道 -> 大港街, 天津市 -> 天津), for matching running text."""
    name = (name or "").strip()
    if not name:
        return ()
    short = SUFFIX.sub("", name)
    out = [name]
    if name.endswith("街道"):
        out.append(name[:-1])
    if len(short) >= 2 and short != name and not name.endswith("街道"):
        out.append(short)
    return tuple(out)


def _mentions(variant, name, text):
    """How often `variant` of the configured `name` names the place (a bare name used for a street does not)."""
    if variant == name:
        return text.count(variant)
    return len(re.findall(re.escape(variant) + STREET_AFTER, text))


def own_subdistrict(title, text):
    """The sub-district the document is about: the one its title names, else the one its text names most."""
    for hay in (title, text[:OWN_NAME_OPENING]):
        counts = {}
        for m in SELF_NAME.finditer(hay):
            if not NOT_A_NAME.match(m.group(1)) and not re.search(r"[省市区县]", m.group(1)):
                name = m.group(1) + m.group(2)
                counts[name] = counts.get(name, 0) + 1
        if counts:
            return max(counts.items(), key=lambda kv: kv[1])[0]
    return None


def _same_place(configured, named):
    return SUFFIX.sub("", (configured or "").strip()) == SUFFIX.sub("", named or "")


def infer_region(text, regions, title=""):
    """The configured region whose most specific configured level the text names.

    A region configured down to a sub-district is this document's only if the
    text names that sub-district and the document is not about another one
    (a sibling 街道 of the same district is a different place).
    """
    national = NATIONAL_SPEAKER.search(text[:OPENING_CHARS])
    nation = [r for r in regions if not any((r.get(lv) or "").strip() for lv in LEVEL_WEIGHT)]
    if national and len(nation) == 1:
        # The places a national report names are where things happen, not who speaks.
        return Guess(nation[0]["region_id"], f"found {national.group(0)}: the national level")
    own = own_subdistrict(title, text)
    scored, siblings = [], []
    for region in regions:
        levels = [lv for lv in LEVEL_WEIGHT if (region.get(lv) or "").strip()]
        if not levels:
            continue
        score, found, most_specific = 0, [], 0
        for level in levels:
            for variant in _variants(region.get(level)):
                n = _mentions(variant, region[level], text)
                if n:
                    score += LEVEL_WEIGHT[level]
                    found.append(variant)
                    most_specific = n if level == levels[0] else most_specific
                    break
        if not most_specific:
            continue                  # the region's own (most specific) level is not named: not this region
        if region.get("subdistrict") and own and not _same_place(region["subdistrict"], own):
            siblings.append(region["region_id"])
            continue
        scored.append((score, most_specific, region["region_id"], found))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    if not scored:
        if own:
            also = f" (not {', '.join(siblings)})" if siblings else ""
            return Guess(None, f"unknown place: the text is about {own}, which is not configured{also}", confident=False)
        return Guess(None, "no configured place name found in the text", confident=False)
    best = scored[0]
    tied = [s[2] for s in scored if s[0] == best[0]]
    evidence = f"found {'、'.join(best[3])}"
    if len(tied) > 1:
        return Guess(None, f"{evidence}: matches {', '.join(tied)} equally", confident=False)
    return Guess(best[2], evidence, confident=best[0] >= 3 or best[1] >= MENTIONS_FOR_TRUST)


def place_names(text):
    """The most frequent province, city, district and sub-district names in the text."""
    counts = {level: {} for level in LEVEL_WEIGHT}
    for m in PLACE_CHAIN.finditer(text):
        province, city, district, sub = m.groups()
        if province in PROVINCES[:4]:
            city = city or province
        for level, name in (("province", province), ("city", city), ("district", district), ("subdistrict", sub)):
            if name:
                counts[level][name] = counts[level].get(name, 0) + 1
    return {level: max(c.items(), key=lambda kv: kv[1])[0] for level, c in counts.items() if c}


def _lines(text, n):
    return [ln.strip() for ln in text.split("\n") if ln.strip()][:n]


def _titleish(line):
    """A line that could be a title: short, not furniture, not a numbered heading, not a sentence."""
    return (TITLE_LENGTH[0] <= len(line) <= TITLE_LENGTH[1] and not FURNITURE.search(line)
            and not NUMBERED.match(line) and not SENTENCE_END.search(line))


def _clean_title(line):
    return TRAILING_DATE.sub("", TITLE_TAG.sub("", line)).strip()


def _type_of(line):
    """(doc_type, match) of the first cue in `line`, in TYPE_CUES order."""
    simplified = to_simplified(line)
    for doc_type, cue in TYPE_CUES:
        m = cue.search(simplified)
        if m:
            return doc_type, m
    return None, None


def _head(text):
    """The opening lines above the body proper (the address 各位代表 or the first numbered heading starts it)."""
    head = []
    for line in _lines(text, TITLE_LINES):
        if ADDRESS.match(line) or NUMBERED.match(line):
            break
        head.append(_clean_title(line))
    return head


def infer_title(text, meta_title=""):
    """The file's own title; else a line above the body naming a document type; else the first top
    heading naming one (一、2022年工作总结, the name an untitled excerpt goes by); else a short line."""
    if meta_title and not FURNITURE.search(meta_title):
        return Guess(meta_title[:120], "title given by the file")
    head = _head(text)
    for line in head:
        if _titleish(line) and _type_of(line)[0]:
            return Guess(line, "line above the body naming a document type")
    for line in _lines(text, HEADING_LINES):
        if TOP_HEADING.match(line) and len(line) <= TITLE_LENGTH[1] and _type_of(line)[0]:
            return Guess(TOP_HEADING.sub("", line), f"no title line; first heading: {line}", confident=False)
    for line in head:
        if _titleish(line):
            return Guess(line, "first short line", confident=False)
    first = text.strip().split("\n")[0][:30]
    return Guess(first, "start of the text (no title line)", confident=False)


def infer_doc_type(text, title):
    """The type the title names, else the one a report's opening or a heading names, else an article."""
    doc_type, m = _type_of(title)
    if doc_type:
        return Guess(doc_type, f"title: {_context(title, m.start(), m.end())}")
    m = REPORT_OPENING.search(text[:OPENING_CHARS])
    if m:
        return Guess("report", f"opening: {_context(text, m.start(), m.end())}")
    m = SELF_ANNOUNCED.search(text[:OPENING_CHARS])
    if m:
        return Guess(_type_of(m.group(0))[0] or "summary", f"opening: {_context(text, m.start(), m.end())}")
    for line in _lines(text, HEADING_LINES):
        if len(line) <= TITLE_LENGTH[1] and not FURNITURE.search(line):
            doc_type, m = _type_of(line)
            if doc_type:
                return Guess(doc_type, f"heading: {_context(line, m.start(), m.end())}", confident=False)
    opening = OPENING_CLAUSE.match(text.lstrip())
    doc_type, m = _type_of(opening.group(0)) if opening else (None, None)
    if doc_type:
        return Guess(doc_type, f"opening clause: {_context(opening.group(0), m.start(), m.end())}", confident=False)
    return Guess("article", "no document type named in the title, the opening or the headings: an article",
                 confident=False)


def infer_metadata(raw, regions):
    """All guesses for one RawDocument (from etl.read)."""
    simplified = to_simplified(raw.text)
    title = infer_title(raw.text, raw.meta.get("title", ""))
    title_s = to_simplified(title.value)
    doc_type = infer_doc_type(simplified, title_s if title.confident else "")
    year, year_inferred = infer_year(simplified, title_s, raw.published, doc_type.value, title.confident)
    return Inference(year=year, year_inferred=year_inferred, region=infer_region(simplified, regions, title_s),
                     doc_type=doc_type, title=title, published=raw.published or "",
                     places=place_names(simplified))
