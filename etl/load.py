"""Load: write the public schema to a new DuckDB file, then swap it in.

Keys are documented (docs/schema.md) and checked by tests rather than
declared as indexes on the large tables, which would triple the load time.
The warehouse is built in a temporary file beside the target and renamed
over it (`os.replace`) only when complete, so readers never see half a
warehouse and a failed build leaves the previous one untouched. Rows are
sorted before insertion so a rebuild of unchanged input has the same content.
"""
import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from etl import spare
from etl.appender import append_rows
from etl.config import region_level
from etl.followthrough import FACT_LINKS_SCHEMA, insert_fact_links, refresh_fact_links, update_indicator_words
from etl.indicators import INDICATOR_PAIRS_SCHEMA, insert_indicator_pairs, update_indicator_pairs
from etl.normalize import text_key

SCHEMA = """
create table regions (
    region_id varchar primary key, name_zh varchar, name_en varchar,
    province varchar, city varchar, district varchar, subdistrict varchar, level varchar);
create table doc_types (doc_type varchar primary key, name_zh varchar, name_en varchar);
create table documents (
    doc_id varchar primary key, source_file varchar not null, region_id varchar not null references regions,
    year integer, year_inferred boolean, doc_type varchar, title varchar, published date,
    script varchar, n_chars integer, n_sentences integer, sha256 varchar, encoding varchar);
create table document_texts (doc_id varchar primary key references documents, text varchar);
create table sentences (
    doc_id varchar not null references documents, sent_no integer not null, section varchar,
    text varchar not null, text_simplified varchar not null, char_start integer, char_end integer,
    is_heading boolean, main_theme varchar, part varchar);
create table themes (
    theme varchar primary key, name_zh varchar, name_en varchar, color varchar,
    definition_zh varchar, definition_en varchar, sort_order integer);
create table sentence_themes (
    doc_id varchar not null, sent_no integer not null, theme varchar not null references themes,
    rank integer, score double, evidence varchar);
create table facts (
    fact_id integer not null, doc_id varchar not null, sent_no integer not null, surface varchar not null,
    value double, value_max double, unit varchar, kind varchar, comparator varchar, approximate boolean,
    indicator varchar, theme varchar, char_start integer, char_end integer);
create table terms (doc_id varchar not null, term varchar not null, count integer);
create table build_info (key varchar primary key, value varchar);
create table initiatives (
    doc_id varchar not null, sent_no integer not null, name varchar not null, name_norm varchar not null,
    theme varchar, char_start integer, char_end integer, rule varchar);
""" + FACT_LINKS_SCHEMA + INDICATOR_PAIRS_SCHEMA + """
create table doc_theme_counts (
    doc_id varchar not null, theme varchar not null, n_sentences integer, n_chars bigint);
create table doc_stats (
    doc_id varchar primary key, n_body_sentences integer, n_themed_sentences integer, n_themed_chars bigint,
    n_facts integer, n_terms integer, n_words bigint);
create table term_totals (
    region_id varchar not null, year integer, doc_type varchar, term varchar not null, count bigint, n_docs integer);
create table fact_summary (
    region_id varchar not null, year integer, doc_type varchar, theme varchar, kind varchar, unit varchar,
    indicator varchar, n_facts integer, value_sum double, value_min double, value_max double);
create table term_year_totals (year integer, doc_type varchar, term varchar not null, count bigint);
create table sentence_bigrams (bigram varchar not null, doc_id varchar not null, sent_no integer not null);
create table doc_content_hashes (doc_id varchar primary key, content_hash varchar not null, text_key varchar);
create table initiative_firsts (
    region_id varchar not null, year integer, doc_type varchar, theme varchar, name_norm varchar not null,
    doc_id varchar not null, sent_no integer not null, char_start integer, name varchar not null, rule varchar);
create table initiative_place_years (
    region_id varchar not null, year integer, name_norm varchar not null, doc_id varchar not null,
    sent_no integer not null, char_start integer, name varchar not null, theme varchar, rule varchar);
"""

