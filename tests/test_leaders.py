"""Leaders' view on the seed warehouse: brief text and links, initiatives' new/shared flags, home cards,
the initiatives and brief pages (AppTest, Chinese and English), brief slides and the initiative table in
the scripted deck, and the brief as PDF."""
import json
import shutil
import unicodedata
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
import reference_queries
from apptest_helpers import run
from pptx import Presentation

from app import brief, deck, queries, render
from export import cli


def sql(con, query, params=None):
    return con.execute(query, params or {}).fetchall()


def params(href):
    return {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}


def sentence(con, doc_id, sent_no):
    return sql(con, "select text from sentences where doc_id = ? and sent_no = ?", [doc_id, int(sent_no)])[0][0]


# ------------------------------------------------------------------ queries

def test_initiative_rows_new_and_shared_flags_match_an_independent_count(con):
    rows = reference_queries.initiative_rows(con)
    # Places per normalised name, counted independently.
    places = dict(sql(con, """select name_norm, count(distinct region_id) from initiatives join documents using (doc_id)
                              group by all"""))
    assert all(rows.n_places == rows.name_norm.map(places))
    assert set(rows[rows.n_places > 1].name_norm) >= {"一岗双责"}
    # A place's first year has no earlier document: nothing there is new or old.
    first = dict(sql(con, "select region_id, min(year) from documents group by all"))
    assert rows[rows.year == rows.region_id.map(first)].is_new.isna().all()
    # Binhai · Dagang 2023: new exactly when its 2016 document never names it.
    earlier = {n for (n,) in sql(con, """select name_norm from initiatives join documents using (doc_id)
                                         where region_id = 'binhai' and year = 2016""")}
    later = rows[(rows.region_id == "binhai") & (rows.year == 2023)]
    assert not later.empty
    assert list(later.is_new.astype(bool)) == [n not in earlier for n in later.name_norm]
    assert later.is_new.astype(bool).any() and not later.is_new.astype(bool).all()


def test_headline_facts_rank_the_latest_year_first(con):
    facts = queries.headline_facts(con, regions=["binhai"])
    assert set(facts[facts.place_rank == 1].year) == {2023}
    assert set(facts.kind) <= {"target", "achievement"}


# ------------------------------------------------------------------ the brief

def test_brief_shares_and_average_are_the_warehouse_numbers(con):
    b = brief.build_brief(con, "xiangshan", 2023, "zh")
    assert b.title == "象山·丹西简报" and "丹西街道2023年上半年工作总结" in b.subtitle
    shares = {}
    for region, year, theme, share in sql(con, """
            select d.region_id, d.year, s.main_theme,
                   count(*) * 1.0 / sum(count(*)) over (partition by d.region_id, d.year)
            from sentences s join documents d using (doc_id)
            where not s.is_heading and s.main_theme is not null group by d.region_id, d.year, s.main_theme"""):
        shares.setdefault((region, year), {})[theme] = share
    mine = shares[("xiangshan", 2023)]
    top = max(mine, key=mine.get)
    latest = {}
    for region, year in shares:
        if region != "xiangshan":
            latest[region] = max(year, latest.get(region, year))
    avg = sum(shares[(r, y)].get(top, 0.0) for r, y in latest.items()) / len(latest)
    line = "".join(text for text, _ in b.sections[0].lines[0])
    assert f"城市建设与管理 {mine[top]:.0%}（各地平均 {avg:.0%}" in line and top == "urban"
    link = next(link for text, link in b.sections[0].lines[0] if link)
    assert link.href() == "themes?g=xiangshan-2023&th=urban"


def test_every_number_of_the_brief_links_to_a_sentence_that_holds_it(con):
    for b in brief.latest_briefs(con, "en"):
        assert b.title.endswith(" brief")
        for sec in b.sections:
            for line in sec.lines:
                for text, link in line:
                    if link is not None and link.page == "documents":
                        p = dict(link.params)
                        held = sentence(con, p["doc"], p["s"])
                        assert text.strip("“”\"「」") in held or text in held, (text, held)
        assert any(link.page == "documents" for link in b.links())


