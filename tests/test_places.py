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
