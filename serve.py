"""The dashboard as served to users: dashboard.py behind Streamlit's ASGI app.

`make run` starts this file (`streamlit run serve.py`), not dashboard.py
directly, because Streamlit 1.67 registers /_stcore/metrics unconditionally
and has no option to turn it off; here the route answers 404 before Streamlit
sees the request. Everything else (address, port, upload limit, error
details) comes from .streamlit/config.toml exactly as with `streamlit run
dashboard.py`.
"""
import importlib

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse

# Libraries every page run needs, imported once as the server starts (about 0.3 s) instead of
# during the first visitor's page: Streamlit runs pages in this process, so they stay imported.
PRELOADED = ("pandas", "duckdb", "numpy", "yaml", "plotly.graph_objects", "pptx")
for module in PRELOADED:
    importlib.import_module(module)

# Streamlit's own route prefix; the metrics route is the only one dropped.
METRICS_PATH_SUFFIX = "/_stcore/metrics"


class DropMetricsRoute:
    """ASGI middleware: 404 for Streamlit's metrics route, everything else passes through."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(METRICS_PATH_SUFFIX):
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


app = st.App("dashboard.py", middleware=[Middleware(DropMetricsRoute)])