def test_brief_changes_since_the_previous_document_of_the_place(con):
    b = brief.build_brief(con, "binhai", 2023, "zh")
    changes = next(s for s in b.sections if s.key == "changes")
    body = "\n".join("".join(text for text, _ in line) for line in changes.lines)
    assert "与 2016 年相比" in body and "新提出的重点工作" in body
    first = brief.build_brief(con, "binhai_new_area", 2013, "zh")
    assert "首份文档" in first.text()
    # The district's 2013 document is not Dagang's earlier document.
    assert "2013" not in body


def test_brief_html_escapes_and_links(con):
    b = brief.build_brief(con, "binhai", 2023, "zh")
    html = render.brief_body(b)
    assert html.count('class="jl-ref"') == len(b.links())
    assert 'href="documents?doc=002_87c5de217289fb41&amp;s=' in html
    assert "<script" not in render.segments([("<script>", None)])


# ------------------------------------------------------------------ PDF

def test_brief_pdf_opens_and_names_the_place(con, tmp_path):
    import pdfplumber
    if brief.chromium() is None:
        pytest.skip("Chromium is not installed")
    b = brief.build_brief(con, "binhai_new_area", 2013, "zh")
    out = tmp_path / "brief.pdf"
    out.write_bytes(brief.pdf_bytes(render.brief_document(b, "http://localhost:8501/", "zh")))
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 1
        # CJK fonts map some characters to compatibility forms on extraction; NFKC folds them back.
        text = unicodedata.normalize("NFKC", pdf.pages[0].extract_text())
        uris = [h["uri"] for h in pdf.pages[0].hyperlinks]
    assert "滨海新区简报" in text and "主题侧重" in text
    assert any(u.startswith("http://localhost:8501/documents?doc=003_") for u in uris)


# ------------------------------------------------------------------ deck

@pytest.fixture(scope="module")
def full_deck(built_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    cli.build_deck_file(out, warehouse=built_warehouse)
    return Presentation(str(out))


def slide_title(slide):
    return next(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text)


def test_deck_carries_a_brief_slide_per_place_and_the_initiative_table(full_deck, con):
    titles = [slide_title(s) for s in full_deck.slides]
    places = [name for (name,) in sql(con, """select r.name_zh from regions r where exists
                                              (select 1 from documents d where d.region_id = r.region_id)""")]
    briefs = [x for x in titles if x.endswith("简报")]
    assert sorted(briefs) == sorted(f"{p}简报" for p in places)
    # Numbers on the brief slides are hyperlinks to their sentences in the dashboard.
    slide = full_deck.slides[titles.index("象山·丹西简报")]
    addresses = [r.hyperlink.address for sh in slide.shapes if sh.has_text_frame
                 for p in sh.text_frame.paragraphs for r in p.runs if r.hyperlink.address]
    assert any("/documents?doc=004_" in a for a in addresses)
    # The initiative table is a native table: header = name + places, a shared initiative in a row.
    tables = [sh.table for s in full_deck.slides if slide_title(s).startswith("重点工作一览") for sh in s.shapes
              if sh.has_table]
    assert tables
    header = [c.text for c in tables[0].rows[0].cells]
    assert header[0] == "名称" and "滨海新区" in header and "象山·丹西" in header
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in tables for r in list(t.rows)[1:]}
    shared = next(k for k in rows if "一岗双责" in k or "一崗雙責" in k)
    assert rows[shared][header.index("滨海新区")] == "2013" and rows[shared][header.index("象山·丹西")] == "2023"


def test_english_deck_titles_and_no_briefs_flag(built_warehouse, tmp_path):
    out = tmp_path / "en.pptx"
    cli.build_deck_file(out, warehouse=built_warehouse, lang="en", regions=["binhai_new_area"])
    titles = [slide_title(s) for s in Presentation(str(out)).slides]
    assert "Binhai New Area brief" in titles and "Initiatives at a glance" in titles
    bare = tmp_path / "bare.pptx"
    n, _ = cli.build_deck_file(bare, warehouse=built_warehouse, briefs=False)
    assert len(Presentation(str(bare)).slides) == n + 1


