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
HANZI = re.compile(r"[\u4e00-\u9fff]")
MAGNITUDE_CHARS = "十百千万亿"
CN_NUMBER = rf"[{CN_DIGITS}{MAGNITUDE_CHARS}]+"
# Arabic digits, also as older reports print them: one space between digits (1 5 .3).
AR_NUMBER = r"(?:\d(?: \d)+(?: ?\.\d(?: \d)*)?|\d \.\d(?: \d)*|\d+(?:,\d{3})*(?:\.\d+)?)"
# A magnitude character that starts a unit (千米, 千瓦, 千克) belongs to the unit.
MAGNITUDE = r"(?:[十百千万亿](?![米瓦克]))+"
# Counters and units, longest first; time units (年 月 日 小时 天) are excluded
# on purpose: with a number they are dates or durations, not facts. Units hold
# no magnitude word (万千瓦 is 万 and 千瓦).
UNITS = sorted("""
个百分点 处次 平方公里 平方千米 平方米 立方米 万人次 人次 户次 家次 个次 件次 公里 千米 公顷 千瓦时 千瓦 千克 公斤
米 亩 吨 斤 元 美元 港元 欧元 人民币 标准箱 剂次 架次 车次 班次
人 名 户 家 个 处 项 件 起 次 场 期 条 所 座 栋 幢 套 间 台 辆 艘 架 支 批 类 种 张 本 份 篇 块 村
盏 根 棵 株 只 册 宗 单 例 位 面 封 场次 课时 品牌 组 队 对 辆次 余家 倍 部 岁 轮 届 % ‰
""".split(), key=len, reverse=True)
UNIT = "|".join(re.escape(u) for u in UNITS)
APPROX_PREFIX = ("大约", "将近", "约", "近")
# Comparator words before and after a number; the prefix is not part of the surface.
AT_LEAST_PREFIX = ("不少于", "不低于", "超过", "至少", "最少", "高于", "突破", "逾", "超")
AT_MOST_PREFIX = ("不超过", "不高于", "最多", "低于", "不足", "不到")
AT_LEAST_SUFFIX = ("以上", "及以上")
AT_MOST_SUFFIX = ("以内", "以下", "之内")
CMP_PREFIX = "(?:" + "|".join(sorted(AT_LEAST_PREFIX + AT_MOST_PREFIX, key=len, reverse=True)) + ")"
APPROX = "(?:" + "|".join(APPROX_PREFIX) + ")"
# 上千, 上万: "as many as", an approximation written before a bare magnitude.
UP_TO = r"上(?=[百千万亿])"
NUM = rf"(?:{AR_NUMBER}(?: ?{MAGNITUDE})?|{CN_NUMBER})"
# A minus sign is a sign only where no digit stands before it (else a range).
SIGN = r"(?:(?<![\d%])[-−](?=\d))"
RANGE = (rf"(?:(?P<approx1>余|多|餘)?(?P<mag1>{MAGNITUDE})?(?P<unit1>{UNIT})?"
         rf"\s*(?P<range>[-—–~至到])\s*(?P<num2>{NUM}))?")


def _fact_pattern(ranges=True):
    """The fact regex; without ranges for a pair written 从A到B, two facts."""
    return re.compile(
        rf"(?P<pre>{CMP_PREFIX}|{APPROX}|{UP_TO})?"
        rf"(?:百分之(?P<pctnum>{NUM})"
        rf"|(?P<den>{CN_NUMBER})分之(?P<numer>{CN_NUMBER})"
        rf"|(?P<neg>{SIGN})?(?P<num>{NUM}){RANGE if ranges else ''}"
        rf"(?P<approx>余|多|餘)?(?P<mag>{MAGNITUDE})?\s*(?P<unit>{UNIT})?)"
        rf"(?P<post>余|多|左右|以上|以内|以下|之内|及以上)?")


