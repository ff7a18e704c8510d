"""A compact statistical theme model that works with the editable dictionary.

One-vs-rest logistic regression per theme of the guide. Its features are the
unit's character bigrams, the dictionary terms it contains, and what the
dictionary coder concluded (its own scores, its section context, its codes):
the dictionary stays the part staff edit, the model learns how coders weigh
it against the wording of the unit. The weights are trained by
`eval/train_themes.py` on the labelled development units and stored in
`etl/models/themes_lr.json` (weights only, no texts). Inference is a sparse
dot product in plain Python: deterministic and cheap.
"""
import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "models" / "themes_lr.json"
OWN_SCORE_CAP = 9.0           # dictionary scores beyond three strong terms add nothing more
OWN_SCORE_SCALE = 3.0         # one strong term (weight 3) is feature value 1
EVIDENCE_TERMS = 3            # model-driven codes store this many top contributing features
_RUN = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+")


@dataclass(frozen=True)
class ThemeModel:
    themes: tuple             # theme ids, the order of each weight vector
    bias: tuple
    weights: dict             # feature -> tuple of (theme index, weight)
    keep: float               # a dictionary code stands while the model gives it this probability
    add: float                # the model adds a theme the dictionary missed from this probability
    version: str


def text_features(simplified):
    """Character bigrams of the unit's runs of Han, Latin and digits (presence only)."""
    grams = set()
    for run in _RUN.findall(simplified):
        if len(run) == 1:
            grams.add("c:" + run)
        grams.update("c:" + run[i:i + 2] for i in range(len(run) - 1))
    return grams


def unit_features(simplified, own, context, baseline, evidence, is_heading, framing, outside=0.0):
    """Feature -> value for one unit; the same function serves training and coding."""
    feats = dict.fromkeys(text_features(simplified), 1.0)
    for terms in evidence.values():
        for term in terms:
            feats["w:" + term] = 1.0
    for t, v in own.items():
        feats["o:" + t] = min(v, OWN_SCORE_CAP) / OWN_SCORE_SCALE
    for t, v in context.items():
        feats["x:" + t] = v
    prefix = "hb:" if is_heading else "b:"
    for rank, (t, _, _) in enumerate(baseline):
        feats[prefix + t] = 1.0
        if rank == 0:
            feats[prefix + "main:" + t] = 1.0
    if outside:
        feats["outside"] = min(outside, OWN_SCORE_CAP) / OWN_SCORE_SCALE
    if is_heading:
        feats["heading"] = 1.0
    if framing:
        feats["framing"] = 1.0
    if not any("\u3400" <= ch <= "\u9fff" for ch in simplified):
        feats["no_han"] = 1.0
    return feats


def probabilities(model, feats):
    """Theme -> probability of one unit."""
    z = list(model.bias)
    for f, v in feats.items():
        for i, w in model.weights.get(f, ()):
            z[i] += w * v
    return {t: 1.0 / (1.0 + math.exp(-zi)) for t, zi in zip(model.themes, z)}


def contributors(model, feats, theme):
    """The unit's features that pushed `theme` up, strongest first."""
    i = model.themes.index(theme)
    pushed = [(w * v, f) for f, v in feats.items() for j, w in model.weights.get(f, ()) if j == i and w > 0]
    return [f for _, f in sorted(pushed, reverse=True)]


def combine(model, probs, dictionary_codes):
    """Themes of a unit, most probable first: the dictionary's codes the model
    does not reject, and the themes the model is confident of on its own."""
    coded = {t for t, _, _ in dictionary_codes}
    chosen = [t for t, p in probs.items() if (p >= model.keep and t in coded) or p >= model.add]
    return sorted(chosen, key=lambda t: -probs[t])


def readable_evidence(features):
    """Contributing features as words a reader can check: terms and bigrams, not model internals."""
    out = []
    for f in features:
        kind, _, word = f.partition(":")
        if kind in ("w", "c") and word not in out:
            out.append(word)
        if len(out) == EVIDENCE_TERMS:
            break
    return out


def load_model(path=MODEL_FILE):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    themes = tuple(data["themes"])
    weights = {f: tuple((i, w) for i, w in enumerate(ws) if w) for f, ws in data["weights"].items()}
    version = hashlib.sha256(Path(path).read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]
    return ThemeModel(themes, tuple(data["bias"]), weights, float(data["keep"]), float(data["add"]), version)


@lru_cache(maxsize=4)
def default_model(path=str(MODEL_FILE)):
    """The committed model, or None when there is none (the dictionary alone codes)."""
    return load_model(path) if Path(path).is_file() else None