def test_initiative_matrix_puts_shared_first():
    import pandas as pd
    rows = pd.DataFrame({"name_norm": ["甲", "甲", "乙工程", "丙制度"], "region_id": ["a", "b", "a", "b"],
                         "years": [[2020], [2021], [2020], [2021]], "name": ["“甲”", "“甲”", "乙工程", "丙制度"],
                         "mentions": [2, 2, 1, 1]})
    headers, table = deck.initiative_matrix(rows, ["a", "b"], {"a": "A地", "b": "B地"})
    assert headers == ["A地", "B地"]
    assert table == [["“甲”", "2020", "2021"], ["乙工程", "2020", ""], ["丙制度", "", "2021"]]


# ------------------------------------------------------------------ pages (AppTest)



def blocks(at, marker):
    """The page's HTML blocks holding `marker` (the stylesheet, which names every class, left out)."""
    return [m.value for m in at.markdown if marker in m.value and not m.value.startswith("<style>")]


def hrefs(html):
    import re
    return re.findall(r'href="([^"]+)"', html.replace("&amp;", "&"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_cards_link_each_number_to_its_sentence(warehouse, con, lang):
    at = run(lang=lang) if lang == "en" else run()
    cards = blocks(at, "jl-promises")
    assert len(cards) == 4   # every place with documents
    card = next(c for c in cards if ("象山·丹西" if lang == "zh" else "Xiangshan · Danxi") in c)
    assert ("目标" if lang == "zh" else "Target") in card and "16.1亿元" in card
    for href in hrefs(card):
        p = params(href)
        assert urlparse(href).path == "documents" and (p.get("lang") == "en") == (lang == "en")
        assert sentence(con, p["doc"], p["s"])
    link = next(h for h in hrefs(card) if "16.1" in sentence(con, params(h)["doc"], params(h)["s"]))
    assert params(link)["doc"] == "004_450e182e794b4c39"
    body = "\n".join(str(i.value) for i in at.info)
    assert ("暂无可对应的后续成效" if lang == "zh" else "No follow-through yet") in body


def test_home_card_shows_follow_through_with_its_rule(built_warehouse, tmp_path, monkeypatch):
    """A constructed link (the seeds have none) appears on its place's card with progress and rule."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, path)
    c = duckdb.connect(str(path))
    (t_id, t_doc, t_sent), = c.execute("""select fact_id, doc_id, sent_no from facts f join documents d using (doc_id)
        where d.region_id = 'binhai' and d.year = 2016 and kind = 'target' order by fact_id limit 1""").fetchall()
    (a_id, a_doc, a_sent, unit), = c.execute("""select fact_id, doc_id, sent_no, unit from facts f join documents d
        using (doc_id) where d.region_id = 'binhai' and kind = 'achievement' order by fact_id limit 1""").fetchall()
    c.execute("insert into fact_links values (?, ?, 'binhai', ?, ?, ?, ?, ?, '测试词', 0.75, 0.5, "
              "'later year: same region and unit, indicator words 测试词 shared (score 0.75)')",
              [t_id, a_id, t_doc, t_sent, a_doc, a_sent, unit])
    c.close()
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(path))
    at = run()
    card = next(m for m in blocks(at, "jl-promises") if "滨海·大港" in m)
    assert "〔匹配：较晚年份；同地区同单位，指标词“测试词”相同（相似度 0.75）〕" in card
    assert "完成 50%" in card and 'class="jl-follow"' in card
    assert f"documents?doc={a_doc}&s={a_sent}" in card.replace("&amp;", "&")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_initiatives_page_shared_new_and_by_place(warehouse, con, lang):
    at = run("initiatives", **({"lang": "en"} if lang == "en" else {}))
    assert at.title[0].value == ("重点工作品牌" if lang == "zh" else "Initiatives")
    tables = blocks(at, "jl-table")
    shared = tables[0]
    assert "一崗雙責" in shared or "一岗双责" in shared
    for href in hrefs(shared):
        p = params(href)
        assert sentence(con, p["doc"], p["s"])
    new = tables[1]
    assert ("新提出" if lang == "zh" else "new") in new and ("首份文档" if lang == "zh" else "first document") not in new
    assert len(at.tabs) == 4


def test_initiatives_page_follows_the_filters(warehouse):
    at = run("initiatives", r="xiangshan")
    assert len(at.tabs) == 1
    body = "\n".join(str(i.value) for i in at.info)
    assert "没有多地共有" in body and "没有新提出" in body


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brief_page_shows_the_chosen_place_and_year(warehouse, lang):
    q = {"place": "binhai", "year": "2016"} | ({"lang": "en"} if lang == "en" else {})
    at = run("brief", **q)
    html = blocks(at, "jl-brief")[0]
    assert ("滨海·大港简报" if lang == "zh" else "Binhai · Dagang brief") in html
    assert "抓住战略机遇" in html
    assert at.selectbox(key=f"p_year__{lang}").value == 2016
    # The first place is the default and stays out of the address; a non-default year is kept in it.
    assert "place" not in at.query_params and at.query_params.get("year") == "2016"
    at.selectbox(key=f"p_place__{lang}").set_value("xiangshan").run()
    assert at.query_params.get("place") == "xiangshan" and "year" not in at.query_params
    assert "丹西街道2023年上半年工作总结" in blocks(at, "jl-brief")[0]
    assert at.get("download_button")


def test_documents_page_opens_the_linked_sentence(warehouse, con):
    at = run("documents", doc="004_450e182e794b4c39", s="6")
    info = "\n".join(str(i.value) for i in at.info)
    assert "第 6 句" in info and sentence(con, "004_450e182e794b4c39", 6) in info
    reader = blocks(at, "jl-reader")[0]
    assert reader.count('id="linked-sentence"') == 1
    assert at.query_params.get("s") == "6"
    # Choosing another document (of another place) spends the link: no sentence shown first, none in the address.
    at.selectbox(key="p_doc_place__zh").set_value("binhai").run()
    at.selectbox(key="p_doc__zh").set_value("002_87c5de217289fb41").run()
    assert not any("第 6 句" in str(i.value) for i in at.info)
    assert "s" not in at.query_params and not blocks(at, 'id="linked-sentence"')


def test_headline_facts_and_follow_through_follow_the_theme_filter(con):
    everything = queries.headline_facts(con, n=1000)
    theme = everything.theme.value_counts().index[0]
    mine = queries.headline_facts(con, n=1000, themes=[theme])
    assert not mine.empty and set(mine.theme) == {theme}
    assert queries.follow_through(con, themes=["no such theme"]).empty


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_theme_chosen_on_the_home_page_narrows_its_promise_cards(warehouse, con, lang):
    """Cross-filtering by theme (the URL's t, as a click on the emphasis chart sets it): the cards keep that theme only."""
    facts = queries.headline_facts(con)
    theme = facts[facts.place_rank == 1].theme.value_counts().index[0]
    mine = set(facts.surface[facts.theme == theme])
    other = set(facts.surface[facts.theme != theme]) - mine
    at = run(t=theme, lang=lang)
    cards = "\n".join(blocks(at, "jl-promises"))
    assert [s for s in mine if f">{s}<" in cards], "no fact of the chosen theme is on the cards"
    assert [s for s in other if f">{s}<" in cards] == []
    unfiltered = run(lang=lang)
    assert [s for s in other if f">{s}<" in "\n".join(blocks(unfiltered, "jl-promises"))], "the test cannot fail"
    assert ("仅显示主题" if lang == "zh" else "Theme shown") in "\n".join(str(c.value) for c in at.caption)
    # The emphasis chart, which the click came from, keeps every theme, so another can be clicked.
    assert len(emphasis_series(at)) > 1 and emphasis_series(at) == emphasis_series(unfiltered)


def emphasis_series(at):
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("region_emphasis"))
    return [trace["name"] for trace in chart["data"]]
