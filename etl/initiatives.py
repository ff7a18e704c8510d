"""Initiatives: the named programmes, slogans and systems a document runs.

An initiative is a proper name a document gives to something it runs or
follows: a programme or campaign (“春风行动”, 领雁工程), a system or
mechanism (“141”体系), a working method or slogan (“双万双服”, 一岗双责,
“走出去、请进来”), a national label (枫桥经验, 河长制, 新时代文明实践).
Not initiatives: an ordinary word put in quotes for emphasis (“超市”),
quoted speech, a document title in 《》.

Three rules over the Simplified text of a sentence:
- quoted names: a short span in “…” "…" 「…」 『…』 with a naming signal
  (a programme noun inside or right after the quote, a number pattern, a
  parallel slogan, or a launching verb right before it);
- number patterns outside quotes: N+noun labels (五大工程, 三个一批 are
  written N个X / N大X with a programme noun) and paired-count labels
  (一X两Y: 一岗双责, 三会一课), idioms of that shape excluded;
- systems with a known head: X长制 (河长制, 楼长制), a strategy put into
  effect (实施科教兴国战略) and a short list of national programme names,
  general to every place (etl/dict/initiatives.txt).

`name_norm` lets the same initiative meet across documents: Simplified,
width-folded, quotes and spaces stripped, Chinese counts before a counter
read as Arabic digits (五个大港 and 5个大港 → 5个大港).
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from etl.config import DICT_DIR
from etl.normalize import to_simplified

CLOSE_FOR = {"“": "”", "\"": "\"", "「": "」", "『": "』", "‘": "’"}
# Longest quoted name kept: longer quoted spans are speech or descriptions, not names.
MAX_QUOTED = 16
# A parallel slogan may be longer (细小网格、多方参与、共同防范、共筑平安).
MAX_QUOTED_SLOGAN = 24
# Quoted phrases this long are names unless they name a place: emphasis quotes are short words (“超市”).
MIN_NAME_WITHOUT_SIGNAL = 4
# Quoted names of a place or facility (a park, a tunnel, a shop) are not programmes.
FACILITY = re.compile(r"(?:公园|隧道|超市|大厦|广场|小区|学校|医院|园|路|街|桥|馆|站|周报|月报|简报)$")
# Titles and honours a place was given (先进集体, 百强区) are awards, not programmes it runs.
HONOUR = re.compile(r"(?:集体|党组织|强区|强县|强镇|强街道|强街|称号|单位|先进个人|模范|标兵|荣誉)$")
AWARDED = re.compile(r"(?:荣获|获评|获得|被评为|授予|评为|获)$")
# Events named by their date (“4·7”, “0313” of an outbreak): month and day, no programme noun after.
DATE_CODE = re.compile(r"^(?:(\d{1,2})[·.](\d{1,2})|(\d{1,2}?)(\d{2}))$")
MAX_MONTH, MAX_DAY = 12, 31
MIN_QUOTED = 2
CN_NUMERAL = "一二两三四五六七八九十百千双"
# Nouns that make a phrase the name of a programme, system or method.
PROGRAMME_NOUN = ("工程|行动|计划|体系|机制|模式|品牌|工作法|经验|战略|活动|工作室|课堂|讲堂|之家|银行|驿站|联盟"
                  "|联动|一体|服务圈|生活圈|全覆盖|平台|项目|清单|工作站|服务站|示范|攻坚战|攻坚|专项|三年行动"
                  "|制度|理念|精神|主题|系列|指挥|格局|创建|建设|提升|改革|工作|要求|措施|方式|目标|思路")
# Programme nouns strong enough to name a phrase from outside the quotes, and kept in the name (“141”体系).
SYSTEM_SUFFIX = "体系|机制|模式|工程|行动|计划|品牌|工作法|战略|制度"
AFTER_NAME = re.compile(rf"^(?:{PROGRAMME_NOUN}|联合|指挥|调度|执法|服务|治理|管理|建设|三化)")
# A quote right after another (“A”“B”活动) is a list of names.
AFTER_QUOTE = re.compile(rf"{AFTER_NAME.pattern}|^“")
SYSTEM_AFTER = re.compile(rf"^(?:{SYSTEM_SUFFIX})")
# Verbs that launch or follow a named programme, right before its quote.
LAUNCH_VERB = re.compile(r"(?:开展|实施|推进|打造|创建|深化|推行|落实|启动|争创|举办|组织|建立|构建|践行|坚持|探索|推广"
                         r"|创新|擦亮|叫响|做强|打响|培育|弘扬|学习|运用|用好|依托|推出|健全|完善|深入|持续|开通|搭建"
                         r"|围绕|按照|聚焦|实行|建设|筑牢|树立|发扬|贯彻)$")
SPEECH = re.compile(r"(?:说|道|表示|称|问|讲)[:：]?$|[:：]$")
NUMBER_PATTERN = re.compile(rf"[{CN_NUMERAL}]+[个大项条种类张支化型级位心]|[{CN_NUMERAL}].[{CN_NUMERAL}].|\d|\+")
SLOGAN_PART = re.compile(r"[、，,·\s]+")
# A parallel slogan has two or more short parts (促发展、惠民生、上水平).
MAX_SLOGAN_PART = 8
# A count inside a word (统一, 进一步, 第一) or a longer number does not start a label.
NOT_IN_WORD = rf"(?<![第统唯万之同逐周初届\d{CN_NUMERAL}])(?!(?<=进)一)"
# The nouns a paired count pairs: one character, not a numeral, magnitude or ordinal counter (十届十次).
PAIR_NOUN = rf"[^\W\d_{CN_NUMERAL}万亿零〇届次年月日号]"
# Characters of a label's noun: no function words, so a label stays inside its phrase.
LABEL_CHAR = r"[^\W\d_为的和与是在及等对把将向从了以]"
# N个X / N大X outside quotes: the noun after the count must be a programme noun.
# The label keeps a system noun (五大工程) and stops before a generic one (五个大港 of 五个大港建设).
COUNTED_LABEL = re.compile(
    rf"{NOT_IN_WORD}(?!..(?:方面|环节|部分|层面|领域|问题))(?:[{CN_NUMERAL}]{{1,2}}[个大项有]{LABEL_CHAR}{{0,3}}?"
    rf"(?:工程|行动|战略|体系|机制|攻坚战|板块|品牌|计划|功能区|会战|一批)"
    rf"|[{CN_NUMERAL}]{{1,2}}[个大]{LABEL_CHAR}{{2}}(?=建设|工作|目标|要求))")
# 一X两Y, 三X一Y, 一X一Y一Z: counts pairing single-character nouns.
PAIRED_LABEL = re.compile(
    rf"{NOT_IN_WORD}[{CN_NUMERAL}]{PAIR_NOUN}[{CN_NUMERAL}]{PAIR_NOUN}(?:[{CN_NUMERAL}]{PAIR_NOUN})?")
# A strategy put into effect (实施科教兴国战略, 坚持就业优先战略) is named; 战略性调整, 战略目标 are not names.
STRATEGY = re.compile(rf"(?:实施|坚持|落实|推进|深化|推动|贯彻)(?P<name>{LABEL_CHAR}{{3,8}}?战略)(?![性目地机意])")
COUNTED_TRIGGER = re.compile(rf"[{CN_NUMERAL}][个大项有]")
PAIRED_TRIGGER = re.compile(rf"[{CN_NUMERAL}].[{CN_NUMERAL}]")
# Idioms and set phrases of the paired-count shape: not programme names.
IDIOMS = frozenset("""一心一意 一点一滴 一年一度 一草一木 一言一行 一朝一夕 一丝一毫 一五一十 三心二意 四面八方 五湖四海
千家万户 千方百计 一举一动 一清二楚 一干二净 三番五次 七上八下 一来二去 三五成群 十全十美 百花齐放 千差万别
一模一样 一分一秒 一针一线 一砖一瓦 一桌一椅 两面三刀 三令五申 一石二鸟 一箭双雕 一五年 一二年 一对一 百里挑一
一举两得 一年一个 一天一个 一月一次 一周一次 一季一次 一年一次 一日一""".split())
# Five-year-plan periods (十二五, 十四五) are dates of a plan, not programmes a place runs.
PLAN_PERIOD = re.compile(rf"^[{CN_NUMERAL}]*五(?:规划|时期|期间)?$")
# X长制 (河长制, 街巷长制): a one-character head, or two after a clause boundary, so the verb before stays out.
LONG_SYSTEM = re.compile(r"(?:(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2}|[\u4e00-\u9fff])长制")
# Characters that end a sentence or clause: a quoted span never crosses them.
CLAUSE_END = "。！？；!?;\n"


@dataclass
class Initiative:
    name: str       # as written in the Simplified copy; offsets give the original
    name_norm: str
    start: int      # offsets into the sentence
    end: int
    rule: str       # quoted / counted / paired / system


@lru_cache(maxsize=1)
def known_names():
    """National programme names, general to every place: one a line in etl/dict/initiatives.txt."""
    path = DICT_DIR / "initiatives.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    names = sorted({ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names)) if names else None


QUOTE_MARKS = re.compile(r"[“”\"「」『』‘’'《》\s]")
NAME_CHAR = re.compile(r"[\u4e00-\u9fff\d]")
ENDS_WITH_PROGRAMME_NOUN = re.compile(rf"(?:{PROGRAMME_NOUN})$")
ENDS_WITH_SYSTEM_SUFFIX = re.compile(rf"(?:{SYSTEM_SUFFIX})$")
COUNT_BEFORE_COUNTER = re.compile(rf"[{CN_NUMERAL}]+(?=[个大项条种类张支])")


def _arabic(match):
    return _arabic_count(match.group(0))


@lru_cache(maxsize=1024)
def _arabic_count(word):
    """A Chinese count in Arabic digits (五 -> 5); cached: the same few counts recur, and cn2an is slow."""
    if word == "双":
        return word
    try:
        return str(int(cn2an.cn2an(word.replace("两", "二"), "smart")))
    except (ValueError, KeyError):
        return word


def normalise(name):
    """Key under which the same initiative meets across documents and scripts."""
    return _normalise_simplified(to_simplified(name))


def _normalise_simplified(text):
    """`normalise` of a name already in the Simplified copy (the extractor's input)."""
    text = unicodedata.normalize("NFKC", text)
    text = QUOTE_MARKS.sub("", text)
    text = text.replace("，", ",").replace("、", ",")
    return COUNT_BEFORE_COUNTER.sub(_arabic, text)


QUOTED = re.compile("|".join(f"{re.escape(o)}[^{re.escape(c)}{CLAUSE_END}]*{re.escape(c)}" for o, c in CLOSE_FOR.items()))


def _quoted(simplified):
    """(start, end) of each quoted span within one clause, quote marks excluded."""
    return [(m.start() + 1, m.end() - 1) for m in QUOTED.finditer(simplified)]


def _is_date_code(inner):
    m = DATE_CODE.match(inner)
    if not m:
        return False
    month, day = (int(g) for g in (m.group(1, 2) if m.group(1) else m.group(3, 4)))
    return 1 <= month <= MAX_MONTH and 1 <= day <= MAX_DAY


def _is_slogan(inner):
    parts = [p for p in SLOGAN_PART.split(inner) if p]
    return len(parts) >= 2 and all(len(p) <= MAX_SLOGAN_PART for p in parts)


def _quoted_initiatives(simplified):
    found = []
    for start, end in _quoted(simplified):
        inner = simplified[start:end].strip()
        slogan = _is_slogan(inner)
        if not (MIN_QUOTED <= len(inner) <= (MAX_QUOTED_SLOGAN if slogan else MAX_QUOTED)) \
                or not NAME_CHAR.search(inner) or PLAN_PERIOD.match(inner) or FACILITY.search(inner):
            continue
        before, after = simplified[max(0, start - 1 - 4):start - 1], simplified[end + 1:end + 1 + 4]
        if SPEECH.search(before) or AWARDED.search(before) or HONOUR.search(inner) or any(q in inner for q in CLOSE_FOR) \
                or (_is_date_code(inner) and not AFTER_NAME.match(after)):
            continue
        signal = (ENDS_WITH_PROGRAMME_NOUN.search(inner) or NUMBER_PATTERN.search(inner)
                  or slogan or AFTER_QUOTE.match(after) or LAUNCH_VERB.search(before)
                  or len(inner) >= MIN_NAME_WITHOUT_SIGNAL)
        if not signal:
            continue
        suffix = SYSTEM_AFTER.match(after)
        name_end = end + 1 + suffix.end() if suffix and not ENDS_WITH_SYSTEM_SUFFIX.search(inner) else end + 1
        found.append(Initiative(simplified[start - 1:name_end], "", start - 1, name_end, "quoted"))
    return found


def _pattern_initiatives(simplified, taken):
    found = []

    def free(s, e):
        return not any(s < te and ts < e for ts, te in taken)

    # Each pattern runs only where a cheap trigger finds its core: the lookarounds make a full scan slow.
    rules = [("counted", COUNTED_LABEL, COUNTED_TRIGGER.search(simplified)),
             ("paired", PAIRED_LABEL, PAIRED_TRIGGER.search(simplified)), ("system", LONG_SYSTEM, "长制" in simplified),
             ("system", STRATEGY, "战略" in simplified), ("system", known_names(), known_names() is not None)]
    for rule, pattern, present in rules:
        if not present:
            continue
        for m in pattern.finditer(simplified):
            s, e = m.span("name") if "name" in pattern.groupindex else m.span()
            if rule == "paired" and any(m.group(0).startswith(idiom) for idiom in IDIOMS):
                continue
            if free(s, e):
                found.append(Initiative(simplified[s:e], "", s, e, rule))
                taken.append((s, e))
    return found


def extract_initiatives(simplified):
    """Initiatives named in one sentence (its Simplified copy), in text order."""
    quoted = _quoted_initiatives(simplified)
    taken = [(q.start, q.end) for q in quoted]
    found = quoted + _pattern_initiatives(simplified, taken)
    for item in found:
        item.name_norm = _normalise_simplified(item.name)
    return sorted((i for i in found if i.name_norm), key=lambda i: i.start)
