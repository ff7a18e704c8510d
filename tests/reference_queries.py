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
