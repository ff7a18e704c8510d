"""Chart-sized queries: top N with an 'others' row and paged tables agree with the full queries."""
import pandas as pd
import pytest
import reference_queries

from app import queries


@pytest.fixture(params=["built_warehouse", "generated_warehouse"])
def wcon(request):
    c = queries.connect(request.getfixturevalue(request.param))
    yield c
    c.close()


def _check_top(top, full, n):
    """`full`: the key → n counts the top-N is a view of."""
    full = full.sort_values(ascending=False)
    head = top[~top.is_other]
    assert len(head) == min(n, len(full))
    assert list(head.n) == list(full.iloc[:n])
    assert set(head.key) <= set(full.index)
    others = top[top.is_other]
    assert int(top.n.sum()) == int(full.sum())
    assert len(others) == (1 if len(full) > n else 0)


@pytest.mark.parametrize("n", [1, 5, 100000])
def test_terms_top_with_others(wcon, n):
    full = reference_queries.term_counts(wcon).groupby("term")["count"].sum()
    _check_top(queries.terms_top(wcon, n=n), full, n)
    region = queries.documents(wcon).region_id.iloc[0]
    full = reference_queries.term_counts(wcon, regions=[region]).groupby("term")["count"].sum()
    _check_top(queries.terms_top(wcon, n=n, regions=[region]), full, n)


@pytest.mark.parametrize("n", [3, 100000])
def test_fact_indicators_top_with_others(wcon, n):
    facts = reference_queries.facts(wcon)
    unit = facts.unit.value_counts().index[0]
    full = facts[facts.unit == unit].groupby("indicator").size()
    _check_top(queries.fact_indicators_top(wcon, n=n, units=[unit]), full, n)


def test_top_unit_is_the_most_frequent(wcon):
    facts = reference_queries.facts(wcon)
    counts = facts.unit.value_counts()
    best = sorted(u for u, c in counts.items() if c == counts.iloc[0])[0]
    assert queries.top_unit(wcon) == best
    assert queries.top_unit(wcon, regions=["no such place"]) is None


@pytest.mark.parametrize("size", [7, 40])
def test_pages_cover_the_full_query_in_order(wcon, size):
    """Paged tables (read from the documents that hold each page) give the rows of the whole query, in order."""
    region = queries.documents(wcon).region_id.iloc[-1]
    last = queries.years(wcon)[-3:]
    cases = [(queries.documents_page, queries.documents, {})]
    for kw in ({}, {"regions": [region]}, {"years": last, "doc_types": ["plan", "summary"]}):
        cases += [(lambda c, **k: queries.theme_sentences_page(c, "economy", **k),
                   lambda c, **k: reference_queries.theme_sentences(c, "economy", **k), kw)]
    for kw in ({}, {"regions": [region]}, {"kinds": ["target"], "years": last}, {"themes": ["economy", "party"]},
               {"units": ["个"]}):
        cases += [(queries.facts_page, reference_queries.facts, kw)]
    for paged, whole, kw in cases:
        full = whole(wcon, **kw)
        parts, offset = [], 0
        while True:
            page, total = paged(wcon, limit=size, offset=offset, **kw)
            assert total == len(full)
            if page.empty:
                break
            parts.append(page)
            offset += size
        got = pd.concat(parts, ignore_index=True) if parts else full.iloc[:0]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), full.reset_index(drop=True), check_dtype=False)


def test_paged_filters_are_server_side(wcon):
    region = queries.documents(wcon).region_id.iloc[0]
    page, total = queries.facts_page(wcon, limit=5, regions=[region], kinds=["target"])
    assert total == len(reference_queries.facts(wcon, regions=[region], kinds=["target"]))
    assert set(page.region_id) <= {region} and set(page.kind) <= {"target"} and len(page) <= 5


