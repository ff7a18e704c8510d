"""Train the theme model on the labelled development units; report leave-one-document-out F1.

usage: python eval/train_themes.py [--shared ../shared] [--out etl/models/themes_lr.json] [--lodo]

Reads the documents and their coded units from `../shared` (seeds gold,
external gold, silver labels) at development time only. What it writes is
weights: one logistic regression per theme over the features of
`etl.theme_model.unit_features` (character bigrams, dictionary terms, the
dictionary coder's scores and codes, the neighbouring units' codes); the
features that name a theme have a weight per kind shared by all themes
(`etl.theme_model.SHARED_KINDS`), folded into the themes' weights on saving. No text is stored. With `--lodo` it
first prints, for every development set, the themes micro-F1 of models each
trained without the document they are scored on: the honest figure.
"""
import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.normalize import to_simplified  # noqa: E402
from etl.read import read_document  # noqa: E402
from etl.segment import segment  # noqa: E402
from etl.theme_model import MODEL_FILE, SHARED_KINDS, ThemeModel, combine, probabilities  # noqa: E402
from etl.themes import MAX_THEMES, dictionary_coding, load_dictionary  # noqa: E402

MIN_DF = 2                # a feature seen in one training unit only is noise
L2 = 0.0015              # ridge penalty per unit, chosen on the LODO mean of the three sets (0.003: 0.849, 0.0015: 0.852, 0.006: 0.845)
STEPS = 120               # full-batch Adam steps; the held-out F1 is flat from about 100
LEARNING_RATE = 0.1
KEEP = 0.4                # a dictionary code stands from this probability (LODO mean of the three sets: 0.3-0.5 tie)
ADD = 0.45                # the model adds a theme the dictionary missed from this probability (LODO: 0.4-0.45 tie)
SILVER_WEIGHT = 0.7       # silver is coded once, without adjudication: it counts less
SHARED_ONLY = {"pv", "pm", "nx", "ft", "lt", "fo"}  # kinds with the shared weight only (LODO: a weight per theme too ties)
MIN_WEIGHT = 0.05         # smaller weights barely move a probability; dropping them keeps coding fast


def dev_sets(shared):
    """(set name, texts dir, labels dir, label suffix, unit weight) of every development set."""
    return [("seeds", shared / "seeds", shared / "gold", ".gold.json", 1.0),
            ("external", shared / "external" / "texts", shared / "external" / "gold", ".gold.json", 1.0),
            ("silver", shared / "silver" / "texts", shared / "silver" / "labels", ".silver.json", SILVER_WEIGHT)]


def load_units(shared, dictionary):
    """Every labelled unit as (set, document, features, gold themes, coded unit, weight)."""
    rows = []
    for name, texts, labels, suffix, weight in dev_sets(shared):
        for gfile in sorted(labels.glob("*" + suffix)):
            stem = gfile.name[:-len(suffix)]
            raw = read_document(texts / (stem + ".txt"))
            sentences = segment(raw.text, to_simplified(raw.text))
            coded = dictionary_coding(sentences, dictionary)
            for u in json.loads(gfile.read_text(encoding="utf-8")):
                match = next((s for s in sentences if u["key"] in s.text), None)
                if match is None:
                    continue
                unit = coded[match.sent_no]
                rows.append((name, stem, unit["features"], tuple(u.get("themes") or ()), unit, weight))
    return rows


def fit(rows, themes):
    """One-vs-rest logistic regression, full-batch Adam with an L2 penalty.

    The design matrix is kept as coordinate lists (a unit has a few dozen of
    thousands of features), so a step costs the non-zeros, not the matrix.
    The features that name a theme (`SHARED_KINDS`) also feed a dense unit x
    theme x kind array whose weights all themes share. Returns (vocabulary,
    weights, bias, shared weights per kind).
    """
    sparse = [r[2].as_dict() for r in rows]
    df = Counter(f for feats in sparse for f in feats)
    vocab = sorted(f for f, c in df.items() if c >= MIN_DF and f.rpartition(":")[0] not in SHARED_ONLY)
    index = {f: i for i, f in enumerate(vocab)}
    coords = [(n, index[f], v) for n, feats in enumerate(sparse) for f, v in feats.items() if f in index]
    kinds, columns = {k: i for i, k in enumerate(SHARED_KINDS)}, {t: i for i, t in enumerate(themes)}
    shared = np.zeros((len(rows), len(themes), len(SHARED_KINDS)))
    for n, feats in enumerate(sparse):
        for f, v in feats.items():
            kind, _, theme = f.rpartition(":")
            if kind in kinds and theme in columns:
                shared[n, columns[theme], kinds[kind]] += v
    row_of = np.array([c[0] for c in coords], dtype=np.int64)
    col_of = np.array([c[1] for c in coords], dtype=np.int64)
    val = np.array([c[2] for c in coords], dtype=np.float64)[:, None]
    y = np.zeros((len(rows), len(themes)))
    for n, r in enumerate(rows):
        for t in r[3]:
            y[n, themes.index(t)] = 1.0
    by_col = np.argsort(col_of, kind="stable")
    row_starts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
    rows_present = row_of[row_starts]
    col_sorted = col_of[by_col]
    col_starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    cols_present = col_sorted[col_starts]
    sw = np.array([r[5] for r in rows])[:, None]
    total = float(sw.sum())
    w = np.zeros((len(vocab), len(themes)))
    b = np.zeros(len(themes))
    c = np.zeros(len(SHARED_KINDS))
    moments = [(np.zeros_like(x), np.zeros_like(x)) for x in (w, b, c)]
    for step in range(1, STEPS + 1):
        z = shared @ c
        z[rows_present] += np.add.reduceat(val * w[col_of], row_starts)
        p = 1.0 / (1.0 + np.exp(-(z + b)))
        g = (p - y) * sw / total
        gw = L2 * w * len(rows) / total
        gw[cols_present] += np.add.reduceat((val * g[row_of])[by_col], col_starts)
        gb = g.sum(axis=0)
        gc = np.einsum("ntk,nt->k", shared, g) + L2 * c * len(rows) / total
        for param, grad, (m, v) in zip((w, b, c), (gw, gb, gc), moments):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= LEARNING_RATE * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return vocab, w, b, c


