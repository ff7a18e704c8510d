"""Keywords stage: jieba with the policy user dictionary and stop words."""
import pytest

from etl.keywords import count_terms, stopwords


def test_policy_terms_stay_whole_and_stop_words_go():
    counts = count_terms(["坚持党建引领，推进垃圾分类和老旧小区改造。", "深入推进垃圾分类工作。"])
    assert counts["垃圾分类"] == 2
    assert counts["党建引领"] == 1
    assert "推进" not in counts and "工作" not in counts
    assert all(len(term) >= 2 for term in counts)


def test_numbers_and_latin_are_not_terms():
    counts = count_terms(["完成投资3000万元，建设5G基站12个。"])
    assert not any(ch.isdigit() or ch.isascii() for term in counts for ch in term)


def test_extra_terms_from_the_theme_dictionary_are_kept_whole():
    counts = count_terms(["推进扩中提低行动。"], extra_terms=("扩中提低",))
    assert counts["扩中提低"] == 1


def test_stop_word_list_is_loaded_from_the_editable_file():
    assert {"的", "工作", "推进"} <= stopwords()


def test_warehouse_terms_and_keywords(built_warehouse):
    import duckdb
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        n_terms = con.execute("select count(*) from terms where doc_id like '004%'").fetchone()[0]
        top = con.execute("select term from keywords where doc_id like '004%' order by rank limit 30").fetchall()
        dup = con.execute("select count(*) from (select doc_id, term from terms group by all having count(*) > 1)").fetchone()[0]
    assert n_terms > 300
    assert len(top) == 30 and ("丹西",) in top
    assert dup == 0


def test_keywords_are_the_top_tfidf_terms_of_each_document(built_warehouse):
    """Recompute tf-idf in Python from the terms table and compare the stored ranking."""
    import math
    from collections import Counter, defaultdict

    import duckdb
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        terms = con.execute("select doc_id, term, count from terms").fetchall()
        stored = con.execute("select doc_id, rank, term, count, tfidf from keywords order by doc_id, rank").fetchall()
    by_doc, df = defaultdict(dict), Counter()
    for doc_id, term, count in terms:
        by_doc[doc_id][term] = count
        df[term] += 1
    expected = []
    for doc_id in sorted(by_doc):
        total = sum(by_doc[doc_id].values())
        scored = sorted((-(c / total) * (math.log((1 + len(by_doc)) / (1 + df[t])) + 1e-3), t, c)
                        for t, c in by_doc[doc_id].items())[:30]
        expected += [(doc_id, rank, t, c, round(-s, 6)) for rank, (s, t, c) in enumerate(scored, 1)]
    assert [r[:4] for r in stored] == [r[:4] for r in expected]
    assert [r[4] for r in stored] == pytest.approx([r[4] for r in expected], abs=1e-6)
