"""Themes: code each sentence with zero to three themes of the guide.

Matching runs a weighted dictionary (`themes.yaml`, editable by staff) over
the Simplified text. A unit is coded by what it says and where it stands:
its own matched terms weigh most, the profile of the section it belongs to
breaks ties and fills in units that only make sense in context, and a
heading takes the dominant themes of the section it opens.
"""
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from etl.config import THEMES_FILE, load_yaml

MAX_THEMES = 3
# How much the enclosing sections' profiles add to a unit's own evidence.
CONTEXT_WEIGHTS = (1.6, 0.8, 0.4)
MIN_MAIN_SCORE = 1.5          # below this a unit gets no theme
SECONDARY_OWN_MIN = 2.0       # a second theme needs its own evidence ...
SECONDARY_RATIO = 0.5         # ... and a score near the main theme's
HEADING_MIN_SHARE = 0.3       # a heading's main theme must hold this share of its section
HEADING_SECONDARY_SHARE = 0.2


@dataclass(frozen=True)
class ThemeDictionary:
    themes: tuple            # theme dicts in guide order (id, names, colour, definitions)
    weights: dict            # term -> tuple of (theme id, weight)
    pattern: re.Pattern
    version: str


def load_dictionary(path=THEMES_FILE):
    """Parse the YAML dictionary into a matcher; terms are matched longest first."""
    data = load_yaml(path)
    themes, weights = [], defaultdict(list)
    for t in data["themes"]:
        themes.append({k: t.get(k) for k in ("id", "name_zh", "name_en", "color", "definition_zh", "definition_en")})
        for term, weight in (t.get("terms") or {}).items():
            weights[str(term)].append((t["id"], float(weight)))
    terms = sorted(weights, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(term) for term in terms))
    import hashlib
    version = hashlib.sha256(open(path, "rb").read()).hexdigest()[:12]
    return ThemeDictionary(tuple(themes), {k: tuple(v) for k, v in weights.items()}, pattern, version)


@lru_cache(maxsize=4)
def default_dictionary(path=str(THEMES_FILE)):
    return load_dictionary(path)


def match_terms(text, dictionary):
    """Raw per-theme scores of one text and the terms behind them."""
    scores, evidence = defaultdict(float), defaultdict(list)
    for m in dictionary.pattern.finditer(text):
        term = m.group()
        for theme, weight in dictionary.weights[term]:
            if evidence[theme].count(term) < 2:
                scores[theme] += weight
            evidence[theme].append(term)
    return dict(scores), {t: sorted(set(v), key=v.index) for t, v in evidence.items()}


def _share(profile):
    total = sum(profile.values())
    return {t: v / total for t, v in profile.items()} if total else {}


def code_themes(sentences, dictionary):
    """Return {sent_no: [(theme, score, evidence), ...]} with the main theme first."""
    raw, evidence = {}, {}
    for s in sentences:
        raw[s.sent_no], evidence[s.sent_no] = match_terms(s.text_simplified, dictionary)
    children = defaultdict(list)
    for s in sentences:
        if s.parent is not None:
            children[s.parent].append(s.sent_no)
    profile = {}

    def section_profile(head):
        if head not in profile:
            total = defaultdict(float)
            for t, v in _share(raw[head]).items():
                total[t] += 2 * v
            for child in children[head]:
                for t, v in _share(raw[child]).items():
                    total[t] += v
                if child in children:
                    for t, v in _share(section_profile(child)).items():
                        total[t] += v * len(children[child])
            profile[head] = dict(total)
        return profile[head]

    by_no = {s.sent_no: s for s in sentences}
    coded = {}
    for s in sentences:
        if s.is_heading:
            coded[s.sent_no] = _heading_themes(section_profile(s.sent_no), raw[s.sent_no], evidence[s.sent_no])
            continue
        score = defaultdict(float, raw[s.sent_no])
        head, depth = s.parent, 0
        while head is not None and depth < len(CONTEXT_WEIGHTS):
            for t, v in _share(section_profile(head)).items():
                score[t] += CONTEXT_WEIGHTS[depth] * v * 3
            head, depth = by_no[head].parent, depth + 1
        coded[s.sent_no] = _pick(score, raw[s.sent_no], evidence[s.sent_no])
    return coded


def _pick(score, own, evidence):
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MIN_MAIN_SCORE or not own:
        return []
    main, top = ranked[0]
    chosen = [(main, top)]
    for t, v in ranked[1:]:
        if len(chosen) == MAX_THEMES:
            break
        if own.get(t, 0) >= SECONDARY_OWN_MIN and v >= SECONDARY_RATIO * top:
            chosen.append((t, v))
    return [(t, round(v, 3), evidence.get(t, [])) for t, v in chosen]


def _heading_themes(section, own, evidence):
    shares = sorted(_share(section).items(), key=lambda kv: -kv[1])
    if not shares or shares[0][1] < HEADING_MIN_SHARE:
        return []
    chosen = [shares[0]] + [(t, v) for t, v in shares[1:MAX_THEMES] if v >= HEADING_SECONDARY_SHARE]
    return [(t, round(v, 3), evidence.get(t, [])) for t, v in chosen]