def to_model(vocab, w, b, c, themes, keep=KEEP, add=ADD):
    """The fitted weights as a ThemeModel: each kind's shared weight is folded
    into the weights of its features (`o:party` gets the shared `o` weight in
    the party column), so coding needs no weights of its own for it; features
    whose weights are all small are dropped."""
    dense = {f: row.copy() for f, row in zip(vocab, w)}
    for k, shared in zip(SHARED_KINDS, c):
        for i, t in enumerate(themes):
            dense.setdefault(f"{k}:{t}", np.zeros(len(themes)))[i] += shared
    weights = {}
    for f, row in sorted(dense.items()):
        if np.abs(row).max() >= MIN_WEIGHT:
            weights[f] = tuple(round(float(x), 4) if abs(x) >= MIN_WEIGHT else 0.0 for x in row)
    return ThemeModel(tuple(themes), tuple(round(float(x), 4) for x in b), weights, keep, add, "")


def predict(model, unit):
    """The themes `etl.themes` would code for one unit (without evidence)."""
    if unit["silent"]:
        return set()
    probs = probabilities(model, unit["features"])
    return set(combine(model, probs, unit["coded"], framing=unit["framing"])[:MAX_THEMES])


def micro_f1(pairs):
    tp = sum(len(g & p) for g, p in pairs)
    fp = sum(len(p - g) for g, p in pairs)
    fn = sum(len(g - p) for g, p in pairs)
    prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return prec, rec, 2 * prec * rec / max(1e-9, prec + rec)


def lodo(rows, themes):
    """(set, coder) -> [(gold, predicted)] of every unit, each document coded by a
    model trained without it, next to the dictionary alone."""
    pairs = {}
    for doc in sorted({(r[0], r[1]) for r in rows}):
        model = to_model(*fit([r for r in rows if (r[0], r[1]) != doc], themes), themes)
        for r in rows:
            if (r[0], r[1]) == doc:
                gold = set(r[3])
                pairs.setdefault((r[0], "model"), []).append((gold, predict(model, r[4])))
                pairs.setdefault((r[0], "dictionary"), []).append((gold, {t for t, _, _ in r[4]["coded"]}))
    return pairs


def per_theme(pairs, theme):
    """(precision, recall, gold count) of one theme over (gold, predicted) pairs."""
    tp = sum(theme in g and theme in p for g, p in pairs)
    predicted, gold = sum(theme in p for _, p in pairs), sum(theme in g for g, _ in pairs)
    return tp / max(1, predicted), tp / max(1, gold), gold


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--lodo", action="store_true")
    args = ap.parse_args(argv)
    dictionary = load_dictionary(model_path=None)
    themes = [t["id"] for t in dictionary.themes]
    rows = load_units(args.shared, dictionary)
    print(f"{len(rows)} labelled units from {len({(r[0], r[1]) for r in rows})} documents")
    if args.lodo:
        pairs = lodo(rows, themes)
        for (name, coder), unit_pairs in sorted(pairs.items()):
            p, r, f = micro_f1(unit_pairs)
            print(f"LODO {name:9} {coder:10}  P {p:.3f} R {r:.3f} F1 {f:.3f}")
        sets = sorted({name for name, _ in pairs})
        print("LODO per theme, model: P/R (gold codes) " + "  ".join(f"{name:>18}" for name in sets))
        for theme in themes:
            cells = ("{:.2f}/{:.2f} ({:3d})".format(*per_theme(pairs[(name, "model")], theme)) for name in sets)
            print(f"  {theme:12} " + "  ".join(f"{c:>18}" for c in cells))
    model = to_model(*fit(rows, themes), themes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    dense = {f: list(ws) for f, ws in model.weights.items()}
    args.out.write_text(json.dumps({"themes": themes, "bias": list(model.bias), "keep": model.keep, "add": model.add,
                                    "weights": dict(sorted(dense.items()))},
                                   ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(dense)} features)")


if __name__ == "__main__":
    main()
