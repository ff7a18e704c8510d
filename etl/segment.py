"""Segment: clean text -> sentences (the guide's units) with section paths.

A unit is the text between 。！？；!?; or a line break. Headings are units
too: numbered ones (一、 / (一) / 1. / (1) / 一是) and short unpunctuated
lines. Each unit records the heading that opened its section, so later
stages can give a heading the theme of its section.
"""
import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")
STRIP = " \t\u00a0\u3000•·■●◆▲★※"
CN_NUM = "一二三四五六七八九十"
HEADING_MARKERS = [
    (1, re.compile(rf"^(?:[{CN_NUM}]+[、.．]|第[{CN_NUM}]+(?:部分|章|节)\s*)")),
    (2, re.compile(rf"^[（(][{CN_NUM}]+[)）]")),
    (3, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]")),
]
ENUMERATION = re.compile(rf"^[{CN_NUM}]+是")
DATE_ONLY = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
MAX_NUMBERED_HEADING = 40
MAX_ENUM_HEADING = 25
MAX_PLAIN_HEADING = 30
MIN_PLAIN_HEADING = 4         # shorter lines are scraps (转第 / 条), not headings
# A line that ends mid-sentence (no closing punctuation, or an opening quote or
# comma) is continued by the next line: a short line after it is a fragment of
# that sentence (a web page that broke its text at every link), not a heading.
OPEN_END = re.compile(r"[，,、“‘（(《]$")
CLOSED_END = re.compile(r"[。！？；!?;:：”’）)》]$")   # (the Simplified copy is width-folded: both forms)
CONTINUATION_START = re.compile(r"^[，,、。；;：:！!？?”’）)》%％]")
ENUM_LEVEL = 5
WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
SENTENCE_PUNCT_END = re.compile(r"[。！？；!?;:：]$")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Sentence:
    """One unit: exact original text, its Simplified copy and its place."""
    sent_no: int
    text: str
    text_simplified: str
    char_start: int
    char_end: int
    section: str
    is_heading: bool
    level: int | None
    parent: int | None
    opens_section: bool = False
    line_no: int = 0


def _units(line, offset):
    """Split one line into (start, end) spans of non-blank units."""
    for m in SENTENCE_END.finditer(line):
        start, end = m.start(), m.end()
        while start < end and line[start] in STRIP:
            start += 1
        while end > start and line[end - 1] in STRIP:
            end -= 1
        if start < end and WORD_CHAR.search(line, start, end):
            yield offset + start, offset + end


def _numbered_level(simplified):
    for level, pattern in HEADING_MARKERS:
        if pattern.match(simplified):
            return level
    return None


def _is_plain_heading(simplified, whole_line):
    """A short line standing alone with no sentence punctuation: a heading."""
    return (whole_line and MIN_PLAIN_HEADING <= len(simplified) <= MAX_PLAIN_HEADING
            and not SENTENCE_PUNCT_END.search(simplified)
            and not DATE_ONLY.match(simplified)
            and bool(HAN.search(simplified)))


def segment(text, simplified):
    """Return the document's sentences in order with their section structure."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    has_level1 = any(
        _numbered_level(simplified[o:o + len(ln)].strip(STRIP)) == 1 for o, ln in lines)
    plain_level = 0 if has_level1 else 1
    sentences, stack = [], []
    previous = ""   # the last non-blank line, a heading's left context
    for line_no, (offset, line) in enumerate(lines):
        spans = list(_units(line, offset))
        continues = _continues_sentence(previous, simplified, lines, line_no)
        if line.strip(STRIP):
            previous = simplified[offset:offset + len(line)].strip(STRIP)
        stack = [entry for entry in stack if entry[0] != ENUM_LEVEL]
        for i, (start, end) in enumerate(spans):
            simp = simplified[start:end]
            level, heading = None, False
            numbered = _numbered_level(simp) if i == 0 else None
            if numbered is not None:
                level, heading = numbered, len(simp) <= MAX_NUMBERED_HEADING
            elif ENUMERATION.match(simp):
                level, heading = ENUM_LEVEL, len(simp) <= MAX_ENUM_HEADING
            elif (len(spans) == 1 and not continues
                  and _is_plain_heading(simp, end - start == len(line.strip(STRIP)))):
                level, heading = plain_level, True
            if level is not None:
                stack = [entry for entry in stack if entry[0] < level]
            parent = stack[-1][1] if stack else None
            sent_no = len(sentences)
            if level is not None:
                stack.append((level, sent_no, _label(text[start:end])))
            sentences.append(Sentence(
                sent_no=sent_no, text=text[start:end], text_simplified=simp,
                char_start=start, char_end=end,
                section=" > ".join(label for _, _, label in stack),
                is_heading=heading, level=level, parent=parent,
                opens_section=level is not None, line_no=line_no))
    return sentences


def _continues_sentence(previous, simplified, lines, line_no):
    """Whether this line is the middle of a sentence the line before began
    (it ends on a comma or opening quote, or is a paragraph without a full
    stop), or of one the next line finishes: then it is no heading of its own."""
    if OPEN_END.search(previous) or (len(previous) > MAX_NUMBERED_HEADING and not CLOSED_END.search(previous)):
        return True
    for offset, line in lines[line_no + 1:]:
        following = simplified[offset:offset + len(line)].strip(STRIP)
        if following:
            return bool(CONTINUATION_START.match(following))
    return False


def _label(heading):
    heading = heading.rstrip("。！？；!?;,，:：")
    return heading if len(heading) <= 30 else heading[:29] + "…"