FACT = _fact_pattern()
SINGLE_FACT = _fact_pattern(ranges=False)
# Every fact holds one of these characters, at most MAX_LEAD characters after
# its start (a comparator or approximation word, then a sign): FACT's search
# starts there instead of trying every character of a sentence.
DIGITISH = re.compile(rf"[\d{CN_DIGITS}{MAGNITUDE_CHARS}]")
MAX_LEAD = max(len(w) for w in (*AT_LEAST_PREFIX, *AT_MOST_PREFIX, *APPROX_PREFIX, "上")) + 1
NUMBER_TOKEN = re.compile(rf"({AR_NUMBER})({MAGNITUDE})?")
AR_NUMBER_RE = re.compile(AR_NUMBER)
CN_NUMBER_RE = re.compile(CN_NUMBER)
MAGNITUDE_END = re.compile(MAGNITUDE + "$")
BIG_MAGNITUDE_END = re.compile(r"[万亿]$")
ZEROS = re.compile("[零〇]+")
DIGIT_STRING = re.compile(rf"[{CN_DIGITS}]{{2,}}")
ONE_DIGIT = re.compile(rf"[{CN_DIGITS}十百千万亿\d]")
LATIN = re.compile(r"[a-zA-Z]")
LATIN_END = re.compile(r"[a-zA-Z]$")
LABEL_START = re.compile(r"[大化美清一]")
PLACE_AFTER_METRE = re.compile(r"[河路街桥巷湖]")
DIGIT = re.compile(r"\d")
ALREADY = re.compile("已经|已|分别")
# Units of measure (not counters): with 以上/以下 before a noun they name a
# class of things (亿元以上项目, 60岁以上老人), not a measured amount.
MEASURE_UNITS = ("元", "美元", "港元", "欧元", "人民币", "%", "吨", "公斤", "斤", "千克", "亩", "公顷", "平方米",
                 "平方公里", "平方千米", "立方米", "千瓦", "千瓦时", "公里", "千米", "米", "岁")
# Nouns that a threshold amount classifies (亿元以上项目, 超过10万元的村).
CLASS_NOUN = re.compile(r"(?:以上|以下|及以上)?(?:的|项目|企业|重点|工业|产业|工程|村|社区|单位|商户|大户|园区|楼宇|"
                        r"龙头|行业|城市|县|镇|家庭|纳税人|客户|老人|人口|人群|人员|居民|群众|学生|儿童|妇女|青少年)")
# After a count, the field a place is ranked in (四个主城区之首, 全市14个街镇中唯一一个).
RANK_FRAME = re.compile(r"[^,，;；。、\d]{1,8}?(?:之首|之冠|之一|中唯一|中率先|中排名|中位居|中位列)")
# Nouns naming people, the unit of a count written with a magnitude but no
# counter (惠及1.77亿农民, 1100多万学生).
PERSON_NOUN = re.compile(r"(?:人口|学生|农民|群众|居民|职工|劳动力|老人|老年人|儿童|妇女|青年|游客|旅客|用户|患者|工人|农民工|贫困人口|家庭)")
# Money words that make a bare amount in 万/亿 an amount of 元 (完成投资23.3亿).
MONEY_WORD = re.compile(r"投资|收入|资金|产值|金额|营收|税收|销售|消费|贷款|存款|支出|补贴|增加值|总额|额|费|GDP|生产总值|融资|资产|利润")
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
    # a present state counted in its own clause (辖区现有企业500家), not 在现有基础上 or 现有产业链,培育…
    r"(?:现有(?!的?基础|水平|政策|条件|资源|规模)|拥有|共有(?!产权))(?=[^，,；;。]{0,12}?[\d一二两三四五六七八九十百千万])",
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
# A target or plan announced before a colon (工作目标:, 主要预期目标是:) governs what
# follows in any part; one met (完成年度目标任务:) does not.
TARGET_HEAD = re.compile(r"(?:目标|计划|指标)(?:是|为|如下)?[:：]")
MET = re.compile(r"完成|实现|达到")
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
LABEL_NOUN = re.compile(r"(?:高地|使命|优势|定位|导向|底线|升级|方面|重点|目标|环节|体系|机制|战略|行动|中心|意识|自信|维护|到位|优先|统筹|转变|一流|坚持|必须|作用|理念|原则|要求|任务|阶段|领域|步|字)")


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


@lru_cache(maxsize=4096)
def parse_number(token):
    """'16.1亿' -> 1.61e9, '五百' -> 500, '4.5万' -> 45000, '两' -> 2.

    Cached: the same few tokens recur, and cn2an is slow."""
    token = token.replace(",", "").replace(" ", "")
    m = NUMBER_TOKEN.fullmatch(token)
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


