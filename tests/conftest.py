"""Shared fixtures: a real warehouse built once per session from the real seeds."""
import os
import shutil
from pathlib import Path

import pytest

# A missing interface string fails the test that shows it (app/i18n.py), in this process
# and in the dashboard servers the browser tests start.
os.environ["JIEDAO_STRICT_I18N"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory):
    """Path of a warehouse built from seeds/ (read it, do not modify it)."""
    from etl.pipeline import build
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    report = build(SEEDS, SEEDS / "manifest.csv", path)
    assert not report.failed, report.failed
    return path


@pytest.fixture
def seeds_copy(tmp_path):
    """A writable copy of seeds/ (documents and manifest) for tests that add or break files."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="module")
def con(built_warehouse):
    """A read-only connection to the seed warehouse, as the dashboard opens it."""
    from app import queries
    c = queries.connect(built_warehouse)
    yield c
    c.close()


@pytest.fixture(scope="session")
def scored_warehouse(built_warehouse, tmp_path_factory):
    """A copy of the seed warehouse with its scores against ../shared/gold in build_info (skips without it)."""
    import eval as scoring
    from eval.devsets import SETS, available
    if scoring.load_scorer() is None or not available(SETS["seeds"]):
        pytest.skip("../shared (scorer or gold) is absent")
    path = tmp_path_factory.mktemp("scored") / "warehouse.duckdb"
    shutil.copy(built_warehouse, path)
    scoring.store_scores(path, SETS["seeds"].gold)
    return path


@pytest.fixture
def warehouse(built_warehouse, monkeypatch):
    """The seeds warehouse, pointed at through JIEDAO_WAREHOUSE as a served dashboard would be."""
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(built_warehouse))
    return built_warehouse


# A generated corpus for tests of aggregates, indexes and pairing beyond the five seeds.
GENERATED_DOCS, GENERATED_REGIONS = 24, 6


def generate_corpus(folder, n_docs, n_regions):
    """Documents generated from the seeds by benchmarks/scale.py into `folder`, with its manifest and regions.yaml."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("scale_benchmark", ROOT / "benchmarks" / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    scale.generate(folder, n_docs, n_regions)
    return folder, folder / "regions.yaml"


def sql(path, query):
    """Rows of one query on a warehouse file, opened read-only and closed."""
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory):
    """(folder, regions.yaml) of documents generated from the seeds by benchmarks/scale.py."""
    return generate_corpus(tmp_path_factory.mktemp("generated"), GENERATED_DOCS, GENERATED_REGIONS)


@pytest.fixture(scope="session")
def generated_warehouse(generated_corpus, tmp_path_factory):
    """Path of a warehouse built from the generated corpus (read it, do not modify it)."""
    from etl.pipeline import build
    folder, regions = generated_corpus
    path = folder / "warehouse.duckdb"
    report = build(folder / "seeds", folder / "seeds" / "manifest.csv", path, regions_file=regions,
                   cache_dir=tmp_path_factory.mktemp("generated-cache"))
    assert not report.failed, report.failed
    return path
