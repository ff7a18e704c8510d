"""Facts: quantitative facts of the guide, found by rules over Simplified text.

A fact is a number with a counter or unit that measures something reported
or planned. Each is recorded as written (`surface`, in the original script)
and normalised: `value` in base units (亿 1e8, 万 1e4, Chinese numerals read
by cn2an), `value_max` for ranges, `unit`, `kind`, `comparator`,
`approximate` and an `indicator` phrase. Dates, ordinals, list markers,
slogans and numbers inside names are not facts.
"""
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import cn2an

from etl.errors import DocumentError

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMBER = rf"[{CN_DIGITS}十百千万亿]+"
AR_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
MAGNITUDE = r"[十百千万亿]+"
# Counters and units, longest first; time units (年 月 日 小时 天) are excluded
# on purpose: with a number they are dates or durations, not facts.
UNITS = sorted("""
个百分点 处次 平方公里 平方米 立方米 万人次 人次 户次 家次 个次 公里 千米 公顷 千瓦 米 亩 吨 元
人 名 户 家 个 处 项 件 起 次 场 期 条 所 座 栋 幢 套 间 台 辆 支 批 类 种 张 本 份 篇 块 村
盏 根 棵 株 只 册 宗 单 例 位 场次 课时 品牌 组 队 对 辆次 余家 倍 %
""".split(), key=len, reverse=True)
UNIT = "|".join(re.escape(u) for u in UNITS)
APPROX_PREFIX = r"(?:大约|将近|约|近|逾)"
# Comparator words before and after a number; the prefix is not part of the surface.
AT_LEAST_PREFIX = ("不少于", "不低于", "超过", "至少", "最少", "高于")
AT_MOST_PREFIX = ("不超过", "不高于", "最多", "低于")
AT_LEAST_SUFFIX = ("以上", "及以上")
AT_MOST_SUFFIX = ("以内", "以下", "之内")
CMP_PREFIX = "(?:" + "|".join(sorted(AT_LEAST_PREFIX + AT_MOST_PREFIX, key=len, reverse=True)) + ")"
NUM = rf"(?:{AR_NUMBER}(?:{MAGNITUDE})?|{CN_NUMBER})"
FACT = re.compile(
    rf"(?P<pre>{CMP_PREFIX}|{APPROX_PREFIX})?"
    rf"(?P<pct>百分之(?P<pctnum>{NUM}))?"
    rf"(?(pct)|(?P<num>{NUM})(?:\s*(?P<range>[-—–~～至到])\s*(?P<num2>{NUM}))?"
    rf"(?P<approx>余|多|餘)?\s*(?P<unit>{UNIT}))"
    rf"(?P<post>余|多|左右|以上|以内|以下|之内|及以上)?"
)
# Cues of kind, as words: each pattern leaves out the compounds that merely
# hold the characters. Verbs such as 打造, 实施 or 完成 occur in reports and
# plans alike, so they are not cues: the part decides when no cue is present.
ACHIEVED = re.compile("|".join((
    r"(?<![得而])已",                                       # not 不得已, 而已
    r"截[至止]到?(?:\d{4}年)?(?:年底|年末|底|目前)?",       # 截至年底 is one cue, not 年底
    r"目前|先后|当前",
    r"以来|[一二两三四五六七八九十\d]+年来|过去(?:的)?[一二两三四五六七八九十\d]*年",  # time already past
    r"(?<![比较同从由与于础之以])(?:去年|上年(?!均))",      # not 比去年增加…, 由上年…增加到: a change to come
    r"(?<![为除明终罢])了(?![解结却然如不])",               # not 为了, 除了, 了解, 了不起
    r"经过[^，,；;。]{0,6}努力",                            # 经过各方面努力: effort made, not a resolve
)))
PLANNED = re.compile("|".join((
    r"争取|力争|确保",
    r"下半年|明年|下一?步|下一?阶段|今后",                   # time still to come
    r"(?<![一二两三四五六七八九十\d])年内",                 # not 五年内: a span already over
    r"(?<![去年\d])年底",                                   # not 去年底, 去年年底, 2000年底: a date
    r"(?<!的)计划(?![，。；、,;:：）)」”》\s]|$|生育|经济|单列|书|表|内|外|中|的|目标)",  # not the noun: 投资计划，
    r"(?<![模虚])拟",                                       # not 模拟, 虚拟
    r"(?<!建设)(?<!发展)(?<!战略)(?<!奋斗)(?<!既定)(?<!年度)目标(?!任务|责任|管理|考核|体系)",  # not 建设目标
    r"今年(?!以来|上半年|前[一二三]|\d|[一二三四五六七八九十]{1,2}[月至])",  # not 今年1-11月: time elapsed
    r"(?<!的)(?<!大)努力(?![，,。；;、])",                  # not 很大努力，: the effort as a noun
    r"(?<![主重需必只摘纪简首紧显提概扼政机枢险纲])要(?![求素点闻件害领务职员案道津塞隘么是])",  # not 主要, 需要, 纲要, 要求
)))
# Totals: counted so far in a summary, a cumulative target in a plan (力争累计完成投资100亿元).
ACHIEVED_OUTSIDE_PLAN = re.compile(r"累计|共计")
# In a review, meeting a plan or a target is a result: 完成年计划125%,
# 全面实现年初确定的主要目标 (in a plan, 确保完成全年目标 is still a target).
ACHIEVED_IN_REVIEW = re.compile(r"(?:完成|实现)[^，,；;。]{0,8}(?:计划|目标|任务)|(?:目标|任务)完成")
# Words that announce a target in a plan but only date or estimate a result in
# a review (全年实现…; 预计全年增长… in a review estimates what was reached).
PLANNED_OUTSIDE_REVIEW = re.compile(r"全年|预计")
# 将: the future (将达到, 将继续, 必将) is a target cue; the object marker
# (将税率从17%降至13%, 将…纳入…) is none. The marker is followed by a noun
# phrase and then a verb of disposal; the future by a verb or an adverb.
JIANG = re.compile(r"(?:[必即]将|将(?:要|会))|将(?!近|来|军|士|领)")
JIANG_FUTURE_NEXT = re.compile(
    r"(?:进一步|继续|全面|逐步|大力|加快|加大|着力|重点|力争|努力|新增|新建|建成|建设|完成|实现|达到|达|突破|超过|"
    r"安排|实施|开展|推进|推动|加强|投入|提供|出台|启动|举办|组织|形成|成为|迎来|进入|保持|带来|惠及|"
    r"在|于|以|按|对|向|会|要|能|可|再|还|也|都|每年|今年|明年|陆续|分别|适当|大幅|有|是)")
