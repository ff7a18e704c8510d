"""Jiedao Lens dashboard: multipage Streamlit app comparing sub-district work documents by theme.

Run with `streamlit run dashboard.py`. The warehouse path comes from
JIEDAO_WAREHOUSE (default: warehouse.duckdb next to this file).
"""
from pathlib import Path

import streamlit as st

from app import export_ui, ui
from app.i18n import t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Jiedao Lens · 街道工作文档", page_icon="🏙️", layout="wide")

if not ui.warehouse_path().exists():
    st.error(t("no_warehouse", "zh", path=ui.warehouse_path()) + "\n\n" + t("no_warehouse", "en", path=ui.warehouse_path()))
    st.stop()

ui.seed_from_url()
lang = ui.lang()

PAGES = [
    ("pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
    ("pages/themes.py", "page_themes", ":material/bar_chart:", "themes"),
    ("pages/trends.py", "page_trends", ":material/trending_up:", "trends"),
    ("pages/targets.py", "page_targets", ":material/flag:", "targets"),
    ("pages/keywords.py", "page_keywords", ":material/key:", "keywords"),
    ("pages/documents.py", "page_documents", ":material/description:", "documents"),
    ("pages/method.py", "page_method", ":material/menu_book:", "method"),
    ("pages/add_documents.py", "page_add", ":material/upload_file:", "add_documents"),
]
pages = [st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=(url == "overview"))
         for path, title, icon, url in PAGES if (HERE / path).exists()]
nav = st.navigation(pages)
ui.on_page(nav.url_path)
ui.sidebar_filters()
with st.sidebar:
    export_ui.deck_panel()
with ui.shell_run():
    nav.run()
