"""Every SQL statement of the dashboard, as named functions with bound parameters.

Pages and chart builders call these; no other module holds SQL. Each function
takes a DuckDB connection (or cursor) and plain filter values; an empty
sequence means "no restriction". Values are always bound, never formatted in.
"""
import re

import duckdb
import pandas as pd

# Restricts `documents d` by region, year and document type; NULL = all.
_DOC_FILTER = """
    ($regions::varchar[] is null or list_contains($regions::varchar[], d.region_id))
    and ($years::integer[] is null or list_contains($years::integer[], d.year))
    and ($doc_types::varchar[] is null or list_contains($doc_types::varchar[], d.doc_type))
"""


def _list(values, cast=str):
    """Bound value for a list filter: None (all) when empty."""
    values = [cast(v) for v in (values or ())]
    return values or None


def _doc_params(regions=(), years=(), doc_types=()):
    return {"regions": _list(regions), "years": _list(years, int), "doc_types": _list(doc_types)}


def _df(con, sql, params=None):
    return con.execute(sql, params or {}).df()


def connect(path):
    """Read-only connection: the ETL replaces the file, the dashboard never writes."""
    return duckdb.connect(str(path), read_only=True)


# Position of a region in the configured display order (config/regions.yaml sort_order); unlisted last, by id.
_REGION_ORDER = "coalesce(list_position($order::varchar[], region_id), 2147483647), region_id"


def regions(con, order=()):
    """Every region, in `order` (region ids from the configuration), the others after them by id."""
    return _df(con, f"select * from regions order by {_REGION_ORDER}", {"order": list(order)})


def doc_types(con):
    return _df(con, "select * from doc_types")


def themes(con):
    return _df(con, "select * from themes order by sort_order")


def build_info(con):
    return _df(con, "select key, value from build_info order by key")


def document_count(con):
    """How many documents the warehouse holds (fails on a file that is not a warehouse)."""
    return con.execute("select count(*) from documents").fetchone()[0]


def years(con):
    return [r[0] for r in con.execute("select distinct year from documents order by year").fetchall()]


def documents(con, regions=(), years=(), doc_types=()):
    """Documents with their region and type labels, in region/year order."""
    return _df(con, f"""
        select d.doc_id, d.region_id, r.name_zh as region_zh, r.name_en as region_en, d.year,
               d.year_inferred, d.doc_type, t.name_zh as doc_type_zh, t.name_en as doc_type_en,
               d.title, d.published, d.script, d.n_chars, d.n_sentences, d.source_file, d.encoding, d.sha256
        from documents d
        join regions r using (region_id)
        left join doc_types t using (doc_type)
        where {_DOC_FILTER}
        order by d.region_id, d.year, d.doc_id""", _doc_params(regions, years, doc_types))


def coverage(con, order=()):
    """Every region (including those without documents) with its documents, if any, regions in `order`."""
    return _df(con, f"""
        select r.region_id, r.name_zh as region_zh, r.name_en as region_en,
               d.doc_id, d.year, d.doc_type, t.name_zh as doc_type_zh, t.name_en as doc_type_en,
               d.title, d.n_chars, d.n_sentences,
               coalesce(x.n_facts, 0)::bigint as n_facts
        from regions r
        left join documents d using (region_id)
        left join doc_stats x using (doc_id)
        left join doc_types t using (doc_type)
        order by {_REGION_ORDER.replace("region_id", "r.region_id")}, d.year""", {"order": list(order)})


def theme_counts(con, regions=(), years=(), doc_types=()):
    """Per region, year and main theme: body sentences and their characters.

    Headings are left out (they repeat their section); the totals are over all
    body sentences that have a theme, so shares across themes add up to 1.
    Read from the ETL's per document × theme aggregate (doc_theme_counts).
    """
    return _df(con, f"""
        select d.region_id, d.year, c.theme,
               sum(c.n_sentences)::bigint as n_sentences, sum(c.n_chars)::hugeint as n_chars,
               sum(sum(c.n_sentences)) over (partition by d.region_id, d.year)::hugeint as total_sentences,
               sum(sum(c.n_chars)) over (partition by d.region_id, d.year)::hugeint as total_chars
        from doc_theme_counts c join documents d using (doc_id)
        where {_DOC_FILTER}
        group by d.region_id, d.year, c.theme
        order by d.region_id, d.year, c.theme""", _doc_params(regions, years, doc_types))


def term_counts_first_last(con, region, years=(), doc_types=()):
    """One region's word counts in the first and the last of its filtered years (summed over documents).

    What a term-change chart compares (analysis.term_changes reads only those
    two years), from term_totals; ties in count by term.
    """
    return _df(con, f"""
        with g as (select d.year, d.term, d.count from term_totals d where {_DOC_FILTER}),
        ends as (select min(year) as a, max(year) as b from g)
        select g.year, g.term, sum(g.count)::bigint as count
        from g, ends where g.year = ends.a or g.year = ends.b
        group by all order by g.year, count desc, g.term""", _doc_params([region], years, doc_types))


# Keyword in context: a term of at least this many characters is looked up in the bigram index.
KWIC_MIN_INDEXED = 2
# Candidates checked against the text at least per round: a longer word's bigrams rarely all occur without it.
KWIC_MIN_BATCH = 100


def _bigrams(term):
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


