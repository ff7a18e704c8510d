"""Crash hygiene: budgets kill runaway extractions, workers die with their parent, kills leave no debris or half-adds."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from test_ingest import PLAIN, base_warehouse, cache_dir, run_cli, snapshot, store  # noqa: F401

from etl import cli, ingest, workers
from etl.errors import DocumentError
from etl.load import remove_stale_temp_files

ROOT = Path(__file__).resolve().parent.parent
DEAD_PID = 2 ** 22 + 12345   # above Linux's default pid_max (4,194,304): never a live process
GRACE_SECONDS = 3            # time for the kernel to deliver a parent-death signal on a busy machine
STEP_SECONDS = 90            # a whole build or add on a busy 2-core machine


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


def _allocate(n_bytes):
    return len(bytearray(n_bytes))


def _refuse():
    raise DocumentError("inner.txt", "no Chinese text found")


def test_a_runaway_extraction_is_killed_at_the_time_limit():
    start = time.perf_counter()
    with pytest.raises(DocumentError, match=r"longer than 1 s \(time limit") as err:
        workers.run_limited(_sleep, (30,), "slow.txt", seconds=1)
    assert err.value.source == "slow.txt"
    assert time.perf_counter() - start < 1 + GRACE_SECONDS


def test_an_extraction_over_the_memory_limit_is_refused():
    with pytest.raises(DocumentError, match=r"more than 64 MB \(memory limit") as err:
        workers.run_limited(_allocate, (2 * 1024 ** 3,), "huge.docx", memory=64 * 1024 * 1024)
    assert err.value.source == "huge.docx"


def test_a_limited_extraction_returns_its_value_or_its_reason():
    assert workers.run_limited(_sleep, (0,), "ok.txt") == "woke"
    with pytest.raises(DocumentError, match="no Chinese text found") as err:
        workers.run_limited(_refuse, (), "outer.txt")
    assert err.value.source == "outer.txt"


def _alive(pid):
    """Running, not a zombie waiting for its reaper."""
    try:
        return not Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0].startswith("Z")
    except (OSError, IndexError):
        return False


POOL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from etl.workers import TwoPoolExtraction
    def slow(job):
        time.sleep(60)
        return (job, job), None
    with TwoPoolExtraction(["a", "b"], slow, lambda text: ({{}}, None), lambda: None, workers=2) as ex:
        print(" ".join(str(p.pid) for p in ex.processes), flush=True)
        list(ex)
""")


def test_workers_die_with_their_parent():
    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT.format(root=str(ROOT))], stdout=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 4
        time.sleep(0.5)   # the content workers have forked their budgeted children
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.05)
        assert not [p for p in pids if _alive(p)]
    finally:
        subprocess.run(["pkill", "-KILL", "-s", str(proc.pid)], check=False)


