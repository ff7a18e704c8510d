"""Read: document bytes -> clean text plus page metadata.

Decodes UTF-8 (with or without BOM), GB18030 and Big5, normalises line
endings, and strips the page furniture of scraped government web pages
(breadcrumbs, date/source/font-size lines, QR prompts, trailing link lists)
while keeping a publication date found there. Also reads .docx (paragraphs
and tables in document order), .pdf with a text layer and .html pages saved
from government sites (main text only). Every failure is a DocumentError.
"""
import logging
import re
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from etl.errors import DocumentError

# Limits, all checked before the work they bound (issue 11: small files must not exhaust time or memory).
MAX_BYTES = 20 * 1024 * 1024        # the upload limit; .streamlit/config.toml's server.maxUploadSize equals it
MAX_CHARS = 1_000_000               # a work report runs to 10-50k characters; 1M extracts in about 10 s
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024   # all parts of a docx, as its zip directory declares them
MAX_DOCX_MEMBERS = 2000             # a docx has a few dozen parts; thousands means a crafted archive
MAX_ZIP_RATIO = 200                 # Word XML deflates 5-30x; a member beyond 200x is padding or a bomb
ZIP_RATIO_FLOOR = 1024 * 1024       # the ratio is only judged for members larger than this
MAX_HTML_DEPTH = 256                # libxml2 stops nesting here; real pages nest 20-40 levels
MAX_HTML_ELEMENTS = 50_000          # a long government page has a few thousand elements
# Encoding truth: text is judged block by block, so half a file in another encoding cannot hide.
BLOCK_CHARS = 400                   # non-space characters per judged block (a paragraph or two)
BLOCK_MIN_HANZI = 40                # a block with fewer hanzi says too little to judge
MIN_BLOCK_SCORE = 0.8               # real prose: 0.95-1.0 common characters; text read in a wrong codec: 0.2-0.7
LINE_MIN_HANZI = 10                 # a line names its codec only when it has this many hanzi
MAX_BAD_SHARE = 0.05                # replacement and out-of-place characters (kana, bopomofo, Cyrillic, PUA, ...)
SCORE_HANZI = 4000                  # hanzi sampled to choose between codecs: plenty to tell prose from garble
SCORE_WINDOW = 200_000              # characters searched for that sample (markup may come first)
CHARSET_MARGIN = 0.1                # a declared charset may score this much below the best decoder

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
# Characters that Chinese government prose does not contain but mis-decoded bytes produce.
OUT_OF_PLACE = re.compile(
    r"\(cid:\d+\)|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\u00c0-\u024f\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf"
    r"\uac00-\ud7af\ue000-\uf8ff\uf900-\ufaff\U00020000-\U0010ffff]")
ENCODINGS = ("gb18030", "big5", "cp950")


@dataclass
class RawDocument:
    """A document's clean text and what its page said about itself."""
    source_file: str
    text: str
    encoding: str
    published: str | None = None
    meta: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _uncommon():
    """A regex of any character but the 3,755 level-1 GB2312 ones: a cheap 'is this real Chinese' test."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return re.compile("[^" + "".join(map(re.escape, sorted(chars))) + "]")


@lru_cache(maxsize=1)
def _t2s():
    return OpenCC("t2s")


NON_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def _common_share(hanzi):
    """Share of a string of hanzi that is common once made Simplified (C-level passes only: linear and fast)."""
    if not hanzi:
        return 0.0
    simplified = _t2s().convert(hanzi)
    return 1 - len(_uncommon().findall(simplified)) / len(simplified)


def _hanzi_score(text):
    """Share of a text's first 4,000 hanzi that are common once made Simplified."""
    return _common_share(NON_CJK.sub("", text[:SCORE_WINDOW])[:SCORE_HANZI])


def _check_chars(text, source):
    if len(text) > MAX_CHARS:
        raise DocumentError(source, f"text too long: {len(text)} characters (limit {MAX_CHARS})")


