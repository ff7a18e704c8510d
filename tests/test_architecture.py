"""The code's shape, checked: import direction, no private Streamlit API, no data ids in code,
interface strings in both languages, one home for the environment, and ruff's rules.

Each test reads the source (ast or text), so a change that breaks a rule fails here
before it is reviewed.
"""
import ast
import csv
import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from app.i18n import STRINGS

APP = ROOT / "app"
# Production code of the reading side: the dashboard, its views, the app package and the export.
PRODUCTION = [ROOT / "dashboard.py", *sorted((ROOT / "views").glob("*.py")), *sorted(APP.glob("*.py")),
              *sorted((ROOT / "export").glob("*.py"))]


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _app_imports(path):
    """app.* modules imported anywhere in a file (top level or inside a function)."""
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "app":
                out |= {f"app.{a.name}" for a in node.names}
            elif node.module.startswith("app."):
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("app.")}
    return out


def test_no_import_circle_in_app():
    graph = {f"app.{p.stem}": _app_imports(p) - {f"app.{p.stem}"} for p in APP.glob("*.py") if p.stem != "__init__"}
    state = {}

    def visit(node, path):
        if state.get(node) == "done":
            return
        assert state.get(node) != "open", "import circle: " + " -> ".join([*path, node])
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        state[node] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_no_deferred_import_of_ui():
    """Only views and the dashboard use app.ui: the modules below it never reach back up."""
    offenders = [p.name for p in APP.glob("*.py") if p.stem != "ui" and "app.ui" in _app_imports(p)]
    assert offenders == []


def test_no_streamlit_private_api():
    private = re.compile(r"streamlit\.runtime|PagesManager|uses_pages_directory|streamlit\.web|\bst\._|_get_script_run_ctx")
    offenders = [p.name for p in PRODUCTION if private.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    # Without a pages/ folder Streamlit never enters its legacy multipage mode.
    assert not (ROOT / "pages").exists()


def _string_constants(path):
    """Every string literal of a file except docstrings (prose may name anything)."""
    tree = _tree(path)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_region_or_seed_id_in_production_code():
    """Regions and documents are data: their ids live in config/regions.yaml and seeds/manifest.csv only."""
    regions = yaml.safe_load((ROOT / "config" / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    region_ids = {r["region_id"] for r in regions}
    with open(ROOT / "seeds" / "manifest.csv", encoding="utf-8") as fh:
        doc_ids = {row["source_file"].rsplit(".", 1)[0] for row in csv.DictReader(fh)}
    words = re.compile(r"[A-Za-z0-9_]+")
    offenders = []
    for path in PRODUCTION:
        for text in _string_constants(path):
            found = (set(words.findall(text)) & region_ids) | {d for d in doc_ids if d in text or d[:3] + "_" == text}
            offenders += [f"{path.name}: {x}" for x in sorted(found)]
    assert offenders == []


# The helper that looks a key up, per file, and the prefix it adds (app/i18n.py keys are namespaced).
LOOKUPS = {"t": "", "tr": "", "_t": "export.", "_tx": "slide."}
FILE_PREFIX = {"add_documents.py": {"tr": "add."}}


def _used_keys():
    """(file, key or prefix*, line) for every t()/tr()/_t()/_tx() call whose key is written in the code."""
    out = []
    for path in PRODUCTION:
        prefixes = {**LOOKUPS, **FILE_PREFIX.get(path.name, {})}
        for node in ast.walk(_tree(path)):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in prefixes:
                continue
            arg, prefix = node.args[0], prefixes[name]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append((path.name, prefix + arg.value, node.lineno))
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                out.append((path.name, prefix + arg.values[0].value + "*", node.lineno))
            elif isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant) and isinstance(arg.left.value, str):
                out.append((path.name, prefix + arg.left.value + "*", node.lineno))
    return out


def test_every_key_used_in_code_exists_in_both_languages():
    used = _used_keys()
    assert len(used) > 100   # the scan sees the code's lookups
    missing = []
    for name, key, line in used:
        if key.endswith("*"):
            ok = any(k.startswith(key[:-1]) for k in STRINGS)
        else:
            ok = key in STRINGS
        if not ok:
            missing.append(f"{name}:{line} {key}")
    assert missing == []


def test_every_string_has_both_languages_with_the_same_placeholders():
    placeholder = re.compile(r"{(\w+)[^}]*}")
    for key, pair in STRINGS.items():
        assert isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) and x.strip() for x in pair), key
        zh, en = pair
        assert set(placeholder.findall(zh)) == set(placeholder.findall(en)), key


def test_a_missing_key_fails_loudly_in_tests():
    from app.i18n import t
    with pytest.raises(KeyError):
        t("no_such_key_anywhere")


def test_environment_is_read_in_one_module():
    """JIEDAO_* variables are read by etl/settings.py; the ETL, app, views and export ask it."""
    reads = re.compile(r"os\.environ|os\.getenv")
    etl = [p for p in sorted((ROOT / "etl").glob("*.py")) if p.name != "settings.py"]
    files = [*PRODUCTION, *etl]
    offenders = [p.name for p in files if reads.search(p.read_text(encoding="utf-8")) and p.name != "images.py"]
    assert offenders == []
    # images.py sets (never reads for paths) the BROWSER_PATH kaleido's browser library reads.
    assert "JIEDAO_" not in (APP / "images.py").read_text(encoding="utf-8")


def test_renderers_never_test_chart_keys():
    """Orientation and bar mode come from the spec; a renderer that looks at spec.key special-cases a chart."""
    for name in ("plotly_charts.py", "deck.py"):
        assert "spec.key" not in (APP / name).read_text(encoding="utf-8"), name


def test_ruff_is_clean():
    """The rules of pyproject.toml, with the ruff of requirements.txt (the interpreter's own)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _lock():
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock holds only exact versions: {line}"
            pins[_canonical(name)] = version
    return pins


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_requirement_within_its_range():
    from packaging.requirements import Requirement
    pins = _lock()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        name = _canonical(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req.specifier}"


def test_streamlit_is_the_locked_version():
    """The app uses st.navigation and AppTest as this version has them: the suite runs with the locked one."""
    from importlib.metadata import version
    assert version("streamlit") == _lock()["streamlit"]