TABLE_COLUMNS = {
    "documents": ["doc_id", "source_file", "region_id", "year", "year_inferred", "doc_type", "title", "published",
                  "script", "n_chars", "n_sentences", "sha256", "encoding"],
    "sentences": ["doc_id", "sent_no", "section", "text", "text_simplified", "char_start", "char_end",
                  "is_heading", "main_theme", "part"],
    "sentence_themes": ["doc_id", "sent_no", "theme", "rank", "score", "evidence"],
    "facts": ["fact_id", "doc_id", "sent_no", "surface", "value", "value_max", "unit", "kind", "comparator",
              "approximate", "indicator", "theme", "char_start", "char_end"],
    "initiatives": ["doc_id", "sent_no", "name", "name_norm", "theme", "char_start", "char_end", "rule"],
}
# Column order of the row tuples in a DocResult (facts get their fact_id on load).
ROW_COLUMNS = {
    "sentences": TABLE_COLUMNS["sentences"],
    "sentence_themes": TABLE_COLUMNS["sentence_themes"],
    "facts": TABLE_COLUMNS["facts"][1:],
    "initiatives": TABLE_COLUMNS["initiatives"],
}
KEYWORDS_PER_DOC = 30
# DuckDB's memory in a build or update: beyond it sorts and joins spill to disk, so the parent's
# memory stays bounded however large the corpus (the bigram index's sort is the largest).
WRITER_MEMORY_LIMIT = "500MB"
# Tables whose row counts a build reports.
COUNTED_TABLES = ("sentences", "sentence_themes", "facts", "terms", "initiatives")


def _insert(con, table, rows, columns):
    """Bulk insert of row dicts (small tables)."""
    append_rows(con, table, [tuple(r.get(c) for c in columns) for r in rows], columns)


# A view, not a table: every document's tf-idf changes with the corpus (N and df), so a stored
# table would be rewritten whole by each add or remove; the view is always that of the corpus.
KEYWORDS_SQL = f"""
create view keywords as
select doc_id, rank::integer as rank, term, count, round(score, 6) as tfidf from (
    select doc_id, term, count, score, row_number() over (partition by doc_id order by score desc, term) as rank
    from (
        select doc_id, term, count,
               count / sum(count) over (partition by doc_id)
               * (ln((1 + (select count(*) from documents)) / (1 + count(*) over (partition by term))) + 1e-3)
               as score
        from terms))
where rank <= {KEYWORDS_PER_DOC}
order by doc_id, rank
"""


# Aggregates the pages read instead of the base tables (docs/schema.md): each a pure function of the
# base tables, rebuilt by `insert_aggregates` and, for one document, by `refresh_document_aggregates`.
# `$docs` restricts the per-document ones to some documents (NULL = all).
_DOCS = "($docs::varchar[] is null or list_contains($docs::varchar[], {col}))"
DOC_AGGREGATES = {
    "doc_theme_counts": f"""
        select doc_id, main_theme as theme, count(*)::integer as n_sentences, sum(length(text))::bigint as n_chars
        from sentences where not is_heading and main_theme is not null and {_DOCS.format(col="doc_id")}
        group by all order by doc_id, theme""",
    "doc_stats": f"""
        select d.doc_id,
               (select count(*) from sentences s where s.doc_id = d.doc_id and not s.is_heading)::integer,
               (select count(*) from sentences s where s.doc_id = d.doc_id and not s.is_heading
                                                     and s.main_theme is not null)::integer,
               (select coalesce(sum(length(s.text)), 0) from sentences s
                 where s.doc_id = d.doc_id and not s.is_heading and s.main_theme is not null)::bigint,
               (select count(*) from facts f where f.doc_id = d.doc_id)::integer,
               (select count(*) from terms t where t.doc_id = d.doc_id)::integer,
               (select coalesce(sum(t.count), 0) from terms t where t.doc_id = d.doc_id)::bigint
        from documents d where {_DOCS.format(col="d.doc_id")} order by d.doc_id""",
    # Character bigrams of every sentence, original and Simplified: the keyword-in-context index
    # (`union all`: the outer distinct removes the repeats, without holding every sentence text in a hash table).
    "sentence_bigrams": f"""
        select distinct substr(x.txt, i, 2) as bigram, x.doc_id, x.sent_no
        from (select doc_id, sent_no, text as txt from sentences where {_DOCS.format(col="doc_id")}
              union all select doc_id, sent_no, text_simplified from sentences where {_DOCS.format(col="doc_id")}) x,
             range(1, length(x.txt)) r(i)
        order by bigram, doc_id, sent_no""",
}
# Aggregates over (region, year, type): rebuilt for the groups a changed document belongs to.
_GROUP = ("($region::varchar is null or (d.region_id = $region and d.year is not distinct from $year::integer"
          " and d.doc_type is not distinct from $doc_type::varchar))")
