"""Infer a new document's metadata (year, region, type, title) from its text.

Every guess carries the evidence it rests on, so the person adding the
document can check it before anything is written; a guess that is not
confident is left for them (or the CLI flags) to supply.
"""
import re
from dataclasses import dataclass, field

from etl.manifest import YEAR_RANGE
from etl.normalize import to_simplified

CN_DIGITS = str.maketrans("〇零一二三四五六七八九○Ｏ", "0012345678900")
YEAR_PHRASE = re.compile(r"(\d{4})\s*年\s*(?:上半年|下半年|全年|第[一二三四]季度|是|工作|度|街道|,|，|重点|主要)")
ANY_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
CN_YEAR = re.compile(r"([〇零一二三四五六七八九○]{4})\s*年")
PROVINCES = ("北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 "
             "山东省 河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 "
             "内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区").split()
# A place is written as a chain from the province down: 辽宁省大连市甘井子区红旗街道.
PLACE_CHAIN = re.compile(
    "(" + "|".join(PROVINCES) + r")([\u4e00-\u9fff]{2,3}?市)?([\u4e00-\u9fff]{2,4}?(?:新区|区|县))?"
    r"([\u4e00-\u9fff]{2,4}?(?:街道|镇|乡))?")
LEVEL_WEIGHT = {"subdistrict": 4, "district": 3, "city": 2, "province": 1}
SUFFIX = re.compile(r"(?:街道|新区|自治区|省|市|区|县|镇|乡)$")
TYPE_CUES = (("要点", "priorities"), ("计划", "plan"), ("总结", "summary"))


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


def infer_year(text, title, published):
    """(Guess, inferred?) from the title, a year phrase, the publication date, or the commonest year."""
    digits = text.translate(CN_DIGITS) if CN_YEAR.search(text) else text
    for m in ANY_YEAR.finditer(title.translate(CN_DIGITS)):
        if _in_range(int(m.group(1))):
            return Guess(int(m.group(1)), f"title: {title}"), False
    for m in YEAR_PHRASE.finditer(digits[:3000]):
        if _in_range(int(m.group(1))):
            return Guess(int(m.group(1)), f"text: {_context(text, m.start(), m.end())}"), False
    if published and _in_range(int(published[:4])):
        return Guess(int(published[:4]), f"publication date {published}"), True
    counts = {}
    for m in ANY_YEAR.finditer(digits):
        y = int(m.group(1))
        if _in_range(y):
            counts[y] = counts.get(y, 0) + 1
    if counts:
        year, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        return Guess(year, f"most frequent year in the text ({n}×)", confident=n >= 2), True
    return Guess(None, "no year found in the text", confident=False), True


def _variants(name):
    """A configured name and its short form (大港街道 -> 大港街), for matching running text."""
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


def infer_region(text, regions):
    """The configured region whose administrative names the text mentions most specifically."""
    scored = []
    for region in regions:
        score, found = 0, []
        for level, weight in LEVEL_WEIGHT.items():
            for variant in _variants(region.get(level)):
                if variant in text:
                    score += weight
                    found.append(variant)
                    break
        scored.append((score, region["region_id"], found))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] == 0:
        return Guess(None, "no configured place name found in the text", confident=False)
    best = scored[0]
    tied = [s[1] for s in scored if s[0] == best[0]]
    evidence = f"found {'、'.join(best[2])}"
    if len(tied) > 1:
        return Guess(None, f"{evidence}: matches {', '.join(tied)} equally", confident=False)
    return Guess(best[1], evidence, confident=best[0] >= 3)


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


def _short_lines(text, n=12):
    """Opening lines short enough to be a title or a heading."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:n]
    return [ln for ln in lines if 6 <= len(ln) <= 60]


def infer_doc_type(text, title):
    """计划/要点 -> plan/priorities, 总结 -> summary, otherwise an article."""
    for where, hay in (("title", title), *(("opening line", ln) for ln in _short_lines(text))):
        for cue, doc_type in TYPE_CUES:
            i = hay.find(cue)
            if i >= 0:
                return Guess(doc_type, f"{where}: {_context(hay, i, i + len(cue))}", confident=where == "title")
    return Guess("article", "no 计划/要点/总结 in the title or opening lines: an article", confident=False)


def infer_title(text, meta_title=""):
    if meta_title:
        return Guess(meta_title[:120], "title given by the file")
    short = _short_lines(text, 5)
    if short:
        return Guess(short[0], "first short line")
    first = text.strip().split("\n")[0][:30]
    return Guess(first, "start of the text (no title line)", confident=False)


def infer_metadata(raw, regions):
    """All guesses for one RawDocument (from etl.read)."""
    simplified = to_simplified(raw.text)
    title = infer_title(raw.text, raw.meta.get("title", ""))
    title_s = to_simplified(title.value)
    year, year_inferred = infer_year(simplified, title_s, raw.published)
    return Inference(year=year, year_inferred=year_inferred, region=infer_region(simplified, regions),
                     doc_type=infer_doc_type(simplified, title_s), title=title, published=raw.published or "",
                     places=place_names(simplified))
