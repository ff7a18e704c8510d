"""Statistics on query results: keyness, term changes, target-achievement pairing, keyword in context.

Pure functions of data frames (no connection, no Streamlit, no chart text), so
each can be tested on a hand-made frame; `app/chartdata.py` fetches the rows
and turns the results into charts.
"""
import math
import re

import pandas as pd

from app.queries import TOP_PAIRS
from etl.indicators import SIMILAR_INDICATOR

# Pseudo-counts of the informative Dirichlet prior: large enough to damp rare terms, small beside the corpus.
KEYNESS_ALPHA0 = 1000.0
TOP_TERMS = 15
# Rates of term use are per this many words.
PER_WORDS = 10000
KEYNESS_COLUMNS = ["term", "y_a", "y_b", "delta", "z"]


def keyness(term_counts, region, compare_with=None, alpha0=KEYNESS_ALPHA0):
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    `term_counts`: rows region_id, term, count. Group A = `region`; group B =
    `compare_with` or every other region. The prior is the compared corpus's
    term distribution scaled to alpha0 pseudo-counts. Returns term, y_a, y_b,
    delta, z sorted by z (most distinctive of A first); empty when A or B has no words.
    """
    empty = pd.DataFrame(columns=KEYNESS_COLUMNS)
    if not region or region == compare_with or term_counts.empty:
        return empty
    counts = term_counts.groupby(["region_id", "term"])["count"].sum().unstack(0, fill_value=0)
    if region not in counts.columns:
        return empty
    if compare_with:
        if compare_with not in counts.columns:
            return empty
        y_b = counts[compare_with]
        y_all = counts[region] + y_b
    else:
        y_b = counts.drop(columns=[region]).sum(axis=1)
        y_all = counts.sum(axis=1)
    return _log_odds(counts[region], y_b, y_all, alpha0)


def keyness_from_pairs(pairs, alpha0=KEYNESS_ALPHA0):
    """`keyness` from per-term counts already summed in the warehouse (queries.term_pair_counts: term, y_a, y_b).

    Same figures as `keyness` on the region's and the compared rows (y_all = y_a + y_b),
    from one row per term instead of one per region, year and term.
    """
    if pairs.empty:
        return pd.DataFrame(columns=KEYNESS_COLUMNS)
    y_a = pairs.set_index("term")["y_a"].astype("int64")
    y_b = pairs.set_index("term")["y_b"].astype("int64")
    return _log_odds(y_a, y_b, y_a + y_b, alpha0)


def _log_odds(y_a, y_b, y_all, alpha0):
    keep = (y_a + y_b) > 0
    y_a, y_b, y_all = y_a[keep], y_b[keep], y_all[keep]
    alpha = alpha0 * y_all / y_all.sum()
    n_a, n_b = y_a.sum(), y_b.sum()
    la = (y_a + alpha).apply(math.log) - (n_a + alpha0 - y_a - alpha).apply(math.log)
    lb = (y_b + alpha).apply(math.log) - (n_b + alpha0 - y_b - alpha).apply(math.log)
    delta = la - lb
    var = 1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)
    z = delta / var.pow(0.5)
    out = pd.DataFrame({"term": y_a.index, "y_a": y_a.values, "y_b": y_b.values,
                        "delta": delta.values, "z": z.values})
    return out.sort_values("z", ascending=False).reset_index(drop=True)


def term_changes(term_counts, n=TOP_TERMS):
    """Terms whose rate per PER_WORDS words changed most between the first and the last year.

    `term_counts`: one region's rows year, term, count. Returns (frame, [first,
    last]) with term, first, last, change, count_first, count_last: the n that
    rose most, then the n that fell most; an empty frame with fewer than two years.
    """
    yrs = sorted(int(y) for y in term_counts["year"].unique()) if not term_counts.empty else []
    if len(yrs) < 2:
        return pd.DataFrame(), yrs
    a, b = yrs[0], yrs[-1]
    rates = {}
    for y in (a, b):
        sub = term_counts[term_counts.year == y]
        rates[y] = sub.groupby("term")["count"].sum() / sub["count"].sum() * PER_WORDS
    frame = pd.DataFrame({"first": rates[a], "last": rates[b]}).fillna(0.0)
    frame["change"] = frame["last"] - frame["first"]
    counts = term_counts.pivot_table(index="term", columns="year", values="count", aggfunc="sum").fillna(0)
    frame["count_first"] = counts[a].reindex(frame.index).fillna(0).astype(int)
    frame["count_last"] = counts[b].reindex(frame.index).fillna(0).astype(int)
    rose = frame.sort_values("change", ascending=False).head(n)
    fell = frame.sort_values("change").head(n)
    out = pd.concat([rose[rose.change > 0], fell[fell.change < 0]]).reset_index(names="term")
    return out, [a, b]


def _bigrams(text):
    text = re.sub(r"\W", "", text or "")
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similar_indicator(a, b, threshold=SIMILAR_INDICATOR):
    """Equal, or character-bigram Jaccard >= threshold."""
    if a == b:
        return True
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / max(1, len(x | y)) >= threshold


def _block_keys(fact):
    """Blocking keys of a fact: place, unit, theme and each bigram of its indicator; none when one is missing."""
    if any(pd.isna(v) for v in (fact.region_id, fact.unit, fact.theme)):
        return []
    return [(fact.region_id, fact.unit, fact.theme, g) for g in _bigrams(fact.indicator)]


def target_achievement_pairs(facts):
    """Pairs (target, achievement) of the same indicator: same region, unit, theme, similar name.

    Blocked rather than all pairs: two names with a bigram Jaccard above zero
    share a bigram, so only the achievements sharing the target's place, unit,
    theme and at least one indicator bigram are compared; the pairs are those
    of the all-pairs rule, in the same order (targets, then achievements, in
    frame order).
    """
    rows = []
    if facts.empty:
        return pd.DataFrame(rows)
    achievements = list(facts[facts.kind == "achievement"].itertuples())
    index = {}
    for pos, ac in enumerate(achievements):
        for key in _block_keys(ac):
            index.setdefault(key, []).append(pos)
    for tg in facts[facts.kind == "target"].itertuples():
        candidates = sorted({pos for key in _block_keys(tg) for pos in index.get(key, ())})
        for ac in (achievements[pos] for pos in candidates):
            if similar_indicator(tg.indicator, ac.indicator):
                rows.append({"region_id": tg.region_id, "unit": tg.unit, "theme": tg.theme,
                             "indicator": tg.indicator, "target_fact": tg.fact_id, "target": tg.value,
                             "target_surface": tg.surface, "target_year": tg.year,
                             "achievement_fact": ac.fact_id, "achievement": ac.value,
                             "achievement_surface": ac.surface, "achievement_year": ac.year,
                             "target_sentence": tg.sentence, "achievement_sentence": ac.sentence})
    return pd.DataFrame(rows)


def chart_pairs(pairs, n=TOP_PAIRS):
    """What a target/achievement chart shows: one achievement per target, at most `n` targets.

    A target keeps the achievement of the nearest year at or after its own
    (an earlier one only when there is none), then the first by fact id; the
    latest targets come first, then by place and indicator.
    """
    if pairs.empty:
        return pairs
    gap = pairs.achievement_year - pairs.target_year
    ranked = pairs.assign(_later=(gap < 0).astype(int), _gap=gap.abs())
    best = (ranked.sort_values(["target_fact", "_later", "_gap", "achievement_fact"])
            .drop_duplicates("target_fact"))
    best = best.sort_values(["target_year", "region_id", "indicator", "target_fact"],
                            ascending=[False, True, True, True]).head(n)
    return best.drop(columns=["_later", "_gap"]).reset_index(drop=True)


def kwic_rows(frame, term, width=40):
    """Every occurrence of `term` in the sentences of `frame` as (left, match, right) of the original text.

    Occurrences are found in the Simplified copy (same length as the original),
    so a Simplified query also finds Traditional text.
    """
    rows = []
    if not term:
        return pd.DataFrame(rows)
    for r in frame.itertuples():
        text, simp = r.text or "", r.text_simplified or ""
        hay = simp if len(simp) == len(text) else text
        starts = set()
        for source in (hay, text):
            i = source.find(term)
            while i >= 0:
                starts.add(i)
                i = source.find(term, i + 1)
        for i in sorted(starts):
            rows.append({"region_id": r.region_id, "year": r.year, "doc_id": r.doc_id, "title": r.title,
                         "sent_no": r.sent_no, "section": r.section,
                         "left": text[max(0, i - width):i], "match": text[i:i + len(term)],
                         "right": text[i + len(term):i + len(term) + width]})
    return pd.DataFrame(rows)
