"""The ETL's aggregate tables equal a recomputation from the base tables, on the seeds and a generated corpus.

The recomputations are pandas, not the ETL's SQL, so a wrong join or filter in
etl/load.py cannot agree with itself.
"""
import duckdb
import pandas as pd
import pytest

from app import queries
from etl.load import AGGREGATES

WAREHOUSES = ["built_warehouse", "generated_warehouse"]


@pytest.fixture(params=WAREHOUSES)
def raw(request):
    path = request.getfixturevalue(request.param)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _table(con, name):
    return con.execute(f"select * from {name}").df()


def _same(actual, expected, keys):
    actual = actual.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)[list(actual.columns)]
    assert len(actual) == len(expected)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_exact=False)


def test_every_aggregate_is_documented_with_its_key():
    from pathlib import Path
    schema = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    for table in [*AGGREGATES, "indicator_pairs"]:
        assert f"## {table}" in schema


def test_doc_theme_counts(raw):
    s = _table(raw, "sentences")
    body = s[~s.is_heading & s.main_theme.notna()].assign(n=s.text.str.len())
    expected = (body.groupby(["doc_id", "main_theme"]).agg(n_sentences=("sent_no", "size"), n_chars=("n", "sum"))
                .reset_index().rename(columns={"main_theme": "theme"}))
    _same(_table(raw, "doc_theme_counts"), expected, ["doc_id", "theme"])
    assert len(expected) > 0


def test_doc_stats(raw):
    s, f, t, d = (_table(raw, n) for n in ("sentences", "facts", "terms", "documents"))
    body = s[~s.is_heading]
    themed = body[body.main_theme.notna()]
    expected = pd.DataFrame({"doc_id": d.doc_id}).set_index("doc_id")
    expected["n_body_sentences"] = body.groupby("doc_id").size()
    expected["n_themed_sentences"] = themed.groupby("doc_id").size()
    expected["n_themed_chars"] = themed.text.str.len().groupby(themed.doc_id).sum()
    expected["n_facts"] = f.groupby("doc_id").size()
    expected["n_terms"] = t.groupby("doc_id").size()
    expected["n_words"] = t.groupby("doc_id")["count"].sum()
    _same(_table(raw, "doc_stats"), expected.fillna(0).reset_index(), ["doc_id"])


def test_term_totals(raw):
    t = _table(raw, "terms").merge(_table(raw, "documents")[["doc_id", "region_id", "year", "doc_type"]], on="doc_id")
    expected = (t.groupby(["region_id", "year", "doc_type", "term"])
                .agg(count=("count", "sum"), n_docs=("doc_id", "nunique")).reset_index())
    _same(_table(raw, "term_totals"), expected, ["region_id", "year", "doc_type", "term"])


def test_fact_summary(raw):
    f = _table(raw, "facts").merge(_table(raw, "documents")[["doc_id", "region_id", "year", "doc_type"]], on="doc_id")
    f["top"] = f.value_max.fillna(f.value)
    keys = ["region_id", "year", "doc_type", "theme", "kind", "unit", "indicator"]
    expected = (f.groupby(keys, dropna=False).agg(n_facts=("fact_id", "size"), value_sum=("value", "sum"),
                                                  value_min=("value", "min"), value_max=("top", "max"))
                .reset_index())
    actual = _table(raw, "fact_summary")
    assert actual.n_facts.sum() == len(f) > 0
    _same(actual.fillna({"theme": "", "unit": "", "indicator": ""}),
          expected.fillna({"theme": "", "unit": "", "indicator": ""}), keys)


def test_indicator_pairs_are_every_similar_pair_of_indicators(raw):
    """Blocked by bigram in the ETL; here every pair of names is compared with the chart's rule."""
    from app.analysis import similar_indicator
    names = sorted({r[0] for r in raw.execute(
        "select distinct indicator from facts where kind in ('target', 'achievement')").fetchall()})
    expected = {(a, b) for a in names for b in names if similar_indicator(a, b)}
    actual = raw.execute("select indicator_a, indicator_b from indicator_pairs").fetchall()
    assert len(actual) == len(set(actual))
    assert set(actual) == expected
    assert len(expected) > len(names)   # some different names are similar


def test_sentence_bigrams_cover_every_sentence_bigram(raw):
    s = _table(raw, "sentences")
    expected = {(t[i:i + 2], d, n) for d, n, a, b in s[["doc_id", "sent_no", "text", "text_simplified"]].itertuples(index=False)
                for t in (a, b) for i in range(len(t) - 1)}
    actual = set(raw.execute("select bigram, doc_id, sent_no from sentence_bigrams").fetchall())
    assert actual == expected
    assert raw.execute("select count(*) from sentence_bigrams").fetchone()[0] == len(expected)


