"""Add and remove documents: the one code path behind `python -m etl add/remove` and the upload page.

Adding never damages what is loaded: each file is read, its metadata
inferred and checked, and the document fully extracted in a scratch
directory BEFORE seeds/, the manifest, regions.yaml or the warehouse are
touched. Only then is the file copied under a safe unique name, the manifest
(and a new region) written, and the warehouse updated: when it was built
from the inputs before the step and holds every listed document, only the
added or removed document's rows and the aggregates they touch change
(`etl.load.update_warehouse`, on a copy renamed over the warehouse);
otherwise it is rebuilt from the extraction cache. Either way only the new
document is extracted, and the result equals a full build. If the rebuild fails, the
copied file, the manifest and regions.yaml are restored.

Reading and extracting a new file run in a child process with a time and
memory budget (`workers.run_limited`). The commit is journaled: before
anything is written, a journal beside the warehouse records the previous
manifest and regions and the files being added or set aside; it is removed
when the step is complete. A run killed in between leaves the journal, and
the next add, remove or build completes the step (the rebuilt warehouse
was swapped in) or rolls it back, so no document is ever half-added.
"""
import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

from etl import cache, config, read, settings, workers
from etl.config import add_region, check_new_region, load_doc_types, load_regions
from etl.errors import DocumentError
from etl.infer import infer_metadata
from etl.inputs import file_digest, load_digests, save_digests
from etl.load import stored_inputs_hash
from etl.manifest import DocumentMeta, read_manifest, validate_meta, write_manifest
from etl.normalize import detect_script, text_key

SEED_NAME = re.compile(r"^(\d{3,})_")


@dataclass
class Paths:
    """Where the inputs and the warehouse live (environment overrides read at call time)."""
    seeds_dir: Path
    manifest: Path
    warehouse: Path
    regions_file: Path
    cache_dir: Path | None = None

    @classmethod
    def default(cls):
        return cls(settings.seeds_dir(), settings.manifest(), settings.warehouse(), settings.regions_file(),
                   settings.cache_dir())


@dataclass
class Overrides:
    """What the user stated; anything left None is inferred."""
    region: str | None = None
    year: int | None = None
    doc_type: str | None = None
    title: str | None = None


@dataclass
class Preview:
    """A file read and its metadata inferred, nothing extracted or written yet."""
    name: str
    data: bytes
    sha256: str
    raw: read.RawDocument
    inference: object
    duplicate_of: str | None = None
    text_key: str = ""        # etl.normalize.text_key of the text read: the same text in another format matches

    def duplicate_in(self, known):
        """The stored name of a loaded document with the same bytes or the same text, or None."""
        return known.get(self.sha256) or known.get(self.text_key)


@dataclass
class Candidate:
    """A document ready to add: final metadata and its extraction, done in scratch space."""
    preview: Preview
    meta: DocumentMeta
    result: object
    words: dict = field(default_factory=dict)   # its facts' indicators -> words (etl.followthrough), cut with it

    @property
    def target(self):
        return self.meta.source_file


@dataclass
class AddReport:
    added: list = field(default_factory=list)        # (original name, stored name)
    duplicates: list = field(default_factory=list)   # (original name, existing stored name)
    counts: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)       # other documents the rebuild could not load
    seconds: float = 0.0
    extracted: int = 0
    cached: int = 0


def check_name(name):
    """A bare file name with a supported extension, or DocumentError."""
    name = str(name)
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\0" in name:
        raise DocumentError(name or "<no name>", "file name must not contain path separators")
    ext = Path(name).suffix.lower()
    if ext not in read.READERS:
        raise DocumentError(name, f"unsupported file type '{Path(name).suffix}' "
                                  f"(supported: {', '.join(sorted(read.READERS))})")
    return ext


def _warehouse_texts(paths):
    """{source_file: text} of the documents in the warehouse, or {} when it cannot be read."""
    import duckdb
    if not Path(paths.warehouse).is_file():
        return {}
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            return dict(con.execute("select d.source_file, t.text from documents d join document_texts t "
                                    "using (doc_id)").fetchall())
    except duckdb.Error:
        return {}


def _warehouse_keys(paths):
    """{source_file: (sha256, text_key)} as the warehouse stored them, or {} when it cannot say."""
    import duckdb
    if not Path(paths.warehouse).is_file():
        return {}
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            rows = con.execute("select d.source_file, d.sha256, h.text_key from documents d "
                               "join doc_content_hashes h using (doc_id)").fetchall()
    except duckdb.Error:   # a warehouse from before the keys were stored
        return {}
    return {name: (sha, key) for name, sha, key in rows if key}