GROUP_AGGREGATES = {
    "term_totals": f"""
        select d.region_id, d.year, d.doc_type, t.term, sum(t.count)::bigint as count, count(*)::integer as n_docs
        from terms t join documents d using (doc_id) where {_GROUP}
        group by all order by d.region_id, d.year, d.doc_type, t.term""",
    "fact_summary": f"""
        select d.region_id, d.year, d.doc_type, f.theme, f.kind, f.unit, f.indicator, count(*)::integer as n_facts,
               sum(f.value) as value_sum, min(f.value) as value_min, max(coalesce(f.value_max, f.value)) as value_max
        from facts f join documents d using (doc_id) where {_GROUP}
        group by all order by all""",
    # The first mention (by document, sentence, offset) of each name per group and theme, with the columns the
    # initiatives page shows of it (a struct's min is that of its first fields, unique per mention).
    "initiative_firsts": f"""
        select region_id, year, doc_type, theme, name_norm, m.doc_id, m.sent_no, m.char_start, m.name, m.rule from (
            select d.region_id, d.year, d.doc_type, i.theme, i.name_norm,
                   min({{'doc_id': i.doc_id, 'sent_no': i.sent_no, 'char_start': i.char_start, 'name': i.name,
                         'rule': i.rule}}) as m
            from initiatives i join documents d using (doc_id) where {_GROUP} group by all)
        order by region_id, year, doc_type, theme, name_norm""",
}
# Aggregates over (year, type), summed over places from the group aggregates: rebuilt, after them, for
# the (year, type) of a changed document.
_YEAR_TYPE = "($all or (year is not distinct from $year::integer and doc_type is not distinct from $doc_type::varchar))"
YEAR_TYPE_AGGREGATES = {
    "term_year_totals": f"""
        select year, doc_type, term, sum(count)::bigint as count from term_totals where {_YEAR_TYPE}
        group by all order by all""",
}
# Aggregates over (region, year), any type and theme, from the group aggregates: rebuilt, after them, for
# the place and year of a changed document.
_PLACE_YEAR = "($all or (region_id = $region::varchar and year is not distinct from $year::integer))"
PLACE_YEAR_AGGREGATES = {
    "initiative_place_years": f"""
        select region_id, year, name_norm, m.doc_id, m.sent_no, m.char_start, m.name, m.theme, m.rule from (
            select region_id, year, name_norm,
                   min({{'doc_id': doc_id, 'sent_no': sent_no, 'char_start': char_start, 'name': name,
                         'theme': theme, 'rule': rule}}) as m
            from initiative_firsts where {_PLACE_YEAR} group by all)
        order by region_id, year, name_norm""",
}
AGGREGATES = [*DOC_AGGREGATES, *GROUP_AGGREGATES, *YEAR_TYPE_AGGREGATES, *PLACE_YEAR_AGGREGATES]


