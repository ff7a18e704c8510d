"""`python -m etl add/remove` on copies of seeds/, regions.yaml and a built warehouse.

Every bad input must fail with a message naming the file and the problem and
leave seeds/, the manifest, regions.yaml and the warehouse byte-for-byte as
they were; good input must be stored, listed and loaded, extracting only the
new document.
"""
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from doc_fixtures import GOV_PAGE, SCRIPT_ONLY_PAGE, make_docx, make_pdf, make_scanned_pdf

from etl import cli, ingest, pipeline, read
from etl.config import ROOT
from etl.errors import DocumentError
from etl.ingest import Overrides, Paths

PLAIN = ("大港街道2024年工作计划\n2024年，天津市滨海新区大港街道将坚持党建引领。\n"
         "全年新增就业岗位不少于3000个，完成老旧小区改造12个。\n")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("extract-cache")


@pytest.fixture(scope="module")
def base_warehouse(tmp_path_factory, cache_dir):
    path = tmp_path_factory.mktemp("base") / "warehouse.duckdb"
    report = pipeline.build(ROOT / "seeds", ROOT / "seeds" / "manifest.csv", path, cache_dir=cache_dir)
    assert not report.failed
    return path


@pytest.fixture
def store(seeds_copy, tmp_path, base_warehouse, cache_dir, monkeypatch):
    """Writable seeds, regions and warehouse, also selected through the environment (as the page does)."""
    regions = tmp_path / "regions.yaml"
    shutil.copy(ROOT / "config" / "regions.yaml", regions)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(base_warehouse, warehouse)
    for var, value in (("JIEDAO_SEEDS", seeds_copy), ("JIEDAO_WAREHOUSE", warehouse),
                       ("JIEDAO_REGIONS", regions), ("JIEDAO_CACHE", cache_dir)):
        monkeypatch.setenv(var, str(value))
    return Paths(seeds_copy, seeds_copy / "manifest.csv", warehouse, regions, cache_dir)


def snapshot(paths):
    files = {p.name: p.read_bytes() for p in sorted(paths.seeds_dir.iterdir())}
    return files, paths.regions_file.read_bytes(), paths.warehouse.read_bytes()


def run_cli(paths, *args):
    return cli.main(["add", *map(str, args), "--seeds", str(paths.seeds_dir), "--warehouse", str(paths.warehouse),
                     "--regions", str(paths.regions_file), "--workers", "1"])


def documents(paths):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute("select source_file, region_id, year, doc_type, title, published from documents "
                           "order by doc_id").fetchall()


