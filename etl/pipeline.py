"""Per-document extraction and the whole build.

`extract_document` is a pure function of (file bytes, metadata, theme
dictionary): it reads, normalises, segments, codes themes, extracts facts
and counts terms, and returns plain rows. `build` runs it over the manifest
on every core (`etl.workers`: term counting apart, so jieba's dictionary
load overlaps the other stages) and streams the rows into `load` as they
arrive. Results are cached per document (`etl.cache`), so a rebuild after
adding one document extracts only that one and assembles the rest from the
cache.
"""
import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from etl import PIPELINE_VERSION, cache
from etl.config import MANIFEST, REGIONS_FILE, SEEDS_DIR, WAREHOUSE, load_doc_types, load_regions
from etl.errors import DocumentError
from etl.facts import extract_facts, part_default_kind
from etl.initiatives import extract_initiatives
from etl.inputs import BuildReport, inputs_hash
from etl.keywords import count_terms, tokenizer
from etl.load import WarehouseWriter
from etl.manifest import read_manifest, validate_meta
from etl.normalize import detect_script, simplified_text_key, text_key, to_simplified
from etl.read import read_document
from etl.segment import segment
from etl.structure import sentence_parts
from etl.themes import code_themes, default_dictionary
from etl.workers import OneWorkerExtraction, TwoPoolExtraction


@dataclass
class DocResult:
    """Everything one document contributes to the warehouse, as plain rows.

    Sentence, theme and fact rows are tuples in the column order of
    `load.ROW_COLUMNS`: compact to pass between processes and to load.
    """
    document: dict
    text: str
    sentences: list = field(default_factory=list)
    sentence_themes: list = field(default_factory=list)
    facts: list = field(default_factory=list)
    terms: dict = field(default_factory=dict)   # term -> count, sorted by term
    initiatives: list = field(default_factory=list)
    text_key: str = ""        # normalize.text_key of text, computed where the Simplified text is at hand


def doc_id_for(source_file):
    return Path(source_file).stem


def extract_content(path, meta, dictionary=None):
    """Every stage but term counting: (DocResult without terms, Simplified text).

    Raises DocumentError on bad input. Terms are counted apart because they
    need jieba, whose dictionary load the build overlaps with this work.
    """
    dictionary = dictionary or default_dictionary()
    path = Path(path)
    raw = read_document(path)
    simplified = to_simplified(raw.text)
    sentences = segment(raw.text, simplified)
    if not sentences:
        raise DocumentError(path.name, "no sentences found")
    doc_id = doc_id_for(path.name)
    coded = code_themes(sentences, dictionary)
    parts = sentence_parts(sentences, to_simplified(meta.title or ""), meta.doc_type, meta.year)
    result = DocResult(
        document={
            "doc_id": doc_id, "source_file": path.name, "region_id": meta.region_id,
            "year": meta.year, "year_inferred": meta.year_inferred, "doc_type": meta.doc_type,
            "title": meta.title, "published": meta.published or raw.published or None,
            "script": meta.script or detect_script(raw.text), "n_chars": len(raw.text),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "encoding": raw.encoding,
            "n_sentences": len(sentences)},
        text=raw.text, text_key=simplified_text_key(simplified))
    for s, part in zip(sentences, parts):
        themes = coded.get(s.sent_no, [])
        main = themes[0][0] if themes else None
        result.sentences.append((doc_id, s.sent_no, s.section, s.text, s.text_simplified,
                                 s.char_start, s.char_end, s.is_heading, main, part))
        for rank, (theme, score, evidence) in enumerate(themes):
            result.sentence_themes.append((doc_id, s.sent_no, theme, rank + 1, score, "、".join(evidence)))
        for fact in extract_facts(s.text_simplified, s.text, part_default_kind(part), part):
            result.facts.append((doc_id, s.sent_no, fact.surface, fact.value, fact.value_max, fact.unit, fact.kind,
                                 fact.comparator, fact.approximate, fact.indicator, main,
                                 s.char_start + fact.start, s.char_start + fact.end))
        for item in extract_initiatives(s.text_simplified):
            result.initiatives.append((doc_id, s.sent_no, s.text[item.start:item.end], item.name_norm, main,
                                       s.char_start + item.start, s.char_start + item.end, item.rule))
    return result, simplified


def document_terms(simplified, dictionary=None):
    """Term counts of a document's Simplified text, sorted by term (the order they are loaded in).

    jieba splits at punctuation and line breaks anyway, so the whole text
    gives the same counts as its sentences one by one.
    """
    dictionary = dictionary or default_dictionary()
    return dict(sorted(count_terms([simplified], tuple(dictionary.weights)).items()))


def extract_document(path, meta, dictionary=None):
    """Run every stage on one file; raise DocumentError on bad input."""
    result, simplified = extract_content(path, meta, dictionary)
    result.terms = document_terms(simplified, dictionary)
    return result


def warm_up_content():
    """Load what the content stages need once, so forked workers inherit it."""
    default_dictionary()
    to_simplified("預熱")


def warm_up_terms():
    """Load jieba's dictionary (the slow part) once, so forked term workers inherit it."""
    tokenizer(tuple(sorted(default_dictionary().weights))).initialize()