def kwic(con, term, regions=(), years=(), doc_types=(), limit=500):
    """Sentences containing `term` in the original or the Simplified text, the first `limit` in place and year order.

    Candidates come from the character-bigram index (sentence_bigrams: every
    bigram of a matching sentence is in it): the sentences of the word's rarest
    bigram (each bigram counted by an equality lookup, a few row groups of the
    sorted index), taken in display order a batch at a time and checked against
    the text, so only about the sentences shown are read. A word with an
    unknown bigram returns at once. A one-character term is a scan.
    """
    params = _doc_params(regions, years, doc_types) | {"term": term, "limit": int(limit)}
    select = """
        select d.region_id, d.year, d.doc_id, d.title, s.sent_no, s.section, s.text, s.text_simplified,
               s.main_theme"""
    match = "(contains(s.text_simplified, $term) or contains(s.text, $term))"
    order = "order by d.region_id, d.year, s.doc_id, s.sent_no"
    if len(term or "") < KWIC_MIN_INDEXED:
        return _df(con, f"""{select} from sentences s join documents d using (doc_id)
                            where {match} and {_DOC_FILTER} {order} limit $limit""", params)
    rarest = None
    for gram in _bigrams(term):
        n = con.execute("select count(*) from sentence_bigrams where bigram = $g", {"g": gram}).fetchone()[0]
        if n == 0:   # a bigram no sentence has: nothing to read
            return _df(con, f"{select} from sentences s join documents d using (doc_id) where false")
        rarest = min(rarest or (n, gram), (n, gram))
    candidates = "select doc_id, sent_no from sentence_bigrams where bigram = $gram"
    # Two steps: the batch's sentences by row id (a scan of two narrow columns), then their text by row id. As
    # one statement DuckDB reads the text of every sentence before it keeps the batch's.
    find_sql = f"""
        with hits as (
            select c.doc_id, c.sent_no from ({candidates}) c join documents d using (doc_id)
            where {_DOC_FILTER} order by d.region_id, d.year, c.doc_id, c.sent_no limit $batch offset $skip)
        select (select count(*) from hits), coalesce(list(s.rowid), [])
        from sentences s where (s.doc_id, s.sent_no) in (select doc_id, sent_no from hits)"""
    read_sql = f"""
        {select}, {match} as matched
        from (select unnest($ids::bigint[]) as row_id) x
        join sentences s on s.rowid = x.row_id
        join documents d on d.doc_id = s.doc_id
        {order}"""
    params = {k: v for k, v in params.items() if k not in ("limit", "term")} | {"gram": rarest[1]}
    frames, found, skip = [], 0, 0
    while found < limit:
        batch = max(int(limit) - found, KWIC_MIN_BATCH)
        n_candidates, ids = con.execute(find_sql, params | {"batch": batch, "skip": skip}).fetchone()
        frame = _df(con, read_sql, {"ids": list(ids), "term": term})
        frame = frame[frame.matched.astype(bool)].drop(columns="matched").head(int(limit) - found)
        frames.append(frame.reset_index(drop=True))
        found += len(frame)
        skip += batch
        if n_candidates < batch:   # the candidates are exhausted
            break
    return pd.concat(frames, ignore_index=True)


def fact_units(con):
    return _df(con, "select unit, count(*) as n from facts group by unit order by n desc, unit")


def document(con, doc_id):
    """One document's metadata with labels, or an empty frame."""
    return _df(con, """
        select d.*, r.name_zh as region_zh, r.name_en as region_en,
               t.name_zh as doc_type_zh, t.name_en as doc_type_en
        from documents d join regions r using (region_id) left join doc_types t using (doc_type)
        where d.doc_id = $doc_id""", {"doc_id": doc_id})


def document_sentences(con, doc_id):
    """Every unit of a document with its themes (rank order) and matched terms."""
    return _df(con, """
        select s.sent_no, s.section, s.text, s.text_simplified, s.char_start, s.char_end,
               s.is_heading, s.main_theme,
               string_agg(st.theme, ',' order by st.rank) as themes,
               string_agg(nullif(st.evidence, ''), '、' order by st.rank) as evidence
        from sentences s
        left join sentence_themes st on st.doc_id = s.doc_id and st.sent_no = s.sent_no
        where s.doc_id = $doc_id
        group by all order by s.sent_no""", {"doc_id": doc_id})


def document_facts(con, doc_id):
    """A document's facts with offsets relative to their sentence, for highlighting."""
    return _df(con, """
        select f.fact_id, f.sent_no, f.surface, f.value, f.unit, f.kind, f.indicator, f.comparator,
               f.char_start - s.char_start as start_in_sentence,
               f.char_end - s.char_start as end_in_sentence
        from facts f join sentences s on s.doc_id = f.doc_id and s.sent_no = f.sent_no
        where f.doc_id = $doc_id order by f.sent_no, f.char_start""", {"doc_id": doc_id})


def counts(con, regions=(), years=(), doc_types=()):
    """Headline counts for the filtered corpus (facts and body sentences from doc_stats)."""
    row = con.execute(f"""
        select count(distinct d.doc_id), count(distinct d.region_id), min(d.year), max(d.year),
               coalesce(sum(d.n_chars), 0), coalesce(sum(x.n_facts), 0), coalesce(sum(x.n_body_sentences), 0)
        from documents d join doc_stats x using (doc_id) where {_DOC_FILTER}""",
                      _doc_params(regions, years, doc_types)).fetchone()
    keys = ("documents", "regions", "first_year", "last_year", "chars", "facts", "sentences")
    return dict(zip(keys, row))


