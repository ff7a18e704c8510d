"""The trained theme model: committed weights, deterministic coding, a working fit."""
import json

from etl.normalize import to_simplified
from etl.segment import segment
from etl.theme_model import MODEL_FILE, Features, combine, probabilities, unit_features
from etl.themes import code_themes, load_dictionary
from eval.train_themes import fit, to_model

DOC = ("一、经济发展\n实施积极的财政政策和稳健的货币政策。\n深化国有企业改革。\n"
       "二、社会事业\n推动义务教育优质均衡发展。\n做好困难群众基本生活保障。")


def test_the_committed_model_covers_the_guide_themes_and_holds_no_text():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    d = load_dictionary()
    assert data["themes"] == [t["id"] for t in d.themes]
    assert d.model is not None and 0 < d.model.keep < d.model.add < 1
    assert all(len(w) == len(data["themes"]) for w in data["weights"].values())
    # features are bigrams, dictionary terms and coder outputs: no unit text is stored
    flags = {"heading", "framing", "no_han", "outside"}
    assert max(len(f) for f in data["weights"] if ":" not in f and f not in flags) <= 2


def test_coding_with_the_model_is_deterministic_and_keeps_evidence():
    sents = segment(DOC, to_simplified(DOC))
    first = code_themes(sents, load_dictionary())
    second = code_themes(sents, load_dictionary())
    assert first == second
    assert all(evidence for themes in first.values() for _, _, evidence in themes)
    assert [t for t, _, _ in first[sents[1].sent_no]][:1] == ["economy"]


def test_the_model_version_is_part_of_the_dictionary_version():
    assert load_dictionary().version != load_dictionary(model_path=None).version


def test_fit_learns_a_theme_from_its_words_and_combine_respects_keep_and_add():
    themes = ["economy", "culture"]
    rows = []
    for n in range(20):
        econ = n % 2 == 0
        text = "财政货币政策" if econ else "学校教师教育"
        feats = unit_features(text, {}, {}, [], {}, False, False)
        rows.append(("dev", f"doc{n}", feats, ("economy",) if econ else ("culture",), None, 1.0))
    model = to_model(*fit(rows, themes), themes)
    probs = probabilities(model, unit_features("稳健的货币政策", {}, {}, [], {}, False, False))
    assert probs["economy"] > model.add > probs["culture"]
    assert combine(model, probs, []) == ["economy"]
    assert combine(model, {"economy": model.keep, "culture": 0.0}, [("economy", 1.0, [])]) == ["economy"]
    assert combine(model, {"economy": model.keep, "culture": 0.0}, []) == []


def test_features_split_present_and_valued():
    f = unit_features("加强党建", {"party": 6.0}, {"party": 0.9, "economy": 0.05}, [("party", 6.0, ["党建"])],
                      {"party": ["党建"]}, True, False)
    assert isinstance(f, Features)
    assert {"加强", "党建", "w:党建", "hb:party", "hb:main:party", "heading"} <= f.binary
    assert f.valued == {"o:party": 2.0, "x:party": 0.9}