def test_a_build_removes_the_temp_files_of_dead_builds_only(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    dead = [tmp_path / f"warehouse.duckdb.tmp-{DEAD_PID}", tmp_path / f"warehouse.duckdb.tmp-{DEAD_PID}.wal"]
    live = tmp_path / f"warehouse.duckdb.tmp-{os.getppid()}"
    for p in [*dead, live]:
        p.write_bytes(b"debris")
    assert sorted(remove_stale_temp_files(warehouse)) == sorted(dead)
    assert [p.name for p in tmp_path.iterdir()] == [live.name]


def _env(paths):
    return dict(os.environ, JIEDAO_SEEDS=str(paths.seeds_dir), JIEDAO_WAREHOUSE=str(paths.warehouse),
                JIEDAO_REGIONS=str(paths.regions_file), JIEDAO_CACHE=str(paths.cache_dir), PYTHONPATH=str(ROOT))


def _kill_when(command, env, appeared):
    """Start `python -m etl COMMAND`, SIGKILL it as soon as `appeared()`; True if it was killed mid-step."""
    proc = subprocess.Popen([sys.executable, "-m", "etl", *command], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + STEP_SECONDS
    while time.monotonic() < deadline and proc.poll() is None and not appeared():
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return killed


def _debris(*dirs):
    return sorted(p.name for d in dirs for p in Path(d).iterdir()
                  if ".tmp" in p.name or p.name.endswith((".journal", ".removed", ".restore")))


def _consistent(paths):
    """Every stored file is listed, every listed file is in the warehouse, and the warehouse is fresh."""
    listed = set(ingest.read_manifest(paths.manifest))
    stored = {p.name for p in paths.seeds_dir.iterdir() if p.name != "manifest.csv"}
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        loaded = {r[0] for r in con.execute("select source_file from documents").fetchall()}
    fresh = not cli.warehouse_is_stale(paths.warehouse, paths.seeds_dir, paths.manifest)
    return stored == listed == loaded and fresh


@pytest.mark.parametrize("extra_delay", [0.0, 0.3])
def test_kill_during_a_cold_build_leaves_no_debris(store, tmp_path, extra_delay):  # noqa: F811
    env = dict(_env(store), JIEDAO_CACHE=str(tmp_path / "cold"))   # nothing cached: the workers extract
    before = store.warehouse.read_bytes()
    tmp_files = lambda: any(store.warehouse.parent.glob(f"{store.warehouse.name}.tmp-*"))  # noqa: E731
    killed = _kill_when(["build", "--quiet"], env, lambda: tmp_files() and not time.sleep(extra_delay))
    assert killed or extra_delay, "the build ended before its temp file was seen"
    # Killed before the rename: the old warehouse byte for byte. A later kill (or none: the build outran the
    # delay) finds the new warehouse whole; either way nothing in between.
    if store.warehouse.read_bytes() != before:
        with duckdb.connect(str(store.warehouse), read_only=True) as con:
            assert con.execute("select count(*) from documents").fetchone()[0] > 0
    subprocess.run([sys.executable, "-m", "etl", "build", "--if-stale", "--quiet"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    assert _debris(store.warehouse.parent, store.seeds_dir) == []
    assert _consistent(store)


@pytest.mark.parametrize("extra_delay", [0.0, 0.1, 0.25])
def test_kill_during_add_is_completed_or_rolled_back(store, tmp_path, capsys, extra_delay):  # noqa: F811
    doc = tmp_path / "plan2024.txt"
    doc.write_text(PLAIN, encoding="utf-8")
    names = {p.name for p in store.seeds_dir.iterdir()}

    def committing():   # a new file in seeds/ or a rewritten manifest: the commit is under way
        started = {p.name for p in store.seeds_dir.iterdir()} != names
        return started and not time.sleep(extra_delay)
    killed = _kill_when(["add", str(doc), "--year", "2024", "--workers", "1"], _env(store), committing)
    assert killed or extra_delay, "the add ended before its commit was seen"   # later delays may outrun the add
    # The next add of the same file finishes the job: whatever the kill left, the document ends up loaded once.
    assert run_cli(store, doc, "--year", "2024") == 0, capsys.readouterr().err
    assert _debris(store.warehouse.parent, store.seeds_dir) == []
    assert _consistent(store)
    with duckdb.connect(str(store.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from document_texts where text like '%新增就业岗位不少于3000个%'"
                           ).fetchone()[0] == 1


def test_recovery_rolls_back_an_unfinished_add(store):  # noqa: F811
    before = snapshot(store)
    snap = ingest._snapshot(store.manifest, store.regions_file)
    added = store.seeds_dir / "099_0000000000000000.txt"
    ingest._write_journal(store, snap, added=[added])
    added.write_text(PLAIN, encoding="utf-8")               # killed after the copy and the manifest,
    store.manifest.write_text(store.manifest.read_text(encoding="utf-8") + "099_0000000000000000.txt,binhai\n",
                              encoding="utf-8")             # before the warehouse was swapped in
    assert ingest.recover(store) == "rolled back"
    assert snapshot(store) == before
    assert not ingest._journal_path(store).exists()


def test_recovery_completes_a_finished_remove(store):  # noqa: F811
    name = next(iter(ingest.read_manifest(store.manifest)))
    source, aside = store.seeds_dir / name, store.seeds_dir / f".{name}.removed"
    ingest._write_journal(store, ingest._snapshot(store.manifest), aside=[(source, aside)])
    real_journal = ingest._journal_path(store).read_bytes()
    ingest._journal_path(store).unlink()
    ingest.remove(Path(name).stem, store, workers=1)         # the whole remove, then "killed" before the cleanup:
    aside.write_bytes(b"left aside")                         # its set-aside copy and journal are still there
    ingest._journal_path(store).write_bytes(real_journal)
    assert ingest.recover(store) == "completed"
    assert not aside.exists() and name not in ingest.read_manifest(store.manifest)
    assert _consistent(store)


def test_a_file_named_like_an_option_is_a_file(store, tmp_path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    Path("-plan2024.txt").write_text(PLAIN, encoding="utf-8")
    assert cli.main(["add", "-plan2024.txt", "--dry-run", "--seeds", str(store.seeds_dir),
                     "--warehouse", str(store.warehouse), "--regions", str(store.regions_file)]) == 0
    assert "-plan2024.txt -> seeds/" in capsys.readouterr().out


def _job(job):
    """A sandbox job: sleep, allocate, exit or answer with this child's pid."""
    kind, amount = job
    if kind == "sleep":
        time.sleep(amount)
    elif kind == "allocate":
        return len(bytearray(amount))
    elif kind == "exit":
        os._exit(amount)
    return os.getpid()


def test_one_child_serves_document_after_document():
    jobs = [("pid", 0)] * 5
    with workers.Sandbox(_job, jobs) as sandbox:
        pids = {sandbox.run(i, f"doc{i}.txt") for i in range(len(jobs))}
    assert len(pids) == 1 and sandbox.started == 1


def test_a_document_over_the_time_limit_is_refused_and_the_next_gets_a_fresh_child():
    jobs = [("pid", 0), ("sleep", 30), ("pid", 0)]
    with workers.Sandbox(_job, jobs, seconds=1) as sandbox:
        first = sandbox.run(0, "a.txt")
        start = time.perf_counter()
        with pytest.raises(DocumentError, match=r"longer than 1 s \(time limit per document\)") as err:
            sandbox.run(1, "slow.txt")
        assert time.perf_counter() - start < 1 + GRACE_SECONDS
        assert err.value.source == "slow.txt"
        assert not _alive(first)          # the overrunning child was killed
        third = sandbox.run(2, "c.txt")
    assert third != first and sandbox.started == 2


def test_a_document_over_the_memory_limit_is_refused_and_the_others_go_on():
    jobs = [("allocate", 1024), ("allocate", 2 * 1024 ** 3), ("allocate", 1024)]
    with workers.Sandbox(_job, jobs, memory=64 * 1024 * 1024) as sandbox:
        assert sandbox.run(0, "small.txt") == 1024
        with pytest.raises(DocumentError, match=r"more than 64 MB \(memory limit per document\)") as err:
            sandbox.run(1, "huge.docx")
        assert err.value.source == "huge.docx"
        assert sandbox.run(2, "small2.txt") == 1024
    assert sandbox.started == 2           # a child that hit the limit retires: its heap may be in any state


def test_the_memory_limit_is_per_document_not_per_child():
    """Documents that each stay under the budget pass however many one child serves."""
    jobs = [("allocate", 40 * 1024 * 1024)] * 6
    with workers.Sandbox(_job, jobs, memory=64 * 1024 * 1024) as sandbox:
        assert [sandbox.run(i, f"doc{i}.txt") for i in range(len(jobs))] == [40 * 1024 * 1024] * 6


def test_code_that_exits_is_told_apart_from_a_bad_document():
    with workers.Sandbox(_job, [("exit", 7), ("pid", 0)]) as sandbox:
        with pytest.raises(workers.ExtractionExited, match="code 7"):
            sandbox.run(0, "a.txt")
        assert sandbox.run(1, "b.txt") > 0


RUNNER_SCRIPT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from etl.workers import {extraction}
    def slow(job):
        time.sleep(60)
        return (job, job), None
    with {extraction}(["a", "b"], slow, {more}) as ex:
        print(" ".join(str(p.pid) for p in ex.processes), flush=True)
        list(ex)
""")


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.parametrize("extraction, more", [
    ("TwoPoolExtraction", "lambda text: ({}, None), lambda: None, workers=2"), ("OneWorkerExtraction", "")])
def test_the_sandboxed_children_die_with_their_parent(extraction, more):
    script = RUNNER_SCRIPT.format(root=str(ROOT), extraction=extraction, more=more).replace(", )", ")")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        workers_pids = [int(p) for p in proc.stdout.readline().split()]
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and not all(_children(p) for p in workers_pids[:len(workers_pids) // 2 or 1]):
            time.sleep(0.05)
        sandboxes = [c for p in workers_pids for c in _children(p)]
        assert sandboxes                  # each content worker runs its documents in a child of its own
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(_alive(p) for p in workers_pids + sandboxes):
            time.sleep(0.05)
        assert not [p for p in workers_pids + sandboxes if _alive(p)]
    finally:
        subprocess.run(["pkill", "-KILL", "-s", str(proc.pid)], check=False)