def test_keyness_from_summed_pairs_equals_keyness_of_the_rows(wcon):
    from app import analysis
    regions = list(queries.documents(wcon).region_id.unique())
    yrs = queries.years(wcon)
    cases = [(regions[0], None, ()), (regions[-1], regions[0], ()), (regions[0], None, yrs[-2:]),
             (regions[0], "no such place", ()), ("no such place", None, ())]
    for region, other, years in cases:
        expected = analysis.keyness(reference_queries.term_counts(wcon, years=years), region, other)
        got = analysis.keyness_from_pairs(queries.term_pair_counts(wcon, region, other, years=years))
        assert len(got) == len(expected), (region, other)
        if len(expected):
            e = expected.set_index("term").sort_index()
            g = got.set_index("term").sort_index()
            pd.testing.assert_frame_equal(g, e, check_dtype=False)
            assert list(got.term[:20]) == list(expected.term[:20])


def test_a_places_initiatives_name_every_place_that_shares_them(wcon):
    """The brief's query gives what counting over every initiative of the corpus gives."""
    every = reference_queries.initiative_rows(wcon)
    named_by = every.groupby("name_norm").region_id.agg(lambda s: sorted(set(s)))
    pairs = every[["region_id", "year"]].drop_duplicates().head(12)
    assert len(pairs) > 3
    for region, year in pairs.itertuples(index=False):
        got = queries.place_initiatives(wcon, region, year)
        mine = every[(every.region_id == region) & (every.year == year)]
        assert list(got.name_norm) == list(mine.name_norm)
        assert [list(p) for p in got.places] == [named_by[n] for n in got.name_norm]
        assert list(got.n_places) == [len(named_by[n]) for n in got.name_norm]
    assert queries.place_initiatives(wcon, "no such place", 2020).empty


def test_fact_counts_and_total_agree_with_the_facts(wcon):
    """The targets page offers its units and themes, and counts its facts, from fact_summary, not every row."""
    facts = reference_queries.facts(wcon)
    region = facts.region_id.iloc[0]
    for args in ({}, {"regions": [region]}, {"kinds": ["target"]}, {"units": [facts.unit.mode()[0]]}):
        rows = reference_queries.facts(wcon, **args)
        assert queries.fact_total(wcon, **args) == len(rows)
        for by in ("unit", "theme"):
            counts = queries.fact_counts(wcon, by, **args)
            expected = rows[by].dropna().value_counts()
            assert dict(zip(counts.key, counts.n)) == expected.to_dict()
            assert list(counts.n) == sorted(counts.n, reverse=True)
    with pytest.raises(ValueError):
        queries.fact_counts(wcon, "sentence; drop table facts")


def test_term_changes_from_the_first_and_last_year_equal_those_of_every_year(wcon):
    """The trend page's term changes read two years of one region; analysis.term_changes on every year gives the same."""
    from app import analysis
    docs = queries.documents(wcon)
    yrs = queries.years(wcon)
    checked = 0
    for region in docs.region_id.unique()[:4]:
        for years, doc_types in (((), ()), (yrs[-6:], ()), ((), ("plan", "summary"))):
            every = reference_queries.term_counts(wcon, regions=[region], years=years, doc_types=doc_types)
            two = queries.term_counts_first_last(wcon, region, years=years, doc_types=doc_types)
            assert set(two.year) <= {every.year.min(), every.year.max()}
            expected, expected_years = analysis.term_changes(every)
            got, got_years = analysis.term_changes(two)
            assert got_years == expected_years
            pd.testing.assert_frame_equal(got, expected)
            checked += not expected.empty
    assert checked
    assert queries.term_counts_first_last(wcon, "no such place").empty