JIANG_DISPOSAL = re.compile(
    r"提高|降低|提升|增加|减少|扩大|缩小|下调|上调|调整|延长|缩短|压缩|减半|取消|合并|整合|下放|推广|覆盖|"
    r"到|至|为|入|成|从|由|用于|给")
MIN_OBJECT_CHARS = 2          # the noun phrase between 将 and its verb: 将税率从…
CLAUSE_END = ",，;；。"
# Cues that are nouns as often as verbs: they name a plan or target of their own clause.
NOUN_CUES = frozenset({"计划", "目标"})


# Abstract nouns that follow a small count in slogans rather than in measurements.
LABEL_NOUN = re.compile(r"(?:升级|方面|重点|目标|环节|体系|机制|战略|行动|中心|意识|自信|维护|到位|优先|统筹|转变|一流|坚持|必须|作用|理念|原则|要求|任务|阶段|领域|步|字)")


@dataclass
class Fact:
    surface: str
    value: float
    value_max: float | None
    unit: str
    kind: str
    comparator: str
    approximate: bool
    indicator: str
    start: int
    end: int


def parse_number(token):
    """'16.1亿' -> 1.61e9, '五百' -> 500, '4.5万' -> 45000, '两' -> 2."""
    token = token.replace(",", "")
    m = re.fullmatch(rf"({AR_NUMBER})({MAGNITUDE})?", token)
    if m:
        value = Decimal(m.group(1))
        for ch in m.group(2) or "":
            value *= {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}[ch]
        return float(value)
    token = token.replace("两", "二").replace("〇", "零")
    if token[0] in "十百千万亿":
        token = "一" + token
    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a number: {token}") from exc


def _enclosed(text, start, end, opens, closes, max_span=None):
    """True when text[start:end] lies between an opening mark and its closing mark."""
    open_at = max(text.rfind(c, 0, start) for c in opens)
    if open_at < 0 or max(text.rfind(c, open_at, start) for c in closes) >= 0:
        return False
    close_at = min([i for i in (text.find(c, end) for c in closes) if i >= 0] or [-1])
    return close_at >= 0 and (max_span is None or close_at - open_at <= max_span)


def _inside_short_quote(text, start, end):
    """Numbers inside a short quoted label (“三层三治”, “1+8+N”) name things."""
    return _enclosed(text, start, end, "“\"「", "”」", max_span=20)


def _inside_title(text, start, end):
    """Numbers inside a title in 《》 name things (《改善民生10件实事方案》)."""
    return _enclosed(text, start, end, "《", "》")


