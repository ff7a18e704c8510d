"""Read: document bytes -> clean text plus page metadata.

Decodes UTF-8 (with or without BOM), GB18030 and Big5, normalises line
endings, and strips the page furniture of scraped government web pages
(breadcrumbs, date/source/font-size lines, QR prompts, trailing link lists)
while keeping a publication date found there.
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from etl.errors import DocumentError

MAX_BYTES = 20 * 1024 * 1024

FURNITURE_LINE = re.compile(
    r"^(?:当前位置|當前位置|您现在的位置|您的位置)[:：]"
    r"|^(?:发布日期|發布日期|发布时间|發布時間|来源|來源|字号|字號|作者|浏览次数|点击数|点击量|访问量)\s*[:：]"
    r"|扫一扫在手机打开当前页|掃一掃在手機打開當前頁"
    r"|^[【\[]?(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏)[】\]]?$"
    r"|^分享到[:：]?"
)
LINK_LIST_START = re.compile(
    r"^(?:全国各省市政府网站|.{0,12}政府(?:系统)?网站|重点链接|相关链接|友情链接|网站地图)$"
)
PUBLISHED = re.compile(
    r"(?:发布日期|發布日期|发布时间|發布時間|日期)\s*[:：]\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class RawDocument:
    """A document's clean text and what its page said about itself."""
    source_file: str
    text: str
    encoding: str
    published: str | None = None
    meta: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _common_hanzi():
    """The 3,755 level-1 GB2312 characters: a cheap 'is this real Chinese' test."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@lru_cache(maxsize=1)
def _t2s():
    return OpenCC("t2s")


def _hanzi_score(text):
    """Share of CJK characters that are common once made Simplified."""
    sample = "".join(CJK.findall(text))[:4000]
    if not sample:
        return 0.0
    common = _common_hanzi()
    simplified = _t2s().convert(sample)
    return sum(ch in common for ch in simplified) / len(simplified)


def decode_bytes(data, source="<bytes>"):
    """Bytes -> str, trying UTF-8 first, then the better of GB18030 and Big5."""
    if not data or not data.strip():
        raise DocumentError(source, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise DocumentError(source, "binary file, not text (NUL bytes found)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5", "cp950"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_hanzi_score(text), enc, text))
    if not candidates:
        raise DocumentError(source, "not text in UTF-8, GB18030 or Big5")
    score, enc, text = max(candidates, key=lambda c: c[0])
    if score < 0.5:
        raise DocumentError(source, f"undecodable text: best guess {enc} reads as garbage")
    return text, enc


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def strip_page_furniture(text):
    """Drop web-page furniture lines; return (clean text, published date or None)."""
    published = None
    m = PUBLISHED.search(text) or DATE_LINE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        published = f"{y:04d}-{mo:02d}-{d:02d}"
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        s = line.strip()
        if LINK_LIST_START.match(s) and _is_link_tail(lines[i:]):
            cut = i
            break
    kept = [ln for ln in lines[:cut] if not FURNITURE_LINE.search(ln.strip())]
    while kept and not kept[-1].strip(" \t\u00a0\u3000"):
        kept.pop()
    return "\n".join(kept), published


def _is_link_tail(lines):
    """A trailing block of short lines with no sentence punctuation: a link list."""
    body = [ln.strip() for ln in lines if ln.strip()]
    return len(body) <= 40 and all(len(s) <= 24 and not re.search(r"[。；;！？!?]", s) for s in body)


def clean_text(text, source="<text>"):
    """Normalise newlines, strip furniture and check there is Chinese to read."""
    text, published = strip_page_furniture(normalise_newlines(text))
    if not CJK.search(text):
        raise DocumentError(source, "no Chinese text found")
    return text, published


def read_text_file(path):
    data = Path(path).read_bytes()
    text, enc = decode_bytes(data, Path(path).name)
    text, published = clean_text(text, Path(path).name)
    return RawDocument(Path(path).name, text, enc, published)


READERS = {".txt": read_text_file}


def read_document(path):
    """Read any supported file into a RawDocument, or raise DocumentError."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DocumentError(name, "file not found")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(name, f"file too large: {size} bytes (limit {MAX_BYTES})")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(name, f"unsupported file type '{path.suffix}' (supported: {', '.join(sorted(READERS))})")
    return reader(path)