def test_facts_chart_is_the_largest_facts_in_the_facts_order(wcon):
    facts = reference_queries.facts(wcon)
    unit = facts.unit.value_counts().index[0]
    region = facts.region_id.iloc[0]
    for args in ({}, {"regions": [region]}, {"kinds": ["target"]}, {"themes": ["economy"]}):
        for n in (5, 10 ** 6):
            rows = reference_queries.facts(wcon, units=[unit], **args)
            got = queries.facts_chart(wcon, unit, n=n, **args)
            largest = rows.assign(v=rows.value.fillna(float("-inf"))).sort_values(["v", "fact_id"], ascending=[False, True])
            expected = rows[rows.fact_id.isin(largest.fact_id.head(n))].sort_values(["theme", "value"])
            assert list(got.fact_id) == list(expected.fact_id), (args, n)
            assert list(got.surface) == list(expected.surface)
            assert (got.n_facts == len(rows)).all()


def _filter_cases(con):
    regions = list(queries.documents(con).region_id.unique())
    yrs = queries.years(con)
    return [{}, {"regions": regions[:1]}, {"years": yrs[-1:]}, {"regions": regions[:2], "years": yrs[-3:]},
            {"doc_types": ["plan"]}, {"themes": ["economy"]}]


def test_headline_facts_are_the_cards_of_every_latest_fact(wcon):
    """The home page's cards from the chart-sized query = brief.headline over every fact of each place's latest year."""
    from app import brief
    for case in _filter_cases(wcon):
        every = reference_queries.headline_facts(wcon, **case)
        latest = every[every.place_rank == 1]
        for n in (1, 3, 5):
            got = queries.headline_facts(wcon, n=n, **case)
            assert sorted(set(got.region_id)) == sorted(set(latest.region_id)), case
            for region in set(latest.region_id):
                mine, rows = got[got.region_id == region], latest[latest.region_id == region]
                for kind in ("target", "achievement"):
                    expected = [r.fact_id for r in brief.headline(rows, kind, n)]
                    assert list(mine.fact_id[mine.kind == kind]) == expected, (case, region, kind, n)
                assert set(mine.year) == set(rows.year)


def test_follow_through_is_each_places_first_links(wcon):
    for case in _filter_cases(wcon):
        # The reference leaves the order of two targets of one sentence open; the query takes the smaller fact id first.
        every = reference_queries.follow_through(wcon, **case).sort_values(
            ["region_id", "target_year", "target_doc_id", "target_sent_no", "target_fact_id"], kind="stable")
        for n in (1, 3, 10 ** 6):
            got = queries.follow_through(wcon, n=n, **case)
            expected = every.groupby("region_id", sort=False).head(n)
            assert sorted(got.target_fact_id) == sorted(expected.target_fact_id), (case, n)
            assert list(got.region_id) == list(expected.region_id)
            assert got.groupby("region_id").size().max() <= n if len(got) else True
        for year in sorted(set(every.achievement_year))[-2:]:
            got = queries.follow_through(wcon, n=10 ** 6, achievement_years=[year], **case)
            assert sorted(got.target_fact_id) == sorted(every.target_fact_id[every.achievement_year == year])


def _old_initiative_tables(every, themes, n, uses):
    """The initiatives page's three tables as it computed them from every initiative of the filter."""
    ini = every[every.theme.isin(themes)] if themes else every
    shared = []
    for _norm, grp in ini[ini.n_places > 1].groupby("name_norm", sort=False):
        first = grp.drop_duplicates(["region_id", "year"])
        shared.append((grp.name.iloc[0], [(r.region_id, int(r.year), r.doc_id, int(r.sent_no))
                                          for r in first.itertuples()]))
    shared.sort(key=lambda x: -len({u[0] for u in x[1]}))
    new = ini[ini.is_new.fillna(False).astype(bool)].drop_duplicates(["region_id", "name_norm"])
    places = {r: grp.drop_duplicates(["year", "name_norm"]) for r, grp in ini.groupby("region_id")}
    return ([(name, u[:uses], len(u)) for name, u in shared[:n]], len(shared), new.head(n), len(new),
            {r: (g.head(n), len(g)) for r, g in places.items()})


