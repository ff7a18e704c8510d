"""Per-document extraction cache: adding one document re-extracts only that one.

A DocResult depends on the file's bytes, its name (the doc_id), its manifest
row, the theme dictionary and the extraction code. The key hashes all of
them, so a change to any stage's code, the dictionaries or the metadata is a
miss, never a stale hit. Entries are pickles written to a temp file and
renamed, so a killed build leaves no half entry; an unreadable entry is a miss.
Entries a build uses are touched, and entries untouched for MAX_AGE_DAYS
are pruned, so old code versions do not pile up.
"""
import hashlib
import os
import pickle
import tempfile
import time
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from etl import PIPELINE_VERSION
from etl.config import REGIONS_FILE, ROOT

CACHE_DIR = Path(os.environ.get("JIEDAO_CACHE", ROOT / ".cache" / "extract"))
MAX_AGE_DAYS = 30
CODE_FILES = ("read.py", "normalize.py", "segment.py", "themes.py", "facts.py", "initiatives.py", "keywords.py",
              "pipeline.py")


def _version_files():
    """Code and word lists an extraction depends on; place names for the
    tokenizer come from the regions file, so it counts too."""
    etl_dir = Path(__file__).parent
    return [*(etl_dir / f for f in CODE_FILES), *sorted(etl_dir.glob("dict/*")), REGIONS_FILE]


@lru_cache(maxsize=8)
def _code_version(stamp):
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for p in _version_files():
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def code_version():
    """Hash of PIPELINE_VERSION and the extraction code, recomputed when a file changes."""
    files = _version_files()
    return _code_version(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()))


def cache_key(content, meta, dictionary_version):
    """Key of one document's extraction: content hash, metadata, dictionary and code versions."""
    h = hashlib.sha256()
    for part in (hashlib.sha256(content).hexdigest(), repr(sorted(asdict(meta).items())),
                 dictionary_version, code_version()):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def load(key, cache_dir=None):
    path = Path(cache_dir or CACHE_DIR) / f"{key}.pkl"
    try:
        with open(path, "rb") as fh:
            result = pickle.load(fh)
        os.utime(path)
        return result
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None


def store(key, result, cache_dir=None):
    """Write one entry atomically; a cache that cannot be written only costs speed."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_dir / f"{key}.pkl")
    except (OSError, pickle.PicklingError):
        Path(tmp).unlink(missing_ok=True)
        return False
    return True


def prune(cache_dir=None, max_age_days=MAX_AGE_DAYS):
    """Delete entries (and stray temp files) no build has used for `max_age_days`."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    if not cache_dir.is_dir():
        return 0
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for p in [*cache_dir.glob("*.pkl"), *cache_dir.glob("*.tmp")]:
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
                removed += 1
        except OSError:
            pass
    return removed