# ------------------------------------------------------------------ leaders' view (issue 12)

def _cut(n):
    """SQL: the `n`-th smallest `pos` of a group (its largest when it has fewer, null for n = 0).

    Rows up to it are a group's first `n`: an aggregate over one integer, where a window numbering the
    rows would sort every row with its text columns.
    """
    return (f"case when {n} <= 0 then null when count(*) <= {n} then max(pos) "
            f"else list_max(min(pos, least({n}, 999999)::bigint)) end")


# Headline facts and follow-through links a place's card or brief shows at most, when the caller does not say.
PLACE_FACTS = 5


def headline_facts(con, n=PLACE_FACTS, regions=(), years=(), doc_types=(), themes=()):
    """Each place's headline targets and achievements: its latest year (with such facts), the first `n` of each kind.

    In document order, one fact per indicator (its surface when it has none):
    what the home page's cards and a brief show, a few rows per place however
    large the corpus. `place_rank` is 1 (the latest year) on every row.
    """
    return _df(con, f"""
        with latest as (
            select d.region_id, max(d.year) as year from fact_summary d
            where d.kind in ('target', 'achievement') and {_DOC_FILTER}
              and ($themes::varchar[] is null or list_contains($themes::varchar[], d.theme))
            group by d.region_id
        ), docs as (
            select d.* from documents d join latest l using (region_id, year) where {_DOC_FILTER}
        ), f as (
            select f.fact_id, d.region_id, d.year, d.doc_id, d.doc_type, d.title, f.sent_no, f.indicator, f.surface,
                   f.value, f.value_max, f.unit, f.kind, f.comparator, f.theme, f.char_start,
                   coalesce(nullif(f.indicator, ''), f.surface) as headline_key
            from facts f join docs d using (doc_id)
            where f.kind in ('target', 'achievement')
              and ($themes::varchar[] is null or list_contains($themes::varchar[], f.theme))
        ), firsts as (
            select *, row_number() over (partition by region_id, kind, headline_key
                                         order by doc_id, sent_no, char_start) as nth_of_key
            from f
        ), ranked as (
            select *, row_number() over (partition by region_id, kind order by doc_id, sent_no, char_start) as nth
            from firsts where nth_of_key = 1
        )
        select fact_id, region_id, year, doc_id, doc_type, title, sent_no, indicator, surface, value, value_max, unit,
               kind, comparator, theme, 1 as place_rank
        from ranked where nth <= $n
        order by region_id, year desc, kind desc, doc_id, sent_no, char_start""",
               _doc_params(regions, years, doc_types) | {"themes": _list(themes), "n": int(n)})


def follow_through(con, n=PLACE_FACTS, regions=(), years=(), doc_types=(), themes=(), achievement_years=()):
    """Each place's first `n` fact_links with both facts, their documents and sentences.

    Filtered by the target's document and theme (and the achievement's year
    when `achievement_years` is given); a place's links in the order of the
    target's year, document, sentence and fact.
    """
    return _df(con, f"""
        with docs as (
            select d.doc_id, d.year, d.title, row_number() over (order by d.region_id, d.year, d.doc_id) as doc_ord
            from documents d where {_DOC_FILTER}
        ), l as (
            select l.*, d.year as target_year, d.title as target_title,
                   (d.doc_ord::hugeint << 64) + (l.target_sent_no::hugeint << 32) + l.target_fact_id as pos
            from fact_links l
            join docs d on d.doc_id = l.target_doc_id
            join documents ad on ad.doc_id = l.achievement_doc_id
            where ($themes::varchar[] is null
                   or l.target_fact_id in (select fact_id from facts where list_contains($themes::varchar[], theme)))
              and ($a_years::integer[] is null or list_contains($a_years::integer[], ad.year))
        ), cut as (
            select region_id, {_cut("$n")} as cut from l group by region_id
        )
        select l.region_id, l.target_fact_id, l.achievement_fact_id,
               l.target_doc_id, l.target_sent_no, l.target_year, l.target_title,
               tf.indicator as target_indicator, tf.surface as target_surface, tf.value as target_value,
               l.achievement_doc_id, l.achievement_sent_no, ad.year as achievement_year,
               ad.title as achievement_title, af.indicator as achievement_indicator,
               af.surface as achievement_surface, af.value as achievement_value,
               l.unit, l.tokens, l.score, l.progress, l.rule
        from l
        join facts tf on tf.fact_id = l.target_fact_id
        join facts af on af.fact_id = l.achievement_fact_id
        join documents ad on ad.doc_id = l.achievement_doc_id
        join cut c on c.region_id = l.region_id and l.pos <= c.cut
        order by l.region_id, l.pos""",
               _doc_params(regions, years, doc_types) | {"themes": _list(themes), "n": int(n),
                                                         "a_years": _list(achievement_years, int)})


# Rows an initiative table shows (and places a shared initiative lists) when the caller does not say.
INITIATIVE_ROWS = 200
INITIATIVE_USES = 24