def _write(path, data):
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    # case: (file name, maker(dir) -> bytes, extra CLI args, reason)
    "empty": ("empty.txt", lambda d: b"", [], "empty file"),
    "binary": ("photo.txt", lambda d: bytes(range(256)) * 8, [], "binary file"),
    "unknown extension": ("plan.xls", lambda d: PLAIN.encode(), [], "unsupported file type '.xls'"),
    "too large": ("big.txt", lambda d: PLAIN.encode() * 20, [], "file too large"),
    "corrupt docx": ("plan.docx", lambda d: b"PK\x03\x04" + b"\x00broken" * 40, [], "corrupt or unreadable docx"),
    "corrupt pdf": ("plan.pdf", lambda d: b"%PDF-1.4\n" + b"\x8f\x00junk" * 60, [], "corrupt or unreadable pdf"),
    "scanned pdf": ("scan.pdf", lambda d: make_scanned_pdf(d / "s.pdf").read_bytes(), [],
                    "no text layer; OCR is not supported"),
    "script-only html": ("page.html", lambda d: SCRIPT_ONLY_PAGE.encode(), [], "no main text"),
    "no Chinese": ("report.txt", lambda d: b"Annual report of the sub-district office.\nAll targets met.\n", [],
                   "no Chinese text found"),
    "unknown region": ("plan.docx", lambda d: make_docx(d / "p.docx").read_bytes(), ["--region", "atlantis"],
                       "unknown region 'atlantis'"),
    "year out of range": ("plan.docx", lambda d: make_docx(d / "p.docx").read_bytes(), ["--year", "1800"],
                          "year 1800 out of range"),
    "path separators": ("..\\escape.txt", lambda d: PLAIN.encode(), [], "path separators"),
    "no region inferred": ("notes.txt", lambda d: "街道工作计划\n2024年全年新增就业岗位3000个。\n".encode(), [],
                           "pass --region"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_through_the_cli_and_changes_nothing(case, store, tmp_path, capsys, monkeypatch):
    name, make, extra, reason = BAD_INPUTS[case]
    if case == "too large":
        monkeypatch.setattr(read, "MAX_BYTES", 1000)
    src = tmp_path / "upload"
    src.mkdir()
    path = _write(src / name, make(tmp_path))
    before = snapshot(store)
    assert run_cli(store, path, *extra) == 1
    err = capsys.readouterr().err
    assert name in err and reason in err and "nothing was changed" in err
    assert snapshot(store) == before


def test_missing_file_is_reported(store, capsys):
    assert run_cli(store, store.seeds_dir / "nope.txt") == 1
    assert "nope.txt: file not found" in capsys.readouterr().err


def test_add_docx_extracts_only_the_new_document(store, tmp_path, monkeypatch, capsys):
    log = tmp_path / "extracted.log"   # extraction runs in a budgeted child: it records its calls in a file
    real = pipeline.extract_document

    def logged(*a, **k):
        with open(log, "a") as fh:
            fh.write(f"{a[0]}\n")
        return real(*a, **k)
    monkeypatch.setattr(pipeline, "extract_document", logged)
    manifest_before = store.manifest.read_text(encoding="utf-8")
    assert run_cli(store, make_docx(tmp_path / "plan2024.docx")) == 0
    out = capsys.readouterr().out
    assert "region binhai  (inferred: found 大港街道" in out and "year   2024  (inferred: title" in out
    assert "(1 extracted, 5 from cache)" in out
    calls = log.read_text().splitlines()
    assert len(calls) == 1
    added = store.manifest.read_text(encoding="utf-8")[len(manifest_before):].strip().split(",")
    sha = __import__("hashlib").sha256((tmp_path / "plan2024.docx").read_bytes()).hexdigest()
    assert added[0] == f"005_{sha[:16]}.docx" and added[1:10] == [
        "binhai", "天津市", "天津市", "滨海新区", "大港街道", "2024", "false", "plan", "大港街道2024年工作计划"]
    assert (store.seeds_dir / added[0]).read_bytes() == (tmp_path / "plan2024.docx").read_bytes()
    assert documents(store)[-1][:4] == (added[0], "binhai", 2024, "plan")


def test_rebuild_from_scratch_reproduces_the_warehouse(store, tmp_path):
    make_pdf(tmp_path / "plan.pdf")
    (tmp_path / "hongqi.html").write_text(GOV_PAGE, encoding="utf-8")
    files = [(p.name, p.read_bytes()) for p in (tmp_path / "plan.pdf", tmp_path / "hongqi.html")]
    report = ingest.add_files(files, store, workers=1)
    assert [a[0] for a in report.added] == ["plan.pdf", "hongqi.html"]
    fresh = tmp_path / "fresh.duckdb"
    pipeline.build(store.seeds_dir, store.manifest, fresh, regions_file=store.regions_file, use_cache=False)
    query = "select value from build_info where key = 'content_hash'"
    with duckdb.connect(str(fresh), read_only=True) as a, duckdb.connect(str(store.warehouse), read_only=True) as b:
        assert a.execute(query).fetchone() == b.execute(query).fetchone()
    rows = {r[0]: r for r in documents(store)}
    html_row = rows[report.added[1][1]]
    assert html_row[1:] == ("dalian", 2023, "summary", "红旗街道2023年工作总结", __import__("datetime").date(2024, 1, 15))


def test_duplicate_content_is_reported_not_loaded(store, capsys):
    before = snapshot(store)
    seed = store.seeds_dir / "002_87c5de217289fb41.txt"
    copy = store.seeds_dir.parent / "again.txt"
    shutil.copy(seed, copy)
    assert run_cli(store, copy) == 0
    assert "again.txt: duplicate of already loaded 002_87c5de217289fb41.txt" in capsys.readouterr().out
    assert snapshot(store) == before


def test_new_region_from_the_cli(store, tmp_path):
    (tmp_path / "hongqi.html").write_text(GOV_PAGE, encoding="utf-8")
    assert run_cli(store, tmp_path / "hongqi.html", "--new-region", "dalian_hongqi", "--name-zh", "大连·红旗",
                   "--name-en", "Dalian · Hongqi", "--city", "大连市", "--district", "甘井子区",
                   "--subdistrict", "红旗街道") == 0
    assert 'region_id: "dalian_hongqi"' in store.regions_file.read_text(encoding="utf-8")
    with duckdb.connect(str(store.warehouse), read_only=True) as con:
        assert con.execute("select name_en, district from regions where region_id = 'dalian_hongqi'").fetchone() == (
            "Dalian · Hongqi", "甘井子区")
        assert con.execute("select count(*) from documents where region_id = 'dalian_hongqi'").fetchone() == (1,)


def test_bad_new_region_changes_nothing(store, tmp_path, capsys):
    (tmp_path / "hongqi.html").write_text(GOV_PAGE, encoding="utf-8")
    before = snapshot(store)
    assert run_cli(store, tmp_path / "hongqi.html", "--new-region", "binhai", "--name-zh", "滨海",
                   "--name-en", "Binhai") == 1
    assert "binhai: region already configured" in capsys.readouterr().err
    assert snapshot(store) == before


def test_flags_override_inference(store, tmp_path):
    make_docx(tmp_path / "plan.docx")
    assert run_cli(store, tmp_path / "plan.docx", "--region", "qingdao", "--year", "2025", "--type", "summary",
                   "--title", "改过的标题") == 0
    assert documents(store)[-1][1:5] == ("qingdao", 2025, "summary", "改过的标题")


def test_failed_rebuild_rolls_back_file_manifest_and_region(store, tmp_path):
    """A warehouse path that cannot be replaced (a directory) makes the real rebuild fail."""
    (tmp_path / "hongqi.html").write_text(GOV_PAGE, encoding="utf-8")
    blocked = tmp_path / "blocked.duckdb"
    (blocked / "inside").mkdir(parents=True)
    paths = Paths(store.seeds_dir, store.manifest, blocked, store.regions_file, store.cache_dir)
    seeds_before = {p.name: p.read_bytes() for p in store.seeds_dir.iterdir()}
    regions_before = store.regions_file.read_bytes()
    with pytest.raises(OSError):
        ingest.add_files([("hongqi.html", (tmp_path / "hongqi.html").read_bytes())], paths, workers=1,
                         new_region={"region_id": "dalian_hongqi", "name_zh": "大连·红旗", "name_en": "Dalian · Hongqi"})
    assert {p.name: p.read_bytes() for p in store.seeds_dir.iterdir()} == seeds_before
    assert store.regions_file.read_bytes() == regions_before


def test_remove_restores_the_manifest(store, tmp_path, capsys):
    manifest_before = store.manifest.read_bytes()
    make_docx(tmp_path / "plan.docx")
    report = ingest.add_files([("plan.docx", (tmp_path / "plan.docx").read_bytes())], store, workers=1)
    stored = report.added[0][1]
    assert cli.main(["remove", Path(stored).stem, "--seeds", str(store.seeds_dir), "--warehouse",
                     str(store.warehouse), "--regions", str(store.regions_file)]) == 0
    assert f"removed {stored}" in capsys.readouterr().out
    assert store.manifest.read_bytes() == manifest_before
    assert not (store.seeds_dir / stored).exists()
    assert len(documents(store)) == 5


def test_remove_unknown_document(store, capsys):
    before = snapshot(store)
    assert cli.main(["remove", "999_nothing", "--seeds", str(store.seeds_dir), "--warehouse", str(store.warehouse),
                     "--regions", str(store.regions_file)]) == 1
    assert "999_nothing: no such document" in capsys.readouterr().err
    assert snapshot(store) == before


def test_prepare_names_the_file_for_every_error(store):
    with pytest.raises(DocumentError) as err:
        ingest.prepare([("a.txt", PLAIN.encode()), ("b.txt", b"")], store, Overrides(region="binhai"))
    assert err.value.source == "b.txt"


def test_cache_key_follows_metadata_and_bad_entries_are_misses(store, tmp_path):
    """Changing a document's type changes its facts' kinds: it must be re-extracted, the rest reused."""
    from etl import cache
    from etl.manifest import read_manifest, write_manifest
    cache_dir = tmp_path / "cache"
    first = pipeline.build(store.seeds_dir, store.manifest, tmp_path / "a.duckdb", workers=1,
                           regions_file=store.regions_file, cache_dir=cache_dir)
    assert first.cached == 0 and len(list(cache_dir.glob("*.pkl"))) == 5
    metas = read_manifest(store.manifest)
    metas["000_2f0f695204b7557d.txt"].doc_type = "summary"
    write_manifest(store.manifest, metas.values())
    from etl.themes import default_dictionary
    damaged = "001_3dde43c3253f4fbc.txt"
    key = cache.cache_key((store.seeds_dir / damaged).read_bytes(), metas[damaged], default_dictionary().version)
    (cache_dir / f"{key}.pkl").write_bytes(b"not a pickle")
    second = pipeline.build(store.seeds_dir, store.manifest, tmp_path / "b.duckdb", workers=1,
                            regions_file=store.regions_file, cache_dir=cache_dir)
    assert not second.failed and second.cached == 3
    with duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as con:
        assert con.execute("select doc_type from documents where doc_id = '000_2f0f695204b7557d'").fetchone() == (
            "summary",)
    old = tmp_path / "cache" / "stale.pkl"
    old.write_bytes(b"x")
    os.utime(old, (0, 0))
    assert cache.prune(cache_dir) == 1 and not old.exists() and len(list(cache_dir.glob("*.pkl"))) >= 5