def _strict(data, enc):
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _line_encoding(line):
    """The one codec that reads a line of bytes strictly as prose, '?' if none reads it, None if unsure."""
    good, readable = [], False
    for enc in ("utf-8", *ENCODINGS[:2]):
        text = _strict(line, enc)
        if text is None:
            continue
        readable = True
        if len(CJK.findall(text)) >= LINE_MIN_HANZI and _hanzi_score(text) >= MIN_BLOCK_SCORE:
            good.append(enc)
    if not readable:
        return "?"
    return good[0] if len(good) == 1 else None


def _mixed_report(data):
    """Which codec reads which lines ('lines 1-40 utf-8, lines 41-80 gb18030'), or '' if one codec reads all."""
    runs = []
    for no, line in enumerate(data.split(b"\n"), 1):
        enc = _line_encoding(line) if re.search(rb"[\x80-\xff]", line) else None
        if enc is None:
            continue
        if runs and runs[-1][0] == enc:
            runs[-1][2] = no
        else:
            runs.append([enc, no, no])
    if len({enc for enc, _, _ in runs} - {"?"}) < 2:
        return ""
    shown = ", ".join(f"lines {a}-{b} {'no codec' if enc == '?' else enc}" for enc, a, b in runs[:4])
    return shown + (" ..." if len(runs) > 4 else "")


def _blocks(text):
    """(first line number, block text) of about BLOCK_CHARS non-space characters each, over the whole text."""
    start, lines, size = 1, [], 0
    for no, line in enumerate(text.split("\n"), 1):
        if not lines:
            start = no
        lines.append(line)
        size += len(line.strip())
        if size >= BLOCK_CHARS:
            yield start, "\n".join(lines)
            lines, size = [], 0
    if lines:
        yield start, "\n".join(lines)


def check_text_truth(text, enc, source, data=None):
    """Refuse text that a codec read wrongly anywhere: every block, not a sample, must read as prose.

    A block is garbled when too few of its hanzi are common characters or
    too many characters are replacement or out-of-place ones; `data` (the
    raw bytes) lets the message say which codec reads which lines.
    """
    for line_no, block in _blocks(text):
        bad = len(OUT_OF_PLACE.findall(block))
        chars = max(1, len(block) - block.count(" ") - block.count("\n"))
        hanzi = NON_CJK.sub("", block)
        score = _common_share(hanzi) if len(hanzi) >= BLOCK_MIN_HANZI else 1.0
        if bad / chars <= MAX_BAD_SHARE and score >= MIN_BLOCK_SCORE:
            continue
        mixed = _mixed_report(data) if data is not None else ""
        if mixed:
            raise DocumentError(source, f"mixed encodings in one file ({mixed}); save it in one encoding")
        raise DocumentError(source, f"garbled text from line {line_no} as {enc}: {score:.0%} common hanzi, "
                                    f"{bad} replacement or out-of-place characters; the file is damaged "
                                    "or in another encoding")


