"""Read: document bytes -> clean text plus page metadata.

Decodes UTF-8 (with or without BOM), GB18030 and Big5, normalises line
endings, and strips the page furniture of scraped government web pages
(breadcrumbs, date/source/font-size lines, QR prompts, trailing link lists)
while keeping a publication date found there. Also reads .docx (paragraphs
and tables in document order), .pdf with a text layer and .html pages saved
from government sites (main text only). Every failure is a DocumentError.
"""
import re
import zipfile
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


def read_docx_file(path):
    """A Word document: its paragraphs and tables, one table row per line."""
    import docx
    name = Path(path).name
    _check_not_empty(path)
    try:
        document = docx.Document(str(path))
        text = "\n".join(_docx_blocks(document))
        title = (document.core_properties.title or "").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(name, f"corrupt or unreadable docx ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many types for broken files
        raise DocumentError(name, f"corrupt or unreadable docx ({type(exc).__name__})") from None
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


def read_pdf_file(path):
    """A PDF with a text layer; a scanned PDF (images only) is refused."""
    import pdfplumber
    name = Path(path).name
    _check_not_empty(path)
    pages = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            meta_title = str((pdf.metadata or {}).get("Title") or "").strip()
            for page in pdf.pages:
                lines = [ln for ln in (page.extract_text() or "").split("\n") if not PAGE_NUMBER.match(ln.strip())]
                pages.append("\n".join(_reflow(lines)))
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types for broken files
        raise DocumentError(name, f"corrupt or unreadable pdf ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(name, "no text layer; OCR is not supported")
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


def _decode_html(data, name):
    charset = _html_charset(data)
    if charset and charset not in ("utf-8", "utf8"):
        enc = {"gb2312": "gb18030", "gbk": "gb18030"}.get(charset, charset)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, name)


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
