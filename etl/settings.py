"""Paths and environment: the one place that reads the `JIEDAO_*` variables.

Every value is read at call time, so tests and staff can point a running
process at other files by setting the variable; the ETL, the dashboard and the
export all ask here instead of reading `os.environ` themselves.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The dashboard listens on localhost only (.streamlit/config.toml), on Streamlit's default port.
DEFAULT_APP_URL = "http://localhost:8501/"


def _path(var, default):
    value = os.environ.get(var)
    return Path(value) if value else Path(default)


def seeds_dir():
    """Source documents and their manifest (JIEDAO_SEEDS)."""
    return _path("JIEDAO_SEEDS", ROOT / "seeds")


def manifest():
    return seeds_dir() / "manifest.csv"


def warehouse():
    """The DuckDB file the ETL writes and every reader opens (JIEDAO_WAREHOUSE)."""
    return _path("JIEDAO_WAREHOUSE", ROOT / "warehouse.duckdb")


def regions_file():
    """Regions and document types (JIEDAO_REGIONS)."""
    return _path("JIEDAO_REGIONS", ROOT / "config" / "regions.yaml")


def cache_dir():
    """Per-document extraction cache (JIEDAO_CACHE)."""
    return _path("JIEDAO_CACHE", ROOT / ".cache" / "extract")


def app_url():
    """Where the dashboard is served, for links from the PDF brief and the slides (JIEDAO_APP_URL)."""
    return os.environ.get("JIEDAO_APP_URL") or DEFAULT_APP_URL


def strict_i18n():
    """JIEDAO_STRICT_I18N=1 makes a missing interface string an error (the test suite sets it)."""
    return os.environ.get("JIEDAO_STRICT_I18N", "") not in ("", "0")
