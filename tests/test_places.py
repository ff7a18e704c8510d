"""Place hierarchy: a document belongs to the place it speaks for, at that level."""
import duckdb

from etl.config import ADMIN_LEVELS, REGIONS_FILE, load_regions, region_level
from etl.manifest import read_manifest
from tests.conftest import SEEDS


def test_level_is_the_most_specific_non_empty_field():
    assert region_level({"province": "某省", "city": "某市", "district": "某区", "subdistrict": "某街道"}) == "subdistrict"
    assert region_level({"province": "某省", "city": "某市", "district": "某区", "subdistrict": None}) == "district"
    assert region_level({"province": "某省", "city": "某市", "district": " ", "subdistrict": ""}) == "city"
    assert region_level({"province": "某省"}) == "province"
    assert region_level({}) == "national"


def test_every_seed_document_carries_its_region_places():
    """A manifest row's administrative fields are those of its region: a district-wide
    document (no sub-district) cannot sit in a sub-district's series."""
    regions = {r["region_id"]: r for r in load_regions(REGIONS_FILE)}
    for name, meta in read_manifest(SEEDS / "manifest.csv").items():
        region = regions[meta.region_id]
        for level in ADMIN_LEVELS:
            assert (getattr(meta, level) or "").strip() == str(region.get(level) or "").strip(), (name, level)


def test_warehouse_regions_carry_their_level(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = con.execute("select r.level, d.region_id, count(*) from documents d join regions r using (region_id) "
                           "group by all order by 2").fetchall()
        configured = con.execute("select count(*) from regions where level is null").fetchall()
    assert configured == [(0,)]
    levels = {region: level for level, region, _ in rows}
    assert levels["binhai_new_area"] == "district" and levels["binhai"] == "subdistrict"


def _regions(*rows):
    import pandas as pd
    return pd.DataFrame([dict(zip(("region_id", "province", "city", "district", "subdistrict"), r)) for r in rows])


# Display order first; a province-level city (甲市/甲市) is one node; a region without a district stops at its city.
TREE = _regions(("z1", "乙省", "丙市", "丁区", "某街道"), ("a1", "甲市", "甲市", "戊区", "某街道"),
                ("z2", "乙省", "己市", None, None), ("z3", "乙省", "丙市", "丁区", "另一街道"), ("a2", "甲市", "甲市", "戊区", None))


def test_the_area_tree_follows_the_regions_order_with_children_under_their_parent():
    from app.places import place_nodes
    assert place_nodes(TREE) == [("乙省", 0, "乙省"), ("乙省/丙市", 1, "丙市"), ("乙省/丙市/丁区", 2, "丁区"),
                                 ("乙省/己市", 1, "己市"), ("甲市", 0, "甲市"), ("甲市/戊区", 1, "戊区")]


def test_an_area_stands_for_every_region_in_it_at_any_depth():
    from app.places import regions_under
    assert regions_under(TREE, "乙省") == ["z1", "z2", "z3"]
    assert regions_under(TREE, "乙省/丙市/丁区") == ["z1", "z3"]
    assert regions_under(TREE, "甲市/戊区") == ["a1", "a2"]
    assert regions_under(TREE, "") == ["z1", "a1", "z2", "z3", "a2"]
    assert regions_under(TREE, "乙省/丁区") == []


def test_the_sidebar_narrows_regions_by_area_and_the_link_keeps_it(warehouse):
    from apptest_helpers import run
    at = run("overview")
    area = at.sidebar.selectbox(key="f_place__zh")
    assert area.options[:3] == ["全部", "天津市", "\u3000滨海新区"]
    area.set_value("山东省").run()
    assert at.sidebar.multiselect(key="f_regions__zh").options == ["青岛·大港"]
    assert at.query_params.get("pl") == "山东省"
    assert [m.value for m in at.metric][:2] == ["1", "1"]   # one document, one place: Qingdao's
    shared = run("overview", pl="天津市")
    assert shared.sidebar.multiselect(key="f_regions__zh").options == ["滨海·大港", "滨海新区"]
    assert [m.value for m in shared.metric][:2] == ["3", "2"]
    assert run("overview", pl="火星省").sidebar.selectbox(key="f_place__zh").value == ""
