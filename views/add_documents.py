"""添加文档 Add documents: upload files, check the extracted text and inferred metadata, confirm.

The page is a front end to etl.ingest, the same code path as `python -m etl
add`: files are read and inferred on upload, validated and fully extracted on
confirm before anything is written, and the warehouse is rebuilt atomically
(the dashboard reopens it when its modification time changes).
"""
import hashlib
from dataclasses import asdict

import streamlit as st

from app import ui
from app.i18n import t
from etl import read
from etl.config import load_doc_types, load_regions
from etl.errors import DocumentError
from etl.ingest import Overrides, Paths, commit, prepare, preview

lang = ui.lang


def tr(key, **kwargs):
    return t("add." + key, lang(), **kwargs)


def error(source, reason):
    st.error(f"**{source}**: {reason}。{tr('unchanged')}" if lang() == "zh" else f"**{source}**: {reason}. {tr('unchanged')}")


def cached_preview(name, data, paths):
    """Read and infer once per upload (the page reruns on every widget change)."""
    key = (name, hashlib.sha256(data).hexdigest(), read.MAX_BYTES, str(paths.regions_file),
           paths.regions_file.stat().st_mtime_ns, str(paths.manifest), paths.manifest.stat().st_mtime_ns)
    store = st.session_state.setdefault("_add_previews", {})
    if key not in store:
        if len(store) > 20:
            store.clear()
        store[key] = preview(name, data, paths)
    return store[key]


def metadata_form(i, pv, regions, doc_types):
    """Widgets for one file, defaulting to the inferred values; returns (Overrides, new region or None)."""
    inf = pv.inference
    names = {r["region_id"]: (r.get("name_en") if lang() == "en" else r.get("name_zh")) or r["region_id"] for r in regions}
    options = [*names, "__new__"]
    default = options.index(inf.region.value) if inf.region.value in names else len(options) - 1
    key = f"add_{i}_{pv.sha256[:12]}"
    region = st.selectbox(tr("region"), options, index=default, key=f"{key}_region",
                          format_func=lambda r: tr("new_region") if r == "__new__" else f"{names[r]} ({r})")
    st.caption(tr("evidence", e=inf.region.evidence) + ("" if inf.region.confident else " · " + tr("unsure")))
    new_region = None
    if region == "__new__":
        st.markdown(f"**{tr('new_region_head')}**")
        c1, c2, c3 = st.columns(3)
        new_region = {
            "region_id": c1.text_input(tr("region_id"), key=f"{key}_rid"),
            "name_zh": c2.text_input(tr("name_zh"), key=f"{key}_rzh"),
            "name_en": c3.text_input(tr("name_en"), key=f"{key}_ren")}
        c = st.columns(4)
        for col, level in zip(c, ("province", "city", "district", "subdistrict")):
            new_region[level] = col.text_input(tr(level), value=inf.places.get(level, ""), key=f"{key}_{level}")
    # Unbounded on purpose: the range is checked by the same validation as the CLI, with its message.
    year = st.number_input(tr("year"), step=1, key=f"{key}_year", value=inf.year.value if inf.year.value else None)
    st.caption(tr("evidence", e=inf.year.evidence) + ("" if inf.year.confident else " · " + tr("unsure")))
    type_names = {d["doc_type"]: d["name_en"] if lang() == "en" else d["name_zh"] for d in doc_types}
    type_options = list(type_names)
    doc_type = st.selectbox(tr("type"), type_options, key=f"{key}_type",
                            index=type_options.index(inf.doc_type.value) if inf.doc_type.value in type_names else 0,
                            format_func=lambda d: f"{type_names[d]} ({d})")
    st.caption(tr("evidence", e=inf.doc_type.evidence))
    title = st.text_input(tr("doc_title"), value=inf.title.value, key=f"{key}_title")
    if pv.raw.published:
        st.caption(f"{tr('published')}: {pv.raw.published}")
    # An unchanged year stays inferred (documents.year_inferred); an edited one is stated.
    overrides = Overrides(region=None if region == "__new__" else region,
                          year=None if year is None or year == inf.year.value else int(year),
                          doc_type=doc_type, title=title)
    return overrides, new_region


st.title(tr("title"))
st.caption(tr("intro"))
paths = Paths.default()
for message in st.session_state.pop("_add_done", []):
    st.success(message)
round_ = st.session_state.setdefault("_add_round", 0)
uploads = st.file_uploader(tr("upload", mb=read.MAX_BYTES // (1024 * 1024)), accept_multiple_files=True,
                           key=f"add_upload_{round_}")
if not uploads:
    st.info(tr("hint"))
    st.stop()

regions = load_regions(paths.regions_file)
doc_types = load_doc_types(paths.regions_file)
ready = []
for i, upload in enumerate(uploads):
    data = upload.getvalue()
    try:
        pv = cached_preview(upload.name, data, paths)
    except DocumentError as exc:
        error(exc.source, exc.reason)
        continue
    with st.container(border=True):
        st.subheader(upload.name)
        if pv.duplicate_of:
            st.warning(tr("duplicate", existing=pv.duplicate_of))
            continue
        left, right = st.columns([3, 2])
        with left:
            st.text_area(tr("text"), pv.raw.text[:20000], height=360, disabled=True, key=f"add_{i}_{pv.sha256[:12]}_text")
            st.caption(tr("chars", n=len(pv.raw.text), enc=pv.raw.encoding))
        with right:
            overrides, new_region = metadata_form(i, pv, regions, doc_types)
        ready.append((pv, overrides, new_region))

if st.button(tr("confirm"), type="primary", disabled=not ready, key="add_confirm"):
    new_regions = {tuple(sorted(r.items())) for _, _, r in ready if r}
    if len(new_regions) > 1:
        st.error(tr("one_new_region"))
        st.stop()
    new_region = dict(next(iter(new_regions))) if new_regions else None
    overrides = [o if not r else Overrides(region=r["region_id"], **{k: v for k, v in asdict(o).items() if k != "region"})
                 for _, o, r in ready]
    try:
        with st.spinner(tr("working")):
            candidates, _ = prepare([(pv.name, pv.data) for pv, _, _ in ready], paths, overrides, new_region,
                                    previews=[pv for pv, _, _ in ready])
            if not candidates:
                st.info(tr("nothing"))
                st.stop()
            report = commit(candidates, paths, new_region)
    except DocumentError as exc:
        error(exc.source, exc.reason)
        st.stop()
    st.session_state["_add_done"] = [
        tr("added", n=len(report.added), s=report.seconds, x=report.extracted, c=report.cached,
           d=report.counts["documents"]),
        *(tr("stored", name=name, target=target) for name, target in report.added)]
    st.session_state["_add_round"] = round_ + 1
    st.session_state.pop("_add_previews", None)
    st.rerun()