def _value(g):
    """(value, value_max, unit) of a match; unit None when the number has no unit."""
    if g["pctnum"]:
        return parse_number(g["pctnum"]), None, "%"
    if g["den"]:
        return parse_number(g["numer"]) / parse_number(g["den"]), None, ""
    scale = parse_number("1" + g["mag"]) if g["mag"] else 1.0
    value = parse_number(g["num"])
    value_max = None
    if g.get("num2"):
        value_max = parse_number(g["num2"]) * scale
        if g.get("mag1"):
            value *= parse_number("1" + g["mag1"])
        elif not MAGNITUDE_END.search(g["num"]):
            mag = g["mag"] or (MAGNITUDE_END.search(g["num2"]) or [""])[0]
            if mag and AR_NUMBER_RE.fullmatch(g["num"]):
                value *= parse_number("1" + mag)
    else:
        value *= scale
    if g["neg"]:
        value = -value
    return value, value_max, g["unit"]


def _bare_amount_unit(text, m):
    """Unit of an Arabic amount in 万/亿 written without one: 人 before a noun of
    people, 元 in a clause about money, else none (1.77亿农民, 完成投资23.3亿)."""
    if PERSON_NOUN.match(text, m.end()):
        return "人"
    if MONEY_WORD.search(text[_clause_bounds(text, m.start()):m.start()]):
        return "元"
    return ""


def _bare_amount(text, m):
    """Unit of an Arabic amount in 万/亿 without a unit (1.77亿农民), or None
    when the bare number is no fact: a year, a code, a list marker, a table cell."""
    g = m.groupdict()
    magnitude = g["mag"] or (BIG_MAGNITUDE_END.search(g["num"]) or [""])[0]
    words = text[_clause_bounds(text, m.start(), ",，;；:："):m.start()] + text[m.end():m.end() + 1]
    if magnitude and DIGIT.match(g["num"]) and not g.get("num2") and HANZI.search(words):
        return _bare_amount_unit(text, m)
    return None


def _match(simplified, pos):
    """Next fact-shaped match from pos; a range becomes two numbers when it is
    a change 从A到B or its two units differ."""
    digit = DIGITISH.search(simplified, pos)
    if digit is None:
        return None
    m = FACT.search(simplified, max(pos, digit.start() - MAX_LEAD))
    if m and m.group("num2") and (
            simplified[max(0, m.start() - 1):m.start()] in ("从", "由")
            or (m.group("unit1") and m.group("unit1") != m.group("unit"))):
        m = SINGLE_FACT.match(simplified, m.start())
    return m


# The longest quoted label a number inside names (“三层三治”, “1+8+N”).
QUOTE_SPAN = 20


def _enclosed(text, start, end, opens, closes, max_span=None):
    """True when text[start:end] lies between an opening mark and its closing mark."""
    open_at = -1
    for c in opens:
        open_at = max(open_at, text.rfind(c, 0, start))
    if open_at < 0 or max(text.rfind(c, open_at, start) for c in closes) >= 0:
        return False
    close_at = min([i for i in (text.find(c, end) for c in closes) if i >= 0] or [-1])
    return close_at >= 0 and (max_span is None or close_at - open_at <= max_span)


def _inside_short_quote(text, start, end):
    """Numbers inside a short quoted label (“三层三治”, “1+8+N”) name things, also
    when the line breaks before the label closes (a heading “文化进万家 split in two)."""
    return _enclosed(text, start, end, "“\"「", "”」", max_span=QUOTE_SPAN) or _open_quote_to_end(text, start)


def _open_quote_to_end(text, start):
    """True when a quote opens shortly before start and the text ends, unclosed, soon after."""
    if len(text) - start > QUOTE_SPAN:
        return False
    open_at = max(text.rfind("“", 0, start), text.rfind("「", 0, start))
    return open_at >= 0 and len(text) - open_at <= QUOTE_SPAN and not any(c in text[open_at:] for c in "”」")


def _inside_title(text, start, end):
    """Numbers inside a title in 《》 name things (《改善民生10件实事方案》)."""
    return _enclosed(text, start, end, "《", "》")