# The filtered initiatives, first mention per place, year and name, with n_places (`firsts`), and those of the
# year a place first names it in any document, past the place's first year (`new_firsts`) (initiative_tables).
# Read from the ETL's first mentions (docs/schema.md), not the mentions: per place, year and name
# (initiative_place_years) when neither themes nor types are filtered, a row each; else per place, year, type,
# theme and name (initiative_firsts), the theme filtering the first mentions only, as n_places counts any theme.
# `pos` orders mentions by place, year, document, sentence and offset in one integer: sentence numbers and
# offsets stay under 2^20 (a document holds at most etl.read.MAX_CHARS = 1,000,000 characters). `name_id`
# numbers the names for the per-name group and join (on name_norm, a long string, the join took a third of the query).
_INITIATIVE_POS = "(d.doc_ord << 40) + (a.sent_no::bigint << 20) + a.char_start"
_INITIATIVE_COLUMNS = "a.region_id, a.year, a.name_norm, a.doc_id, a.sent_no, a.name, a.theme, a.rule"
_INITIATIVE_GROUPS = f"""
    groups as (
        select {_INITIATIVE_POS} as pos, {_INITIATIVE_COLUMNS}
        from initiative_place_years a join docs d using (doc_id)
    )"""
# Filtered: a group-by of the matching first mentions only; their columns read once, by row id, per group.
_INITIATIVE_GROUPS_FILTERED = f"""
    group_firsts as (
        select a.region_id, a.year, a.name_norm, min({_INITIATIVE_POS}) as pos,
               arg_min(a.rowid, {_INITIATIVE_POS}) as first_row
        from initiative_firsts a join docs d using (doc_id)
        where $themes::varchar[] is null or list_contains($themes::varchar[], a.theme)
        group by all
    ), groups as (
        select g.pos, {_INITIATIVE_COLUMNS} from group_firsts g join initiative_firsts a on a.rowid = g.first_row
    )"""
_INITIATIVE_FIRSTS = """
    place_first as (
        select region_id, name_norm, min(year) as first_year from initiative_place_years group by all
    ), place_start as (
        select region_id, min(year) as start_year from documents group by all
    ), docs as (
        select d.doc_id, row_number() over (order by d.region_id, d.year, d.doc_id)::bigint as doc_ord
        from documents d where {_DOC_FILTER}
    ), {groups}, n_places as (
        select name_norm, n_places, row_number() over () as name_id from (
            select a.name_norm, count(distinct a.region_id) as n_places
            from {any_theme} a join docs d using (doc_id) group by all)
    ), firsts as materialized (
        select g.*, np.n_places, np.name_id from groups g join n_places np using (name_norm)
    ), new_firsts as materialized (
        select f.* from firsts f
        join place_first pf on pf.region_id = f.region_id and pf.name_norm = f.name_norm and pf.first_year = f.year
        join place_start ps on ps.region_id = f.region_id and f.year <> ps.start_year
    )"""
# A mention's document, sentence and offset from its position, and its columns (initiatives' key).
_INITIATIVE_AT = """
    join docs dd on dd.doc_ord = {pos} >> 40
    join initiatives {alias} on {alias}.doc_id = dd.doc_id and {alias}.sent_no = ({pos} >> 20) & 1048575
                            and {alias}.char_start = {pos} & 1048575"""


def initiative_tables(con, n=INITIATIVE_ROWS, uses=INITIATIVE_USES, regions=(), years=(), doc_types=(), themes=()):
    """The rows of the initiatives page's three tables, each at most `n` long (`part` names the table).

    From the filtered initiatives (their theme in `themes`), the first mention of each place, year and name:
    - `place`: each place's first `n` (by year and position); `total` = all of that place;
    - `new`: the first `n` names new to their place (`is_new`: the place's earlier documents, any filter, never
      name it; null in a place's first year); `total` = all of them;
    - `shared`: names several places share (`n_places`: places of the filtered documents, any theme, naming it),
      most places first (`rank`, ties by first mention), the first `n`, each with its first `uses` place-years
      (`n_uses` = all of them); `name` is the name's first mention; `total` = shared names.
    Row order within a table is that of the page.
    """
    params = _doc_params(regions, years, doc_types) | {"themes": _list(themes), "n": int(n), "uses": int(uses)}
    filtered = params["themes"] is not None or params["doc_types"] is not None
    if not filtered:
        del params["themes"]   # every bound parameter must be used
    firsts = _INITIATIVE_FIRSTS.format(
        _DOC_FILTER=_DOC_FILTER, groups=_INITIATIVE_GROUPS_FILTERED if filtered else _INITIATIVE_GROUPS,
        any_theme="initiative_firsts" if params["doc_types"] is not None else "initiative_place_years")
    return _df(con, f"""
        with {firsts},
        place_cut as (
            select region_id, count(*) as total, {_cut("$n")} as cut from firsts group by region_id
        ), new_total as (
            select count(*) as total from new_firsts
        ), names as (
            select name_id, min(pos) as first_at, arg_min(name, pos) as first_name,
                   count(distinct region_id) as n_shown, count(*) as n_uses, {_cut("$uses")} as cut
            from firsts where n_places > 1 group by name_id
        ), ranked_names as (
            select *, row_number() over (order by n_shown desc, first_at) as rank, count(*) over () as total
            from names
        ), shown as (
            select 'place' as part, f.*, null::bigint as rank, c.total, null::bigint as n_uses,
                   null::varchar as first_name
            from firsts f join place_cut c on c.region_id = f.region_id and f.pos <= c.cut
            union all
            select * from (
                select 'new', f.*, null, (select total from new_total), null, null
                from new_firsts f order by f.pos limit $n)
            union all
            select 'shared', f.*, r.rank, r.total, r.n_uses, r.first_name
            from firsts f join ranked_names r on r.name_id = f.name_id and f.pos <= r.cut
            where r.rank <= $n
        )
        select s.part, s.region_id, s.year, s.doc_id, s.sent_no, coalesce(s.first_name, s.name) as name, s.name_norm,
               s.theme, s.rule, s.n_places,
               case when s.year = ps.start_year then null else s.year = pf.first_year end as is_new,
               s.rank, s.total, s.n_uses
        from shown s
        join place_first pf on pf.region_id = s.region_id and pf.name_norm = s.name_norm
        join place_start ps on ps.region_id = s.region_id
        order by s.part, s.rank, s.pos""", params)


