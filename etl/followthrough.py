"""Follow-through: each target linked to the achievement on the same indicator in a later document of its place.

Computed in DuckDB at the end of a load, from the `facts` and `documents`
tables, by blocking rather than over all pairs: a target and an achievement
are candidates only when they share the region, the unit and at least one
indicator word (jieba words of `facts.indicator`, 2+ Chinese characters,
stop words removed), and the achievement's document comes later than the
target's (a later year; the same year and a later document type — a plan or
work priorities, then an article, then a summary; the same year and type
and a later publication date). A candidate's score is the Jaccard overlap of
the two indicators' word sets; those under MIN_SCORE are dropped, and each
target keeps one achievement, chosen deterministically: the nearest year
(a plan's own summary, then the next year's documents), then the highest
score, then the earliest document and position.
"""
import re

from etl.appender import append_rows

# More than half the words in common: 新增就业 and 新增就业岗位 (2 of 3) meet; GDP growth
# and GDP energy intensity (国内生产总值 vs 单位国内生产总值能耗, 2 of 4) do not.
MIN_SCORE = 0.6
# Words of an indicator that mark its kind (the guide's cues), not what is counted.
KIND_CUES = frozenset("努力 实现 努力实现 计划 目标 争取 力争 确保 累计 达到 预计 共计 先后 今年 年内 年底 全年 完成 已经 目前 共".split())
# Words of change and comparison (增长, 比上年): they say how a number moved, not what it counts.
CHANGE_WORDS = frozenset("增长 增加 提高 提升 下降 降低 减少 上升 比上年 上年 同比 增幅 控制 控制在 提高到 达到 拟 安排".split())
SINGLE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
# Document types in the order a year's documents follow one another: plans first, summaries last.
TYPE_ORDER = {"plan": 0, "priorities": 0, "article": 1, "summary": 2}

FACT_LINKS_SCHEMA = """
create table indicator_words (indicator varchar not null, words varchar[] not null);
create table fact_links (
    target_fact_id integer not null, achievement_fact_id integer not null, region_id varchar not null,
    target_doc_id varchar, target_sent_no integer, achievement_doc_id varchar, achievement_sent_no integer,
    unit varchar, tokens varchar, score double, progress double, rule varchar);
"""

# Facts that take part in links: a target or an achievement with an indicator.
LINKABLE_KINDS = ("target", "achievement")
_LINKABLE = f"kind in {LINKABLE_KINDS} and indicator <> ''"

# Every linkable fact of the places in $regions (NULL: all), one row per indicator word.
_FACT_WORDS = """
with f as (
    select f.fact_id, f.doc_id, f.sent_no, f.char_start, f.unit, f.kind, f.value, d.region_id, d.year, d.published,
           coalesce(o.type_rank, 1) as type_rank, t.token, count(*) over (partition by f.fact_id) as n_tokens
    from facts f
    join documents d using (doc_id)
    join (select indicator, unnest(words) as token from indicator_words) t on t.indicator = f.indicator
    left join fact_link_type_order o on o.doc_type = d.doc_type
    where f.kind in ('target', 'achievement') and f.unit is not null
      and ($regions::varchar[] is null or list_contains($regions::varchar[], d.region_id)))
"""

# Targets whose link is computed: all of them, or those of the documents in fact_link_target_docs.
_ALL_TARGETS = "f"
_SOME_TARGETS = "(select * from f where doc_id in (select doc_id from fact_link_target_docs))"

FACT_LINKS_SQL = "insert into fact_links " + _FACT_WORDS + """,
candidates as (
    select t.fact_id as target_fact_id, a.fact_id as achievement_fact_id, t.region_id,
           t.doc_id as target_doc_id, t.sent_no as target_sent_no, a.doc_id as achievement_doc_id,
           a.sent_no as achievement_sent_no, a.char_start as achievement_char_start, t.unit,
           string_agg(t.token, '、' order by t.token) as tokens,
           count(*) * 1.0 / (any_value(t.n_tokens) + any_value(a.n_tokens) - count(*)) as score,
           case when any_value(t.value) > 0 then any_value(a.value) / any_value(t.value) end as progress,
           any_value(a.year) - any_value(t.year) as year_gap,
           case when any_value(a.year) > any_value(t.year) then 'later year'
                when any_value(a.type_rank) > any_value(t.type_rank) then 'same year, later document type'
                else 'same year and type, later publication' end as rule
    from {targets} t
    join f a on a.region_id = t.region_id and a.unit = t.unit and a.token = t.token and a.doc_id <> t.doc_id
    where t.kind = 'target' and a.kind = 'achievement'
      and (a.year > t.year
           or (a.year = t.year and a.type_rank > t.type_rank)
           or (a.year = t.year and a.type_rank = t.type_rank and a.published > t.published))
    group by t.fact_id, a.fact_id, t.region_id, t.doc_id, t.sent_no, a.doc_id, a.sent_no, a.char_start, t.unit)
select target_fact_id, achievement_fact_id, region_id, target_doc_id, target_sent_no, achievement_doc_id,
       achievement_sent_no, unit, tokens, round(score, 6), round(progress, 6),
       rule || ': same region and unit, indicator words ' || tokens || ' shared (score ' || round(score, 2) || ')'
from (
    select *, row_number() over (partition by target_fact_id
                                 order by year_gap, score desc, achievement_doc_id, achievement_char_start) as best
    from candidates where score >= $min_score)
where best = 1
order by target_fact_id
"""