def _excluded(text, m):
    """Dates, ordinals, labels and rhetorical counts: numbers that are not facts."""
    g = m.groupdict()
    start, end = m.start("num"), m.end()
    before = text[max(0, start - 1):start]
    after = text[end:end + 2]
    num = g["num"]
    unit = g["unit"] or ""
    if unit and text[m.end("unit"):m.end("unit") + 1] == "级":
        return True               # 百万吨级, 万吨级码头: a scale class, not an amount
    if unit in MEASURE_UNITS and CLASS_NOUN.match(text, m.end("unit")) and (
            g["pre"] in AT_LEAST_PREFIX + AT_MOST_PREFIX
            or text.startswith(AT_LEAST_SUFFIX + AT_MOST_SUFFIX, m.end("unit"))):
        return True               # 亿元以上项目, 超过10万元的村: a class threshold
    if (unit in MEASURE_UNITS and re.fullmatch(f"[{MAGNITUDE_CHARS}]+", num or "") and not g["approx"]
            and HANZI.match(text, m.end("unit")) and not text.startswith(AT_LEAST_SUFFIX + AT_MOST_SUFFIX + ("左右",),
                                                                      m.end("unit"))):
        return True               # 万亩基地, 亿元项目, 百亿元产业园: a size class before its noun, not an amount
    if unit == "位" and text[m.end("unit"):m.end("unit") + 1] == "数":
        return True               # 两位数增长: a number of digits, not a count
    if RANK_FRAME.match(text, m.end()):
        return True               # 四个主城区之首, 14个街镇中唯一: the field of a ranking, not a count
    if unit == "岁" and HANZI.match(text, m.end("unit")):
        return True               # 3-11岁人群, 18岁以上接种: an age names a group of people
    if text[max(0, m.start() - 1):m.start()] == "每":
        return True               # 每50公斤: the base of a rate, not an amount
    if before in ("第", "+", "＋") or after[:1] in ("+", "＋"):
        return True
    if LATIN.match(after) or LATIN_END.search(text[max(0, start - 1):start]):
        return True
    if _inside_short_quote(text, start, end) or _inside_title(text, start, end):
        return True
    if num and CN_NUMBER_RE.fullmatch(num):
        if len(num) == 1 and num in MAGNITUDE_CHARS and any(
                ch and ch in MAGNITUDE_CHARS for ch in (after[:1], text[max(0, start - 2):max(0, start - 1)])):
            return True           # 千家万户, 千方百计: idioms of two bare magnitudes
        if num == "一" and not g.get("num2") or ZEROS.fullmatch(num):
            return True
        if DIGIT_STRING.fullmatch(num) and not g.get("num2"):
            return True           # 一二五: a digit string, a label
        if before in ("”", "」", "'", '"'):
            return True           # “繁荣大港…”五个大港: counting a rhetorical list
        if unit in ("期", "类", "种", "条", "项", "次", "届", "面") and not g["approx"]:
            return True           # 二期工程, 四类群体, 两条主线, 四届区委, 四面八方: phases, terms, labels, idioms
        if LABEL_START.match(after) or LABEL_NOUN.match(after):
            return True           # 五大战略, 八个升级, 三位一体: programme labels and idioms
        if unit == "村" and HANZI.match(before) and before not in "等共个和及":
            return True           # 南庄六村: a village's name
        if unit == "米" and PLACE_AFTER_METRE.match(after):
            return True           # 八米河: a place name
    if before and ONE_DIGIT.fullmatch(before):
        return True               # part of a longer number sequence
    if unit == "个" and (text[end:end + 1] in ("月", "工") or text[end:end + 2] == "小时"):
        return True               # 3个月, 个工作日, 336个小时: periods
    if before in ("无", "零"):
        return True               # 无1例: none
    if before in ("数", "几") and CN_NUMBER_RE.fullmatch(num):
        return True               # 数十人, 几百名: vague
    return False


def _comparator(m, text):
    """'>=', '<=' or '=': a comparator word before or after the number."""
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


def _target_head(text, end):
    """True when a target announced before a colon (工作目标:) opens text[:end] and was not met there."""
    head = _first_target_head(text)
    return 0 <= head <= end


@lru_cache(maxsize=256)
def _first_target_head(text):
    """Where the first target announced before a colon ends, or -1; once per sentence."""
    head = TARGET_HEAD.search(text) if ":" in text or "：" in text else None
    if head is None or MET.search(text, _clause_bounds(text, head.start(), ",，;；。"), head.start()):
        return -1
    return head.end()


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
            or ("target" if _target_head(text, left) else None)
            or _nearest_cue(cues, 0, left, True, nouns=part != "review")
            or (None if part else _nearest_cue(cues, right, len(text), False)) or default)


