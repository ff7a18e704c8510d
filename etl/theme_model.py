"""A compact statistical theme model that works with the editable dictionary.

One-vs-rest logistic regression per theme of the guide. Its features are the
unit's character bigrams, the dictionary terms it contains, and what the
dictionary coder concluded (its own scores, its section context, its codes):
the dictionary stays the part staff edit, the model learns how coders weigh
it against the wording of the unit. The features that name a theme (its own
score, its share of the section, the dictionary's codes, the previous and
next unit's codes, the themes of the first and last term; `SHARED_KINDS`)
are trained with a weight per kind that all themes share plus a deviation
per theme: learnt from the codes of all twelve themes at once, they carry
over to themes and documents with few labelled examples, which per-theme
weights alone do not. The shared weight is folded into each theme's weights
when the model is saved, so coding is the same plain dot product. The weights are trained by
`eval/train_themes.py` on the labelled development units and stored in
`etl/models/themes_lr.json` (weights only, no texts). Inference is a sparse
dot product: deterministic and cheap, and for a whole document's units at
once one gather-and-sum in numpy (`batch_probabilities`).
"""
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "models" / "themes_lr.json"
OWN_SCORE_CAP = 9.0           # dictionary scores beyond three strong terms add nothing more
OWN_SCORE_SCALE = 3.0         # one strong term (weight 3) is feature value 1
CONTEXT_MIN_SHARE = 0.2       # smaller shares of the section's profile are noise and cost time
FRAMING_ADD = 0.8             # a preamble or closing gets a theme the dictionary missed only from this probability (LODO: 0.6-0.95 tie)
EVIDENCE_TERMS = 3            # model-driven codes store this many top contributing features
SHARED_KINDS = ("o", "x", "b", "b:main", "hb", "hb:main", "pv", "pm", "nx", "ft", "lt", "fo")
CONTEXT_LABELS = {"x": "context: section", "hb": "context: section", "hb:main": "context: section",
                  "pv": "context: previous unit", "pm": "context: previous unit", "nx": "context: next unit"}
