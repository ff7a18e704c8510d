"""Project paths and the editable configuration files (regions, doc types)."""
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Environment overrides let tests and staff point the tools at other copies.
SEEDS_DIR = Path(os.environ.get("JIEDAO_SEEDS", ROOT / "seeds"))
MANIFEST = SEEDS_DIR / "manifest.csv"
WAREHOUSE = Path(os.environ.get("JIEDAO_WAREHOUSE", ROOT / "warehouse.duckdb"))
REGIONS_FILE = Path(os.environ.get("JIEDAO_REGIONS", ROOT / "config" / "regions.yaml"))
THEMES_FILE = Path(__file__).resolve().parent / "themes.yaml"
DICT_DIR = Path(__file__).resolve().parent / "dict"


def load_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_regions(path=REGIONS_FILE):
    """Regions as a list of dicts (region_id, names, admin levels)."""
    return load_yaml(path)["regions"]


def load_doc_types(path=REGIONS_FILE):
    return load_yaml(path)["doc_types"]