# Documents whose bigrams are indexed in one statement: the distinct over every sentence's bigrams of
# 10,000 documents (65 M rows) ran out of the writer's memory limit; batches of this many fit in it and
# each stays sorted by bigram, so a lookup still reads few row groups.
BIGRAM_BATCH_DOCS = 1000


def insert_aggregates(con):
    """Fill every aggregate table from the base tables (the bigram index in batches of documents)."""
    for table, sql in DOC_AGGREGATES.items():
        if table == "sentence_bigrams":
            docs = [r[0] for r in con.execute("select doc_id from documents order by doc_id").fetchall()]
            for start in range(0, len(docs), BIGRAM_BATCH_DOCS):
                con.execute(f"insert into {table} {sql}", {"docs": docs[start:start + BIGRAM_BATCH_DOCS]})
        else:
            con.execute(f"insert into {table} {sql}", {"docs": None})
    for table, sql in GROUP_AGGREGATES.items():
        con.execute(f"insert into {table} {sql}", {"region": None, "year": None, "doc_type": None})
    for table, sql in YEAR_TYPE_AGGREGATES.items():
        con.execute(f"insert into {table} {sql}", {"all": True, "year": None, "doc_type": None})
    for table, sql in PLACE_YEAR_AGGREGATES.items():
        con.execute(f"insert into {table} {sql}", {"all": True, "region": None, "year": None})


def insert_keywords(con, n_docs):
    """Top terms per document by tf-idf across the corpus (tf x 1e-3 breaks idf-0 ties): the `keywords` view.

    `n_docs` is what the view counts itself (the documents table); kept for the build's call.
    """
    del n_docs
    con.execute(KEYWORDS_SQL)


def document_hash(result):
    """Hash of one document's source bytes and extracted rows."""
    h = hashlib.sha256(result.document["sha256"].encode())
    h.update(json.dumps([result.sentence_themes, result.facts, result.initiatives], sort_keys=True,
                        ensure_ascii=False, default=str).encode())
    return h.hexdigest()


