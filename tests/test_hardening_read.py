"""Readers refuse hostile and careless files before the work, with a message naming the file and the limit."""
import io
import random
import time
import zipfile

import pytest
from doc_fixtures import GOV_PAGE, PLAN_TEXT, make_docx, make_pdf
from hardening_corpus import zip_bombs

from etl import read
from etl.errors import DocumentError

FAST_SECONDS = 3      # every refusal here is a check before the work: well under a second on an idle core
TEXT = PLAN_TEXT * 8  # a few hundred characters of real prose per half
TRADITIONAL = ("大港街道辦事處組建黨員突擊隊33個，發動黨員群眾志願者五百餘名，開展環境整治行動。\n"
               "全年新增就業崗位三千個，完成職業技能培訓五百人次，老舊小區改造十二個。\n") * 8


def _refused(path, *words):
    start = time.perf_counter()
    with pytest.raises(DocumentError) as err:
        read.read_document(path)
    assert time.perf_counter() - start < FAST_SECONDS
    assert err.value.source == path.name
    for word in words:
        assert word in err.value.reason, err.value.reason
    return err.value.reason


@pytest.mark.parametrize("kind, words", [("bomb", ("decompresses to", "zip bomb")),
                                         ("padded", ("compresses", "zip bomb")),
                                         ("many", ("parts", "limit"))])
def test_docx_zip_bombs_are_refused_from_the_directory(tmp_path, kind, words):
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(zip_bombs()[kind])
    _refused(path, *words)


def test_a_real_docx_passes_the_zip_checks(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    assert "新增就业岗位不少于3000个" in read.read_document(path).text


@pytest.mark.parametrize("depth", [300, 20_000, 300_000])
def test_deeply_nested_html_is_refused_before_parsing(tmp_path, depth):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * depth + "街道工作" * 20 + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    _refused(path, "nested deeper than", str(read.MAX_HTML_DEPTH))


def test_html_with_too_many_elements_is_refused(tmp_path):
    path = tmp_path / "wide.html"
    path.write_text("<html><body>" + "<p>街道</p>" * (read.MAX_HTML_ELEMENTS + 1) + "</body></html>", encoding="utf-8")
    _refused(path, "elements", str(read.MAX_HTML_ELEMENTS))


def test_sloppy_real_markup_is_not_mistaken_for_nesting():
    """Unclosed paragraphs, list items and void tags, and tags inside scripts and comments, do not nest."""
    page = ("<html><body>" + "<p>段落<br><img src=a.png>" * 1000 + "<ul>" + "<li>条目" * 1000 + "</ul>"
            + "<script>" + "<div>" * 1000 + "</script><!--" + "<div>" * 1000 + "--></body></html>")
    read.check_html_limits(page, "sloppy.html")


def test_an_unclosed_comment_does_not_make_the_scan_quadratic():
    start = time.perf_counter()
    read.check_html_limits("<!--<a" * 200_000, "comments.html")
    read.check_html_limits("<a" * 1_000_000, "brackets.html")
    assert time.perf_counter() - start < FAST_SECONDS


def test_text_over_the_character_limit_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("街道工作。" * (read.MAX_CHARS // 5 + 1), encoding="utf-8")
    _refused(path, "text too long", str(read.MAX_CHARS))


def test_a_docx_of_whitespace_is_refused_quickly(tmp_path):
    """The issue's 1 GiB of whitespace: here past the character limit, stored (no compression ratio to catch)."""
    path = make_docx(tmp_path / "blank.docx", paragraphs=["街道工作计划", " " * (read.MAX_CHARS + 1)], table=None)
    _refused(path, "text too long")


@pytest.mark.parametrize("first, second", [("gb18030", "big5"), ("big5", "gb18030"), ("utf-8", "gb18030"),
                                           ("gb18030", "utf-8")])
def test_a_file_in_two_encodings_is_refused_with_both_named(tmp_path, first, second):
    halves = {"big5": TRADITIONAL, "gb18030": TEXT, "utf-8": TEXT}
    path = tmp_path / "mixed.txt"
    path.write_bytes(halves[first].encode(first) + halves[second].encode(second))
    _refused(path, "mixed encodings", first, second)


def test_garbled_text_in_one_encoding_is_refused(tmp_path):
    path = tmp_path / "garbled.txt"
    damaged = "".join(ch + ("\ufffd" if i % 5 == 0 else "") for i, ch in enumerate(TEXT))   # a lossy conversion
    path.write_bytes((TEXT + damaged).encode("utf-8"))
    _refused(path, "garbled text from line")


def test_a_nul_byte_anywhere_is_refused(tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(("街道工作。" * 4000).encode("utf-8") + b"\x00")
    _refused(path, "NUL byte at offset")


@pytest.mark.parametrize("declared, actual", [("gb2312", "utf-8"), ("big5", "utf-8"), ("iso-8859-1", "utf-8"),
                                              ("utf-8", "gb18030"), ("big5", "gb18030")])
def test_a_false_charset_declaration_is_refused(tmp_path, declared, actual):
    page = GOV_PAGE.replace("<head>", f'<head><meta charset="{declared}">', 1)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(actual))
    _refused(path, "declares charset", declared)


def test_a_true_charset_declaration_is_read(tmp_path):
    page = GOV_PAGE.replace("<head>", '<head><meta charset="gb2312">', 1)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    assert "新增市场主体460户" in read.read_document(path).text


def test_broken_pdfs_print_nothing_before_the_error(tmp_path, capfd):
    good = make_pdf(tmp_path / "a.pdf").read_bytes()
    rng = random.Random(3)
    for i in range(20):
        data = bytearray(good)
        for _ in range(8):
            j = rng.randrange(len(data))
            data[j] ^= 1 << rng.randrange(8)
        path = tmp_path / f"broken{i}.pdf"
        path.write_bytes(bytes(data))
        try:
            read.read_document(path)
        except DocumentError:
            pass
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_zip_limits_read_the_declared_sizes_only(tmp_path):
    """A stored member just under the ratio floor is fine; the directory is read, nothing is inflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b" " * (read.ZIP_RATIO_FLOOR - 1))
    path = tmp_path / "small.docx"
    path.write_bytes(buf.getvalue())
    read.check_zip_limits(path, path.name)