def _loaded_keys(paths):
    """{key: stored name} for every loaded document: its bytes' sha256 and its normalised text's key.

    Both come from the warehouse when it holds them for the file as it is on
    disk (same size and bytes hash); otherwise from the file (its text from the
    warehouse when there, else read from seeds/).
    """
    out, stored, texts = {}, _warehouse_keys(paths), None
    seeds_dir = str(paths.seeds_dir)
    for name in read_manifest(paths.manifest):
        p = os.path.join(seeds_dir, name)
        try:
            sha = file_digest(p).hex()
        except (FileNotFoundError, IsADirectoryError):
            continue
        out[sha] = name
        if name in stored and stored[name][0] == sha:
            out.setdefault(stored[name][1], name)
            continue
        texts = _warehouse_texts(paths) if texts is None else texts
        text = texts.get(name)
        if text is None:
            try:
                text = read.read_document(Path(p)).text
            except DocumentError:
                continue
        out.setdefault(text_key(text), name)
    return out


def _regions(paths, new_region=None):
    regions = load_regions(paths.regions_file)
    if new_region:
        check_new_region(new_region, regions)
        regions = [*regions, {k: new_region.get(k) or "" for k in config.REGION_FIELDS}]
    return regions


def preview(name, data, paths, new_region=None, known=None):
    """Read one file (bytes as uploaded) and infer its metadata, or raise DocumentError naming it."""
    ext = check_name(name)
    if not data or not data.strip():
        raise DocumentError(name, "empty file")
    if len(data) > read.MAX_BYTES:
        raise DocumentError(name, f"file too large: {len(data)} bytes (limit {read.MAX_BYTES})")
    with tempfile.TemporaryDirectory(prefix="jiedao-add-") as tmp:
        path = Path(tmp) / f"upload{ext}"   # the user's name never reaches the file system
        path.write_bytes(data)
        raw = _limited(read.read_document, (path,), name)
    raw.source_file = name
    pv = Preview(name, data, hashlib.sha256(data).hexdigest(), raw, infer_metadata(raw, _regions(paths, new_region)),
                 text_key=text_key(raw.text))
    pv.duplicate_of = pv.duplicate_in(_loaded_keys(paths) if known is None else known)
    return pv


def _next_index(paths):
    numbers = [int(m.group(1)) for n in read_manifest(paths.manifest) if (m := SEED_NAME.match(n))]
    return max(numbers, default=-1) + 1


def decide_meta(pv, overrides, regions, doc_types, index):
    """Final metadata: the user's values over the inferred ones, checked; DocumentError names the file."""
    inf = pv.inference
    region_ids = {r["region_id"] for r in regions}
    region_id = overrides.region
    if region_id is None:
        if not inf.region.confident:
            raise DocumentError(pv.name, f"could not infer the region ({inf.region.evidence}); pass --region ID "
                                         f"(configured: {', '.join(sorted(region_ids))}) or --new-region")
        region_id = inf.region.value
    year = overrides.year if overrides.year is not None else inf.year.value
    if year is None:
        raise DocumentError(pv.name, f"could not infer the year ({inf.year.evidence}); pass --year")
    region = next((r for r in regions if r["region_id"] == region_id), {})
    title = re.sub(r"\s+", " ", overrides.title if overrides.title is not None else inf.title.value).strip()
    ext = Path(pv.name).suffix.lower()
    meta = DocumentMeta(
        source_file=f"{index:03d}_{pv.sha256[:16]}{ext}", region_id=region_id,
        province=region.get("province") or "", city=region.get("city") or "",
        district=region.get("district") or "", subdistrict=region.get("subdistrict") or "",
        year=year, year_inferred=inf.year_inferred if overrides.year is None else False,
        doc_type=overrides.doc_type or inf.doc_type.value, title=title, published=pv.raw.published or "",
        script=detect_script(pv.raw.text))
    try:
        validate_meta(meta, region_ids, doc_types)
    except DocumentError as exc:
        hint = " (add it with --new-region ID --name-zh .. --name-en ..)" if "unknown region" in exc.reason else ""
        raise DocumentError(pv.name, exc.reason + hint) from None
    return meta


def _limited(fn, args, name):
    """fn(*args) within the per-document time and memory budget; every failure is a DocumentError naming `name`."""
    try:
        return workers.run_limited(fn, args, name)
    except workers.ExtractionExited as exc:
        raise DocumentError(name, f"extraction failed: {exc}") from None


