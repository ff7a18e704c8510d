"""Jiedao Lens dashboard: multipage Streamlit app comparing sub-district work documents by theme.

Run with `streamlit run dashboard.py`. The warehouse path comes from
JIEDAO_WAREHOUSE (default: warehouse.duckdb next to this file; etl/settings.py).
`st.navigation` owns every address: each view in views/ has its own path, and
the default view (Overview) is served at "/" and at its own path, so a shared
link to /overview opens it like any other page.
"""
from pathlib import Path

import streamlit as st

from app import export_ui, ui
from app.i18n import t

# The tab icon is a local file: a Material icon name would be fetched from fonts.gstatic.com.
FAVICON = Path(__file__).resolve().parent / "app" / "assets" / "favicon.png"
st.set_page_config(page_title="Jiedao Lens · 街道工作文档", page_icon=str(FAVICON), layout="wide")

if not ui.warehouse_path().exists():
    st.error(t("no_warehouse", "zh", path=ui.warehouse_path()) + "\n\n" + t("no_warehouse", "en", path=ui.warehouse_path()))
    st.stop()

ui.seed_from_url()
lang = ui.lang()

# The default page answers at "/" and has no path of its own in Streamlit, so a hidden page
# answers at /overview and hands over to it (the address becomes "/", its parameters kept).
# The default page's internal path must differ from the alias's: Streamlit keys pages by it.
HOME, HOME_LINK = "home", "overview"
VIEWS = [  # file, title key, icon, URL path
    ("views/overview.py", "page_overview", ":material/dashboard:", HOME),
    ("views/themes.py", "page_themes", ":material/bar_chart:", "themes"),
    ("views/trends.py", "page_trends", ":material/trending_up:", "trends"),
    ("views/targets.py", "page_targets", ":material/flag:", "targets"),
    ("views/initiatives.py", "page_initiatives", ":material/campaign:", "initiatives"),
    ("views/brief.py", "page_brief", ":material/summarize:", "brief"),
    ("views/keywords.py", "page_keywords", ":material/key:", "keywords"),
    ("views/documents.py", "page_documents", ":material/description:", "documents"),
    ("views/method.py", "page_method", ":material/menu_book:", "method"),
    ("views/add_documents.py", "page_add", ":material/upload_file:", "add_documents"),
]
pages = [st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=(url == HOME))
         for path, title, icon, url in VIEWS]
home = pages[0]


def _to_home():
    st.switch_page(home, query_params=st.query_params.to_dict())


alias = st.Page(_to_home, title=t("page_overview", lang), url_path=HOME_LINK, visibility="hidden")
nav = st.navigation(pages + [alias])
if nav is alias:
    nav.run()
ui.on_page(nav.url_path)
ui.stylesheet()
ui.sidebar_filters()
with st.sidebar:
    export_ui.deck_panel(ui.lang(), ui.filter_lines())
nav.run()
