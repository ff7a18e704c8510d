"""The dashboard's named queries against a warehouse built from the seeds."""
import ast
import re

import duckdb
import pytest
import reference_queries

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
    rows, _ = queries.theme_sentences_page(con, "economy", limit=1000, regions=["xiangshan"], years=[2023])
    assert not rows.empty
    assert {"doc_id", "title", "section", "text", "evidence"} <= set(rows.columns)
    assert rows.evidence.fillna("").str.len().gt(0).any()
    assert (rows.region_id == "xiangshan").all()


def test_facts_with_source_sentence(con):
    facts = reference_queries.facts(con, regions=["xiangshan"], units=["元"])
    hit = facts[facts.surface == "16.1亿元"].iloc[0]
    assert hit.value == pytest.approx(1.61e9) and hit.kind == "achievement"
    assert "16.1亿元" in hit.sentence
    assert set(reference_queries.facts(con, kinds=["target"]).kind) == {"target"}
    assert set(reference_queries.facts(con, themes=["economy"]).theme) == {"economy"}


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


# A statement's verb, then (across lines) its FROM, INTO or SET: the shape of SQL, however it is wrapped.
SQL = re.compile(r"\b(select\b[\s\S]{0,400}?\bfrom|insert\s+into|update\b[\s\S]{0,200}?\bset|delete\s+from)\b",
                        re.I)


def _strings(path):
    """String literals of a file, f-strings joined, docstrings left out (prose may say "select ... from")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append(node.value)
    return out


def sql_files():
    from conftest import ROOT
    return [ROOT / "dashboard.py", *sorted((ROOT / "views").glob("*.py")),
            *sorted(p for p in (ROOT / "app").glob("*.py") if p.name != "queries.py"),
            *sorted((ROOT / "export").glob("*.py"))]


def test_sql_lives_only_in_queries():
    """Views, the shell, the chart builders and the export hold no SQL, on one line or many."""
    files = sql_files()
    assert len(files) > 15
    offenders = [f.name for f in files if any(SQL.search(s) for s in _strings(f))]
    assert offenders == []


def test_the_sql_check_sees_multi_line_statements():
    multi = 'x = f"""\n    select d.doc_id,\n           d.year\n    from documents d\n    where {flt}"""'
    one = "con.execute('delete from facts')"
    for source in (multi, one):
        tree_strings = [n.value if isinstance(n, ast.Constant) else "".join(
            v.value if isinstance(v, ast.Constant) else " x " for v in n.values)
            for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Constant, ast.JoinedStr))
            and (isinstance(n, ast.JoinedStr) or isinstance(n.value, str))]
        assert any(SQL.search(s) for s in tree_strings), source
    assert not SQL.search("Select a region, then compare it with the rest")


def test_regions_follow_the_configured_sort_order(con, tmp_path, monkeypatch):
    """sort_order in the regions file orders lists and charts; regions the order does not name follow by id."""
    from app.labels import Labels, region_display_order
    assert list(queries.regions(con, order=["xiangshan", "dalian"]).region_id) == ["xiangshan", "dalian", "binhai", "binhai_new_area", "qingdao"]
    assert list(queries.coverage(con, order=["dalian"]).region_id.drop_duplicates())[0] == "dalian"
    assert list(queries.regions(con).region_id) == sorted(queries.regions(con).region_id)
    config = tmp_path / "regions.yaml"
    config.write_text("regions:\n  - {region_id: qingdao, sort_order: 2}\n  - {region_id: dalian, sort_order: 1}\n"
                      "  - {region_id: binhai}\ndoc_types: []\n", encoding="utf-8")
    monkeypatch.setenv("JIEDAO_REGIONS", str(config))
    assert region_display_order() == ["dalian", "qingdao", "binhai"]
    assert Labels(con, "zh").region_order == ["dalian", "qingdao", "binhai", "binhai_new_area", "xiangshan"]


def test_labels_list_present_regions_and_themes_in_display_order(con, tmp_path, monkeypatch):
    """What a page lists is the ids its rows hold, each once, in the configured order, whatever the rows' order."""
    import pandas as pd

    from app.labels import Labels
    config = tmp_path / "regions.yaml"
    config.write_text("regions:\n  - {region_id: qingdao, sort_order: 2}\n  - {region_id: dalian, sort_order: 1}\n"
                      "doc_types: []\n", encoding="utf-8")
    monkeypatch.setenv("JIEDAO_REGIONS", str(config))
    lab = Labels(con, "zh")
    rows = pd.Series(["xiangshan", "qingdao", "unknown", "dalian", "qingdao"])
    assert lab.regions_in(rows) == ["dalian", "qingdao", "xiangshan"]
    assert lab.regions_in(iter(rows)) == ["dalian", "qingdao", "xiangshan"]
    assert lab.themes_in(reversed(lab.theme_order[:3])) == lab.theme_order[:3]
    assert lab.themes_in([]) == []
