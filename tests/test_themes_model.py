"""The trained theme model: committed weights, deterministic coding, a working fit."""
import json

from etl.normalize import to_simplified
from etl.segment import segment
from etl.theme_model import MODEL_FILE, Features, combine, probabilities, readable_evidence, unit_features
from etl.themes import code_themes, dictionary_coding, load_dictionary
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


def _real_units():
    """The model's features of every unit the coder gives the model, over the seeds and the shared development texts."""
    from pathlib import Path

    from etl.read import read_document
    from etl.themes import dictionary_coding
    root = Path(__file__).resolve().parent.parent
    paths = [p for p in sorted((root / "seeds").iterdir()) if p.name != "manifest.csv"]
    paths += sorted((root.parent / "shared" / "external" / "texts").glob("*.txt"))
    d = load_dictionary()
    for p in paths:
        text = read_document(p).text
        units = dictionary_coding(segment(text, to_simplified(text)), d)
        yield [u["features"] for u in units.values() if not u["silent"]]


def test_batch_probabilities_are_the_unit_probabilities_bit_for_bit():
    from etl.theme_model import batch_probabilities
    model = load_dictionary().model
    n = 0
    for feats in _real_units():
        assert batch_probabilities(model, feats) == [probabilities(model, f) for f in feats]
        n += len(feats)
    assert n > 400
    assert batch_probabilities(model, []) == []


def test_contributors_rank_the_features_that_push_a_theme():
    from etl.theme_model import contributors
    model = load_dictionary().model
    for feats in _real_units():
        for f in feats[:40]:
            for i, theme in enumerate(model.themes):
                pushed = [(model.weights[k][i] * v, k) for k, v in f.as_dict().items() if k in model.weights]
                assert contributors(model, f, theme) == [k for w, k in sorted(pushed, reverse=True) if w > 0]


def test_coding_finds_exactly_the_text_features_the_model_knows():
    from pathlib import Path

    from etl.read import read_document
    from etl.theme_model import known_text_features, text_features
    model = load_dictionary().model
    root = Path(__file__).resolve().parent.parent
    paths = [p for p in sorted((root / "seeds").iterdir()) if p.name != "manifest.csv"]
    paths += sorted((root.parent / "shared" / "external" / "texts").glob("*.txt"))
    n = 0
    for p in paths:
        text = read_document(p).text
        for s in segment(text, to_simplified(text)):
            expected = {f for f in text_features(s.text_simplified) if f in model.weights}
            assert known_text_features(model, s.text_simplified) == expected
            n += bool(expected)
    assert n > 400
    # digits and characters standing alone are features too; inside a longer run they are not
    assert {"3", "一"} <= known_text_features(model, "(3)、一、") and "3" not in known_text_features(model, "第3项")


def _row(doc, own, themes, neighbours=((), ())):
    feats = unit_features("", own, {}, [], {t: ["x"] for t in own}, False, False, neighbours=neighbours)
    return ("dev", doc, feats, themes, None, 1.0)


def test_a_feature_kind_learnt_on_some_themes_carries_to_a_theme_without_examples():
    """Own evidence of a theme never labelled in training still raises it: the `o:` kind has a weight all themes share."""
    themes = ["economy", "culture", "health"]
    rows = [_row(f"e{n}", {"economy": 3.0}, ("economy",)) for n in range(10)]
    rows += [_row(f"c{n}", {"culture": 3.0}, ("culture",)) for n in range(10)]
    rows += [_row(f"n{n}", {}, ()) for n in range(10)]
    model = to_model(*fit(rows, themes), themes)
    with_evidence = probabilities(model, unit_features("", {"health": 3.0}, {}, [], {"health": ["x"]}, False, False))
    without = probabilities(model, unit_features("", {}, {}, [], {}, False, False))
    assert with_evidence["health"] > 2 * without["health"]


def test_neighbours_and_term_ends_are_features_but_not_for_framing():
    args = ("加强党建", {"party": 3.0}, {"governance": 0.5}, [("party", 3.0, ["党建"])], {"party": ["党建"]}, False)
    kw = {"neighbours": (("party", "culture"), ("economy",)), "ends": (("party",), ("governance",))}
    body = unit_features(*args, False, **kw)
    assert {"pv:party", "pv:culture", "pm:party", "nx:economy", "ft:party", "lt:governance"} <= body.binary
    assert body.valued["x:governance"] == 0.5
    framing = unit_features(*args, True, **kw)
    assert not {f for f in framing.binary if f[:3] in ("pv:", "pm:", "nx:")}
    assert "x:governance" not in framing.valued and framing.valued["fo:party"] == 1.0
    assert {"ft:party", "lt:governance"} <= framing.binary


def test_dictionary_coding_gives_each_unit_its_neighbours_codes_and_term_ends():
    text = "一、党的建设\n组织党员学习。\n开展廉政教育。\n推进垃圾分类和党员志愿服务。"
    sents = segment(text, to_simplified(text))
    units = dictionary_coding(sents, load_dictionary(model_path=None))
    middle = units[sents[2].sent_no]["features"].binary
    assert {"pv:party", "pm:party", "nx:party", "ft:party", "lt:culture"} <= middle   # 廉政 first, 教育 last
    last = units[sents[3].sent_no]["features"].binary
    assert {"pv:party", "ft:environment", "lt:culture"} <= last and not any(f.startswith("nx:") for f in last)


def test_a_code_only_context_made_names_the_context_as_evidence():
    assert readable_evidence(["x:party", "pv:party"]) == ["context: section"]
    assert readable_evidence(["nx:party", "o:party"]) == ["context: next unit"]
    assert readable_evidence(["w:党建", "党建", "x:party"]) == ["党建"]
