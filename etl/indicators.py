"""Similar indicator names: the `indicator_pairs` table the target/achievement chart joins through.

The chart pairs a target with an achievement of the same place, unit and
theme whose indicator names are equal or share at least SIMILAR_INDICATOR
of their character bigrams (Jaccard, punctuation and spaces ignored). The
names are few beside the facts, so the ETL lists every similar pair of
distinct names once (blocked by bigram: only names sharing one are compared)
and the dashboard joins facts through it instead of comparing names per query.
"""
import re

from etl.appender import append_rows

# Character-bigram Jaccard from which two indicator names are taken as the same indicator.
SIMILAR_INDICATOR = 0.5

INDICATOR_PAIRS_SCHEMA = """
create table indicator_pairs (indicator_a varchar not null, indicator_b varchar not null);
"""


def indicator_bigrams(text):
    """The name's character bigrams without punctuation or spaces; a name shorter than two characters is itself."""
    text = re.sub(r"\W", "", text or "")
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset([text])


def similar_pairs(indicators, threshold=SIMILAR_INDICATOR, holding=None):
    """Every ordered pair (a, b) of the names, a == b included, that are equal or similar enough.

    Blocked by bigram: a pair with a Jaccard above zero shares one, so only
    names met in the same bigram's list are compared. With `holding`, only
    the pairs one of whose names is in it (an update compares its new names
    with every name, not every name with every other).
    """
    names = sorted(set(indicators))
    grams = [indicator_bigrams(n) for n in names]
    by_gram = {}
    for i, g in enumerate(grams):
        for b in g:
            by_gram.setdefault(b, []).append(i)
    held = None if holding is None else set(holding)
    focus = range(len(names)) if held is None else [i for i, n in enumerate(names) if n in held]
    pairs = set()
    for i in focus:
        g = grams[i]
        for j in {j for b in g for j in by_gram[b]}:
            if i == j or len(g & grams[j]) / len(g | grams[j]) >= threshold:
                pairs.update(((names[i], names[j]), (names[j], names[i])))
    return sorted(pairs)


def _indicator_names(con):
    return [r[0] for r in con.execute(
        "select distinct coalesce(indicator, '') from facts where kind in ('target', 'achievement')").fetchall()]


def _append_pairs(con, rows):
    append_rows(con, "indicator_pairs", rows)
    return len(rows)


def insert_indicator_pairs(con):
    """Fill `indicator_pairs` from the indicators of every target and achievement (replacing its rows)."""
    con.execute("delete from indicator_pairs")
    return _append_pairs(con, similar_pairs(_indicator_names(con)))


def update_indicator_pairs(con):
    """Bring `indicator_pairs` up to the facts after an add or remove: the pairs of
    names no fact holds any more go, new names are paired with every name.

    Every name is paired with itself, so the names the table knows are its
    first column. The rows equal those `insert_indicator_pairs` would write
    (tested), at the cost of the changed names instead of all of them.
    """
    names = set(_indicator_names(con))
    known = {r[0] for r in con.execute("select distinct indicator_a from indicator_pairs").fetchall()}
    gone = sorted(known - names)
    if gone:
        con.execute("delete from indicator_pairs where list_contains($g, indicator_a) or list_contains($g, indicator_b)",
                    {"g": gone})
    return _append_pairs(con, similar_pairs(names, holding=names - known))