def initiative_years(con, regions=(), years=(), doc_types=()):
    """Per initiative (name_norm) and place: the years it is named, its mentions, and the name's first mention.

    What the deck's initiative table needs (one row per name and place, not per mention); `name` is the
    name as first written in place, year and document order, `mentions` the name's mentions in all places.
    """
    return _df(con, f"""
        with docs as (
            select d.doc_id, d.region_id, d.year,
                   row_number() over (order by d.region_id, d.year, d.doc_id)::bigint as doc_ord
            from documents d where {_DOC_FILTER}
        ), rows_f as (
            select d.region_id, d.year, i.name_norm, (d.doc_ord << 40) + (i.sent_no::bigint << 20) + i.char_start as pos
            from initiatives i join docs d using (doc_id)
        ), names as (
            select name_norm, min(pos) as name_at, count(*) as mentions from rows_f group by name_norm
        ), places as (
            select name_norm, region_id, list(distinct year order by year) as years from rows_f group by all
        )
        select p.name_norm, p.region_id, p.years, i.name, n.mentions
        from places p join names n using (name_norm)
        {_INITIATIVE_AT.format(pos="n.name_at", alias="i")}
        order by p.name_norm, p.region_id""", _doc_params(regions, years, doc_types))


def place_initiatives(con, region_id, year):
    """The initiatives one place names in one year, each with every place (any year) that names it too.

    What a place's brief needs: a handful of rows, where `initiative_rows`
    would fetch every initiative of the corpus to count the places.
    """
    return _df(con, """
        with mine as (
            select d.doc_id, i.sent_no, i.char_start, i.name, i.name_norm
            from initiatives i join documents d using (doc_id)
            where d.region_id = $region and d.year = $year
        ), named_by as (
            select i.name_norm, list(distinct d.region_id order by d.region_id) as places
            from initiatives i join documents d using (doc_id)
            where i.name_norm in (select name_norm from mine)
            group by i.name_norm
        )
        select m.*, n.places, len(n.places) as n_places
        from mine m join named_by n using (name_norm)
        order by m.doc_id, m.sent_no, m.char_start""", {"region": region_id, "year": int(year)})


def place_years(con, regions=(), years=(), doc_types=()):
    """(region_id, year) pairs that have documents, with their documents' ids, types and titles."""
    return _df(con, f"""
        select d.region_id, d.year, list(d.doc_id order by d.doc_id) as doc_ids,
               list(d.doc_type order by d.doc_id) as doc_types, list(d.title order by d.doc_id) as titles
        from documents d where {_DOC_FILTER}
        group by all order by d.region_id, d.year""", _doc_params(regions, years, doc_types))


# ------------------------------------------------------------------ chart-sized results (issue 10)
# These return what a chart or a table page shows (top N and the rest, one page of rows) so a page
# never fetches a whole corpus (tests/reference_queries.py keeps the whole-corpus queries they replaced).

# Rows of a paged table when the page does not say.
PAGE_SIZE = 50
# Bars of a top-N chart when the chart does not say.
TOP_N = 20


def _page(con, sql, params, limit, offset):
    """(one page of `sql`'s rows, how many rows there are in all)."""
    total = con.execute(f"select count(*) from ({sql})", params).fetchone()[0]
    frame = _df(con, f"{sql} limit $limit offset $offset", params | {"limit": int(limit), "offset": int(offset)})
    return frame, total


def _top_with_others(con, grouped_sql, params, n):
    """Top `n` rows of `grouped_sql` (columns key, n) by n, then one row (key null, is_other) for the rest."""
    return _df(con, f"""
        with g as ({grouped_sql}),
        r as (select key, n, row_number() over (order by n desc, key) as rank from g)
        select key, n, false as is_other from r where rank <= $top
        union all
        select null, sum(n), true from r where rank > $top having count(*) > 0
        order by is_other, n desc, key""", params | {"top": int(n)})


_FACT_FILTER = """
    ($themes::varchar[] is null or list_contains($themes::varchar[], d.theme))
    and ($kinds::varchar[] is null or list_contains($kinds::varchar[], d.kind))
    and ($units::varchar[] is null or list_contains($units::varchar[], d.unit))
"""


def _fact_params(regions, years, doc_types, themes, kinds, units):
    return _doc_params(regions, years, doc_types) | {
        "themes": _list(themes), "kinds": _list(kinds), "units": _list(units)}


# Columns of fact_summary the pages count facts by (a whitelist: the name goes into the SQL text).
FACT_COUNT_COLUMNS = ("unit", "theme")