def _guarded(job, *args):
    """(result, None), or (None, reason): one broken document must not stop the others.

    MemoryError goes on to the sandbox, which names the memory limit.
    """
    try:
        return job(*args), None
    except DocumentError as exc:
        return None, exc.reason
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        return None, f"unexpected error: {type(exc).__name__}: {exc}"


def _content_job(job):
    return _guarded(extract_content, *job)


def _terms_job(simplified):
    return _guarded(document_terms, simplified)


def _document_job(job):
    return _guarded(extract_document, *job)


def _extract_in_one_worker(extraction, misses):
    for i, result, error in extraction:
        yield misses[i][1].source_file, result, error


def _extract_in_pools(extraction, misses):
    for i, content, terms, error in extraction:
        if content is not None:
            content.terms = terms
        yield misses[i][1].source_file, content, error


def build(seeds_dir=SEEDS_DIR, manifest=MANIFEST, warehouse=WAREHOUSE, workers=None, progress=None,
          regions_file=None, cache_dir=None, use_cache=True):
    """Extract every manifest document (or take it from the cache) and atomically replace the warehouse."""
    seeds_dir = Path(seeds_dir)
    regions_file = Path(regions_file or REGIONS_FILE)
    metas = read_manifest(manifest)
    regions = load_regions(regions_file)
    doc_types = {d["doc_type"] for d in load_doc_types(regions_file)}
    region_ids = {r["region_id"] for r in regions}
    jobs, failed = [], []
    for name, meta in metas.items():
        try:
            validate_meta(meta, region_ids, doc_types)
            if not (seeds_dir / name).is_file():
                raise DocumentError(name, "listed in the manifest but missing from seeds/")
            jobs.append((seeds_dir / name, meta))
        except DocumentError as exc:
            failed.append((name, exc.reason))
    listed = set(metas) | {Path(manifest).name}
    for p in sorted(seeds_dir.iterdir()):
        if p.is_file() and p.name not in listed and not p.name.startswith("."):
            failed.append((p.name, "not in the manifest: add it with `python -m etl add` to give it a region and year"))
    dictionary = default_dictionary()
    hits, misses, keys = [], [], {}
    for path, meta in jobs:
        key = cache.cache_key(path.read_bytes(), meta, dictionary.version) if use_cache else None
        result = cache.load(key, cache_dir) if use_cache else None
        if result is not None:
            hits.append((meta.source_file, result, None))
        else:
            keys[meta.source_file] = key
            misses.append((path, meta))
    workers = workers or min(len(misses), os.cpu_count() or 1) or 1
    info = {"pipeline_version": PIPELINE_VERSION, "dictionary_version": dictionary.version,
            "inputs_hash": inputs_hash(seeds_dir, manifest, regions_file)}
    store = (lambda name, result: cache.store(keys[name], result, cache_dir)) if use_cache else None
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(misses) > 1:
            warm_up_content()
            extraction = stack.enter_context(
                TwoPoolExtraction(misses, _content_job, _terms_job, warm_up_terms, workers))
            outcomes = _extract_in_pools(extraction, misses)
        elif misses:
            warm_up_content()
            warm_up_terms()
            extraction = stack.enter_context(OneWorkerExtraction(misses, _document_job))
            outcomes = _extract_in_one_worker(extraction, misses)
        else:
            outcomes = iter(())
        # Workers are extracting already: set up the new warehouse meanwhile (after the forks: DuckDB has threads).
        writer = stack.enter_context(WarehouseWriter(warehouse, regions, load_doc_types(regions_file), dictionary.themes))
        order = {meta.source_file: i for i, (_, meta) in enumerate(jobs)}
        duplicates = []
        loaded = _collect(_in_manifest_order(hits, outcomes, order), len(jobs), failed, duplicates, progress,
                          writer, store)
        counts = writer.finish(info)
    if use_cache:
        cache.prune(cache_dir)
    return BuildReport(loaded, failed, counts, cached=len(hits), duplicates=duplicates)


def _in_manifest_order(hits, outcomes, order):
    """(name, result, error, fresh) in manifest order: cached results merged into the extraction stream.

    Fresh results arrive in job order, so holding each cached one back until
    the fresh one before it has arrived keeps the order (and so which of two
    duplicates is the later) independent of what the cache held.
    """
    waiting = sorted(hits, key=lambda h: order[h[0]])
    for name, result, error in outcomes:
        while waiting and order[waiting[0][0]] < order[name]:
            yield (*waiting.pop(0), False)
        yield name, result, error, True
    for hit in waiting:
        yield (*hit, False)


def _collect(outcomes, total, failed, duplicates, progress, writer, store=None):
    """Load each result as it arrives, so loading overlaps extraction; cache fresh results.

    A document whose normalised text equals an earlier one's (the same text
    saved as .txt and .docx) is reported in `duplicates` and not loaded.
    """
    loaded, seen = [], {}
    for i, (name, result, error, fresh) in enumerate(outcomes, 1):
        if error:
            failed.append((name, error))
        else:
            if store and fresh:
                store(name, result)
            key = result.text_key = result.text_key or text_key(result.text)   # a cached result may predate the field
            if key in seen:
                duplicates.append((name, seen[key]))
            else:
                seen[key] = name
                writer.add(result)
                loaded.append(result.document["source_file"])
        if progress:
            progress(i, total, name, result, error)
    return loaded