# Words that open a clause without naming what is counted: time, scope, cues
# of kind, adverbs and light verbs that only create the thing counted (打造,
# 建立, 开展). Verbs whose objects are what is counted (检查, 发现, 培育, 新增)
# stay: the gold keeps them.
INDICATOR_LEAD = re.compile(
    r"^(?:[\d ]+年(?:底|末|内)?|[\d一二三四五六七八九十两]+(?:天|日|个月|周)(?:内|来)?|[\d一二三四五六七八九十两]+年来|近年来|[\d\-—~至到]+月(?:底|份|末)?|[上下]半年|今年|去年|明年|全年|年内|年底|当前|目前|"
    r"截至目前|截止目前|截至|截止|到|已经|已|共计|共(?![享建同治富])|其中|另有|同时|力争|争取|确保|计划|预计|拟|将|"
    r"完成|实现|达到|推动|推进|全面|在辖区内|辖区内|辖区|我国|对|向|累计|含|包括|"
    r"连续|集中|积极|持续|深入|全力|扎实|大力|进一步|着力|不断|加快|稳步|有序|动态|成功|先后|陆续|还|又|并|也|"
    r"打造|建立|建成|开展|设置|设立|取得|落实|做好|汇编|梳理|组织|进行|创建|[,，、\s“”\"])+")
# The sub-district speaking of itself before the first fact: scope; after a fact
# it is a subject set against another (村级化解91起,街道化解12起).
SELF = re.compile(r"^(?:全街道|街道)")
# Words that close the phrase before a number without naming anything.
INDICATOR_TAIL = re.compile(
    r"(?:分别|将|拟|要|了|又|去年|今年|已|共|从|由|按|总计|合计|累计|达到|达|为|是|约|近|共有|有|在|"
    r"的|预计完成|预计|完成|实现|(?:增加|提高|扩大|降低|下降|减少|上升|提升|降|升|增|减)?(?:到|至)|(?:控制|保持|稳定|维持)在)+$")
# How often a change happened, before its verb (又提高, 连续两年增长): not a name.
REPEAT = re.compile(r"(?:又|再|连续[\d两二三四五六七八九十]+年)(?=增长|增加|提高|下降|减少|降低|上涨)")
# The year a value belongs to, before it (由2015年的50%): a time, not a name.
TIME_OF_VALUE = re.compile(r"(?:由|从|(?<=[到至]))[\d ]+年(?:底|末)?的$")
# The number is a change (growth rate) when the phrase before it is only this.
CHANGE = re.compile(
    r"(?:(?:扣除|剔除)[^,，;；\d]{0,8}因素|同比|环比|比上年|比去年|较上年|较去年|比[\d ]+年|年均|平均每年|每年|实际|分别|[,，\s])*"
    r"(?:(?:增长|下降|增加|减少|提高|降低|上涨|上升|扩大|回落|增幅|涨幅|增速)了?"
    r"|(?:是|为|相当于)(?:[\d ]+年|上年|去年)的?"
    r"|(?<=[年比])[多少])")                                     # 比上年多8万人次, 同比少: a difference
CHANGE_END = re.compile(rf"(?:{CHANGE.pattern})$")
# A share of a whole (占全区36%): named after the part, with 比 for the ratio.
SHARE = re.compile(r"占(?:全区|全市|全县|全省|全国|总数|总量|全部)?")
# Marks that end the phrase before a number (a list with 、 does not).
INDICATOR_SEPARATORS = ",，;；:：(（"
# What a number may be followed by when the noun it counts comes after it.
NOUN_AFTER = re.compile(r"(?:以上|以内|以下|左右|多|余)?的?((?:[^,，。;；:：\d(（]|[(（][^)）\d]{0,6}[)）])*)")
NOT_A_NOUN_START = re.compile(r"[约近共和及与等是为的以、\s“”\"）)]|左右|增长|增加|增至|下降|降至|降低|减少|提高|扩大|上升|达到|同比|比上年")
# The words between two facts of one list (建成1个社工站、3个社区用房).
LIST_BETWEEN = re.compile(r"[^,，;；]*[、和及]")
# A number right after a list's 、 (组建一个协调组、六个专项组): the item before is another thing counted.
LIST_ITEM_BEFORE = re.compile(rf"、(?:{CMP_PREFIX}|{APPROX})?$")
# A further counted item after a noun: the list runs on (…、7家商超、5所学校).
LIST_ITEM_NEXT = re.compile(rf"、(?:{CMP_PREFIX}|{APPROX})?[\d{CN_DIGITS}]")
# A number counting the noun after it as its attribute (10万元以上的项目).
ATTRIBUTE_OF = re.compile(r"(?:以上|以内|以下|左右|多|余)?的")
# A linking word or a comparator left at the end of the noun after a number.
LINK_END = re.compile(rf"[、和及]?(?:{CMP_PREFIX}|{APPROX})?$")
LINK_BEFORE_NUMBER = re.compile(rf"[、和及与]?(?:{CMP_PREFIX}|{APPROX})?$")
CLOSE_BRACKET = re.compile(r"[)）]")
OPEN_BRACKET = re.compile(r"[(（]")
LEADING_BRACKETS = re.compile(r"^[(（][^)）]*[)）]")
# The longest indicator kept: gold phrases run 4 to 20 characters.
INDICATOR_MAX = 20
# A phrase this short (参保, 隐患) names the quantity only with the sentence's subject.
SHORT_PHRASE = 2
# Verbs of reach that open a phrase (惠及农民, 覆盖小区): whom the owner reached, named with it.
REACH = re.compile(r"惠及|覆盖|辐射|受益")
# A plan as the phrase of a percentage completed (完成年计划125%): the owner's completion rate of it.
PLAN_SHARE = re.compile(r"(?:年初|年度|全年|年)?(?:计划|预算|目标|任务)")
COMPLETED = re.compile(r"完成[^,，;；:：]*$")
# A phrase that names only an attribute (总投资, 覆盖面, 整改率) names the quantity
# only with its owner, the subject of the fact before it.
ATTRIBUTE = re.compile(
    r"(?:总|实际|平均|人均)?(?:投资|金额|规模|总额|总量|覆盖面|面积|人数|户数|余额|利润)|"
    r"[\u4e00-\u9fff]{1,2}率|" + PLAN_SHARE.pattern)