def decode_bytes(data, source="<bytes>"):
    """Bytes -> str: the whole file strictly in UTF-8, else in the better of GB18030 and Big5, checked throughout."""
    if not data or not data.strip():
        raise DocumentError(source, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DocumentError(source, f"binary file, not text (NUL byte at offset {nul})")
    text = _strict(data, "utf-8")
    if text is not None:
        _check_chars(text, source)
        check_text_truth(text, "utf-8", source, data)
        return text, "utf-8"
    candidates = []
    for enc in ENCODINGS:
        text = _strict(data, enc)
        if text is not None:
            candidates.append((_hanzi_score(text), enc, text))
    if not candidates:
        mixed = _mixed_report(data)
        if mixed:
            raise DocumentError(source, f"mixed encodings in one file ({mixed}); save it in one encoding")
        raise DocumentError(source, "not text in UTF-8, GB18030 or Big5")
    score, enc, text = max(candidates, key=lambda c: c[0])
    _check_chars(text, source)
    if score < 0.5:
        raise DocumentError(source, f"undecodable text: best guess {enc} reads as garbage")
    check_text_truth(text, enc, source, data)
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


def _check_not_empty(path):
    if not Path(path).read_bytes().strip():
        raise DocumentError(Path(path).name, "empty file")


def _docx_blocks(document):
    """Paragraphs and table rows in body order (python-docx lists them separately)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                yield "\t".join(cells)


def check_zip_limits(path, name):
    """Refuse a zip bomb from its central directory, before anything is decompressed.

    The declared sizes bound what is read: zipfile stops each member at its
    declared size, so a lying directory cannot inflate past these limits.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(name, f"corrupt or unreadable docx ({type(exc).__name__})") from None
    if len(members) > MAX_DOCX_MEMBERS:
        raise DocumentError(name, f"docx has {len(members)} parts (limit {MAX_DOCX_MEMBERS}): not a Word document")
    total = sum(m.file_size for m in members)
    if total > MAX_DOCX_UNCOMPRESSED:
        raise DocumentError(name, f"docx decompresses to {total} bytes (limit {MAX_DOCX_UNCOMPRESSED}): "
                                  "a zip bomb or padding, refused before decompressing")
    for m in members:
        ratio = m.file_size / max(1, m.compress_size)
        if m.file_size > ZIP_RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise DocumentError(name, f"docx part {m.filename[:60]} compresses {ratio:.0f}:1 (limit {MAX_ZIP_RATIO}:1): "
                                      "a zip bomb or padding, refused before decompressing")


def read_docx_file(path):
    """A Word document: its paragraphs and tables, one table row per line."""
    import docx
    name = Path(path).name
    _check_not_empty(path)
    check_zip_limits(path, name)
    try:
        document = docx.Document(str(path))
        text = "\n".join(_docx_blocks(document))
        title = (document.core_properties.title or "").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(name, f"corrupt or unreadable docx ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many types for broken files
        raise DocumentError(name, f"corrupt or unreadable docx ({type(exc).__name__})") from None
    _check_chars(text, name)
    check_text_truth(text, "docx", name)
    text, published = clean_text(text, name)
    return RawDocument(name, text, "docx", published, {"title": title} if title else {})


PAGE_NUMBER = re.compile(r"^(?:[-—–－\s]*\d{1,3}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
SENTENCE_END = re.compile(r"[。！？；：!?;:）)]$")


def _reflow(lines):
    """Join lines a PDF wrapped at the page margin; keep real line breaks.

    A line that is nearly as long as the longest line on its page and does
    not end a sentence was wrapped by the layout, not by the author.
    """
    body = [ln.rstrip() for ln in lines]
    width = max((len(ln.strip()) for ln in body), default=0)
    out = []
    joining = False
    for ln in body:
        s = ln.strip()
        if joining and out and s:
            out[-1] += s
        else:
            out.append(ln)
        joining = bool(s) and width >= 15 and len(s) >= 0.85 * width and not SENTENCE_END.search(s)
    return out


PDF_LOGGERS = ("pdfminer", "pdfplumber")


@contextmanager
def _quiet_pdf_libraries():
    """pdfminer and pdfplumber log and warn about every flaw of a broken file; the DocumentError says it once."""
    loggers = [logging.getLogger(name) for name in PDF_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def read_pdf_file(path):
    """A PDF with a text layer; a scanned PDF (images only) is refused."""
    import pdfplumber
    name = Path(path).name
    _check_not_empty(path)
    pages, chars = [], 0
    try:
        with _quiet_pdf_libraries(), pdfplumber.open(str(path)) as pdf:
            meta_title = str((pdf.metadata or {}).get("Title") or "").strip()
            for page in pdf.pages:
                lines = [ln for ln in (page.extract_text() or "").split("\n") if not PAGE_NUMBER.match(ln.strip())]
                pages.append("\n".join(_reflow(lines)))
                chars += len(pages[-1])
                if chars > MAX_CHARS:
                    raise DocumentError(name, f"text too long: over {MAX_CHARS} characters by page {len(pages)} "
                                              f"(limit {MAX_CHARS})")
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types for broken files
        raise DocumentError(name, f"corrupt or unreadable pdf ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(name, "no text layer; OCR is not supported")
    check_text_truth(text, "pdf", name)
    text, published = clean_text(text, name)
    return RawDocument(name, text, "pdf", published, {"title": meta_title} if meta_title else {})


HTML_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
                       "select", "button", "input", "svg", "template")
HTML_FURNITURE_ATTR = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|footer|foot|header|breadcrumb|crumb|share|sidebar|links?|"
    r"friend-?links?|copyright|toolbar|search|position|location|banner|qr|ewm)(?:$|[-_ \d])", re.I)
HTML_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "og:release_date",
                  "datepublished", "publish_date", "dc.date", "dc.date.issued")
HTML_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section", "article")
MIN_MAIN_HANZI = 20
MAIN_SHARE = 0.75
INLINE_TAGS = ("p", "span", "font", "strong", "b", "em", "i", "u", "a", "br", "center")
ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def _html_charset(data):
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
    return m.group(1).decode("ascii").lower() if m else None


CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "utf8": "utf-8", "x-gbk": "gb18030", "big5-hkscs": "big5"}


def _decode_html(data, name):
    """Decode a page; a declared charset must be the truth, not just decodable.

    The declaration is compared with the best automatic reading: a page
    that declares one charset but reads as prose only in another was saved
    wrongly, and guessing which of the two is right would store garble.
    """
    charset = _html_charset(data)
    if charset is None:
        return decode_bytes(data, name)
    enc = CHARSET_ALIASES.get(charset, charset)
    try:
        text_auto, enc_auto = decode_bytes(data, name)
    except DocumentError:
        text_auto, enc_auto = None, None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    declared = _strict(body, enc)
    if declared is None:
        if text_auto is None:
            raise DocumentError(name, f"the page declares charset {charset} but is not valid {charset}, "
                                      "nor UTF-8, GB18030 or Big5 throughout")
        raise DocumentError(name, f"the page declares charset {charset} but is not valid {charset}; "
                                  f"it reads as {enc_auto}: correct the declaration")
    if text_auto is not None and enc_auto != enc and CJK.search(text_auto):
        if _hanzi_score(declared) + CHARSET_MARGIN < _hanzi_score(text_auto) or not CJK.search(declared):
            raise DocumentError(name, f"the page declares charset {charset} but reads as {enc_auto}: "
                                      "correct the declaration")
    _check_chars(declared, name)
    check_text_truth(declared, enc, name, body)
    return declared, enc


HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")   # [^<>]: each match stops at the next tag
HTML_RAW_TEXT = {"<!--": "-->", "<script": "</script", "<style": "</style"}   # where tags are not tags
HTML_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
HTML_SELF_CLOSING = frozenset("p li dt dd tr td th option".split())   # closed by the next one of their kind


def _markup_tags(markup):
    """The tags outside comments, scripts and styles, in one forward pass (an unclosed comment ends the page)."""
    lower, pos = markup.lower(), 0
    opener = re.compile("|".join(re.escape(k) for k in HTML_RAW_TEXT))
    while True:
        m = opener.search(lower, pos)
        end = m.start() if m else len(markup)
        yield from HTML_TAG.finditer(markup, pos, end)
        if m is None:
            return
        close = lower.find(HTML_RAW_TEXT[m.group(0)], m.end())
        if close < 0:
            return
        pos = close + len(HTML_RAW_TEXT[m.group(0)])


def check_html_limits(markup, name):
    """Refuse deep or huge markup before parsing it: one linear pass over the tags.

    Depth is counted on a stack that closes void elements at once, lets
    a paragraph or list item end its predecessor, and pops to the matching
    open tag on a close, as browsers do; so sloppy real pages are not
    refused and a crafted nest is, before the parser builds it.
    """
    stack, elements = [], 0
    for m in _markup_tags(markup):
        closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            if tag in stack:
                while stack and stack.pop() != tag:
                    pass
            continue
        elements += 1
        if elements > MAX_HTML_ELEMENTS:
            raise DocumentError(name, f"html page has more than {MAX_HTML_ELEMENTS} elements (limit)")
        if tag in HTML_VOID or self_closing:
            continue
        if tag in HTML_SELF_CLOSING and stack and stack[-1] == tag:
            stack.pop()
        stack.append(tag)
        if len(stack) > MAX_HTML_DEPTH:
            raise DocumentError(name, f"html nested deeper than {MAX_HTML_DEPTH} levels (limit)")


def _meta_date(soup):
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        if key in HTML_META_DATE:
            m = ISO_DATE.search(tag.get("content") or "")
            if m:
                y, mo, d = (int(g) for g in m.groups())
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _block_text(node):
    """Text of a node with block elements on their own lines."""
    from bs4 import NavigableString
    parts = []
    for el in node.descendants:
        if isinstance(el, NavigableString):
            if el.parent.name not in ("script", "style"):
                parts.append(str(el))
        elif el.name in HTML_BLOCKS:
            parts.append("\n")
        elif el.name in ("td", "th"):
            parts.append(" ")
    lines = (re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _main_node(soup):
    """The element holding the article: the deepest one with most of the page's Chinese prose.

    Government pages put the body in one container full of paragraphs;
    navigation and link lists are short anchors. Text in anchors counts for
    nothing; every other text run counts for its block and all its ancestors,
    and the deepest element holding MAIN_SHARE of the prose is the article.
    """
    weights, nodes, depth = {}, {}, {}
    for string in soup.find_all(string=True):
        parent = string.parent
        if parent is None or parent.name in ("script", "style", "title", "[document]"):
            continue
        if string.find_parent("a") is not None:
            continue
        n = len(CJK.findall(string))
        if not n:
            continue
        chain = [parent, *parent.parents]
        for level, node in enumerate(reversed(chain)):
            weights[id(node)] = weights.get(id(node), 0) + n
            nodes[id(node)], depth[id(node)] = node, level
    if not weights:
        return None, 0
    total = max(weights.values())
    best = max((k for k, w in weights.items() if w >= MAIN_SHARE * total and nodes[k].name not in INLINE_TAGS),
               key=lambda k: depth[k], default=None)
    if best is None:
        return None, 0
    return nodes[best], weights[best]


def _drop_furniture_by_name(soup):
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        attrs = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if attrs.strip() and HTML_FURNITURE_ATTR.search(attrs):
            tag.decompose()


def read_html_file(path):
    """A saved government web page: its title, main text and publication date."""
    from bs4 import BeautifulSoup
    name = Path(path).name
    data = Path(path).read_bytes()
    check_html_limits(data.decode("latin-1"), name)   # tags are ASCII: judged before any decoding or parsing
    markup, enc = _decode_html(data, name)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:  # noqa: BLE001 - the parser is lenient; anything it raises means unreadable
        raise DocumentError(name, f"unreadable html ({type(exc).__name__})") from None
    published = _meta_date(soup) or strip_page_furniture(soup.get_text("\n"))[1]
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(HTML_FURNITURE_TAGS):
        tag.decompose()
    # Class names are a guess: if dropping what they call furniture leaves no
    # article (a wrapper named "main-nav-box"), fall back to the tags alone.
    pruned = BeautifulSoup(str(soup), "lxml")
    _drop_furniture_by_name(pruned)
    node, hanzi = _main_node(pruned)
    if node is None or hanzi < MIN_MAIN_HANZI:
        pruned = soup
        node, hanzi = _main_node(soup)
    if node is None or hanzi < MIN_MAIN_HANZI:
        raise DocumentError(name, "no main text found in the html page (only scripts, navigation or links)")
    h1 = pruned.find("h1")
    title = h1.get_text(" ", strip=True) if h1 else re.split(r"\s*[_|—–-]\s*", page_title)[0]
    body = _block_text(node)
    if title and title not in body[:200]:
        body = f"{title}\n{body}"
    _check_chars(body, name)
    text, page_date = clean_text(body, name)
    return RawDocument(name, text, enc, published or page_date, {"title": title} if title else {})


READERS = {".txt": read_text_file, ".docx": read_docx_file, ".pdf": read_pdf_file,
           ".html": read_html_file, ".htm": read_html_file}


def read_document(path):
    """Read any supported file into a RawDocument, or raise DocumentError."""
    path = Path(path)
    name = path.name
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise DocumentError(name, "file name must not contain path separators")
    if not path.is_file():
        raise DocumentError(name, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(name, "empty file")
    if size > MAX_BYTES:
        raise DocumentError(name, f"file too large: {size} bytes (limit {MAX_BYTES})")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(name, f"unsupported file type '{path.suffix}' (supported: {', '.join(sorted(READERS))})")
    return reader(path)
