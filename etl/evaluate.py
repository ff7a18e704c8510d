"""Score a freshly built warehouse against the hand-coded gold in tests/gold.

The scorer is the project's copy of the shared one (eval/score.py); the
scores are stored in build_info so the dashboard can show the quality of the
build it is reading.
"""
from pathlib import Path

from etl.config import ROOT

GOLD_DIR = ROOT / "tests" / "gold"


def score_rows(warehouse, doc_ids, gold_dir=GOLD_DIR):
    """build_info rows `score_*` for `warehouse` holding `doc_ids`, or {} when no gold document is in it."""
    gold_names = {p.name.replace(".gold.json", "") for p in Path(gold_dir).glob("*.gold.json")} if Path(gold_dir).is_dir() else set()
    if not gold_names & set(doc_ids):
        return {}             # none of the gold documents is in this build: nothing to score
    from eval.score import score
    result = score(str(warehouse), str(gold_dir))
    t, f = result["themes"], result["facts"]
    return {
        "score_themes_f1": f"{t['f1']:.3f}", "score_themes_precision": f"{t['precision']:.3f}",
        "score_themes_recall": f"{t['recall']:.3f}", "score_facts_f1": f"{f['f1']:.3f}",
        "score_facts_precision": f"{f['precision']:.3f}", "score_facts_recall": f"{f['recall']:.3f}",
        "score_kind_accuracy": f"{f['kind_acc']:.3f}", "score_unit_accuracy": f"{f['unit_acc']:.3f}",
        "score_gold_documents": ", ".join(sorted(p.name.replace(".gold.json", "") for p in Path(gold_dir).glob("*.gold.json"))),
    }