def _excluded(text, m):
    """Dates, ordinals, labels and rhetorical counts: numbers that are not facts."""
    start, end = m.start("num") if m.group("num") else m.start(), m.end()
    before = text[max(0, start - 1):start]
    after = text[end:end + 2]
    num = m.group("num") or ""
    unit = m.group("unit") or ""
    if before in ("第", "+", "＋") or after[:1] in ("+", "＋"):
        return True
    if re.match(r"[a-zA-Z]", after) or re.search(r"[a-zA-Z]$", text[max(0, start - 1):start]):
        return True
    if _inside_short_quote(text, start, end) or _inside_title(text, start, end):
        return True
    if num and re.fullmatch(CN_NUMBER, num):
        if num == "一" and not m.group("num2"):
            return True
        if re.fullmatch(rf"[{CN_DIGITS}]{{2,}}", num) and not m.group("num2"):
            return True           # 一二五: a digit string, a label
        if before in ("”", "」", "'", '"'):
            return True           # “繁荣大港…”五个大港: counting a rhetorical list
        if unit in ("期", "类", "种", "条", "项", "次") and not m.group("approx"):
            return True           # 二期工程, 四类群体, 两条主线: phases and list labels
        if re.match(r"[大化美清一]", after) or LABEL_NOUN.match(after):
            return True           # 五大战略, 八个升级, 三位一体: programme labels and idioms
        if unit == "村" and re.match(r"[\u4e00-\u9fff]", before) and before not in "等共个和及":
            return True           # 南庄六村: a village's name
        if unit == "米" and re.match(r"[河路街桥巷湖]", after):
            return True           # 八米河: a place name
    if before and re.fullmatch(rf"[{CN_DIGITS}十百千万亿\d]", before):
        return True               # part of a longer number sequence
    if unit == "个" and (text[end:end + 1] in ("月", "工") or text[end:end + 2] == "小时"):
        return True               # 3个月, 个工作日, 336个小时: periods
    if before in ("无", "零"):
        return True               # 无1例: none
    if before in ("数", "几") and re.fullmatch(CN_NUMBER, num):
        return True               # 数十人, 几百名: vague
    return False


def _comparator(m, text):
    pre, post = m.group("pre") or "", m.group("post") or ""
    tail = text[m.end():m.end() + 3]
    if pre in AT_LEAST_PREFIX or post in AT_LEAST_SUFFIX or tail.startswith("以上"):
        return ">="
    if pre in AT_MOST_PREFIX or post in AT_MOST_SUFFIX or tail.startswith(("以内", "以下")):
        return "<="
    return "="


def _clause_bounds(text, start, separators=",，;；、:："):
    """Start of the clause holding `start`."""
    return max(text.rfind(c, 0, start) for c in separators) + 1


def _future_jiang(text, m):
    """True when 将 at m is the future, False when it marks the object (将X降至Y)."""
    if m.group() != "将":
        return True
    after = m.end()
    if JIANG_FUTURE_NEXT.match(text, after):
        return True
    return JIANG_DISPOSAL.search(text, after + MIN_OBJECT_CHARS, _clause_end(text, after)) is None


def _clause_end(text, pos):
    """End of the clause holding `pos` (a list's 、 does not end it)."""
    return min([i for i in (text.find(c, pos) for c in CLAUSE_END) if i >= 0] or [len(text)])


@lru_cache(maxsize=256)
def _cues(text, part):
    """(start, kind, is a noun) of every cue word in a sentence, once per
    sentence; a cue inside a longer one (年底 in 截至年底) or inside a quoted
    slogan (“两个确保”) is not a cue of its own."""
    found = [(m.start(), m.end(), "target") for m in PLANNED.finditer(text)]
    found += [(m.start(), m.end(), "achievement") for m in ACHIEVED.finditer(text)]
    found += [(m.start(), m.end(), "target") for m in JIANG.finditer(text) if _future_jiang(text, m)]
    if part != "plan":
        found += [(m.start(), m.end(), "achievement") for m in ACHIEVED_OUTSIDE_PLAN.finditer(text)]
    if part == "review":
        found += [(m.start(), m.end(), "achievement") for m in ACHIEVED_IN_REVIEW.finditer(text)]
    else:
        found += [(m.start(), m.end(), "target") for m in PLANNED_OUTSIDE_REVIEW.finditer(text)]
    return tuple(sorted((s, kind, text[s:e] in NOUN_CUES) for s, e, kind in found
                        if not _inside_short_quote(text, s, e)
                        and not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in found)))


def _nearest_cue(cues, lo, hi, from_end, nouns=True):
    """'target', 'achievement' or None: the cue in text[lo:hi] nearest the number."""
    inside = [c for c in cues if lo <= c[0] < hi and (nouns or not c[2])]
    if not inside:
        return None
    return inside[-1][1] if from_end else inside[0][1]


