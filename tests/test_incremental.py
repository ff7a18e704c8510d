"""Incremental add and remove equal a full rebuild, and a reader during an add sees the old or the new state."""
import os
import pickle
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from etl import ingest, inputs
from etl.config import REGIONS_FILE
from etl.ingest import Overrides, Paths
from etl.pipeline import build
from etl.spare import spare_path

# Tables compared row for row; build_info's built_at differs by design.
COMPARED = ["regions", "doc_types", "themes", "documents", "document_texts", "sentences", "sentence_themes", "facts",
            "terms", "keywords", "initiatives", "fact_links", "doc_theme_counts", "doc_stats", "term_totals",
            "fact_summary", "sentence_bigrams", "doc_content_hashes", "indicator_pairs", "term_year_totals",
            "initiative_firsts", "initiative_place_years"]


def _tables(con):
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def assert_same_warehouse(a, b):
    """Every table of `a` equals that of `b` (EXCEPT ALL both ways), build_info apart from built_at."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                        "where table_catalog = 'a'").fetchall()}
    assert set(COMPARED) <= tables
    for table in sorted(tables - {"build_info"}):
        for x, y in (("a", "b"), ("b", "a")):
            diff = con.execute(f"select count(*) from (select * from {x}.{table} except all "
                               f"select * from {y}.{table})").fetchone()[0]
            assert diff == 0, f"{table}: {diff} rows of {x} not in {y}"
    info = "select key, value from {}.build_info where key <> 'built_at' order by key"
    assert con.execute(info.format("a")).fetchall() == con.execute(info.format("b")).fetchall()
    con.close()


@pytest.fixture
def corpus(generated_corpus, tmp_path):
    """A writable copy of the generated corpus, built, with its own cache."""
    folder, regions = generated_corpus
    seeds = tmp_path / "seeds"
    shutil.copytree(folder / "seeds", seeds)
    shutil.copy(regions, tmp_path / "regions.yaml")
    paths = Paths(seeds, seeds / "manifest.csv", tmp_path / "warehouse.duckdb", tmp_path / "regions.yaml",
                  tmp_path / "cache")
    report = build(paths.seeds_dir, paths.manifest, paths.warehouse, regions_file=paths.regions_file,
                   cache_dir=paths.cache_dir)
    assert not report.failed
    return paths, folder


def _full_rebuild(paths, tmp_path):
    target = tmp_path / "full.duckdb"
    report = build(paths.seeds_dir, paths.manifest, target, regions_file=paths.regions_file, cache_dir=paths.cache_dir)
    assert not report.failed
    return target


def _extra_file(folder, tmp_path):
    """(name, bytes) of the generated document that is not in the corpus."""
    return "new_document.txt", next(folder.glob("extra_*.txt")).read_bytes()


def _counts(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from documents").fetchone()[0]


def test_add_then_remove_equal_a_full_rebuild(corpus, tmp_path, monkeypatch):
    paths, folder = corpus
    rebuilds = []
    def no_rebuild(*args, **kwargs):
        rebuilds.append(1)
        raise AssertionError("the add or remove rebuilt the warehouse instead of updating it")

    monkeypatch.setattr(ingest, "_rebuild", no_rebuild)
    n = _counts(paths.warehouse)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        region, year = con.execute("select region_id, max(year) from documents group by 1 order by 1 limit 1").fetchone()
    report = ingest.add_files([_extra_file(folder, tmp_path)], paths,
                              Overrides(region=region, year=int(year), doc_type="summary"))
    assert not rebuilds, "the add rebuilt the warehouse instead of updating it"
    assert _counts(paths.warehouse) == n + 1 == report.counts["documents"]
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))

    # A document from the middle of the manifest: later facts are renumbered as a rebuild numbers them.
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        middle = con.execute("select doc_id from documents order by doc_id limit 1 offset 5").fetchone()[0]
    ingest.remove(middle, paths)
    assert not rebuilds
    assert _counts(paths.warehouse) == n
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


def test_a_stale_warehouse_is_rebuilt_not_updated(corpus, tmp_path):
    paths, folder = corpus
    manifest = paths.manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    paths.manifest.write_text("".join(manifest[:-1]), encoding="utf-8")   # one document fewer than loaded
    (paths.seeds_dir / manifest[-1].split(",")[0]).unlink()
    assert not ingest._can_update(paths)
    ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(year=2020, doc_type="plan",
                                                                       region="gen_000"))
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


def test_a_reader_during_an_add_sees_the_old_or_the_new_state(corpus, tmp_path):
    paths, folder = corpus
    n = _counts(paths.warehouse)
    seen, errors, done = [], [], threading.Event()

    def read():
        while not done.is_set():
            try:
                with duckdb.connect(str(paths.warehouse), read_only=True) as con:
                    docs, facts, stats, hashes = con.execute(
                        "select (select count(*) from documents), (select count(*) from facts), "
                        "(select sum(n_facts) from doc_stats), (select count(*) from doc_content_hashes)").fetchone()
                seen.append((docs, facts == stats, hashes == docs))
            except duckdb.Error as exc:   # the file renamed under an opening connection
                errors.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(year=2021, doc_type="plan",
                                                                           region="gen_001"))
    finally:
        done.set()
        reader.join()
    assert seen and {docs for docs, _, _ in seen} <= {n, n + 1}
    assert all(consistent and hashed for _, consistent, hashed in seen)
    assert n + 1 == _counts(paths.warehouse)


def _ino(path):
    return path.stat().st_ino


def _summary(con):
    """Figures read over whole tables: a file rewritten under the connection would change or break them."""
    return con.execute("select (select count(*) from documents), (select count(*) from facts), "
                       "(select sum(length(text)) from sentences), (select count(*) from sentence_bigrams)").fetchone()


def test_an_update_takes_the_spare_instead_of_copying_the_warehouse(corpus, tmp_path):
    """The build leaves a spare; each update brings it up to date and renames it in; the replaced file is the next spare."""
    paths, folder = corpus
    spare = spare_path(paths.warehouse)
    built, first_spare = _ino(paths.warehouse), _ino(spare)
    ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(region="gen_001", year=2021, doc_type="plan"))
    assert _ino(paths.warehouse) == first_spare and _ino(spare) == built
    middle = sorted(ingest.read_manifest(paths.manifest))[3]
    ingest.remove(Path(middle).stem, paths)    # replays the add on the built file, then removes
    assert _ino(paths.warehouse) == built and _ino(spare) == first_spare
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


def test_a_spare_a_reader_of_this_process_holds_is_not_written(corpus, tmp_path):
    """The add page runs in the dashboard's process, where DuckDB's file lock does not keep a writer out."""
    paths, folder = corpus
    alias = tmp_path / "alias.duckdb"    # DuckDB shares one instance per resolved path in a process: another
    alias.hardlink_to(paths.warehouse)   # name keeps this reader apart from the ETL's own connections
    reader = duckdb.connect(str(alias), read_only=True)   # opened before the add: the file becomes the next spare
    before = _summary(reader)
    ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(region="gen_001", year=2021, doc_type="plan"))
    held = _ino(spare_path(paths.warehouse))
    ingest.remove(sorted(ingest.read_manifest(paths.manifest))[3].split(".")[0], paths)
    assert _ino(paths.warehouse) != held, "the update wrote into the file a reader of this process had open"
    assert _summary(reader) == before
    reader.close()
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from documents").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from documents").fetchone()[0], flush=True)
"""