def fact_counts(con, by, regions=(), years=(), doc_types=(), themes=(), kinds=(), units=()):
    """Filtered facts counted by `by` (unit or theme), most first, ties by value: the choices a page offers."""
    if by not in FACT_COUNT_COLUMNS:
        raise ValueError(f"facts are counted by {FACT_COUNT_COLUMNS}, not {by!r}")
    return _df(con, f"""
        select d.{by} as key, sum(d.n_facts)::bigint as n from fact_summary d
        where d.{by} is not null and {_DOC_FILTER} and {_FACT_FILTER}
        group by d.{by} order by n desc, key""", _fact_params(regions, years, doc_types, themes, kinds, units))


def top_unit(con, regions=(), years=(), doc_types=(), themes=(), kinds=()):
    """The most frequent unit of the filtered facts (ties by unit), or None: from fact_summary."""
    counts = fact_counts(con, "unit", regions, years, doc_types, themes, kinds)
    return counts["key"].iloc[0] if not counts.empty else None


def fact_total(con, regions=(), years=(), doc_types=(), themes=(), kinds=(), units=()):
    """How many facts the filter holds (those without a unit or theme too), from fact_summary."""
    return int(con.execute(f"""
        select coalesce(sum(d.n_facts), 0) from fact_summary d where {_DOC_FILTER} and {_FACT_FILTER}""",
                           _fact_params(regions, years, doc_types, themes, kinds, units)).fetchone()[0])


def fact_indicators_top(con, n=TOP_N, regions=(), years=(), doc_types=(), themes=(), kinds=(), units=()):
    """Indicators by number of facts: the top `n` (key = indicator), then an 'others' row (is_other)."""
    return _top_with_others(con, f"""
        select d.indicator as key, sum(d.n_facts)::bigint as n from fact_summary d
        where d.indicator is not null and {_DOC_FILTER} and {_FACT_FILTER} group by d.indicator""",
                            _fact_params(regions, years, doc_types, themes, kinds, units), n)


def terms_top(con, n=TOP_N, regions=(), years=(), doc_types=()):
    """Terms by count in the filtered documents: the top `n` (key = term), then an 'others' row (is_other).

    Without a place, from the per-year totals (term_year_totals), not every place's rows.
    """
    if regions:
        grouped = f"select d.term as key, sum(d.count)::bigint as n from term_totals d where {_DOC_FILTER} group by d.term"
    else:
        grouped = """select d.term as key, sum(d.count)::bigint as n from term_year_totals d
                     where ($years::integer[] is null or list_contains($years::integer[], d.year))
                       and ($doc_types::varchar[] is null or list_contains($doc_types::varchar[], d.doc_type))
                     group by d.term"""
    params = _doc_params(regions, years, doc_types)
    if not regions:
        del params["regions"]
    return _top_with_others(con, grouped, params, n)


def _doc_window(con, counts_sql, params, limit, offset):
    """(doc_ids whose rows hold rows offset..offset+limit of a listing in document order, rows before the first, total).

    `counts_sql` gives (doc_id, n) for the filtered documents `d`: how many rows each holds. The listing runs
    by place, year and document, so a page needs only the few documents that hold it, read by equality
    (a zone-map lookup each), never the whole table sorted.
    """
    rows = con.execute(f"""
        with c as ({counts_sql}),
        o as (select c.doc_id, c.n, sum(c.n) over (order by d.region_id, d.year, d.doc_id) - c.n as before
              from c join documents d using (doc_id) where c.n > 0)
        select (select coalesce(sum(n), 0) from o), doc_id, before from o
        where before < $w_end and before + n > $w_start order by before""",
                       params | {"w_start": int(offset), "w_end": int(offset) + int(limit)}).fetchall()
    if not rows:
        total = con.execute(f"select coalesce(sum(n), 0) from ({counts_sql})", params).fetchone()[0]
        return [], 0, int(total)
    return [r[1] for r in rows], int(rows[0][2]), int(rows[0][0])


def _window_rows(con, select_sql, order, params, doc_ids, skip, limit):
    """The rows of `select_sql` (with `$doc` for one document) in the window's documents, `skip` rows in, `limit` long."""
    if not doc_ids:
        return None
    names = [f"w_doc{i}" for i in range(len(doc_ids))]
    union = " union all ".join(f"({select_sql.replace('$doc', '$' + n)})" for n in names)
    sql = f"select * from ({union}) order by {order} limit $w_limit offset $w_skip"
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    return _df(con, sql, used | dict(zip(names, doc_ids)) | {"w_limit": int(limit), "w_skip": int(skip)})