def _kind(text, start, end, default, part=None):
    """Achievement or target: a cue before the number in its clause, then after it
    in the clause, then before it in the sentence (in a review, not a plan or
    target named in another clause: 新开工项目计划总投资大幅下降，淘汰…1.1亿吨);
    a cue in a later clause only where the section names no part (the part is
    the stronger evidence); else
    the part's default. A list (、) does not end a clause: its verb governs
    every item (已经申报了A、B、C 4个社区)."""
    cues = _cues(text, part)
    left = _clause_bounds(text, start, separators=",，;；:：")
    right = _clause_end(text, end)
    return (_nearest_cue(cues, left, start, True) or _nearest_cue(cues, end, right, False)
            or _nearest_cue(cues, 0, left, True, nouns=part != "review")
            or (None if part else _nearest_cue(cues, right, len(text), False)) or default)


INDICATOR_TRIM = re.compile(
    r"^(?:截至目前|截止目前|截至|截止|目前|已经|已|累计|共计|共|完成|实现|新增|其中|全年|力争|争取|确保|计划|推动|"
    r"开展|组织|排查|排摸|发现|建立|设立|成立|打造|培育|引导|劝导|检查|处理|纳管|梳理|确定|创建|建设|新建|达到|达)+")


def _indicator(text, m):
    """A short phrase naming what is counted: the words before the number, else after it."""
    left = _clause_bounds(text, m.start())
    before = INDICATOR_TRIM.sub("", text[left:m.start()]).strip(" “”\"")
    before = re.sub(r"(?:达到|达|为|是|约|近|超过|不少于|同比增长|增长|下降)$", "", before) or before
    after = re.match(r"[^,，。;；、:：()（）]{0,10}", text[m.end():]).group()
    after = re.sub(r"^(?:以上|以内|以下|左右|的)", "", after)
    follows_noun = re.match(r"[\u4e00-\u9fff]", after) and not re.match(r"[约近共和及与等,，]", after)
    phrase = after[:12] if follows_noun and len(after) >= 2 else before[-14:] if len(before) >= 2 else (before + after)[:14]
    if re.search(r"(?:增长|下降|增加|减少|提高)$", text[left:m.start()]):
        phrase = phrase + text[left:m.start()][-2:] if not phrase.endswith(text[left:m.start()][-2:]) else phrase
    return phrase or after[:10]


def part_default_kind(part):
    """Kind implied by the part a sentence stands in (etl.structure): plan parts state targets."""
    return "target" if part == "plan" else "achievement"


def extract_facts(simplified, original, default_kind="achievement", part=None):
    """All facts of one sentence; `simplified` and `original` have equal length.

    `part` is the sentence's part ('review', 'plan' or None, etl.structure);
    `default_kind` the kind when no cue decides."""
    if len(simplified) != len(original):
        raise DocumentError("<sentence>", "simplified and original text differ in length")
    facts = []
    for m in FACT.finditer(simplified):
        if m.group("pct") is None and _excluded(simplified, m):
            continue
        try:
            if m.group("pct"):
                value, value_max, unit = parse_number(m.group("pctnum")), None, "%"
            else:
                value = parse_number(m.group("num"))
                value_max = parse_number(m.group("num2")) if m.group("num2") else None
                unit = m.group("unit")
        except ValueError:
            continue
        if value_max is not None and m.group("num2") and not re.search(MAGNITUDE + "$", m.group("num")):
            mag = re.search(MAGNITUDE + "$", m.group("num2"))
            if mag and re.fullmatch(AR_NUMBER, m.group("num")):
                value = parse_number(m.group("num") + mag.group())
        if unit == "万人次":
            value, unit = value * 1e4, "人次"
        post = m.group("post") or ""
        pre = m.group("pre") or ""
        approximate = bool(m.group("approx")) or post in ("余", "多", "左右") or pre in ("约", "近", "大约", "将近", "逾") \
            or simplified[m.end():m.end() + 2] == "左右"
        start, end = m.start(), m.end()
        if post in AT_LEAST_SUFFIX + AT_MOST_SUFFIX:
            end -= len(post)
        if pre in AT_LEAST_PREFIX + AT_MOST_PREFIX:
            start += len(pre)
        facts.append(Fact(
            surface=original[start:end], value=value, value_max=value_max, unit=unit,
            kind=_kind(simplified, m.start(), m.end(), default_kind, part),
            comparator=_comparator(m, simplified), approximate=approximate,
            indicator=_indicator(simplified, m), start=start, end=end))
    return facts
