"""The development sets beside the project (`../shared`), built with the project's own ETL.

Each set is a folder of texts, a manifest and a regions file; the silver set
has no manifest, so one is written in scratch space (every silver text is a
national government work report whose year is in its file name).
"""
import re
from dataclasses import dataclass
from pathlib import Path

from etl.manifest import DocumentMeta, write_manifest
from eval import ROOT, SHARED

SILVER_REGION = "national"
SILVER_TYPE = "report"
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class DevSet:
    name: str
    texts: Path
    gold: Path
    regions: Path | None      # None: the project's config/regions.yaml
    window: bool              # gold covers only windows of long documents
    manifest: Path | None     # None: written by `silver_manifest`


SETS = {
    # The shared seeds are the project's seeds/ byte for byte; only the project's manifest gives their metadata.
    "seeds": DevSet("seeds", ROOT / "seeds", SHARED / "gold", None, False, ROOT / "seeds" / "manifest.csv"),
    "external": DevSet("external", SHARED / "external" / "texts", SHARED / "external" / "gold",
                       SHARED / "external" / "regions.yaml", True, SHARED / "external" / "texts" / "manifest.csv"),
    "silver": DevSet("silver", SHARED / "silver" / "texts", SHARED / "silver" / "labels",
                     SHARED / "external" / "regions.yaml", True, None),
}


def available(dev_set):
    return dev_set.texts.is_dir() and dev_set.gold.is_dir()


def silver_manifest(texts_dir, path):
    """A manifest for texts named after their year (gwr2016.txt): national reports."""
    metas = []
    for p in sorted(Path(texts_dir).glob("*.txt")):
        m = YEAR_IN_NAME.search(p.stem)
        if m:
            metas.append(DocumentMeta(source_file=p.name, region_id=SILVER_REGION, year=int(m.group(1)),
                                      doc_type=SILVER_TYPE, title=p.stem, script="simplified"))
    write_manifest(path, metas)
    return Path(path)


def gold_dir(dev_set, workdir):
    """A folder the scorer reads (it takes `*.gold.json`): the gold itself, or links named so to silver labels."""
    files = sorted(dev_set.gold.glob("*.silver.json"))
    if not files:
        return dev_set.gold
    linked = Path(workdir) / f"{dev_set.name}-gold"
    linked.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = linked / f.name.replace(".silver.json", ".gold.json")
        if not target.exists():
            target.symlink_to(f)
    return linked


def build_set(dev_set, workdir, workers=None):
    """Build `dev_set` into `workdir`/<name>.duckdb with a scratch cache; return (warehouse, BuildReport)."""
    from etl.config import REGIONS_FILE
    from etl.pipeline import build
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    texts, manifest = dev_set.texts, dev_set.manifest
    if manifest is None:
        manifest = silver_manifest(texts, workdir / f"{dev_set.name}-manifest.csv")
    warehouse = workdir / f"{dev_set.name}.duckdb"
    report = build(texts, manifest, warehouse, workers=workers, regions_file=dev_set.regions or REGIONS_FILE,
                   cache_dir=workdir / f"{dev_set.name}-cache")
    return warehouse, report
