"""A seeded corpus of hostile and careless files, mutated from real seeds (issue 11).

`corpus(n, seed)` yields `Case(name, data, expect)`: truncations, bit flips
and splices of real txt/docx/pdf/html files, zip bombs (huge, padded,
many-part), deep and huge HTML, mixed encodings, false charset declarations,
NUL bytes anywhere, huge whitespace and over-long text. `expect` is
"refuse" when the file must be refused, "same" when it must be read as the
seed's text, and "any" when refusing and reading are both right.
Generation is cheap: the expensive archives are built once and reused.
"""
import io
import random
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from doc_fixtures import GOV_PAGE, make_docx, make_pdf

from etl import read

ROOT = Path(__file__).resolve().parent.parent
BOMB_BYTES = read.MAX_DOCX_UNCOMPRESSED + 1024 * 1024   # just past the limit: refused from the directory alone
PADDING_BYTES = 32 * 1024 * 1024                        # whitespace that deflates far past MAX_ZIP_RATIO
MANY_PARTS = read.MAX_DOCX_MEMBERS + 1
SEED_TEXT_CHARS = 3000                                  # the slice of a seed used as a text sample


@dataclass
class Case:
    name: str
    data: bytes
    expect: str            # "refuse", "same" or "any"
    kind: str
    text: str | None = None  # the text a "same" case must read as


@lru_cache(maxsize=1)
def seed_texts():
    """Slices of the project's seed documents (real prose, Simplified and the Traditional of one)."""
    from opencc import OpenCC
    texts = [p.read_text(encoding="utf-8")[:SEED_TEXT_CHARS] for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return texts + [OpenCC("s2t").convert(texts[0])]


@lru_cache(maxsize=1)
def valid_files():
    tmp = Path(tempfile.mkdtemp(prefix="jiedao-corpus-"))
    files = {".docx": make_docx(tmp / "a.docx").read_bytes(), ".pdf": make_pdf(tmp / "a.pdf").read_bytes(),
             ".html": GOV_PAGE.encode()}
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    return files


def _zip(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def _docx_members():
    with zipfile.ZipFile(io.BytesIO(valid_files()[".docx"])) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


@lru_cache(maxsize=1)
def zip_bombs():
    """Archives that look like Word files: decompressing past the limit, padded, or of thousands of parts."""
    members = _docx_members()
    doc = dict(members)["word/document.xml"]
    head, tail = doc.split(b"<w:body>", 1)
    padded = head + b"<w:body>" + b" " * PADDING_BYTES + tail
    return {
        "bomb": _zip([(n, d) for n, d in members if n != "word/media/pad.bin"] + [("word/media/pad.bin", bytes(BOMB_BYTES))]),
        "padded": _zip([(n, padded if n == "word/document.xml" else d) for n, d in members]),
        "many": _zip(members + [(f"customXml/part{i}.xml", b"<a/>") for i in range(MANY_PARTS)]),
    }


def _flip(data, rng, flips):
    out = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _deep_html(depth, rng):
    tag = rng.choice(["div", "span", "section", "font", "b"])
    return ("<html><body>" + f"<{tag}>" * depth + "街道工作" * 20 + f"</{tag}>" * depth + "</body></html>").encode()


def _wide_html(elements):
    return ("<html><body><div>" + "<p>街道</p>" * elements + "</div></body></html>").encode()


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC
    return OpenCC("s2t")


def _mixed(text, rng):
    half = len(text) // 2
    cut = text.rfind("\n", 0, half) + 1 or half
    first, second = rng.sample(["utf-8", "gb18030", "big5"], 2)
    trad = _s2t().convert(text)
    part = {"utf-8": text, "gb18030": text, "big5": trad}
    return part[first][:cut].encode(first, "ignore") + part[second][cut:].encode(second, "ignore")


def _false_charset(text, rng):
    declared, actual = rng.choice([("gb2312", "utf-8"), ("big5", "utf-8"), ("iso-8859-1", "utf-8"),
                                   ("utf-8", "gb18030"), ("big5", "gb18030")])
    page = GOV_PAGE.replace("<head>", f'<head><meta charset="{declared}">', 1)
    page = page.replace("<body>", "<body><div class='article'>" + text.replace("\n", "<br>") + "</div>", 1)
    return page.encode(actual, "ignore")


def _generators(rng):
    texts, files = seed_texts(), valid_files()
    bombs = zip_bombs()

    def text_ok():
        t = rng.choice(texts)
        enc = rng.choice(["utf-8", "gb18030", "utf-8-sig"]) if t is not texts[-1] else "big5"
        return Case("doc.txt", t.replace("羣", "群").encode(enc, "ignore"), "any", "valid text")

    def truncated():
        ext = rng.choice([".txt", ".docx", ".pdf", ".html"])
        data = rng.choice(texts).encode() if ext == ".txt" else files[ext]
        return Case(f"cut{ext}", data[:rng.randrange(1, len(data))], "any", "truncation")

    def bit_flips():
        ext = rng.choice([".txt", ".docx", ".pdf", ".html"])
        data = rng.choice(texts).encode("gb18030") if ext == ".txt" else files[ext]
        return Case(f"flip{ext}", _flip(data, rng, rng.choice([1, 4, 32])), "any", "bit flips")

    def bomb():
        kind = rng.choice(sorted(bombs))
        return Case(f"{kind}.docx", bombs[kind], "refuse", f"zip {kind}")

    def deep():
        return Case("deep.html", _deep_html(rng.choice([300, 2000, 20000, 100000]), rng), "refuse", "deep html")

    def wide():
        return Case("wide.html", _wide_html(read.MAX_HTML_ELEMENTS + rng.randrange(1, 1000)), "refuse", "huge html")

    def mixed():
        return Case("mixed.txt", _mixed(rng.choice(texts[:-1]), rng), "refuse", "mixed encodings")

    def false_charset():
        return Case("false.html", _false_charset(rng.choice(texts[:-1]), rng), "refuse", "false charset")

    def nul():
        data = bytearray(rng.choice(texts).encode())
        data.insert(rng.randrange(len(data) // 2, len(data)), 0)
        return Case("nul.txt", bytes(data), "refuse", "NUL late")

    def whitespace():
        size = rng.choice([read.MAX_CHARS + 1, 4 * read.MAX_CHARS, read.MAX_BYTES - 1])
        return Case("blank.txt", "街道工作。".encode() + b" " * size, "refuse", "huge whitespace")

    def too_long():
        t = rng.choice(texts[:-1])
        reps = read.MAX_CHARS // len(t) + 1
        return Case("long.txt", (t * reps).encode(), "refuse", "over-long text")

    def random_bytes():
        ext = rng.choice([".txt", ".docx", ".pdf", ".html"])
        return Case(f"noise{ext}", rng.randbytes(rng.randrange(1, 4000)), "any", "random bytes")

    def exact():
        t = rng.choice(texts[:-1])
        enc = rng.choice(["utf-8", "gb18030"])
        return Case("exact.txt", t.encode(enc), "same", "exact text", read.clean_text(t)[0])

    return [(text_ok, 8), (truncated, 14), (bit_flips, 18), (bomb, 4), (deep, 5), (wide, 0.5), (mixed, 10),
            (false_charset, 8), (nul, 6), (whitespace, 3), (too_long, 2), (random_bytes, 12), (exact, 8)]


def corpus(n=1000, seed=11):
    """n hostile files from a fixed seed: the same corpus on every run."""
    rng = random.Random(seed)
    generators = _generators(rng)
    funcs, weights = zip(*generators)
    for _ in range(n):
        yield rng.choices(funcs, weights)[0]()
