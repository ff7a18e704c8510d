"""The server's exposure: upload limit, error details, URL parameters, and no request leaving localhost."""
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from e2e_helpers import browser, page, streamlit_url, wait_for_app  # noqa: F401

from etl import read

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
BYTES_PER_MB = 1024 * 1024   # Streamlit's maxUploadSize is in MiB
PAGES = ["overview", "themes", "trends", "targets", "keywords", "documents", "method", "add_documents"]
LOCAL_HOSTS = ("127.0.0.1", "localhost")
LONG_PARAM = 100_000          # characters: the hostile link
RENDER_SECONDS = 20           # a first AppTest run takes 2-8 s on a busy machine


def test_upload_limit_is_the_apps_limit():
    assert CONFIG["server"]["maxUploadSize"] * BYTES_PER_MB == read.MAX_BYTES


def test_the_served_app_watches_no_files():
    """A served dashboard neither reruns on a changed file nor spends a thread on file events."""
    assert CONFIG["server"]["fileWatcherType"] == "none" and CONFIG["server"]["runOnSave"] is False


def test_error_details_are_not_shown_to_users():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_served_dashboard_does_not_expose_metrics(streamlit_url):  # noqa: F811
    """`make run` serves serve.py: Streamlit's unauthenticated /_stcore/metrics answers 404, the app still answers."""
    assert _status(f"{streamlit_url}/_stcore/metrics") == 404
    assert _status(f"{streamlit_url}/_stcore/metrics/") == 404
    assert _status(f"{streamlit_url}/_stcore/health") == 200
    assert _status(f"{streamlit_url}/") == 200


def test_make_run_serves_the_guarded_app():
    run_recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "streamlit run serve.py" in run_recipe


def test_no_page_requests_anything_outside_localhost(streamlit_url, page):  # noqa: F811
    outside = []

    def record(request):
        if not request.url.startswith(("data:", "blob:")) and urlparse(request.url).hostname not in LOCAL_HOSTS:
            outside.append(request.url)
    page.context.on("request", record)
    for name in PAGES:
        page.goto(f"{streamlit_url}/{name}")
        wait_for_app(page)
        page.wait_for_timeout(500)
    assert outside == []


def test_a_huge_url_parameter_is_ignored(built_warehouse, monkeypatch):
    """A 100,000-character link of repeated regions once filled the filter with 14,285 entries (12 s to render)."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("JIEDAO_WAREHOUSE", str(built_warehouse))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["r"] = "binhai," * (LONG_PARAM // len("binhai,"))
    start = time.perf_counter()
    at.run()
    assert not at.exception
    assert at.session_state["f_regions"] == []
    assert time.perf_counter() - start < RENDER_SECONDS


def test_the_served_app_imports_the_page_libraries_before_the_first_visitor():
    """Importing serve.py (what `streamlit run` does at start) leaves the libraries every page needs imported,
    so the first page view does not pay for them."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; import serve; "
            "missing = [m for m in ('pandas', 'duckdb', 'plotly.graph_objects', 'pptx') if m not in sys.modules]; "
            "print(missing)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
