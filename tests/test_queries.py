"""The dashboard's named queries against a warehouse built from the seeds."""
import duckdb
import pytest

from app import queries


def test_connection_is_read_only(con):
    with pytest.raises(duckdb.Error):
        con.execute("create table x (a int)")


def test_regions_include_dalian_without_documents(con):
    regions = queries.regions(con)
    assert {"binhai", "qingdao", "xiangshan", "dalian"} <= set(regions.region_id)
    cov = queries.coverage(con)
    dalian = cov[cov.region_id == "dalian"]
    assert len(dalian) == 1 and dalian.doc_id.isna().all()
    binhai_years = sorted(cov[cov.region_id == "binhai"].year.astype(int))
    assert binhai_years == [2016, 2023]
    # The district-wide 2013 priorities speak for the whole district, not for Dagang.
    assert list(cov[cov.region_id == "binhai_new_area"].year.astype(int)) == [2013]


def test_documents_filters_are_bound(con):
    assert set(queries.documents(con, regions=["binhai"]).year) == {2016, 2023}
    assert set(queries.documents(con, regions=["binhai", "binhai_new_area"]).year) == {2013, 2016, 2023}
    assert set(queries.documents(con, years=[2023]).region_id) == {"binhai", "xiangshan"}
    assert queries.documents(con, regions=["dalian"]).empty
    # A value that would break string-formatted SQL is just a value that matches nothing.
    assert queries.documents(con, regions=["x' or '1'='1"]).empty


def test_theme_counts_match_an_independent_count(con, built_warehouse):
    tc = queries.theme_counts(con, regions=["xiangshan"])
    row = tc[tc.theme == "economy"].iloc[0]
    raw = duckdb.connect(str(built_warehouse), read_only=True)
    n, total = raw.execute("""
        select count(*) filter (where s.main_theme = 'economy'), count(*)
        from sentences s join documents d using (doc_id)
        where d.region_id = 'xiangshan' and not s.is_heading and s.main_theme is not null""").fetchone()
    raw.close()
    assert row.n_sentences == n and row.total_sentences == total
    shares = tc.n_sentences / tc.total_sentences
    assert shares.sum() == pytest.approx(1.0)
    assert (tc.n_chars / tc.total_chars).sum() == pytest.approx(1.0)


def test_theme_sentences_carry_document_section_and_evidence(con):
    rows = queries.theme_sentences(con, "economy", regions=["xiangshan"], years=[2023])
    assert not rows.empty
    assert {"doc_id", "title", "section", "text", "evidence"} <= set(rows.columns)
    assert rows.evidence.fillna("").str.len().gt(0).any()
    assert (rows.region_id == "xiangshan").all()


def test_facts_with_source_sentence(con):
    facts = queries.facts(con, regions=["xiangshan"], units=["元"])
    hit = facts[facts.surface == "16.1亿元"].iloc[0]
    assert hit.value == pytest.approx(1.61e9) and hit.kind == "achievement"
    assert "16.1亿元" in hit.sentence
    assert set(queries.facts(con, kinds=["target"]).kind) == {"target"}
    assert set(queries.facts(con, themes=["economy"]).theme) == {"economy"}


def test_kwic_finds_simplified_and_traditional(con):
    simp = queries.kwic(con, "经济")
    trad = queries.kwic(con, "經濟")
    assert set(trad.doc_id) <= set(simp.doc_id)
    assert "000_2f0f695204b7557d" in set(simp.doc_id)  # a Traditional document, found by a Simplified term
    assert queries.kwic(con, "不存在的词语").empty


def test_document_queries(con):
    meta = queries.document(con, "004_450e182e794b4c39").iloc[0]
    assert meta.region_id == "xiangshan"
    sents = queries.document_sentences(con, "004_450e182e794b4c39")
    assert list(sents.sent_no) == list(range(len(sents)))
    facts = queries.document_facts(con, "004_450e182e794b4c39")
    f = facts[facts.surface == "16.1亿元"].iloc[0]
    text = sents.set_index("sent_no").loc[f.sent_no, "text"]
    assert text[f.start_in_sentence:f.end_in_sentence] == "16.1亿元"


def test_counts_and_build_info(con):
    c = queries.counts(con)
    assert c["documents"] == 5 and c["regions"] == 4 and c["first_year"] == 2013 and c["last_year"] == 2023
    info = dict(zip(*queries.build_info(con).to_dict("list").values()))
    assert "content_hash" in info and "built_at" in info
    assert queries.years(con) == [2013, 2016, 2020, 2023]


def test_sql_lives_only_in_queries():
    """Pages, the shell and the chart builders hold no SQL."""
    import re

    from conftest import ROOT
    sql = re.compile(r"\b(select|insert|update|delete)\b[^\n]{0,200}\b(from|into|set)\b", re.I)
    files = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")),
             *[ROOT / "app" / f for f in ("chartdata.py", "ui.py", "plotly_charts.py", "i18n.py")]]
    offenders = [f.name for f in files if f.exists() and sql.search(f.read_text(encoding="utf-8"))]
    assert offenders == []
