"""Minimal chart actions until the export engineer's full version lands: a CSV download."""
import streamlit as st


def chart_actions(spec, key):
    """Download the chart's data as CSV (UTF-8 with BOM so Excel reads Chinese)."""
    data = spec.to_frame().to_csv(index=False).encode("utf-8-sig")
    st.download_button("CSV", data, file_name=f"{spec.key or key}.csv", mime="text/csv", key=f"csv_{key}")


def deck_panel():
    """The deck basket lives here in the full version."""
