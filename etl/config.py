"""Project paths and the editable configuration files (regions, doc types)."""
from pathlib import Path

import yaml

from etl import settings

# Defaults at import time for the ETL's signatures; etl/settings.py reads the
# environment (and the app and export read it there at call time).
ROOT = settings.ROOT
SEEDS_DIR = settings.seeds_dir()
MANIFEST = settings.manifest()
WAREHOUSE = settings.warehouse()
REGIONS_FILE = settings.regions_file()
THEMES_FILE = Path(__file__).resolve().parent / "themes.yaml"
DICT_DIR = Path(__file__).resolve().parent / "dict"


# libyaml's parser when PyYAML was built with it: same safe subset, a tenth of the time.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(source):
    """A YAML text or open file, read with the safe loader."""
    return yaml.load(source, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader


def load_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return parse_yaml(fh)


def load_regions(path=REGIONS_FILE):
    """Regions as a list of dicts (region_id, names, admin levels)."""
    return load_yaml(path)["regions"]


def region_order(path=None):
    """Region ids in display order: `sort_order` ascending, then regions without one, by id."""
    regions = load_regions(path or settings.regions_file())
    return [r["region_id"] for r in sorted(
        regions, key=lambda r: (r.get("sort_order") is None, r.get("sort_order") or 0, r["region_id"]))]


def load_doc_types(path=REGIONS_FILE):
    return load_yaml(path)["doc_types"]


REGION_ID = r"^[a-z][a-z0-9_]{1,31}$"
REGION_FIELDS = ("region_id", "name_zh", "name_en", "province", "city", "district", "subdistrict")
ADMIN_LEVELS = ("province", "city", "district", "subdistrict")


def region_level(region):
    """The level a region speaks for: its most specific non-empty administrative field; national without any."""
    return next((level for level in reversed(ADMIN_LEVELS) if str(region.get(level) or "").strip()), "national")


def check_new_region(region, existing):
    """Raise DocumentError unless `region` is a well-formed region not yet configured."""
    import re

    from etl.errors import DocumentError
    rid = (region.get("region_id") or "").strip()
    if not re.match(REGION_ID, rid):
        raise DocumentError(rid or "<region>", "region id must be 2-32 lower-case letters, digits or _ (e.g. dalian_hongqi)")
    if rid in {r["region_id"] for r in existing}:
        raise DocumentError(rid, "region already configured")
    if not re.search(r"[\u4e00-\u9fff]", region.get("name_zh") or ""):
        raise DocumentError(rid, "the Chinese name (name_zh) must contain Chinese characters")
    if not (region.get("name_en") or "").strip():
        raise DocumentError(rid, "the English name (name_en) is required")
    for key in REGION_FIELDS:
        if any(ch in str(region.get(key) or "") for ch in "\n\r"):
            raise DocumentError(rid, f"{key} must be a single line")


def add_region(region, path=REGIONS_FILE):
    """Append a region to regions.yaml atomically, keeping the file's comments and layout.

    The block is inserted at the end of the `regions:` list as text, then the
    result is parsed to prove it says exactly the old file plus the new region
    before it is renamed over the old file.
    """
    import json
    import tempfile

    path = Path(path)
    old_text = path.read_text(encoding="utf-8")
    old = parse_yaml(old_text)
    check_new_region(region, old["regions"])
    entry = {key: (str(region.get(key) or "").strip() or None) for key in REGION_FIELDS}
    block = "".join(
        ("  - " if i == 0 else "    ") + f"{key}:"
        + ("" if entry[key] is None else " " + json.dumps(entry[key], ensure_ascii=False)) + "\n"
        for i, key in enumerate(REGION_FIELDS))
    lines = old_text.splitlines(keepends=True)
    end = next((i for i, ln in enumerate(lines) if i > 0 and ln[:1] not in (" ", "\n", "#", "-", "\t", "")
                and not ln.startswith("regions:")), len(lines))
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    if end and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    new_text = "".join(lines[:end]) + block + "".join(lines[end:])
    new = parse_yaml(new_text)
    if new["regions"][:-1] != old["regions"] or new["regions"][-1]["region_id"] != entry["region_id"] \
            or {k: v for k, v in new.items() if k != "regions"} != {k: v for k, v in old.items() if k != "regions"}:
        new_text = yaml.safe_dump({**old, "regions": [*old["regions"], entry]}, allow_unicode=True, sort_keys=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(new_text)
    Path(tmp).replace(path)
    return entry
