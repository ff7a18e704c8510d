"""The seed manifest: per-file metadata (region, year, type, title, …)."""
import csv
import os
import time
from dataclasses import dataclass, fields
from pathlib import Path

from etl.errors import DocumentError

YEAR_RANGE = (1949, 2100)


@dataclass
class DocumentMeta:
    source_file: str
    region_id: str
    province: str = ""
    city: str = ""
    district: str = ""
    subdistrict: str = ""
    year: int | None = None
    year_inferred: bool = False
    doc_type: str = "article"
    title: str = ""
    published: str = ""
    script: str = ""


COLUMNS = [f.name for f in fields(DocumentMeta)]


def _bool(value):
    return str(value).strip().lower() in ("true", "1", "yes", "y")


# A file modified this recently is read again on every call (the manifest here, seeds in etl.inputs): a
# rewrite within the file system's timestamp granularity (a clock tick, a few ms on ext4) could keep its size and mtime.
SETTLED_SECONDS = 0.1
_PARSED = {}


def read_manifest(path):
    """Manifest rows keyed by file name, in file order.

    Remembered for this process while the file's inode, size and mtime stay:
    an add reads the manifest eight times, 60 ms each at 10,000 rows.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {}
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    rows = _PARSED.get(key)
    if rows is None:
        rows = _parse_manifest(path)
        if time.time() - st.st_mtime > SETTLED_SECONDS:
            _PARSED.clear()
            _PARSED[key] = rows
    return dict(rows)


def _parse_manifest(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = {}
        for row in csv.DictReader(fh):
            year = (row.get("year") or "").strip()
            meta = DocumentMeta(
                source_file=row["source_file"].strip(), region_id=row["region_id"].strip(),
                province=row.get("province", "") or "", city=row.get("city", "") or "",
                district=row.get("district", "") or "", subdistrict=row.get("subdistrict", "") or "",
                year=int(year) if year.isdigit() else None, year_inferred=_bool(row.get("year_inferred")),
                doc_type=(row.get("doc_type") or "article").strip(), title=row.get("title", "") or "",
                published=(row.get("published") or "").strip(), script=(row.get("script") or "").strip())
            rows[meta.source_file] = meta
        return rows


def write_manifest(path, metas):
    """Write all rows (a temp file renamed over the old, never half a manifest)."""
    path = Path(path)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for meta in metas:
            row = {c: getattr(meta, c) for c in COLUMNS}   # not asdict: its deep copy was 0.1 s per 10,000 rows
            row["year_inferred"] = "true" if meta.year_inferred else "false"
            row["year"] = "" if meta.year is None else meta.year
            writer.writerow(row)
    tmp.replace(path)


def validate_meta(meta, region_ids, doc_types):
    """Raise DocumentError when metadata names an unknown region, type or a bad year."""
    name = meta.source_file
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise DocumentError(name, "file name must not contain path separators")
    if meta.region_id not in region_ids:
        raise DocumentError(name, f"unknown region '{meta.region_id}' (configured: {', '.join(sorted(region_ids))})")
    if meta.doc_type not in doc_types:
        raise DocumentError(name, f"unknown document type '{meta.doc_type}' (known: {', '.join(sorted(doc_types))})")
    if meta.year is None or not YEAR_RANGE[0] <= meta.year <= YEAR_RANGE[1]:
        raise DocumentError(name, f"year {meta.year} out of range {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