def test_a_spare_another_process_holds_is_left_alone(corpus, tmp_path):
    paths, folder = corpus
    n = _counts(paths.warehouse)
    proc = subprocess.Popen([sys.executable, "-c", READER, str(paths.warehouse)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert int(proc.stdout.readline()) == n
        ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(region="gen_001", year=2021,
                                                                           doc_type="plan"))
        ingest.remove(sorted(ingest.read_manifest(paths.manifest))[3].split(".")[0], paths)   # its spare is locked
        out, _ = proc.communicate("\n", timeout=60)
    finally:
        proc.kill()
    assert int(out) == n and _counts(paths.warehouse) == n
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


def test_a_build_after_updates_leaves_one_fresh_spare(corpus, tmp_path):
    paths, folder = corpus
    ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(region="gen_001", year=2021, doc_type="plan"))
    build(paths.seeds_dir, paths.manifest, paths.warehouse, regions_file=paths.regions_file, cache_dir=paths.cache_dir)
    assert_same_warehouse(spare_path(paths.warehouse), paths.warehouse)
    names = sorted(p.name for p in paths.warehouse.parent.iterdir() if p.name.startswith(paths.warehouse.name))
    assert names == ["warehouse.duckdb", "warehouse.duckdb.lock", "warehouse.duckdb.spare",
                     "warehouse.duckdb.spare-step"]


