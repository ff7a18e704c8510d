"""Themes: code each sentence with zero to three themes of the guide.

Matching runs a weighted dictionary (`themes.yaml`, editable by staff) over
the Simplified text. A unit is coded by what it says and where it stands:
its own matched terms weigh most (a term that is one item of an enumeration
weighs less), the profile of the section it belongs to breaks ties and fills
in units that only make sense in context, and a heading takes the dominant
themes of the section it opens. Furniture and topics outside the guide's
table get no theme.

When a trained model is committed (`etl/models/themes_lr.json`, see
`etl/theme_model.py`) the dictionary's scores and codes become features of
the model, which keeps the dictionary codes it does not reject and adds the
themes it is confident of; the score is then the model's probability.
"""
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

from etl.config import THEMES_FILE, load_yaml
from etl.segment import ENUM_LEVEL
from etl.theme_model import (
    MODEL_FILE,
    batch_probabilities,
    combine,
    contributors,
    load_model,
    readable_evidence,
    unit_features,
)

MAX_THEMES = 3
CONTEXT_WEIGHT = 3.0          # how much the enclosing section's profile adds
MIN_MAIN_SCORE = 2.0          # below this a unit gets no theme
SECONDARY_OWN_MIN = 4.0       # a second theme needs this much evidence of its own ...
SECONDARY_RATIO = 0.4         # ... relative to the main theme's own evidence
CONTEXT_ONLY_SHARE = 0.5      # a unit with no evidence takes a section theme this dominant
FRAMING_MIN_SCORE = 6.0       # preambles need strong evidence to get a theme at all
FRAMING_MIN_SHARE = 0.6
HEADING_MIN_SHARE = 0.3       # a heading's main theme must hold this share of its section
HEADING_SECONDARY_SHARE = 0.2
HEADING_WEIGHT = 1.0          # weight of a heading's own words in its section profile
HEADING_MAX_SPAN = 0.5        # a heading over more of the document is a title: no theme
LIST_ITEM_WEIGHT = 0.5        # a term that is one short item of an enumeration names a field in passing
LIST_MIN_ITEMS = 3            # fewer items joined by 、 are a compound, not an enumeration
LIST_ITEM_MAX_CHARS = 6       # a longer item is a clause of its own and keeps its full weight
OUTSIDE = "_outside"          # pseudo-theme of the topics the guide leaves out (defence, diplomacy, ...)
OUTSIDE_WEIGHT = 3.0          # an outside-topic term weighs like a strong term of a theme
_HAN = re.compile(r"[\u3400-\u9fff]")
_CLAUSE = re.compile(r"[^，,：:；;。！？!?（）()]+")


@dataclass(frozen=True)
class ThemeDictionary:
    themes: tuple            # theme dicts in guide order (id, names, colour, definitions)
    weights: dict            # term -> tuple of (theme id, weight)
    matcher: "TermMatcher"   # the terms of `weights`, longest match first
    version: str
    furniture: "TermMatcher" = None  # phrases of page furniture and licence lines: a unit holding one gets no theme
    model: object = None     # etl.theme_model.ThemeModel, or None: the dictionary alone codes


def load_dictionary(path=THEMES_FILE, model_path=MODEL_FILE):
    """Parse the YAML dictionary into a matcher; terms are matched longest first.

    The trained model at `model_path` (None or a missing file: none) weighs
    the dictionary's evidence with the unit's wording; its version is part of
    the dictionary's, so cached extractions follow a retrained model.
    """
    data = load_yaml(path)
    themes, weights = [], defaultdict(list)
    for t in data["themes"]:
        themes.append({k: t.get(k) for k in ("id", "name_zh", "name_en", "color", "definition_zh", "definition_en")})
        for term, weight in (t.get("terms") or {}).items():
            weights[str(term)].append((t["id"], float(weight)))
    for phrase in data.get("neutral") or []:
        weights.setdefault(str(phrase), [])
    for term in data.get("outside") or []:
        weights[str(term)].append((OUTSIDE, OUTSIDE_WEIGHT))
    matcher = TermMatcher(weights)
    model = load_model(model_path) if model_path is not None and Path(model_path).is_file() else None
    stamp = Path(path).read_bytes() + (model.version.encode() if model else b"")
    version = hashlib.sha256(stamp).hexdigest()[:12]
    return ThemeDictionary(tuple(themes), {k: tuple(v) for k, v in weights.items()}, matcher, version,
                           TermMatcher(str(p) for p in data.get("furniture") or ()), model)


