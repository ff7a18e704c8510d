"""Running the dashboard under Streamlit's AppTest, shared by the page tests."""
from conftest import ROOT
from streamlit.testing.v1 import AppTest

DASHBOARD = str(ROOT / "dashboard.py")


def run(page="overview", **params):
    """Run the dashboard on `page` with URL parameters, failing on any exception."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at
