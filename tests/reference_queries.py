"""The whole-corpus queries the dashboard no longer runs, kept as the reference its chart-sized queries are tested against.

Each returns every row of the filter, as the app's queries did before they
returned only what a chart or a table page shows.
"""
from app.queries import _DOC_FILTER, _df, _doc_params, _list


def facts(con, regions=(), years=(), doc_types=(), themes=(), kinds=(), units=()):
    """Facts with their document and source sentence."""
    params = _doc_params(regions, years, doc_types) | {
        "themes": _list(themes), "kinds": _list(kinds), "units": _list(units)}
    return _df(con, f"""
        select f.fact_id, d.region_id, d.year, d.doc_id, d.title, f.sent_no, f.indicator, f.surface,
               f.value, f.value_max, f.unit, f.kind, f.comparator, f.approximate, f.theme,
               s.text as sentence, s.text_simplified as sentence_simplified, s.section
        from facts f
        join documents d using (doc_id)
        join sentences s on s.doc_id = f.doc_id and s.sent_no = f.sent_no
        where {_DOC_FILTER}
          and ($themes::varchar[] is null or list_contains($themes::varchar[], f.theme))
          and ($kinds::varchar[] is null or list_contains($kinds::varchar[], f.kind))
          and ($units::varchar[] is null or list_contains($units::varchar[], f.unit))
        order by d.region_id, d.year, f.doc_id, f.sent_no, f.char_start""", params)


def term_counts(con, regions=(), years=(), doc_types=()):
    """Word counts per region and year (summed over documents), ties in count by term."""
    return _df(con, f"""
        select d.region_id, d.year, d.term, sum(d.count)::bigint as count
        from term_totals d
        where {_DOC_FILTER}
        group by all order by d.region_id, d.year, count desc, d.term""", _doc_params(regions, years, doc_types))


def headline_facts(con, regions=(), years=(), doc_types=(), themes=()):
    """Targets and achievements with their place, document and sentence, each place's latest year first.

    `place_rank` numbers a place's years (with such facts) from the latest (1): the home page's cards show the latest.
    """
    return _df(con, f"""
        select f.fact_id, d.region_id, d.year, d.doc_id, d.doc_type, d.title, f.sent_no, f.indicator, f.surface,
               f.value, f.value_max, f.unit, f.kind, f.comparator, f.theme,
               dense_rank() over (partition by d.region_id order by d.year desc) as place_rank
        from facts f join documents d using (doc_id)
        where f.kind in ('target', 'achievement') and {_DOC_FILTER}
          and ($themes::varchar[] is null or list_contains($themes::varchar[], f.theme))
        order by d.region_id, d.year desc, f.kind desc, f.doc_id, f.sent_no, f.char_start""",
               _doc_params(regions, years, doc_types) | {"themes": _list(themes)})


def follow_through(con, regions=(), years=(), doc_types=(), themes=()):
    """fact_links with both facts, their documents and sentences; filtered by the target's document and theme."""
    return _df(con, f"""
        select l.region_id, l.target_fact_id, l.achievement_fact_id,
               l.target_doc_id, l.target_sent_no, d.year as target_year, d.title as target_title,
               tf.indicator as target_indicator, tf.surface as target_surface, tf.value as target_value,
               l.achievement_doc_id, l.achievement_sent_no, ad.year as achievement_year,
               ad.title as achievement_title, af.indicator as achievement_indicator,
               af.surface as achievement_surface, af.value as achievement_value,
               l.unit, l.tokens, l.score, l.progress, l.rule
        from fact_links l
        join documents d on d.doc_id = l.target_doc_id
        join documents ad on ad.doc_id = l.achievement_doc_id
        join facts tf on tf.fact_id = l.target_fact_id
        join facts af on af.fact_id = l.achievement_fact_id
        where {_DOC_FILTER}
          and ($themes::varchar[] is null or list_contains($themes::varchar[], tf.theme))
        order by l.region_id, d.year, l.target_doc_id, l.target_sent_no""",
               _doc_params(regions, years, doc_types) | {"themes": _list(themes)})


def initiative_rows(con, regions=(), years=(), doc_types=()):
    """Named initiatives with place, document, sentence number, how many places share them and whether they are new.

    `n_places`: places of the filtered documents that name the same `name_norm`.
    `is_new`: the place's earlier documents (any filter) never name it; null when the
    place has no earlier document, since nothing can be new in a first document.
    """
    return _df(con, f"""
        with place_first as (
            select d.region_id, i.name_norm, min(d.year) as first_year
            from initiatives i join documents d using (doc_id) group by all
        ), place_start as (
            select region_id, min(year) as start_year from documents group by all
        ), rows as (
            select d.region_id, d.year, d.doc_id, d.doc_type, d.title, i.sent_no, i.name, i.name_norm,
                   i.theme, i.rule, i.char_start
            from initiatives i
            join documents d using (doc_id)
            where {_DOC_FILTER}
        )
        select r.*, count(distinct r.region_id) over (partition by r.name_norm) as n_places,
               case when r.year = ps.start_year then null else r.year = pf.first_year end as is_new
        from rows r
        join place_first pf using (region_id, name_norm)
        join place_start ps using (region_id)
        order by r.region_id, r.year, r.doc_id, r.sent_no, r.char_start""", _doc_params(regions, years, doc_types))


def theme_sentences(con, theme, regions=(), years=(), doc_types=()):
    """The body sentences whose main theme is `theme`, with document, section and matched terms."""
    params = _doc_params(regions, years, doc_types) | {"theme": theme}
    return _df(con, f"""
        select d.region_id, d.year, d.doc_id, d.title, s.sent_no, s.section, s.text, s.text_simplified,
               st.evidence, st.score
        from sentences s
        join documents d using (doc_id)
        left join sentence_themes st on st.doc_id = s.doc_id and st.sent_no = s.sent_no and st.theme = s.main_theme
        where not s.is_heading and s.main_theme = $theme and {_DOC_FILTER}
        order by d.region_id, d.year, s.doc_id, s.sent_no""", params)