PLAN = "某街道2022年工作计划\n一、重点任务\n全年新增就业3000人，完成老旧小区改造12个。\n"
SUMMARY = "某街道{year}年工作总结\n一、主要成效\n全年已新增就业{jobs}人，已完成老旧小区改造10个。\n"


def _links(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select t.surface, a.surface from fact_links l join facts t on t.fact_id = l.target_fact_id "
                           "join facts a on a.fact_id = l.achievement_fact_id order by 1").fetchall()


def test_links_follow_an_added_and_a_removed_achievement(tmp_path, monkeypatch):
    """An added summary nearer the plan takes over its targets; removing it gives them back to the later one."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    docs = [("000_plan.txt", PLAN, 2022, "plan"), ("001_late.txt", SUMMARY.format(year=2024, jobs=4000), 2024, "summary")]
    with open(seeds / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("source_file,region_id,year,doc_type,title\n")
        for name, text, year, doc_type in docs:
            (seeds / name).write_text(text, encoding="utf-8")
            fh.write(f"{name},binhai,{year},{doc_type},{text.splitlines()[0]}\n")
    shutil.copy(REGIONS_FILE, tmp_path / "regions.yaml")
    paths = Paths(seeds, seeds / "manifest.csv", tmp_path / "warehouse.duckdb", tmp_path / "regions.yaml",
                  tmp_path / "cache")
    build(paths.seeds_dir, paths.manifest, paths.warehouse, regions_file=paths.regions_file, cache_dir=paths.cache_dir)
    assert ("3000人", "4000人") in _links(paths.warehouse)
    monkeypatch.setattr(ingest, "_rebuild", lambda *a, **k: pytest.fail("rebuilt instead of updated"))
    near = SUMMARY.format(year=2023, jobs=3200).encode()
    ingest.add_files([("near.txt", near)], paths, Overrides(region="binhai", year=2023, doc_type="summary"))
    assert ("3000人", "3200人") in _links(paths.warehouse)
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))
    added = next(n for n in ingest.read_manifest(paths.manifest) if n.startswith("002_"))
    ingest.remove(Path(added).stem, paths)
    assert ("3000人", "4000人") in _links(paths.warehouse)
    assert_same_warehouse(paths.warehouse, _full_rebuild(paths, tmp_path))


DIGESTS = """
import sys
from etl import inputs
inputs.load_digests(sys.argv[1])
print(inputs.inputs_hash(*sys.argv[2:]))
"""


def test_seed_digests_are_kept_for_the_next_process_and_a_changed_seed_is_read_again(corpus, tmp_path):
    paths, folder = corpus
    ingest.add_files([_extra_file(folder, tmp_path)], paths, Overrides(region="gen_001", year=2021, doc_type="plan"))
    saved_file = paths.cache_dir / inputs.DIGESTS_FILE
    saved = pickle.loads(saved_file.read_bytes())
    seeds = [paths.seeds_dir / n for n in ingest.read_manifest(paths.manifest)]
    keys = {p: (p.stat().st_dev, p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns) for p in seeds}
    assert sum(k in saved for k in keys.values()) >= len(seeds) - 1    # the one just added may be too fresh

    def next_process():
        args = [str(paths.cache_dir), str(paths.seeds_dir), str(paths.manifest), str(paths.regions_file)]
        return subprocess.run([sys.executable, "-c", DIGESTS, *args], cwd=Path(ingest.__file__).parent.parent,
                              capture_output=True, text=True, check=True).stdout.strip()

    truth = inputs.inputs_hash(paths.seeds_dir, paths.manifest, paths.regions_file)
    assert next_process() == truth
    trusted = seeds[0]
    saved[keys[trusted]] = b"\0" * 32          # the next process takes the saved digest, it does not read the file
    saved_file.write_bytes(pickle.dumps(saved))
    assert next_process() != truth
    changed = seeds[1]                          # same size, an mtime of long ago (not its own): read again
    changed.write_bytes(changed.read_bytes()[::-1])
    old = keys[changed][3] - 10 ** 10
    os.utime(changed, ns=(old, old))
    saved_file.write_bytes(pickle.dumps({k: v for k, v in saved.items() if k != keys[trusted]}))
    assert next_process() == inputs.inputs_hash(paths.seeds_dir, paths.manifest, paths.regions_file) != truth
