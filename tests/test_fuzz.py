"""Property tests: random bytes and text reach the reader and the extractors and only ever raise DocumentError."""
import io
import os
import tempfile
import zipfile
from pathlib import Path

from doc_fixtures import GOV_PAGE, make_docx, make_pdf
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etl.errors import DocumentError
from etl.facts import extract_facts
from etl.manifest import DocumentMeta
from etl.normalize import to_simplified
from etl.pipeline import extract_document
from etl.read import READERS, decode_bytes, read_document
from etl.segment import segment
from etl.themes import code_themes, default_dictionary

FAST = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None,
               suppress_health_check=[HealthCheck.too_slow])

# Text that looks like a work document: hanzi, Chinese and Arabic numerals,
# magnitudes and units, heading markers, punctuation and line breaks.
PIECES = list("街道党建工作计划总结要点新增就业完成亿万千百十余多近约个人户元平方米年月日以上不少于超过以内第是一二三四五六七八九十〇零"
              "0123456789.%-—～~()（）【】、，。；：！？!?;:\n\t 　") + ["一、", "（一）", "1.", "一是", "全年", "同比增长", "12.5亿元",
                                                                  "3000人", "1-2家", "五百余名", "16.1%", "發展", "羣眾"]
DOC_TEXT = st.lists(st.sampled_from(PIECES), max_size=300).map("".join)
ANY_TEXT = st.text(max_size=400)
META = DocumentMeta(source_file="fuzz.txt", region_id="binhai", year=2023, doc_type="plan")


def _read_bytes(name, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return read_document(path)


@FAST
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf")
@example(b"\x00" * 10)
@example("大港".encode("big5") + b"\xff\xfe")
def test_decode_bytes_only_raises_document_error(data):
    try:
        text, enc = decode_bytes(data)
    except DocumentError:
        return
    assert isinstance(text, str) and enc in ("utf-8", "gb18030", "big5", "cp950")


@FAST
@given(st.sampled_from(sorted(READERS)), st.binary(max_size=3000))
def test_every_reader_on_random_bytes(ext, data):
    try:
        doc = _read_bytes(f"random{ext}", data)
    except DocumentError as exc:
        assert exc.source == f"random{ext}"
        return
    assert doc.text.strip()


def _valid_files():
    tmp = Path(tempfile.mkdtemp())
    return {".docx": make_docx(tmp / "a.docx").read_bytes(), ".pdf": make_pdf(tmp / "a.pdf").read_bytes(),
            ".html": GOV_PAGE.encode()}


VALID = _valid_files()


@FAST
@given(st.sampled_from(sorted(VALID)), st.data())
def test_damaged_real_files_only_raise_document_error(ext, data):
    """Flip, cut or splice bytes of a valid docx, pdf or html: the reader refuses cleanly or reads it."""
    good = bytearray(VALID[ext])
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(good) - 1))
        good[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(good) // 4, len(good)))
    try:
        _read_bytes(f"damaged{ext}", bytes(good[:cut]))
    except DocumentError:
        pass


@FAST
@given(st.lists(st.tuples(st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels"]),
                          st.binary(max_size=200)), max_size=3, unique_by=lambda m: m[0]))
def test_zip_that_is_not_a_word_document(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in members:
            zf.writestr(name, payload)
    try:
        _read_bytes("fake.docx", buf.getvalue())
    except DocumentError:
        pass


@FAST
@given(st.one_of(DOC_TEXT, ANY_TEXT))
def test_segment_themes_and_facts_never_crash(text):
    simplified = to_simplified(text)
    sentences = segment(text, simplified)
    for s in sentences:
        assert text[s.char_start:s.char_end] == s.text
        for fact in extract_facts(s.text_simplified, s.text, "achievement"):
            assert s.text[fact.start:fact.end] == fact.surface
    code_themes(sentences, default_dictionary())


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)) // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOC_TEXT, st.sampled_from(["utf-8", "gb18030", "big5"]))
def test_whole_pipeline_on_random_documents(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.txt"
        path.write_bytes(data)
        try:
            result = extract_document(path, META)
        except DocumentError:
            return
    assert result.document["n_sentences"] == len(result.sentences) > 0


@FAST
@example("街" * 101, "大港街道2024年工作计划。\n".encode())   # 300 bytes + .txt: longer than a file name may be
@example("../x", b"")
@given(st.text(max_size=300), st.sampled_from([b"", "大港街道2024年工作计划。\n".encode(), b"\x00\x01"]))
def test_any_upload_name_is_refused_or_read_never_crashes(name, data):
    """Upload names come from browsers: long, odd or hostile names give a DocumentError at worst."""
    from etl.config import ROOT
    from etl.ingest import Paths, preview
    seeds = ROOT / "seeds"
    paths = Paths(seeds, seeds / "manifest.csv", ROOT / "warehouse.duckdb", ROOT / "config" / "regions.yaml")
    try:
        pv = preview(name + ".txt" if len(name) % 2 else name, data, paths)
    except DocumentError:
        return
    assert pv.raw.text