# A sentence that opens with a subject and an evaluative predicate and no number
# (外商直接投资保持良好势头，实际金额…) names the owner of its bare attributes.
OPENING_TOPIC = re.compile(
    r"([^,，;；:：\d]{2,12}?)(?:继续|不断|进一步|稳步|明显|持续|迅速)?"
    r"(?:推进|深化|完善|好转|发展|加快|扩大|增强|(?:保持|呈现)(?:良好|平稳|稳定)?(?:势头|态势)|"
    r"(?:开局|势头|形势|成效)(?:良好|显著|明显)|取得(?:重大|明显|积极|新的)?(?:进展|成效|突破))[,，;；]")


def _opening_topic(text):
    """The subject of a numberless opening clause that only judges it, or None."""
    m = OPENING_TOPIC.match(text)
    return m.group(1) if m else None


def _phrase_before(text, m, previous_end=0, look_back=True):
    """The clause before the number, after the fact before it, without time,
    scope, cue and linking words; the clause before that when this one names
    nothing."""
    left = max([_separator_before(text, m.start())] + [previous_end])
    before = INDICATOR_LEAD.sub("", text[left:m.start()])
    if before[:1] in "(（":
        before = INDICATOR_LEAD.sub("", LEADING_BRACKETS.sub("", before))    # 预计(下同)全区…
    if not previous_end and len(SELF.sub("", before)) > SHORT_PHRASE:
        before = INDICATOR_LEAD.sub("", SELF.sub("", before))
    before = ALREADY.sub("", before)
    before = REPEAT.sub("", before)
    before = INDICATOR_TAIL.sub("", TIME_OF_VALUE.sub("", before)).strip(" “”\"、").lstrip("和及")
    if look_back and not before and not previous_end and left and text[left - 1] in ",，" \
            and not _phrase_after(text, m):
        return _phrase_before(text, _At(left - 1), look_back=False)   # 覆盖率，由2015年的50%
    return before


def _separator_before(text, pos):
    """Just after the separator that ends the phrase before pos: an opening
    bracket closed before pos is a note inside the phrase (预计(下同)全区实现…,
    规上(限上)企业…), not its start."""
    left = max([text.rfind(c, 0, pos) for c in INDICATOR_SEPARATORS]) + 1
    if left and text[left - 1] in "(（" and CLOSE_BRACKET.search(text, left, pos):
        return _separator_before(text, left - 1)
    return left


class _At:
    """A position standing in for a match: the start of the text after it."""

    def __init__(self, pos):
        self.pos = pos

    def start(self):
        return self.pos

    def end(self):
        return self.pos


def _phrase_after(text, m):
    """The noun a number counts when it comes after it (检查378家租赁企业)."""
    noun = NOUN_AFTER.match(text, m.end())
    after = noun.group(1)[:INDICATOR_MAX]
    if not after or NOT_A_NOUN_START.match(after) or not HANZI.match(after):
        return ""
    link = LINK_BEFORE_NUMBER if text[noun.end(1):noun.end(1) + 1].isdigit() else LINK_END   # 参与 ends a noun
    return link.sub("", after).rstrip("、“”\"（(")