def _rows(frame):
    return [(r.region_id, int(r.year), r.doc_id, int(r.sent_no), r.name, r.name_norm, r.rule,
             None if pd.isna(r.theme) else r.theme, int(r.n_places), None if pd.isna(r.is_new) else bool(r.is_new))
            for r in frame.itertuples()]


def test_initiative_tables_are_the_pages_tables_of_every_initiative(wcon):
    """The page's shared, new and per-place tables from the chart-sized query = those computed from every row."""
    for case in _filter_cases(wcon):
        themes = case.pop("themes", ())
        every = reference_queries.initiative_rows(wcon, **case)
        for n, uses in ((3, 2), (200, 24)):
            shared, n_shared, new, n_new, places = _old_initiative_tables(every, themes, n, uses)
            got = queries.initiative_tables(wcon, n=n, uses=uses, themes=themes, **case)
            s = got[got.part == "shared"]
            got_shared = [(g.name.iloc[0], [(r.region_id, int(r.year), r.doc_id, int(r.sent_no)) for r in g.itertuples()],
                           int(g.n_uses.iloc[0])) for _, g in s.groupby("rank", sort=True)]
            assert got_shared == shared, (case, themes, n)
            assert (s.total == n_shared).all()
            g_new = got[got.part == "new"]
            assert _rows(g_new) == _rows(new) and (g_new.total == n_new).all(), (case, themes, n)
            g_place = got[got.part == "place"]
            assert set(g_place.region_id) == set(places)
            for region, (rows, total) in places.items():
                mine = g_place[g_place.region_id == region]
                assert _rows(mine) == _rows(rows) and (mine.total == total).all(), (case, region, n)


def test_initiative_years_give_the_decks_matrix_of_every_initiative(wcon):
    from app import deck
    every = reference_queries.initiative_rows(wcon)
    places = list(dict.fromkeys(every.region_id))
    years, first_name, mentions = {}, {}, {}
    for r in every.itertuples():
        years.setdefault(r.name_norm, {}).setdefault(r.region_id, set()).add(int(r.year))
        first_name.setdefault(r.name_norm, r.name)
        mentions[r.name_norm] = mentions.get(r.name_norm, 0) + 1
    rows = queries.initiative_years(wcon)
    assert {(r.name_norm, r.region_id): set(r.years) for r in rows.itertuples()} == \
        {(k, p): ys for k, v in years.items() for p, ys in v.items()}
    assert dict(zip(rows.name_norm, rows.name)) == first_name
    assert dict(zip(rows.name_norm, rows.mentions)) == mentions
    headers, table = deck.initiative_matrix(rows, places, {})
    assert headers == places and table


def test_kwic_in_batches_equals_the_first_sentences_of_a_scan(wcon):
    """Keyword in context reads its candidates a batch at a time: the rows are the scan's first `limit`, filters applied."""
    import re
    s = wcon.execute("""select d.region_id, d.year, s.doc_id, s.sent_no, s.text, s.text_simplified
                        from sentences s join documents d using (doc_id)""").df()
    region = queries.documents(wcon).region_id.iloc[0]
    for term in ("就业", "经济发展", "党建引领", "社区"):
        for case in ({}, {"regions": [region]}, {"years": queries.years(wcon)[-2:]}):
            hits = s[s.text.str.contains(re.escape(term)) | s.text_simplified.str.contains(re.escape(term))]
            if "regions" in case:
                hits = hits[hits.region_id.isin(case["regions"])]
            if "years" in case:
                hits = hits[hits.year.isin(case["years"])]
            hits = hits.sort_values(["region_id", "year", "doc_id", "sent_no"])
            for limit in (1, 7, 120, 10 ** 6):
                got = queries.kwic(wcon, term, limit=limit, **case)
                assert list(zip(got.doc_id, got.sent_no)) == list(zip(hits.doc_id, hits.sent_no))[:limit], \
                    (term, case, limit)