def facts_page(con, limit=PAGE_SIZE, offset=0, regions=(), years=(), doc_types=(), themes=(), kinds=(), units=()):
    """One page of the filtered facts with their document and sentence, and the number of filtered facts.

    In place, year, document and position order; read from the few documents that hold the page.
    """
    params = _fact_params(regions, years, doc_types, themes, kinds, units)
    doc_ids, before, total = _doc_window(con, f"""
        select f.doc_id, count(*) as n from facts f join documents d using (doc_id)
        where {_DOC_FILTER} and {_FACT_FILTER.replace("d.", "f.")} group by f.doc_id""",
                                         params, limit, offset)
    frame = _window_rows(con, f"""
        select f.fact_id, d.region_id, d.year, d.doc_id, d.title, f.sent_no, f.indicator, f.surface,
               f.value, f.value_max, f.unit, f.kind, f.comparator, f.approximate, f.theme,
               s.text as sentence, s.text_simplified as sentence_simplified, s.section, f.char_start
        from facts f
        join documents d using (doc_id)
        join sentences s on s.doc_id = f.doc_id and s.sent_no = f.sent_no
        where f.doc_id = $doc and s.doc_id = $doc and {_FACT_FILTER.replace("d.", "f.")}""",
                         "region_id, year, doc_id, sent_no, char_start", params, doc_ids, offset - before, limit)
    if frame is None:
        frame = _df(con, """select null::integer as fact_id, null::varchar as region_id, null::integer as year,
                                   null::varchar as doc_id, null::varchar as title, null::integer as sent_no,
                                   null::varchar as indicator, null::varchar as surface, null::double as value,
                                   null::double as value_max, null::varchar as unit, null::varchar as kind,
                                   null::varchar as comparator, null::boolean as approximate, null::varchar as theme,
                                   null::varchar as sentence, null::varchar as sentence_simplified,
                                   null::varchar as section, null::integer as char_start where false""")
    return frame.drop(columns="char_start"), total


def theme_sentences_page(con, theme, limit=PAGE_SIZE, offset=0, regions=(), years=(), doc_types=()):
    """One page of the body sentences whose main theme is `theme` (document, section, matched terms), and their number.

    In place, year, document and sentence order; counted from doc_theme_counts and read from the few
    documents that hold the page.
    """
    params = _doc_params(regions, years, doc_types) | {"theme": theme}
    doc_ids, before, total = _doc_window(con, f"""
        select c.doc_id, c.n_sentences as n from doc_theme_counts c join documents d using (doc_id)
        where c.theme = $theme and {_DOC_FILTER}""", params, limit, offset)
    frame = _window_rows(con, """
        select d.region_id, d.year, d.doc_id, d.title, s.sent_no, s.section, s.text, s.text_simplified,
               st.evidence, st.score
        from sentences s
        join documents d using (doc_id)
        left join sentence_themes st on st.doc_id = s.doc_id and st.sent_no = s.sent_no and st.theme = s.main_theme
        where s.doc_id = $doc and d.doc_id = $doc and not s.is_heading and s.main_theme = $theme""",
                         "region_id, year, doc_id, sent_no", params, doc_ids, offset - before, limit)
    if frame is None:
        frame = _df(con, """select null::varchar as region_id, null::integer as year, null::varchar as doc_id,
                                   null::varchar as title, null::integer as sent_no, null::varchar as section,
                                   null::varchar as text, null::varchar as text_simplified, null::varchar as evidence,
                                   null::double as score where false""")
    return frame, total


def documents_page(con, limit=PAGE_SIZE, offset=0, regions=(), years=(), doc_types=()):
    """One page of `documents` (same columns and order) and the number of filtered documents."""
    return _page(con, f"""
        select d.doc_id, d.region_id, r.name_zh as region_zh, r.name_en as region_en, d.year,
               d.year_inferred, d.doc_type, t.name_zh as doc_type_zh, t.name_en as doc_type_en,
               d.title, d.published, d.script, d.n_chars, d.n_sentences, d.source_file, d.encoding, d.sha256
        from documents d
        join regions r using (region_id)
        left join doc_types t using (doc_type)
        where {_DOC_FILTER}
        order by d.region_id, d.year, d.doc_id""", _doc_params(regions, years, doc_types), limit, offset)


def term_pair_counts(con, region, compare_with=None, years=(), doc_types=()):
    """Per term, its count in `region` (y_a) and in `compare_with` or every other region (y_b), by term.

    What the keyness chart needs (analysis.keyness_from_pairs), one row per term,
    summed in DuckDB: the region's from term_totals, the rest as the corpus's
    per-year totals (term_year_totals) less the region's, so no query sums
    every place's rows; no rows when either side has no words.
    """
    if not region or region == compare_with:
        return pd.DataFrame(columns=["term", "y_a", "y_b"])
    params = {k: v for k, v in _doc_params((), years, doc_types).items() if k != "regions"} | {
        "a": region, "b": compare_with}
    year_type = """($years::integer[] is null or list_contains($years::integer[], d.year))
        and ($doc_types::varchar[] is null or list_contains($doc_types::varchar[], d.doc_type))"""
    if compare_with:
        other = f"select d.term, sum(d.count) as n from term_totals d where d.region_id = $b and {year_type} group by d.term"
    else:
        del params["b"]
        other = f"""
            select coalesce(e.term, a.term) as term, coalesce(e.n, 0) - coalesce(a.n, 0) as n
            from (select d.term, sum(d.count) as n from term_year_totals d where {year_type} group by d.term) e
            full join a using (term)"""
    frame = _df(con, f"""
        with a as (
            select d.term, sum(d.count) as n from term_totals d where d.region_id = $a and {year_type} group by d.term
        ), b as ({other})
        select term, coalesce(a.n, 0)::bigint as y_a, coalesce(b.n, 0)::bigint as y_b
        from a full join b using (term)
        where coalesce(a.n, 0) + coalesce(b.n, 0) > 0 order by term""", params)
    if frame.empty or frame.y_a.sum() == 0 or (compare_with and frame.y_b.sum() == 0):
        return frame.iloc[:0]
    return frame