def _tail(phrase):
    """The last INDICATOR_MAX characters, not starting inside or with a bracket
    (县(市、区)实施…试点参保 → 实施…试点参保)."""
    if len(phrase) <= INDICATOR_MAX:
        return phrase
    tail = phrase[-INDICATOR_MAX:]
    close = CLOSE_BRACKET.search(tail)
    if close and not OPEN_BRACKET.search(tail[:close.start()]):
        tail = tail[close.end():]
    return LEADING_BRACKETS.sub("", tail)


def _balanced(phrase):
    """The phrase without quote marks when it holds only one of a pair (打造辖区“共享花园)."""
    if phrase.count("“") != phrase.count("”"):
        return phrase.replace("“", "").replace("”", "")
    return phrase


def _indicator(text, m, previous="", previous_end=0, topic=None, previous_start=0):
    """A short phrase naming what is counted and the topic a later fact of the
    sentence may borrow: the clause before the number and the noun after it; a
    growth rate, a bare attribute or a very short phrase takes the topic of the
    fact before it (工业投资2.8亿元,同比增长126.6% → 工业投资同比增长)."""
    before, after = _phrase_before(text, m, previous_end), _phrase_after(text, m)
    listed = bool(after and previous_end and LIST_BETWEEN.fullmatch(text[previous_end:m.start()]))
    # Another counted item before this one (组建一个协调组、六个专项组), not a fact of its own.
    counted_item = len(after) > SHORT_PHRASE and LIST_ITEM_BEFORE.search(text, max(0, m.start() - MAX_LEAD), m.start()) \
        and DIGITISH.search(text, _clause_bounds(text, m.start() - 1), m.start()) is not None
    if listed or counted_item:
        before = ""               # 建成1个社工站、3个社区用房: the words between are the last item's noun
    # Inside a run of counted nouns (56个小区、9个菜市场、7家超市) a short noun is an item, not an
    # attribute of the item before; after one item alone (举办8届活动周、5亿人次参与) it may be.
    item = counted_item or listed and bool(_phrase_after(text, _At(previous_end))) and (
        LIST_ITEM_BEFORE.search(text, max(0, previous_start - MAX_LEAD), previous_start) is not None
        or LIST_ITEM_NEXT.match(text, m.end() + len(after)) is not None)
    if m.group("unit") == "人" and after.startswith("口"):
        return before + "人口", before + "人口"   # 13亿人口: the unit is the first character of the noun
    subject = CHANGE_END.sub("", previous) if topic is None else topic
    if before and SHARE.fullmatch(before) and previous:
        return subject + before + "比", subject
    if before.endswith("占") and not after:
        before += "比"            # 基础设施建设占23.6%: a share
    if before and CHANGE.fullmatch(before):
        phrase = _tail(subject + before.replace("分别", "")) if subject else before
        return phrase, subject
    if not before and not after and previous:
        return previous, subject  # 分别为774亿元、536亿元: the items of one list
    if after:
        room = max(0, INDICATOR_MAX - len(after))
        prefix = "" if before.endswith("等") else before[max(0, len(before) - room):].lstrip("、") if room else ""
        attribute = ATTRIBUTE_OF.match(text, m.end())
        phrase = (after + prefix if attribute else prefix + after)[:INDICATOR_MAX]
    else:
        phrase = _tail(before)
    bare = CHANGE_END.sub("", phrase)
    if subject and PLAN_SHARE.fullmatch(phrase) and m.group("unit") == "%" and COMPLETED.search(text, 0, m.start()):
        return _tail(subject + phrase + "完成率"), subject
    if subject and not item and (len(phrase) <= SHORT_PHRASE or ATTRIBUTE.fullmatch(bare) or REACH.match(phrase)):
        return _tail(subject + phrase), subject
    return phrase, bare