class TermMatcher:
    """The leftmost-longest, non-overlapping occurrences of a fixed set of terms.

    An Aho-Corasick automaton (ahocorasick_rs, in Rust): one pass over the
    text whatever the number of terms, ten times faster than the same
    matches from a trie-shaped regex, which was an eighth of the ETL's time.
    """

    def __init__(self, terms):
        self.terms = tuple(dict.fromkeys(t for t in terms if t))
        self._automaton = (ahocorasick_rs.AhoCorasick(self.terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                           if self.terms else None)

    def find(self, text):
        """[(term, start, end)] in text order; offsets are character offsets of `text`."""
        if self._automaton is None:
            return []
        return [(self.terms[i], start, end) for i, start, end in self._automaton.find_matches_as_indexes(text)]

    def search(self, text):
        return bool(self.find(text))


@lru_cache(maxsize=4)
def default_dictionary(path=str(THEMES_FILE)):
    return load_dictionary(path)


def match_terms(text, dictionary):
    """Raw per-theme scores of one text and the terms behind them (see `_match`)."""
    scores, evidence, _ = _match(text, dictionary)
    return scores, evidence


def _match(text, dictionary):
    """Raw per-theme scores of one text, the terms behind them, and the themes
    of its first and last matched term.

    A term that is the only item of an enumeration (产业、教育、生态等领域)
    pointing to its theme names a field in passing, not what the unit is
    about: it weighs LIST_ITEM_WEIGHT. When several items share the theme
    (舆情、信访、维稳) the enumeration is the content and keeps full weight.
    Terms of topics outside the guide count under OUTSIDE.
    """
    scores, evidence = defaultdict(float), defaultdict(list)
    found = dictionary.matcher.find(text)
    ends = (_term_themes(found, dictionary), _term_themes(reversed(found), dictionary)) if found else ((), ())
    items = _list_item_spans(text) if text.count("、") >= LIST_MIN_ITEMS - 1 else []
    if not items:
        for term, _, _ in found:
            for theme, weight in dictionary.weights[term]:
                if evidence[theme].count(term) < 2:
                    scores[theme] += weight
                evidence[theme].append(term)
        return dict(scores), {t: sorted(set(v), key=v.index) for t, v in evidence.items()}, ends
    hits = []
    for term, start, end in found:
        item = next((i for i, (a, b, _) in enumerate(items) if a <= start and end <= b), None)
        hits.append((term, items[item][2] if item is not None else None, item))
    items_per_theme = defaultdict(set)
    for term, enum, item in hits:
        for theme, _ in dictionary.weights[term]:
            if enum is not None:
                items_per_theme[(theme, enum)].add(item)
    for term, enum, _ in hits:
        for theme, weight in dictionary.weights[term]:
            passing = enum is not None and len(items_per_theme[(theme, enum)]) == 1
            if evidence[theme].count(term) < 2:
                scores[theme] += weight * (LIST_ITEM_WEIGHT if passing else 1.0)
            evidence[theme].append(term)
    return dict(scores), {t: sorted(set(v), key=v.index) for t, v in evidence.items()}, ends


def _term_themes(found, dictionary):
    """The themes of the first term of `found` that has any (a neutral phrase has none)."""
    for term, _, _ in found:
        pairs = dictionary.weights[term]
        if pairs:
            return tuple(t for t, _ in pairs if t != OUTSIDE)
    return ()


def _list_item_spans(text):
    """(start, end, enumeration number) of the short items of enumerations (three or more items joined by 、)."""
    spans = []
    for n, clause in enumerate(_CLAUSE.finditer(text)):
        parts = clause.group().split("、")
        if len(parts) < LIST_MIN_ITEMS:
            continue
        pos = clause.start()
        for i, part in enumerate(parts):
            item = part
            if i == len(parts) - 1:
                item = part.split("等")[0] if "等" in part else ""
            elif i == 0:
                item = part[-LIST_ITEM_MAX_CHARS:]
                pos += len(part) - len(item)
            if item and len(item) <= LIST_ITEM_MAX_CHARS:
                spans.append((pos, pos + len(item), n))
            pos += len(item) + 1
    return spans


def _share(profile):
    total = sum(profile.values())
    return {t: v / total for t, v in profile.items()} if total else {}


def code_themes(sentences, dictionary):
    """Return {sent_no: [(theme, score, evidence), ...]} with the main theme first.

    With a model the dictionary's conclusions become features of the model,
    which makes the final call; without one they are the codes.
    """
    units = dictionary_coding(sentences, dictionary, with_features=dictionary.model is not None, model=dictionary.model)
    if dictionary.model is None:
        return {no: u["coded"] for no, u in units.items()}
    heard = [u for u in units.values() if not u["silent"]]
    probs = dict(zip(map(id, heard), batch_probabilities(dictionary.model, [u["features"] for u in heard])))
    return {no: _model_pick(dictionary.model, u, probs.get(id(u))) for no, u in units.items()}


def _model_pick(model, unit, probs):
    """The model's call (`probs`, its probabilities) on the dictionary's codes;
    evidence is the dictionary's terms where it has any, else the words that
    pushed the model. Furniture and topics outside the guide stay silent;
    framing gets no theme the dictionary did not find on strong evidence."""
    if unit["silent"]:
        return []
    chosen = combine(model, probs, unit["coded"], framing=unit["framing"])
    return [(t, round(probs[t], 3), unit["evidence"].get(t) or readable_evidence(contributors(model, unit["features"], t)))
            for t in chosen[:MAX_THEMES]]


def dictionary_coding(sentences, dictionary, with_features=True, model=None):
    """Per unit: the dictionary's codes, its evidence and the model's features (with `model`: those it knows)."""
    raw, evidence, outside, ends = {}, {}, {}, {}
    for s in sentences:
        raw[s.sent_no], evidence[s.sent_no], ends[s.sent_no] = _match(s.text_simplified, dictionary)
        outside[s.sent_no] = raw[s.sent_no].pop(OUTSIDE, 0.0)
        evidence[s.sent_no].pop(OUTSIDE, None)
    children = defaultdict(list)
    for s in sentences:
        if s.parent is not None:
            children[s.parent].append(s.sent_no)
    by_no = {s.sent_no: s for s in sentences}

    @lru_cache(maxsize=None)
    def section_profile(head):
        """Theme mass of a section: its units, sub-sections and the heading's own words."""
        total = defaultdict(float)
        for t, v in _share(raw[head]).items():
            total[t] += HEADING_WEIGHT * v
        for child in children[head]:
            inner = section_profile(child) if child in children else raw[child]
            weight = max(1, len(children[child])) if child in children else 1
            for t, v in _share(inner).items():
                total[t] += v * weight
        return dict(total)

    @lru_cache(maxsize=None)
    def span(head):
        return sum(1 + span(c) for c in children[head])

    @lru_cache(maxsize=None)
    def context(head):
        return _share(section_profile(head))

    framing = _framing_units(sentences, children, by_no)
    coded = {}
    for s in sentences:
        own, ev = raw[s.sent_no], evidence[s.sent_no]
        if s.is_heading and s.sent_no in children:
            if span(s.sent_no) > HEADING_MAX_SPAN * len(sentences):
                coded[s.sent_no] = []
            else:
                coded[s.sent_no] = _section_themes(s.sent_no, section_profile, children, by_no, own, ev)
            continue
        if s.is_heading:
            coded[s.sent_no] = _pick(own, {}, ev)
            continue
        if s.sent_no in framing:
            top = max(own.values(), default=0)
            coded[s.sent_no] = (_pick(own, {}, ev)[:1]
                                if top >= FRAMING_MIN_SCORE and top / sum(own.values()) >= FRAMING_MIN_SHARE else [])
            continue
        coded[s.sent_no] = _pick(own, context(s.parent) if s.parent is not None else {}, ev)
    units, furniture_units = {}, set()
    silent = set()
    for s in sentences:
        # a licence block is furniture down to its fragments (法律、法规 under 本作品是…)
        furniture = _is_furniture(s.text_simplified, dictionary) or s.parent in furniture_units
        if furniture:
            furniture_units.add(s.sent_no)
        # a unit about defence, diplomacy or the like is outside the guide's table,
        # unless a theme's own evidence outweighs it (国防科技工业: economy)
        beyond = outside[s.sent_no] > 0 and outside[s.sent_no] >= max(raw[s.sent_no].values(), default=0.0)
        if furniture or beyond:
            coded[s.sent_no] = []
            silent.add(s.sent_no)
    codes = [(), *(tuple(t for t, _, _ in coded[s.sent_no]) for s in sentences), ()]
    for i, s in enumerate(sentences):
        ctx = context(s.parent) if s.parent is not None else {}
        neighbours = (codes[i], codes[i + 2])
        units[s.sent_no] = {
            "coded": coded[s.sent_no], "evidence": evidence[s.sent_no], "silent": s.sent_no in silent,
            "framing": s.sent_no in framing,
            "features": unit_features(s.text_simplified, raw[s.sent_no], ctx, coded[s.sent_no],
                                      evidence[s.sent_no], s.is_heading, s.sent_no in framing, outside[s.sent_no],
                                      neighbours, ends[s.sent_no], model)
            if with_features else None}
    return units


def _is_furniture(simplified, dictionary):
    """Page furniture and licence lines: no Han character, or a furniture phrase of the dictionary."""
    if not _HAN.search(simplified):
        return True
    return dictionary.furniture is not None and dictionary.furniture.search(simplified)


def _framing_units(sentences, children, by_no):
    """Preambles and closings: units before the first heading, the paragraph
    that leads into a section's first sub-heading, and the paragraph that
    closes a section after its last sub-section. General framing, rarely
    policy content; the other paragraphs around sub-headings are body text
    (a report's review runs for pages before its first numbered point)."""
    framing = set()
    first_heading = next((s.sent_no for s in sentences if s.opens_section), None)
    sub_headings = {parent: [by_no[c] for c in siblings if by_no[c].opens_section]
                    for parent, siblings in children.items()}
    # 一是/二是 items open no section of their own: the text before the first is body, not a lead-in
    numbered_subs = {parent: [h for h in subs if h.level != ENUM_LEVEL] for parent, subs in sub_headings.items()}
    lead_in, closing = defaultdict(list), defaultdict(list)
    for s in sentences:
        if s.opens_section:
            continue
        if s.parent is None:
            if first_heading is not None and s.sent_no < first_heading:
                framing.add(s.sent_no)
            continue
        subs = sub_headings[s.parent]
        if (not subs or s.line_no in {h.line_no for h in subs}
                or s.line_no == by_no[s.parent].line_no):
            continue
        numbered = numbered_subs[s.parent]
        if numbered and s.sent_no < numbered[0].sent_no:
            lead_in[s.parent].append(s)
        elif s.sent_no > subs[-1].sent_no:
            closing[s.parent].append(s)
    for runs, edge in ((lead_in, min), (closing, max)):
        for units in runs.values():
            line = edge(u.line_no for u in units)
            framing.update(u.sent_no for u in units if u.line_no == line)
    return framing


def _pick(own, context, evidence):
    """Main theme by evidence plus context; further themes need evidence of their own."""
    score = defaultdict(float, own)
    for t, v in context.items():
        score[t] += CONTEXT_WEIGHT * v
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    if not ranked:
        return []
    if not own:
        t, v = max(context.items(), key=lambda kv: kv[1])
        return [(t, round(v, 3), [])] if v >= CONTEXT_ONLY_SHARE else []
    main, top = ranked[0]
    if top < MIN_MAIN_SCORE:
        return []
    chosen = [(main, top)]
    main_own = own.get(main, 0.0)
    for t, v in ranked[1:]:
        if len(chosen) == MAX_THEMES:
            break
        if own.get(t, 0) >= SECONDARY_OWN_MIN and own.get(t, 0) >= SECONDARY_RATIO * main_own:
            chosen.append((t, v))
    return [(t, round(v, 3), evidence.get(t, [])) for t, v in chosen]


def _section_themes(head, section_profile, children, by_no, own, evidence):
    """A heading takes its section's themes: its sub-sections' main themes when
    it has them, else the themes that dominate its units."""
    shares = _share(section_profile(head))
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    subs = [c for c in children[head] if by_no[c].opens_section]
    sub_mains = {max(section_profile(c).items(), key=lambda kv: kv[1])[0]
                 for c in subs if c in children and section_profile(c)}
    if len(sub_mains) > MAX_THEMES:
        # An umbrella over many themes (一、上半年工作情况) gets none, unless its
        # own words name one of them (四、以抓好民生工作为根本…: livelihood).
        named = [t for t in sorted(evidence, key=lambda t: -own[t]) if t in sub_mains][:1]
        return [(t, round(shares[t], 3), evidence[t]) for t in named]
    if not ranked or ranked[0][1] < HEADING_MIN_SHARE * (0.5 if subs else 1):
        return []
    chosen = [ranked[0]] + [(t, v) for t, v in ranked[1:MAX_THEMES] if v >= HEADING_SECONDARY_SHARE]
    return [(t, round(v, 3), evidence.get(t, [])) for t, v in chosen]