def _warm_up_extraction():
    """In the extraction child, while the parent checks the files: the extraction code and jieba's dictionary."""
    from etl.pipeline import warm_up_content, warm_up_terms
    warm_up_content()
    warm_up_terms()


def _extract_with_words(job):
    """In the extraction child: extract the document, cache it, return its rows' fields and its indicators' words.

    Fields, not the DocResult: unpickling that class would import the whole
    extraction code into the parent (a second and more on a busy machine) just
    to insert rows. The indicator words are cut here, where jieba is loaded.
    """
    from etl.followthrough import LINKABLE_KINDS, indicator_words
    from etl.load import ROW_COLUMNS
    from etl.pipeline import extract_document
    from etl.themes import default_dictionary
    path, meta, cache_dir = job
    dictionary = default_dictionary()
    result = extract_document(path, meta, dictionary)
    cache.store(cache.cache_key(Path(path).read_bytes(), meta, dictionary.version), result, cache_dir)
    kind, indicator = ROW_COLUMNS["facts"].index("kind"), ROW_COLUMNS["facts"].index("indicator")
    linkable = {f[indicator] for f in result.facts if f[kind] in LINKABLE_KINDS and f[indicator]}
    return dict(vars(result)), {ind: indicator_words(ind) for ind in sorted(linkable)}


def extraction_child():
    """A budgeted child that loads the extraction code and jieba now, in parallel with the checks before extracting.

    Use as a context manager around `prepare`'s work; each `extract` sends it one document.
    """
    return workers.Sandbox(_extract_with_words, [], warm_up=_warm_up_extraction).start()


def extract(pv, meta, paths, child=None):
    """Run the whole pipeline on the new document in scratch space (cached there for the rebuild).

    Returns (the document's rows as attributes, its indicator words).
    """
    with tempfile.TemporaryDirectory(prefix="jiedao-extract-") as tmp:
        path = Path(tmp) / meta.source_file
        path.write_bytes(pv.data)
        with ExitStack() as stack:
            child = child or stack.enter_context(extraction_child())
            try:
                fields, words = child.run(0, pv.name, job=(path, meta, paths.cache_dir))
            except workers.ExtractionExited as exc:
                raise DocumentError(pv.name, f"extraction failed: {exc}") from None
    return SimpleNamespace(**fields), words


def prepare(files, paths, overrides=None, new_region=None, previews=None):
    """Validate and extract every file; return (candidates, duplicates) or raise the first DocumentError.

    `files` are (name, bytes); `overrides` is one Overrides for all files or a
    list, one per file. Nothing on disk outside scratch space changes.
    """
    recover(paths)
    with extraction_child() as child:
        load_digests(paths.cache_dir)
        return _prepare(files, paths, overrides, new_region, previews, child)


def _prepare(files, paths, overrides, new_region, previews, child):
    per_file = overrides if isinstance(overrides, list) else [overrides or Overrides()] * len(files)
    if new_region:
        per_file = [o if o.region else replace(o, region=new_region["region_id"]) for o in per_file]
    regions = _regions(paths, new_region)
    doc_types = {d["doc_type"] for d in load_doc_types(paths.regions_file)}
    known = _loaded_keys(paths)
    index = _next_index(paths)
    candidates, duplicates = [], []
    for i, (name, data) in enumerate(files):
        pv = previews[i] if previews else preview(name, data, paths, new_region, known)
        pv.duplicate_of = pv.duplicate_in(known)
        if pv.duplicate_of:
            duplicates.append((name, pv.duplicate_of))
            continue
        meta = decide_meta(pv, per_file[i], regions, doc_types, index)
        candidates.append(Candidate(pv, meta, *extract(pv, meta, paths, child)))
        known[pv.sha256] = known[pv.text_key] = meta.source_file
        index += 1
    return candidates, duplicates


@contextmanager
def _lock(paths):
    """One add or remove at a time (the page and the CLI may run together)."""
    lock = Path(str(paths.warehouse) + ".lock")
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _snapshot(*files):
    return {Path(f): (Path(f).read_bytes() if Path(f).exists() else None) for f in files}


def _restore(snapshot):
    for path, data in snapshot.items():
        if data is None:
            path.unlink(missing_ok=True)
            continue
        if path.exists() and path.read_bytes() == data:
            continue
        tmp = path.with_name(f".{path.name}.restore")
        tmp.write_bytes(data)
        tmp.replace(path)


def _journal_path(paths):
    return Path(str(paths.warehouse) + ".journal")


