"""Extraction scores of a built warehouse against gold that lives beside the project.

The gold and the scorer are shared development material (`../shared`): they
are read from there at run time and never copied into the project, so a
production build has no gold to score against. Tests, benchmarks and a
developer who wants the 数据与方法 page to show a build's quality call
`store_scores` after the build.
"""
import importlib.util
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"


def load_scorer(path=SCORER):
    """The shared scorer module, imported by path, or None when it is absent."""
    path = Path(path)
    if not path.is_file():
        return None
    name = "jiedao_shared_score"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def score(warehouse, gold_dir, window=False, scorer=SCORER):
    """The shared scorer's result dict for `warehouse` against `gold_dir`."""
    module = load_scorer(scorer)
    if module is None:
        raise FileNotFoundError(f"scorer not found: {scorer}")
    return module.score(str(warehouse), str(gold_dir), window=window)


def score_rows(result, gold_dir):
    """build_info rows `score_*` from one scorer result."""
    t, f = result["themes"], result["facts"]
    gold_docs = sorted(p.name.replace(".gold.json", "") for p in Path(gold_dir).glob("*.gold.json"))
    return {
        "score_themes_f1": f"{t['f1']:.3f}", "score_themes_precision": f"{t['precision']:.3f}",
        "score_themes_recall": f"{t['recall']:.3f}", "score_facts_f1": f"{f['f1']:.3f}",
        "score_facts_precision": f"{f['precision']:.3f}", "score_facts_recall": f"{f['recall']:.3f}",
        "score_kind_accuracy": f"{f['kind_acc']:.3f}", "score_unit_accuracy": f"{f['unit_acc']:.3f}",
        "score_indicator_f1": f"{f.get('indicator_f1', 0.0):.3f}",
        "score_gold_documents": ", ".join(gold_docs),
    }


def store_scores(warehouse, gold_dir, window=False, scorer=SCORER):
    """Score `warehouse` and write the `score_*` rows into its build_info; return the scorer result."""
    result = score(warehouse, gold_dir, window, scorer)
    with duckdb.connect(str(warehouse)) as con:
        con.executemany("insert or replace into build_info values (?, ?)",
                        sorted(score_rows(result, gold_dir).items()))
    return result


def main(argv=None):
    """`python -m eval WAREHOUSE GOLD_DIR [--window]`: score and store in build_info."""
    argv = sys.argv[1:] if argv is None else argv
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print("usage: python -m eval WAREHOUSE GOLD_DIR [--window]", file=sys.stderr)
        return 2
    result = store_scores(args[0], args[1], window="--window" in argv)
    rows = score_rows(result, args[1])
    print("  ".join(f"{k.removeprefix('score_')} {v}" for k, v in rows.items() if k != "score_gold_documents"))
    return 0