RUN_CHARS = r"\u3400-\u9fffA-Za-z0-9"
_RUN = re.compile(f"[{RUN_CHARS}]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class ThemeModel:
    themes: tuple             # theme ids, the order of each weight vector
    bias: tuple
    weights: dict             # feature -> tuple of one weight per theme
    keep: float               # a dictionary code stands while the model gives it this probability
    add: float                # the model adds a theme the dictionary missed from this probability
    version: str
    index: dict = field(init=False, repr=False, compare=False)     # feature -> row of `matrix`
    matrix: object = field(init=False, repr=False, compare=False)  # the bias, the weights, a row of zeros: an array
    grams: tuple = field(init=False, repr=False, compare=False)    # the bigram features
    gram_matcher: object = field(init=False, repr=False, compare=False)   # finds them, overlapping (Aho-Corasick)
    alone: object = field(init=False, repr=False, compare=False)   # finds the one-character features standing alone

    def __post_init__(self):
        object.__setattr__(self, "index", {f: i for i, f in enumerate(self.weights, 1)})
        object.__setattr__(self, "matrix", np.array([self.bias, *self.weights.values(), [0.0] * len(self.themes)],
                                                    dtype=float).reshape(len(self.weights) + 2, len(self.themes)))
        grams = tuple(f for f in self.weights if len(f) == 2 and _RUN.fullmatch(f))
        singles = "".join(re.escape(f) for f in self.weights if len(f) == 1 and _RUN.fullmatch(f))
        object.__setattr__(self, "grams", grams)
        object.__setattr__(self, "gram_matcher", ahocorasick_rs.AhoCorasick(grams) if grams else None)
        object.__setattr__(self, "alone", re.compile(f"(?<![{RUN_CHARS}])[{singles}](?![{RUN_CHARS}])")
                           if singles else None)


def text_features(simplified):
    """Character bigrams of the unit's runs of Han, Latin and digits (presence only).

    They are the only features without a `kind:` prefix, so they need no
    string building of their own.
    """
    grams = set()
    for run in _RUN.findall(simplified):
        if len(run) == 1:
            grams.add(run)
        grams.update(map(str.__add__, run, run[1:]))
    return grams


def known_text_features(model, simplified):
    """The text features the model has weights for: `text_features` of the unit, less the ones it would ignore.

    Coding needs no others, and finding these few directly (the bigrams by
    one Aho-Corasick pass, overlapping; the one-character runs by a regex)
    costs a third of building every bigram of the unit.
    """
    grams = model.grams
    found = ({grams[i] for i, _, _ in model.gram_matcher.find_matches_as_indexes(simplified, overlapping=True)}
             if model.gram_matcher is not None else set())
    if model.alone is not None:
        found.update(model.alone.findall(simplified))
    return found


@dataclass(frozen=True)
class Features:
    """A unit's features: present-or-absent ones (most) and valued ones (a few scores)."""
    binary: set
    valued: dict

    def as_dict(self):
        return {**dict.fromkeys(self.binary, 1.0), **self.valued}


def unit_features(simplified, own, context, baseline, evidence, is_heading, framing, outside=0.0,
                  neighbours=((), ()), ends=((), ()), model=None):
    """The features of one unit; the same function serves training and coding.

    `neighbours` are the dictionary's codes of the previous and the next unit
    (main first), `ends` the themes of the unit's first and last
    matched term: Chinese puts the head of a phrase last, so the last term
    tends to name what the unit is about and the terms before it the means.
    A preamble or closing (`framing`) has policy content only in its own
    words: it gets neither the section's context nor its neighbours' codes.
    With a `model`, only the text features it has weights for (coding: the
    others would add nothing to its probabilities or its evidence).
    """
    binary = text_features(simplified) if model is None else known_text_features(model, simplified)
    binary.update("w:" + term for terms in evidence.values() for term in terms)
    valued = {"o:" + t: min(v, OWN_SCORE_CAP) / OWN_SCORE_SCALE for t, v in own.items()}
    if not framing:
        valued.update(("x:" + t, v) for t, v in context.items() if v >= CONTEXT_MIN_SHARE)
    prefix = "hb:" if is_heading else "b:"
    for rank, (t, _, _) in enumerate(baseline):
        binary.add(prefix + t)
        if rank == 0:
            binary.add(prefix + "main:" + t)
    first, last = ends
    binary.update(["ft:" + t for t in first] + ["lt:" + t for t in last])
    if framing:
        valued.update([("fo:" + f[2:], v) for f, v in valued.items() if f.startswith("o:")])
    else:
        previous, following = neighbours
        binary.update(["pv:" + t for t in previous] + ["nx:" + t for t in following] + ["pm:" + t for t in previous[:1]])
    if outside:
        valued["outside"] = min(outside, OWN_SCORE_CAP) / OWN_SCORE_SCALE
    if is_heading:
        binary.add("heading")
    if framing:
        binary.add("framing")
    if not _HAN.search(simplified):
        binary.add("no_han")
    return Features(binary, valued)


def probabilities(model, feats):
    """Theme -> probability of one unit.

    The weight vectors of present features are looked up and summed column
    by column in C (map, zip and sum): coding costs a few microseconds.
    """
    get = model.weights.get
    vectors = [model.bias, *filter(None, map(get, feats.binary))]
    for f, v in feats.valued.items():
        ws = get(f)
        if ws is not None:
            vectors.append(tuple(map(v.__mul__, ws)))
    return dict(zip(model.themes, (1.0 / (1.0 + math.exp(-z)) for z in map(sum, zip(*vectors)))))


def batch_probabilities(model, units):
    """[probabilities(model, feats) for feats in units], bit for bit, in one numpy gather and sum.

    A unit's rows are the bias, its present features in the order
    `probabilities` takes them, then its valued features (their weights times
    their values). `np.add.at` adds the rows into their unit's sums one after
    the other, as `sum` does column by column, so the floats are the same.
    """
    get, rows, owners, scaled, scales = model.index.get, [], [], [], []
    for u, feats in enumerate(units):
        start = len(rows)
        rows.append(0)
        rows += filter(None, map(get, feats.binary))
        for f, v in feats.valued.items():
            i = get(f)
            if i is not None:
                scaled.append(len(rows))
                scales.append(v)
                rows.append(i)
        owners += [u] * (len(rows) - start)
    if not rows:
        return []
    gathered = model.matrix[rows]
    if scaled:
        gathered[scaled] *= np.array(scales)[:, None]
    z = np.zeros((len(units), len(model.themes)))
    np.add.at(z, owners, gathered)
    exp = math.exp
    return [dict(zip(model.themes, [1.0 / (1.0 + exp(-x)) for x in zs])) for zs in z.tolist()]


def contributors(model, feats, theme):
    """The unit's features that pushed `theme` up, strongest first."""
    i, weights = model.themes.index(theme), model.weights
    pushed = [(weights[f][i], f) for f in feats.binary if f in weights]
    pushed += [(weights[f][i] * v, f) for f, v in feats.valued.items() if f in weights]
    return [f for w, f in sorted(pushed, reverse=True) if w > 0]


def combine(model, probs, dictionary_codes, framing=False):
    """Themes of a unit, most probable first: the dictionary's codes the model
    does not reject, and the themes it is confident of on its own (more
    confident for framing, which the guide leaves uncoded unless it has
    policy content)."""
    coded = {t for t, _, _ in dictionary_codes}
    add = FRAMING_ADD if framing else model.add
    chosen = [t for t, p in probs.items() if (p >= model.keep and t in coded) or p >= add]
    return sorted(chosen, key=lambda t: -probs[t])


def readable_evidence(features):
    """Contributing features as words a reader can check: terms and bigrams,
    not model internals; a code that no word supports names the context that made it."""
    out = []
    for f in features:
        kind, colon, word = f.partition(":")
        word = word if colon else kind
        if (kind == "w" or not colon) and word not in out:
            out.append(word)
        if len(out) == EVIDENCE_TERMS:
            break
    if not out:
        out = [CONTEXT_LABELS[kind] for kind, _, _ in map(_split_kind, features) if kind in CONTEXT_LABELS][:1]
    return out


def _split_kind(feature):
    """`kind:theme` features as (kind, ':', theme): `b:main:party` -> (`b:main`, ':', `party`)."""
    return feature.rpartition(":")


def load_model(path=MODEL_FILE):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    themes = tuple(data["themes"])
    weights = {f: tuple(float(w) for w in ws) for f, ws in data["weights"].items()}
    version = hashlib.sha256(Path(path).read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]
    return ThemeModel(themes, tuple(data["bias"]), weights, float(data["keep"]), float(data["add"]), version)


@lru_cache(maxsize=4)
def default_model(path=str(MODEL_FILE)):
    """The committed model, or None when there is none (the dictionary alone codes)."""
    return load_model(path) if Path(path).is_file() else None