def _encode(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def _decode(text):
    return None if text is None else base64.b64decode(text)


def _write_journal(paths, snapshot, added=(), aside=()):
    """Record, atomically, how to undo the step about to start: previous file contents and the files it adds."""
    absolute = os.path.abspath   # a later run may start elsewhere
    journal = {"restore": {absolute(path): _encode(data) for path, data in snapshot.items()},
               "added": [absolute(p) for p in added], "aside": [[absolute(a), absolute(b)] for a, b in aside],
               "seeds_dir": absolute(paths.seeds_dir), "manifest": absolute(paths.manifest),
               "regions_file": absolute(paths.regions_file)}
    path = _journal_path(paths)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(journal, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _clear_journal(paths):
    _journal_path(paths).unlink(missing_ok=True)


def _step_debris(journal):
    """Temp files a killed step may leave: the manifest's, the restores' and the copies' temporaries."""
    out = [Path(journal["manifest"]).with_suffix(".csv.tmp")]
    out += [Path(p).with_name(f".{Path(p).name}.restore") for p in journal["restore"]]
    out += [Path(p).with_name(f".{Path(p).name}.tmp") for p in journal["added"]]
    return out


def _roll_back(journal):
    """Undo a step: drop the files it added, put back what it set aside, restore manifest and regions."""
    for p in journal["added"]:
        Path(p).unlink(missing_ok=True)
    for source, aside in journal["aside"]:
        if Path(aside).exists():
            os.replace(aside, source)
    _restore({Path(p): _decode(data) for p, data in journal["restore"].items()})
    for p in _step_debris(journal):
        p.unlink(missing_ok=True)


def _complete(journal):
    for _, aside in journal["aside"]:
        Path(aside).unlink(missing_ok=True)
    for p in _step_debris(journal):
        p.unlink(missing_ok=True)


def _recover_locked(paths):
    """Finish or undo a step a killed run left (call with the lock held); return 'completed', 'rolled back' or None.

    The step completed when the warehouse was rebuilt from the inputs as
    the step left them (its inputs_hash matches); otherwise the warehouse
    is still the previous one, and the inputs go back to match it.
    """
    from etl.inputs import inputs_hash
    from etl.load import remove_stale_temp_files
    path = _journal_path(paths)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)   # killed while writing it: nothing started
    if not path.exists():
        return None
    journal = json.loads(path.read_text(encoding="utf-8"))
    outcome = "rolled back"
    if stored_inputs_hash(paths.warehouse) == inputs_hash(journal["seeds_dir"], journal["manifest"],
                                                          journal["regions_file"]):
        _complete(journal)
        outcome = "completed"
    else:
        _roll_back(journal)
    remove_stale_temp_files(paths.warehouse)
    _clear_journal(paths)
    return outcome


def recover(paths=None):
    """Complete or roll back an add or remove that a kill interrupted; None when there was none."""
    paths = paths or Paths.default()
    if not _journal_path(paths).exists() and not Path(str(_journal_path(paths)) + ".tmp").exists():
        return None
    with _lock(paths):
        return _recover_locked(paths)


def _can_update(paths):
    """True when the warehouse was built from the current inputs and holds every listed document.

    Then an incremental update gives what a full build would; otherwise (a stale
    warehouse, a document that failed or duplicates another) the full build decides.
    """
    import duckdb

    from etl.inputs import inputs_hash
    if stored_inputs_hash(paths.warehouse) != inputs_hash(paths.seeds_dir, paths.manifest, paths.regions_file):
        return False
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            n_docs = con.execute("select count(*) from documents").fetchone()[0]
    except duckdb.Error:
        return False
    return n_docs == len(read_manifest(paths.manifest))


def _update(paths, add=(), remove=(), workers=None, words=None):
    """Change only the added and removed documents' rows (etl.load.update_warehouse), else rebuild."""
    import duckdb

    from etl import PIPELINE_VERSION
    from etl.inputs import BuildReport, inputs_hash
    from etl.load import NeedsFullBuild, update_warehouse
    from etl.themes import default_dictionary
    dictionary = default_dictionary()
    info = {"pipeline_version": PIPELINE_VERSION, "dictionary_version": dictionary.version,
            "inputs_hash": inputs_hash(paths.seeds_dir, paths.manifest, paths.regions_file)}
    try:
        counts = update_warehouse(paths.warehouse, load_regions(paths.regions_file), dictionary.themes, info,
                                  add=add, remove=remove, words=words)
    except (NeedsFullBuild, duckdb.Error):
        return _rebuild(paths, workers)
    # Every listed document is loaded; none was extracted again (the new ones were, while preparing).
    loaded = list(read_manifest(paths.manifest))
    return BuildReport(loaded, [], counts, cached=len(loaded))


def _rebuild(paths, workers=None):
    from etl.pipeline import build
    return build(paths.seeds_dir, paths.manifest, paths.warehouse, workers=workers,
                 regions_file=paths.regions_file, cache_dir=paths.cache_dir)


def commit(candidates, paths, new_region=None, workers=None):
    """Copy the prepared files into seeds/, write manifest (and region), rebuild; undo all on failure."""
    report = AddReport()
    if not candidates:
        return report
    start = time.perf_counter()
    load_digests(paths.cache_dir)
    with _lock(paths):
        _recover_locked(paths)
        metas = read_manifest(paths.manifest)
        loaded = _loaded_keys(paths)
        for c in candidates:
            existing = c.preview.duplicate_in(loaded)
            if existing:
                raise DocumentError(c.preview.name, f"duplicate of already loaded {existing} (same text)")
            if c.target in metas or (paths.seeds_dir / c.target).exists():
                raise DocumentError(c.preview.name, f"{c.target} exists: seeds changed meanwhile, add the file again")
        incremental = _can_update(paths)
        snapshot = _snapshot(paths.manifest, paths.regions_file)
        _write_journal(paths, snapshot, added=[paths.seeds_dir / c.target for c in candidates])
        copied = []
        try:
            if new_region:
                add_region(new_region, paths.regions_file)
            for c in candidates:
                target = paths.seeds_dir / c.target
                tmp = target.with_name(f".{c.target}.tmp")
                tmp.write_bytes(c.preview.data)
                copied.append(target)
                tmp.replace(target)
            write_manifest(paths.manifest, [*metas.values(), *(c.meta for c in candidates)])
            words = {k: v for c in candidates for k, v in c.words.items()}
            build = (_update(paths, add=[c.result for c in candidates], workers=workers, words=words) if incremental
                     else _rebuild(paths, workers))
            new = {c.target: c.preview.name for c in candidates}
            for name, reason in build.failed:
                if name in new:
                    raise DocumentError(new[name], f"rebuild failed: {reason}")
        except BaseException:
            for target in copied:
                target.unlink(missing_ok=True)
                target.with_name(f".{target.name}.tmp").unlink(missing_ok=True)
            _restore(snapshot)
            _clear_journal(paths)
            raise
        _clear_journal(paths)
    save_digests(paths.cache_dir)
    report.added = [(c.preview.name, c.target) for c in candidates]
    report.counts, report.failed = build.counts, build.failed
    # The new documents were extracted while preparing and reach the rebuild through the cache.
    report.extracted = len(candidates) + len(build.loaded) - build.cached
    report.cached = max(0, build.cached - len(candidates))
    report.seconds = time.perf_counter() - start
    return report


def add_files(files, paths=None, overrides=None, new_region=None, workers=None):
    """Prepare then commit: the whole add, used by the CLI and the page."""
    paths = paths or Paths.default()
    candidates, duplicates = prepare(files, paths, overrides, new_region)
    if not candidates:
        return AddReport(duplicates=duplicates)
    report = commit(candidates, paths, new_region, workers)
    report.duplicates = duplicates
    return report


def remove(doc_id, paths=None, workers=None):
    """Drop a document from the manifest and seeds/ and rebuild; restore both if the rebuild fails."""
    paths = paths or Paths.default()
    load_digests(paths.cache_dir)
    with _lock(paths):
        _recover_locked(paths)
        metas = read_manifest(paths.manifest)
        name = next((n for n in metas if Path(n).stem == doc_id or n == doc_id), None)
        if name is None:
            raise DocumentError(doc_id, f"no such document (loaded: {', '.join(Path(n).stem for n in metas)})")
        incremental = _can_update(paths)
        snapshot = _snapshot(paths.manifest)
        source = paths.seeds_dir / name
        aside = source.with_name(f".{name}.removed")
        _write_journal(paths, snapshot, aside=[(source, aside)])
        if source.exists():
            shutil.move(source, aside)
        try:
            write_manifest(paths.manifest, [m for n, m in metas.items() if n != name])
            build = (_update(paths, remove=[Path(name).stem], workers=workers) if incremental
                     else _rebuild(paths, workers))
        except BaseException:
            if aside.exists():
                shutil.move(aside, source)
            _restore(snapshot)
            _clear_journal(paths)
            raise
        aside.unlink(missing_ok=True)
        _clear_journal(paths)
    save_digests(paths.cache_dir)
    return name, build