@pytest.mark.parametrize("warehouse_name", WAREHOUSES)
def test_kwic_through_the_index_equals_a_scan(request, warehouse_name):
    path = request.getfixturevalue(warehouse_name)
    con = queries.connect(path)
    s = con.execute("select doc_id, sent_no, text, text_simplified from sentences").df()
    terms = ["就业", "經濟", "经济发展", "党建引领", "社区", "街", "不存在的词语"]
    for term in terms:
        hits = queries.kwic(con, term, limit=100000)
        expected = s[s.text.str.contains(term, regex=False) | s.text_simplified.str.contains(term, regex=False)]
        assert sorted(zip(hits.doc_id, hits.sent_no)) == sorted(zip(expected.doc_id, expected.sent_no)), term
    assert queries.kwic(con, "不存在的词语").empty
    con.close()


def test_stored_text_keys_are_those_of_the_texts(raw):
    from etl.normalize import text_key
    rows = raw.execute("select h.text_key, t.text from doc_content_hashes h join document_texts t using (doc_id)").fetchall()
    assert rows and all(key == text_key(text) for key, text in rows)
    assert raw.execute("select count(*) from doc_content_hashes").fetchone()[0] == \
        raw.execute("select count(*) from documents").fetchone()[0]


def test_keywords_view_is_the_top_tfidf_terms(raw):
    import math
    t = _table(raw, "terms")
    n_docs = raw.execute("select count(*) from documents").fetchone()[0]
    df = t.groupby("term").doc_id.nunique()
    total = t.groupby("doc_id")["count"].sum()
    doc = t.doc_id.iloc[0]
    mine = t[t.doc_id == doc].copy()
    mine["score"] = [c / total[doc] * (math.log((1 + n_docs) / (1 + df[w])) + 1e-3) for w, c in zip(mine.term, mine["count"])]
    expected = mine.sort_values(["score", "term"], ascending=[False, True]).head(30)
    got = raw.execute("select term, tfidf from keywords where doc_id = ? order by rank", [doc]).fetchall()
    assert [w for w, _ in got] == list(expected.term)
    assert all(abs(v - round(s, 6)) < 1e-9 for (_, v), s in zip(got, expected.score))


def test_the_bigram_index_built_in_batches_equals_one_statement(generated_corpus, tmp_path, monkeypatch):
    """At scale the index is built a batch of documents at a time (memory); the rows must be the same."""
    from etl import load
    from etl.pipeline import build
    folder, regions = generated_corpus
    monkeypatch.setattr(load, "BIGRAM_BATCH_DOCS", 5)
    path = tmp_path / "batched.duckdb"
    build(folder / "seeds", folder / "seeds" / "manifest.csv", path, regions_file=regions, cache_dir=tmp_path / "cache")
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] > 2 * load.BIGRAM_BATCH_DOCS
        whole = f"select * from ({load.DOC_AGGREGATES['sentence_bigrams']})"
        for a, b in ((whole, "select * from sentence_bigrams"), ("select * from sentence_bigrams", whole)):
            assert con.execute(f"select count(*) from ({a} except all {b})", {"docs": None}).fetchone()[0] == 0


def test_term_year_totals(raw):
    t = _table(raw, "terms").merge(_table(raw, "documents")[["doc_id", "year", "doc_type"]], on="doc_id")
    expected = t.groupby(["year", "doc_type", "term"]).agg(count=("count", "sum")).reset_index()
    _same(_table(raw, "term_year_totals"), expected, ["year", "doc_type", "term"])


def _first_mentions(raw, keys):
    """The first initiative (by document, sentence and offset) of each `keys` group, from the base tables."""
    i = _table(raw, "initiatives").merge(_table(raw, "documents")[["doc_id", "region_id", "year", "doc_type"]],
                                         on="doc_id")
    firsts = i.sort_values(["doc_id", "sent_no", "char_start"]).drop_duplicates(keys)
    assert 0 < len(firsts) < len(i)   # some groups have several mentions
    return firsts


def test_initiative_firsts(raw):
    keys = ["region_id", "year", "doc_type", "theme", "name_norm"]
    expected = _first_mentions(raw, keys)
    columns = [*keys, "doc_id", "sent_no", "char_start", "name", "rule"]
    _same(_table(raw, "initiative_firsts").fillna({"theme": ""}), expected[columns].fillna({"theme": ""}), keys)


def test_initiative_place_years(raw):
    keys = ["region_id", "year", "name_norm"]
    expected = _first_mentions(raw, keys)
    columns = [*keys, "doc_id", "sent_no", "char_start", "name", "theme", "rule"]
    _same(_table(raw, "initiative_place_years").fillna({"theme": ""}), expected[columns].fillna({"theme": ""}), keys)