def content_hash(con, themes):
    """Hash of the extracted content: the documents' hashes in doc_id order, and the themes.

    Read from `doc_content_hashes`, so an incremental update gives the value a full build gives.
    """
    h = hashlib.sha256()
    for (value,) in con.execute("select content_hash from doc_content_hashes order by doc_id").fetchall():
        h.update(value.encode())
    h.update(json.dumps(themes, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, another user's
        return True
    return True


def remove_stale_temp_files(path):
    """Delete the temp warehouses (and their WALs) of builds whose process is gone: a kill -9 leaves them behind.

    A temp file is named after its build's pid; a live pid's file is a
    build in progress and stays.
    """
    path = Path(path)
    removed = []
    for tmp in path.parent.glob(f"{path.name}.tmp-*"):
        pid = tmp.name[len(path.name) + len(".tmp-"):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def insert_results(con, batch, first_fact_id):
    """Insert the rows of some DocResults, numbering their facts from `first_fact_id`; return the facts inserted."""
    _insert(con, "documents", [r.document for r in batch], TABLE_COLUMNS["documents"])
    append_rows(con, "document_texts", [(r.document["doc_id"], r.text) for r in batch], ["doc_id", "text"])
    append_rows(con, "sentences", [s for r in batch for s in r.sentences], ROW_COLUMNS["sentences"])
    append_rows(con, "sentence_themes", [t for r in batch for t in r.sentence_themes], ROW_COLUMNS["sentence_themes"])
    facts = [f for r in batch for f in r.facts]
    append_rows(con, "facts", [(i, *f) for i, f in enumerate(facts, first_fact_id)], TABLE_COLUMNS["facts"])
    append_rows(con, "terms", [(r.document["doc_id"], t, c) for r in batch for t, c in r.terms.items()],
            ["doc_id", "term", "count"])
    append_rows(con, "initiatives", [i for r in batch for i in r.initiatives], ROW_COLUMNS["initiatives"])
    append_rows(con, "doc_content_hashes", [(r.document["doc_id"], document_hash(r), r.text_key or text_key(r.text)) for r in batch],
            ["doc_id", "content_hash", "text_key"])
    return len(facts)


class WarehouseWriter:
    """Writes a warehouse document by document into a temp file, then swaps it in.

    Streaming lets the build insert each document while the workers are
    still extracting the next ones. Use as a context manager: leaving the
    block without `finish()` (an error, an interrupt) deletes the temp file
    and leaves the previous warehouse untouched.
    """

    BATCH = 16

    def __init__(self, path, regions, doc_types, themes):
        self.path = Path(path)
        self.tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        self.themes = list(themes)
        self.doc_ids, self.pending = [], []
        self.n_facts = 0
        self.row_counts = dict.fromkeys(COUNTED_TABLES, 0)
        remove_stale_temp_files(self.path)
        self.tmp.unlink(missing_ok=True)
        self.con = duckdb.connect(str(self.tmp), config={"memory_limit": WRITER_MEMORY_LIMIT})
        self.con.execute("begin")
        self.con.execute(SCHEMA)
        _insert(self.con, "regions", [dict(r, level=region_level(r)) for r in regions],
                ["region_id", "name_zh", "name_en", "province", "city", "district", "subdistrict", "level"])
        _insert(self.con, "doc_types", doc_types, ["doc_type", "name_zh", "name_en"])
        _insert(self.con, "themes", [dict(t, theme=t["id"], sort_order=i) for i, t in enumerate(self.themes)],
                ["theme", "name_zh", "name_en", "color", "definition_zh", "definition_en", "sort_order"])

    def add(self, result):
        """Queue one document; rows go in by batches (one statement per table), then it is let go."""
        self.doc_ids.append(result.document["doc_id"])
        for table in COUNTED_TABLES:
            self.row_counts[table] += len(getattr(result, table))
        self.pending.append(result)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self):
        if self.pending:
            self.n_facts += insert_results(self.con, self.pending, self.n_facts + 1)
        self.pending = []

    def finish(self, info, after_write=None):
        """Add corpus-wide tables, commit, score (`after_write`), swap in; return row counts."""
        self.flush()
        con = self.con
        # The base rows are committed first (the file is still private: readers see it only once renamed),
        # so the aggregates read stored, spillable data rather than one transaction's local storage. This
        # alone did not keep a 10,000-document build within the writer's memory limit; the batched bigram
        # index (BIGRAM_BATCH_DOCS) did.
        con.execute("commit")
        con.execute("begin")
        insert_keywords(con, len(self.doc_ids))
        insert_aggregates(con)
        update_indicator_words(con)
        n_links = insert_fact_links(con)
        insert_indicator_pairs(con)
        build_info = dict(info, built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                          content_hash=content_hash(con, self.themes), n_documents=str(len(self.doc_ids)))
        _insert(con, "build_info", [{"key": k, "value": str(v)} for k, v in sorted(build_info.items())], ["key", "value"])
        con.execute("commit")
        con.close()
        if after_write:
            extra = after_write(self.tmp, list(self.doc_ids)) or {}
            if extra:
                with duckdb.connect(str(self.tmp)) as con:
                    con.executemany("insert or replace into build_info values (?, ?)", sorted(extra.items()))
        spare.copy_in(self.path, self.tmp)   # renames tmp over the warehouse, a copy kept for the next add
        return {"documents": len(self.doc_ids), **self.row_counts, "fact_links": n_links}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.con.close()
        except duckdb.Error:
            pass
        self.tmp.unlink(missing_ok=True)
        Path(f"{self.tmp}.wal").unlink(missing_ok=True)
        return False


def stored_inputs_hash(warehouse):
    """The inputs hash a warehouse was built from, or None when it is missing, unreadable or has none."""
    if not Path(warehouse).exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute("select value from build_info where key = 'inputs_hash'").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


class NeedsFullBuild(Exception):
    """An incremental update cannot give what a full build gives here: rebuild instead."""


def _group_of(con, doc_ids):
    return con.execute("select distinct region_id, year, doc_type from documents where list_contains($ids, doc_id)",
                       {"ids": list(doc_ids)}).fetchall()


def _refresh_aggregates(con, doc_ids, groups):
    """Recompute the aggregates of some documents, of some (region, year, type) groups and of their years and places."""
    for table, sql in DOC_AGGREGATES.items():
        con.execute(f"delete from {table} where list_contains($ids, doc_id)", {"ids": list(doc_ids)})
        con.execute(f"insert into {table} {sql}", {"docs": list(doc_ids)})
    for region, year, doc_type in groups:
        group = {"region": region, "year": year, "doc_type": doc_type}
        for table, sql in GROUP_AGGREGATES.items():
            con.execute(f"delete from {table} where region_id = $region and year is not distinct from $year "
                        f"and doc_type is not distinct from $doc_type", group)
            con.execute(f"insert into {table} {sql}", group)
    for year, doc_type in sorted({(year, doc_type) for _, year, doc_type in groups}, key=str):
        year_type = {"all": False, "year": year, "doc_type": doc_type}
        for table, sql in YEAR_TYPE_AGGREGATES.items():
            con.execute(f"delete from {table} where year is not distinct from $year "
                        f"and doc_type is not distinct from $doc_type", {"year": year, "doc_type": doc_type})
            con.execute(f"insert into {table} {sql}", year_type)
    for region, year in sorted({(region, year) for region, year, _ in groups}, key=str):
        place_year = {"region": region, "year": year}
        for table, sql in PLACE_YEAR_AGGREGATES.items():
            con.execute(f"delete from {table} where region_id = $region and year is not distinct from $year",
                        place_year)
            con.execute(f"insert into {table} {sql}", place_year | {"all": False})


def _remove_documents(con, doc_ids):
    """Delete the documents' rows; renumber later facts as a full build would number them.

    The documents themselves go in a second transaction: DuckDB checks a foreign
    key against the rows committed before, so the referencing rows must be gone
    first. Both are in the private copy, which readers see only once renamed.
    """
    for doc_id in doc_ids:
        hi, n = con.execute("select max(fact_id), count(*) from facts where doc_id = $d", {"d": doc_id}).fetchall()[0]
        con.execute("delete from fact_links where target_doc_id = $d or achievement_doc_id = $d", {"d": doc_id})
        for table in ("facts", "sentence_themes", "sentences", "terms", "initiatives", "document_texts",
                      "doc_content_hashes"):
            con.execute(f"delete from {table} where doc_id = $d", {"d": doc_id})
        if n:
            shift = {"hi": hi, "n": n}
            con.execute("update facts set fact_id = fact_id - $n where fact_id > $hi", shift)
            con.execute("update fact_links set target_fact_id = target_fact_id - $n where target_fact_id > $hi", shift)
            con.execute("update fact_links set achievement_fact_id = achievement_fact_id - $n "
                        "where achievement_fact_id > $hi", shift)
    if doc_ids:
        con.execute("commit")
        con.execute("begin")
        con.execute("delete from documents where list_contains($ids, doc_id)", {"ids": list(doc_ids)})


def update_warehouse(path, regions, themes, info, add=(), remove=(), words=None):
    """Add DocResults to and remove doc_ids from a warehouse, touching only their rows and aggregates.

    Works on a private file and renames it over `path` when done, so a
    reader sees the old or the new warehouse, never a mix. The private file
    is the spare the previous update or build left (`etl.spare`), brought up
    to date, or else a copy. The result
    equals a full build of the changed inputs when the warehouse was built
    from the inputs before the change and every listed document was loaded
    (the caller checks); new documents come last in the manifest, as the
    full build numbers their facts. Configured regions may only have been
    added. Raises NeedsFullBuild otherwise. Returns the row counts.
    `words`: the added documents' indicator words, when already cut.
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    remove_stale_temp_files(path)
    step = {"regions": list(regions), "themes": list(themes), "info": dict(info), "add": list(add),
            "remove": list(remove), "words": dict(words or {})}
    try:
        con = _connect_spare(path, tmp)
        if con is None:
            _drop(tmp)
            shutil.copyfile(path, tmp)
            con = duckdb.connect(str(tmp), config={"memory_limit": WRITER_MEMORY_LIMIT})
        with con:
            counts = _apply_step(con, **step)
        spare.swap_in(path, tmp, step)
    finally:
        _drop(tmp)
    return counts


def _drop(tmp):
    tmp.unlink(missing_ok=True)
    Path(f"{tmp}.wal").unlink(missing_ok=True)


def _connect_spare(path, tmp):
    """A connection on the spare moved to `tmp` and brought up to the warehouse's state, or None (then copy)."""
    taken = spare.take(path, tmp)
    if taken is None:
        return None
    con = None
    try:
        con = duckdb.connect(str(tmp), config={"memory_limit": WRITER_MEMORY_LIMIT})
        if taken[0] is not None:
            _apply_step(con, **taken[0])
        return con
    except (NeedsFullBuild, duckdb.Error):   # a reader in another process holds it, or it no longer replays
        if con is not None:
            con.close()
        return None


def _apply_step(con, regions, themes, info, add, remove, words=None):
    """One update on a connection to the private file, committed; return the row counts."""
    con.execute("begin")
    known = {r[0] for r in con.execute("select region_id from regions").fetchall()}
    new_regions = [dict(r, level=region_level(r)) for r in regions if r["region_id"] not in known]
    _insert(con, "regions", new_regions,
            ["region_id", "name_zh", "name_en", "province", "city", "district", "subdistrict", "level"])
    add_ids = [r.document["doc_id"] for r in add]
    present = {r[0] for r in con.execute("select doc_id from documents where list_contains($ids, doc_id)",
                                         {"ids": [*add_ids, *remove]}).fetchall()}
    if present & set(add_ids) or set(remove) - present:
        raise NeedsFullBuild("a document to add is loaded already, or one to remove is not")
    groups = set(_group_of(con, remove))
    touched = {g[0] for g in groups}
    gone = [r[0] for r in con.execute("select distinct indicator from facts where list_contains($r, doc_id)",
                                      {"r": list(remove)}).fetchall()]
    orphaned = [r[0] for r in con.execute("select distinct target_doc_id from fact_links "
                                          "where list_contains($r, achievement_doc_id)", {"r": list(remove)}).fetchall()]
    _remove_documents(con, remove)
    first = con.execute("select coalesce(max(fact_id), 0) + 1 from facts").fetchall()[0][0]
    insert_results(con, list(add), first)
    groups |= set(_group_of(con, add_ids))
    touched |= {g[0] for g in groups}
    _refresh_aggregates(con, [*remove, *add_ids], sorted(groups, key=str))
    # New places are new words for the tokenizer: every indicator is cut again and every link recomputed.
    update_indicator_words(con, gone=gone, everything=bool(new_regions), known=words)
    if new_regions:
        con.execute("delete from fact_links")
        insert_fact_links(con)
    else:
        refresh_fact_links(con, touched, add_ids, orphaned)
    update_indicator_pairs(con)
    n_docs = con.execute("select count(*) from documents").fetchall()[0][0]
    build_info = dict(info, built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      content_hash=content_hash(con, themes), n_documents=str(n_docs))
    con.execute("delete from build_info")
    _insert(con, "build_info", [{"key": k, "value": str(v)} for k, v in sorted(build_info.items())],
            ["key", "value"])
    counts = {"documents": n_docs, **{t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                                      for t in (*COUNTED_TABLES, "fact_links")}}
    con.execute("commit")
    return counts