_UNSET = object()


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
    topic = _UNSET     # the opening topic, read once the sentence is known to hold a fact
    pos = 0
    while (m := _match(simplified, pos)) is not None:
        pos = max(m.end(), pos + 1)
        g = m.groupdict()
        if g["num"] is not None and _excluded(simplified, m):
            continue
        try:
            value, value_max, unit = _value(g)
        except ValueError:
            continue
        if unit is None and (unit := _bare_amount(simplified, m)) is None:
            continue
        if unit == "万人次":
            value, unit = value * 1e4, "人次"
        post = g["post"] or ""
        pre = g["pre"] or ""
        approximate = bool(g["approx"] or g.get("approx1")) or post in ("余", "多", "左右") \
            or pre in APPROX_PREFIX or pre == "上" or simplified[m.end():m.end() + 2] == "左右"
        start, end = m.start(), m.end()
        if post in AT_LEAST_SUFFIX + AT_MOST_SUFFIX:
            end -= len(post)
        if pre in AT_LEAST_PREFIX + AT_MOST_PREFIX:
            start += len(pre)
        if topic is _UNSET:
            topic = _opening_topic(simplified)
        indicator, topic = _indicator(simplified, m, facts[-1].indicator if facts else "",
                                      facts[-1].end if facts else 0, topic, facts[-1].start if facts else 0)
        facts.append(Fact(
            surface=original[start:end], value=value, value_max=value_max, unit=unit,
            kind=_kind(simplified, m.start(), m.end(), default_kind, part),
            comparator=_comparator(m, simplified), approximate=approximate,
            indicator=_balanced(indicator),
            start=start, end=end))
    _respectively(simplified, facts)
    return facts


# Between two values of one list (774亿元、536亿元和123亿元).
LIST_GAP = re.compile(r"[、和及与]|[,，]?(?:分别)?")
# Joins items of an enumeration inside a phrase: 、 always, 和/及/与 before the last item.
ITEM_JOIN = re.compile(r"[和及与]")
# An enumerated item longer than this is a clause, not a list item.
MAX_ITEM = 6


def _list_items(phrase):
    """(prefix, items, head) of a phrase that enumerates what it names
    (财政用于科技、教育和文化事业的支出 → 财政用于, [科技, 教育, 文化], 事业的支出),
    or None. Items are as long as the middle ones (or the first, when there
    are only two); the first item's prefix and the last item's head are shared."""
    segs = phrase.split("、")
    if len(segs) < 2:
        return None
    last = ITEM_JOIN.split(segs[-1], maxsplit=1)
    segs = segs[:-1] + last
    middle = segs[1:-1]
    size = len(middle[0]) if middle else len(segs[0])
    if size > MAX_ITEM or any(len(x) != size for x in middle) or len(segs[0]) < size or len(segs[-1]) < size:
        return None
    return segs[0][:-size], [segs[0][-size:], *middle, segs[-1][:size]], segs[-1][size:]


def _runs(simplified, facts):
    """Maximal runs of facts written as one list (values joined by 、/和 only)."""
    runs, current = [], facts[:1]
    for prev, fact in zip(facts, facts[1:]):
        if LIST_GAP.fullmatch(simplified[prev.end:fact.start]) and simplified[prev.end:fact.start]:
            current.append(fact)
        else:
            runs.append(current)
            current = [fact]
    return runs + ([current] if current else [])


def _respectively(simplified, facts):
    """分别 lists: X、Y和Z的支出分别为a、b和c gives a X…支出, b Y…支出, c Z…支出, and a
    following list of as many changes (比上年增长p、q和r) the same items; 总产值a、增加值b,
    分别增长p和q gives p and q the indicators of a and b."""
    runs = _runs(simplified, facts)
    for run in runs:
        first = facts.index(run[0])
        before = simplified[facts[first - 1].end:run[0].start].strip(",，、 ") if first else ""
        change = before.removeprefix("分别")
        if before.startswith("分别") and len(run) > 1 and first >= len(run) and CHANGE.fullmatch(change):
            for fact, owner in zip(run, facts[first - len(run):first]):
                fact.indicator = _tail(re.sub(rf"(?:{CHANGE.pattern})$", "", owner.indicator) + change)
    for n, run in enumerate(runs):
        clause = simplified[_clause_bounds(simplified, run[0].start, ",，;；"):run[0].start]
        split = _list_items(run[0].indicator) if "分别" in clause and len(run) > 1 else None
        if split is None or len(split[1]) != len(run):
            continue
        prefix, items, head = split
        named = [_tail(prefix + item + head) for item in items]
        for fact, indicator in zip(run, named):
            fact.indicator = indicator
        following = runs[n + 1] if n + 1 < len(runs) else []
        change = simplified[run[-1].end:following[0].start].strip(",，、 ").replace("分别", "") if following else ""
        if len(following) == len(run) and CHANGE.fullmatch(change):
            for fact, indicator in zip(following, named):
                fact.indicator = _tail(indicator + change)
