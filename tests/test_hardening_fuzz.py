"""A seeded corpus of 1,000 hostile files: refused with a clear message or read as correct text, within budget.

Most files go straight to the reader (fast); one of each refusal kind goes
through the real `etl add`, which must leave seeds/, the manifest,
regions.yaml and the warehouse byte-identical.
"""
import time

import pytest
from hardening_corpus import corpus
from test_ingest import base_warehouse, cache_dir, run_cli, snapshot, store  # noqa: F401

from etl import read
from etl.errors import DocumentError

N_FILES = 1000
PER_FILE_SECONDS = 5     # the slowest refusal (a 50,000-element page) takes ~0.5 s on an idle core
CORPUS = list(corpus(N_FILES))


def _check_accepted(case, doc):
    assert case.expect != "refuse", f"{case.kind} accepted"
    text = doc.text
    assert text.strip() and read.CJK.search(text), case.kind
    assert "\x00" not in text and "\ufffd" not in text, case.kind
    assert len(text) <= read.MAX_CHARS, case.kind
    if case.expect == "same":
        assert text == case.text, case.kind


def test_the_corpus_is_large_and_varied():
    assert len(CORPUS) >= N_FILES
    assert len({c.kind for c in CORPUS}) >= 12


def test_every_hostile_file_is_refused_clearly_or_read_correctly(tmp_path):
    outcomes = {"refused": 0, "accepted": 0}
    slowest = 0.0
    for case in CORPUS:
        path = tmp_path / case.name
        path.write_bytes(case.data)
        start = time.perf_counter()
        try:
            doc = read.read_document(path)
        except DocumentError as exc:
            assert case.expect != "same", f"{case.kind}: {exc.reason}"
            assert exc.source == case.name and len(exc.reason) > 8
            outcomes["refused"] += 1
        else:
            _check_accepted(case, doc)
            outcomes["accepted"] += 1
        slowest = max(slowest, time.perf_counter() - start)
        assert slowest < PER_FILE_SECONDS, case.kind
        path.unlink()
        assert not any(tmp_path.iterdir()), "the reader left files behind"
    assert outcomes["refused"] and outcomes["accepted"]


def _one_per_refusal_kind():
    seen = {}
    for case in CORPUS:
        if case.expect == "refuse" and case.kind not in seen:
            seen[case.kind] = case
    return list(seen.values())


@pytest.mark.parametrize("case", _one_per_refusal_kind(), ids=lambda c: c.kind)
def test_hostile_files_through_etl_add_change_nothing(store, tmp_path, capsys, case):  # noqa: F811
    path = tmp_path / case.name
    path.write_bytes(case.data)
    before = snapshot(store)
    start = time.perf_counter()
    assert run_cli(store, path) == 1
    assert time.perf_counter() - start < PER_FILE_SECONDS * 4   # includes the CLI's own start-up work
    err = capsys.readouterr().err
    assert f"error: {case.name}:" in err and "nothing was changed" in err
    assert snapshot(store) == before
