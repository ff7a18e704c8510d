"""What a build reads and what it reports: the inputs hash that tells a stale warehouse, and BuildReport.

Kept apart from `etl.pipeline` so that `etl remove` (and the staleness check)
import no extraction code: cn2an, jieba and OpenCC are a third of a second.
"""
import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from etl import PIPELINE_VERSION
from etl.config import MANIFEST, REGIONS_FILE, SEEDS_DIR, THEMES_FILE
from etl.manifest import SETTLED_SECONDS, read_manifest

# Where `save_digests` keeps them between processes, in the extraction cache's folder.
DIGESTS_FILE = "seed-digests.pickle"
_DIGESTS = {}
_USED = set()
_LOADED = set()


def file_digest(path):
    """sha256 of a file's bytes; remembered for this process while its size, mtime and inode stay the same.

    An add hashes every seed several times (the duplicate check, the staleness
    check, the new inputs hash): 157 MB each time at 10,000 documents.
    """
    st = os.stat(path)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    digest = _DIGESTS.get(key)
    if digest is None:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).digest()
        if time.time() - st.st_mtime > SETTLED_SECONDS:
            _DIGESTS[key] = digest
    if key in _DIGESTS:
        _USED.add(key)
    return digest


def load_digests(cache_dir):
    """Take the digests an earlier process saved in `cache_dir` (None: none).

    Trusted like `make` or rsync trust a file: same inode, size and
    modification time, same bytes. Reading 10,000 seeds to hash them was
    half a second of every add and remove.
    """
    if cache_dir is None or str(cache_dir) in _LOADED:
        return
    _LOADED.add(str(cache_dir))
    try:
        with open(Path(cache_dir) / DIGESTS_FILE, "rb") as fh:
            saved = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return
    if isinstance(saved, dict):
        for key, digest in saved.items():
            _DIGESTS.setdefault(key, digest)


def save_digests(cache_dir):
    """Keep the digests this process used for the next one (written whole and renamed; a failure costs speed only)."""
    if cache_dir is None or not _USED:
        return
    cache_dir = Path(cache_dir)
    tmp = cache_dir / f".{DIGESTS_FILE}.{os.getpid()}.tmp"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump({k: _DIGESTS[k] for k in _USED}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_dir / DIGESTS_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)


def inputs_hash(seeds_dir=SEEDS_DIR, manifest=MANIFEST, regions_file=None):
    """Hash of everything a build reads, the ETL code included: decides whether a warehouse is stale."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    etl_dir = Path(__file__).parent
    for p in [Path(manifest), Path(regions_file or REGIONS_FILE), THEMES_FILE, *sorted(etl_dir.glob("dict/*.txt")),
              *sorted(etl_dir.glob("*.py"))]:
        if p.exists():
            h.update(p.name.encode() + p.read_bytes())
    seeds_dir = str(seeds_dir)
    for name in sorted(read_manifest(manifest)):
        try:
            h.update(name.encode() + file_digest(os.path.join(seeds_dir, name)))
        except FileNotFoundError:
            continue
    return h.hexdigest()


@dataclass
class BuildReport:
    loaded: list
    failed: list          # (source_file, reason)
    counts: dict
    cached: int = 0       # documents assembled from the extraction cache
    duplicates: list = field(default_factory=list)   # (source_file, earlier source_file with the same text)
