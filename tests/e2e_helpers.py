"""Browser test plumbing shared by the dashboard and deck end-to-end tests.

`streamlit_url` starts `streamlit run serve.py` (dashboard.py as users get it) on a free 127.0.0.1 port
against the session's built warehouse; `browser` launches Debian's Chromium
through Playwright (never a downloaded browser). Both are session-scoped so
the suite uses one server and one browser. Import the fixtures into a test
module (`from e2e_helpers import streamlit_url, browser, page`).
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url, proc, timeout=60):
    """Poll Streamlit's health endpoint until it answers ok (or the process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


@contextlib.contextmanager
def run_streamlit(warehouse, script="serve.py", port=None, extra_env=None):
    """Start the dashboard as a subprocess in its own process group; stop exactly that group."""
    port = port or free_port()
    env = dict(os.environ, JIEDAO_WAREHOUSE=str(warehouse), **(extra_env or {}))
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@contextlib.contextmanager
def launch_chromium(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def require_chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium (/usr/bin/chromium) is not installed")


# Test modules import these fixtures, so pytest sees one definition per module;
# the process-wide cache below keeps it to one server and one browser anyway
# (Playwright's sync API cannot be started twice in a thread).
_SHARED = {}


def _shared(name, factory):
    """Enter the context manager from `factory` once per process; exit it at interpreter exit."""
    if name not in _SHARED:
        stack = _SHARED.setdefault("_stack", contextlib.ExitStack())
        _SHARED[name] = stack.enter_context(factory())
    return _SHARED[name]


def close_shared():
    """Stop the shared browser and server (LIFO: browser first)."""
    stack = _SHARED.pop("_stack", None)
    _SHARED.clear()
    if stack is not None:
        stack.close()


@contextlib.contextmanager
def _playwright_browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p, launch_chromium(p) as b:
        yield b


@pytest.fixture(scope="session")
def streamlit_url(built_warehouse, request):
    """Base URL of a dashboard server on the session's warehouse."""
    require_chromium()
    request.session.config.add_cleanup(close_shared)
    return _shared("url", lambda: run_streamlit(built_warehouse))


@pytest.fixture(scope="session")
def browser(request):
    """One headless Chromium for the whole session."""
    require_chromium()
    request.session.config.add_cleanup(close_shared)
    return _shared("browser", _playwright_browser)


@pytest.fixture
def page(browser):
    """A fresh browser page (1400×1000, Chinese locale) with downloads enabled."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def wait_for_app(pg, timeout=30000):
    """Wait until Streamlit has finished the current run."""
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    pg.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && document.querySelectorAll('[data-testid="stMainBlockContainer"] *').length > 5""",
        timeout=timeout)
    pg.wait_for_timeout(300)


def assert_no_exception(pg):
    boxes = pg.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()
