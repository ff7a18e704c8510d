"""Similar indicator names: the `indicator_pairs` table the target/achievement chart joins through.

The chart pairs a target with an achievement of the same place, unit and
theme whose indicator names are equal or share at least SIMILAR_INDICATOR
of their character bigrams (Jaccard, punctuation and spaces ignored). The
names are few beside the facts, so the ETL lists every similar pair of
distinct names once (blocked by bigram: only names sharing one are compared)
and the dashboard joins facts through it instead of comparing names per query.
"""
import re

# Character-bigram Jaccard from which two indicator names are taken as the same indicator.
SIMILAR_INDICATOR = 0.5

INDICATOR_PAIRS_SCHEMA = """
create table indicator_pairs (indicator_a varchar not null, indicator_b varchar not null);
"""


def indicator_bigrams(text):
    """The name's character bigrams without punctuation or spaces; a name shorter than two characters is itself."""
    text = re.sub(r"\W", "", text or "")
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset([text])


def similar_pairs(indicators, threshold=SIMILAR_INDICATOR):
    """Every ordered pair (a, b) of the names, a == b included, that are equal or similar enough.

    Blocked by bigram: a pair with a Jaccard above zero shares one, so only
    names met in the same bigram's list are compared.
    """
    names = sorted(set(indicators))
    grams = [indicator_bigrams(n) for n in names]
    by_gram = {}
    for i, g in enumerate(grams):
        for b in g:
            by_gram.setdefault(b, []).append(i)
    pairs = []
    for i, g in enumerate(grams):
        for j in sorted({j for b in g for j in by_gram[b]}):
            if i == j or len(g & grams[j]) / len(g | grams[j]) >= threshold:
                pairs.append((names[i], names[j]))
    return pairs


def insert_indicator_pairs(con):
    """Fill `indicator_pairs` from the indicators of every target and achievement (replacing its rows)."""
    names = [r[0] for r in con.execute(
        "select distinct coalesce(indicator, '') from facts where kind in ('target', 'achievement')").fetchall()]
    con.execute("delete from indicator_pairs")
    rows = similar_pairs(names)
    if rows:
        appender = con.appender("indicator_pairs")
        appender.append_rows(rows)
        appender.flush()
    return len(rows)