def indicator_words(indicator):
    """The content words of an indicator phrase, as the keyword stage cuts them.

    Runs of single characters are joined back into one word: the keyword
    tokenizer's low-frequency theme terms can split a common word (就业 → 就/业).
    Kind cues (努力实现, 计划) and change words (增长, 比上年) say when or how,
    not what is counted, so they are dropped.
    """
    from etl.keywords import WORD, stopwords, tokenizer  # jieba: loaded only when there is something to cut
    from etl.themes import default_dictionary
    tk, stop = tokenizer(tuple(sorted(default_dictionary().weights))), stopwords()
    words, run = [], ""
    for w in [*tk.lcut(indicator, HMM=False), ""]:
        if len(w) == 1 and SINGLE_CJK.match(w):
            run += w
            continue
        words += [run, w]
        run = ""
    return sorted({w for w in words if WORD.match(w) and w not in stop and w not in KIND_CUES | CHANGE_WORDS})


# Documents with a target that an achievement of the added documents could be linked to (blocking and order only).
_SERVED_DOCS = _FACT_WORDS + """
select distinct t.doc_id
from f t join f a on a.region_id = t.region_id and a.unit = t.unit and a.token = t.token and a.doc_id <> t.doc_id
where t.kind = 'target' and a.kind = 'achievement' and list_contains($added::varchar[], a.doc_id)
  and (a.year > t.year
       or (a.year = t.year and a.type_rank > t.type_rank)
       or (a.year = t.year and a.type_rank = t.type_rank and a.published > t.published))
"""


def update_indicator_words(con, gone=None, everything=False, known=None):
    """Keep `indicator_words` to the indicators of the linkable facts: drop the gone ones, cut only the new ones.

    Stored rather than cut again by each update: jieba's dictionary takes about
    a second to load, and a remove has nothing new to cut. `gone`: the only
    indicators that may have gone (a removed document's), None: any.
    `everything` cuts them all again (the tokenizer's place names changed).
    `known`: words already cut (an added document's, by the extraction child).
    """
    known = {} if everything or known is None else known
    if everything:
        con.execute("delete from indicator_words")
    con.execute(f"delete from indicator_words where ($gone::varchar[] is null or list_contains($gone, indicator)) "
                f"and indicator not in (select indicator from facts where {_LINKABLE} "
                "and ($gone::varchar[] is null or list_contains($gone, indicator)))",
                {"gone": None if gone is None else sorted(gone)})
    new = [r[0] for r in con.execute(
        f"select distinct indicator from facts where {_LINKABLE} "
        "and indicator not in (select indicator from indicator_words) order by 1").fetchall()]
    if new:
        append_rows(con, "indicator_words", [(ind, known[ind] if ind in known else indicator_words(ind)) for ind in new])


def _with_type_order(con, sql, params):
    con.execute("create temp table fact_link_type_order (doc_type varchar, type_rank integer)")
    append_rows(con, "fact_link_type_order", sorted(TYPE_ORDER.items()))
    rows = con.execute(sql, params).fetchall()
    con.execute("drop table fact_link_type_order")
    return rows


def insert_fact_links(con, regions=None):
    """Fill `fact_links` from the loaded facts (same transaction); return the number of links.

    `regions`: only the links of these places (links never cross places).
    """
    regions = list(regions) if regions is not None else None
    _with_type_order(con, FACT_LINKS_SQL.format(targets=_ALL_TARGETS), {"min_score": MIN_SCORE, "regions": regions})
    return con.execute("select count(*) from fact_links").fetchall()[0][0]


def refresh_fact_links(con, regions, added, orphaned):
    """After an update: recompute only the links that may have changed, as a full build would compute them.

    A target's link is chosen among its candidates alone, so it changes only
    when the target is new (in `added`), when its achievement was removed
    (`orphaned`: the documents of such targets, listed before the removal),
    or when a new achievement becomes a candidate for it. The links of those
    targets' documents, in `regions`, are computed again; a removed
    document's own links went with its facts.
    """
    regions, added = sorted(regions), sorted(added)
    params = {"regions": regions, "added": added}
    served = [r[0] for r in _with_type_order(con, _SERVED_DOCS, params)] if added else []
    present = {r[0] for r in con.execute("select doc_id from documents where list_contains($d, doc_id)",
                                         {"d": sorted(set(orphaned))}).fetchall()}
    docs = sorted(set(added) | present | set(served))
    con.execute("delete from fact_links where list_contains($d, target_doc_id)", {"d": docs})
    if not docs:
        return
    con.execute("create temp table fact_link_target_docs (doc_id varchar)")
    append_rows(con, "fact_link_target_docs", [(d,) for d in docs])
    _with_type_order(con, FACT_LINKS_SQL.format(targets=_SOME_TARGETS), {"min_score": MIN_SCORE, "regions": regions})
    con.execute("drop table fact_link_target_docs")