# Targets a target/achievement chart shows: more bars are not readable.
TOP_PAIRS = 30


def target_achievement_pairs(con, unit, n=TOP_PAIRS, regions=(), years=(), doc_types=(), themes=()):
    """The pairs a target/achievement chart shows: at most `n` targets, each with one achievement, and how many there are.

    A target and an achievement of the filtered facts of `unit` pair when they
    share the place and the theme and their indicators are similar (the ETL's
    indicator_pairs). A target keeps the achievement of the nearest year at or
    after its own (an earlier one only when there is none), then the smallest
    fact id; the latest targets come first, then by place, indicator and fact id.
    `n_targets`: every target with a pair. Only the keys of the facts are
    joined before the `n` targets are chosen, so the cost follows the facts
    of the unit, not the pairs.
    """
    params = _doc_params(regions, years, doc_types) | {"unit": unit, "themes": _list(themes), "n": int(n)}
    return _df(con, f"""
        with f as materialized (
            select f.fact_id, d.region_id, d.year, f.theme, f.kind, coalesce(f.indicator, '') as indicator,
                   f.value, f.surface
            from facts f join documents d using (doc_id)
            where f.unit = $unit and f.theme is not null and f.kind in ('target', 'achievement') and {_DOC_FILTER}
              and ($themes::varchar[] is null or list_contains($themes::varchar[], f.theme))
        ), paired_keys as (
            select distinct t.region_id, t.theme, t.indicator
            from (select distinct region_id, theme, indicator from f where kind = 'target') t
            join indicator_pairs p on p.indicator_a = t.indicator
            join (select distinct region_id, theme, indicator from f where kind = 'achievement') a
              on a.region_id = t.region_id and a.theme = t.theme and a.indicator = p.indicator_b
        ), paired as (
            select f.* from f join paired_keys using (region_id, theme, indicator) where f.kind = 'target'
        ), shown as (
            select * from paired order by year desc, region_id, indicator, fact_id limit $n
        ), ranked as (
            select s.region_id, s.theme, s.indicator, s.fact_id as target_fact, s.value as target,
                   s.surface as target_surface, s.year as target_year,
                   a.fact_id as achievement_fact, a.value as achievement, a.surface as achievement_surface,
                   a.year as achievement_year,
                   row_number() over (partition by s.fact_id
                                      order by a.year < s.year, abs(a.year - s.year), a.fact_id) as pick
            from shown s
            join indicator_pairs p on p.indicator_a = s.indicator
            join f a on a.kind = 'achievement' and a.region_id = s.region_id and a.theme = s.theme
                    and a.indicator = p.indicator_b
        )
        select * exclude (pick), (select count(*) from paired) as n_targets
        from ranked where pick = 1
        order by target_year desc, region_id, indicator, target_fact""", params)


def document_facets(con, regions=(), years=(), doc_types=()):
    """The regions, years and document types the filtered documents cover: what a subtitle names, not the documents."""
    row = con.execute(f"""
        select coalesce(list(distinct d.region_id), []), coalesce(list(distinct d.year order by d.year), []),
               coalesce(list(distinct d.doc_type order by d.doc_type) filter (where d.doc_type is not null), [])
        from documents d where {_DOC_FILTER}""", _doc_params(regions, years, doc_types)).fetchone()
    return {"regions": list(row[0]), "years": [int(y) for y in row[1]], "doc_types": list(row[2])}


def source_documents(con, limit, groups=None, regions=(), years=(), doc_types=()):
    """The first `limit` filtered documents (documents' columns and order) and how many there are.

    `groups`: only the documents of these (region_id, year) pairs, when given.
    """
    groups = list(groups) if groups is not None else None
    params = _doc_params(regions, years, doc_types) | {
        "g_regions": [r for r, _ in groups] if groups is not None else None,
        "g_years": [int(y) for _, y in groups] if groups is not None else None}
    return _page(con, f"""
        select d.doc_id, d.region_id, d.year, d.doc_type, d.title
        from documents d
        where {_DOC_FILTER}
          and ($g_regions::varchar[] is null
               or list_contains(list_zip($g_regions::varchar[], $g_years::integer[]), (d.region_id, d.year)))
        order by d.region_id, d.year, d.doc_id""", params, limit, 0)


# Facts a facts chart shows: one bar each, more are not readable.
FACT_BARS = 50


def facts_chart(con, unit, n=FACT_BARS, regions=(), years=(), doc_types=(), themes=(), kinds=()):
    """The `n` largest filtered facts of `unit` (ties by fact id), by theme then value, and how many there are (n_facts).

    Within a theme and value, facts keep the document order of `facts`.
    """
    params = _fact_params(regions, years, doc_types, themes, kinds, (unit,)) | {"n": int(n)}
    return _df(con, f"""
        with f as (
            select f.fact_id, d.region_id, d.year, f.doc_id, f.sent_no, f.char_start, f.indicator, f.surface,
                   f.value, f.kind, f.theme, count(*) over () as n_facts
            from facts f join documents d using (doc_id)
            where {_DOC_FILTER} and {_FACT_FILTER.replace("d.", "f.")}
        ), shown as (select * from f order by value desc nulls last, fact_id limit $n)
        select fact_id, region_id, year, doc_id, sent_no, indicator, surface, value, kind, theme, n_facts
        from shown
        order by theme nulls last, value nulls last, region_id, year, doc_id, sent_no, char_start""", params)
