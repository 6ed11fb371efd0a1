"""The vendored Jinan hierarchy: counts and structure (统计用区划代码 2023)."""

from __future__ import annotations

import json
from collections import Counter

from pipelines import reference
from pipelines.reference import CITY_CODE, DISTRICTS_GEOJSON


def test_counts_per_level():
    levels = Counter(r.level for r in reference.regions())
    assert levels == {"city": 1, "district": 13, "street": 164, "community": 5758}


def test_community_types_follow_code_convention():
    types = Counter(r.community_type for r in reference.at_level("community"))
    assert types == {"居委会": 1067, "村委会": 4691}
    # the convention, not the name, decides: a 居委会 code range never says 村委会
    for r in reference.at_level("community"):
        n = int(r.code[-3:])
        expected = "居委会" if n < 200 or 400 <= n < 500 else "村委会"
        assert r.community_type == expected, r


def test_street_types():
    types = Counter(r.street_type for r in reference.at_level("street"))
    assert types["街道"] == 132
    assert types["街道"] + types["镇"] == 164


def test_codes_are_twelve_digits_and_nest():
    by_code = reference.by_code()
    for r in reference.regions():
        assert len(r.code) == 12 and r.code.isdigit(), r
        if r.level == "city":
            assert r.code == CITY_CODE
            continue
        parent = by_code[r.parent_code]
        assert {"district": "city", "street": "district", "community": "street"}[
            r.level
        ] == parent.level
        if r.level == "district":
            assert r.code.startswith("3701") and r.code.endswith("000000")
        if r.level == "street":
            assert r.code.startswith(r.district_code[:6]) and r.code.endswith("000")
            assert r.parent_code == r.district_code
        if r.level == "community":
            assert r.code.startswith(r.street_code[:9])
            assert by_code[r.street_code].parent_code == r.district_code


def test_every_district_has_streets_and_communities():
    streets = Counter(r.district_code for r in reference.at_level("street"))
    communities = Counter(r.district_code for r in reference.at_level("community"))
    for d in reference.at_level("district"):
        assert streets[d.code] > 0 and communities[d.code] > 0, d.name
    assert "370176000000" in {d.code for d in reference.at_level("district")}


def test_names_unique_within_parent():
    names = Counter((r.parent_code, r.name) for r in reference.regions())
    assert max(names.values()) == 1


def test_boundaries_cover_the_twelve_statutory_districts():
    geo = json.loads(DISTRICTS_GEOJSON.read_text(encoding="utf-8"))
    codes = {f["properties"]["region_code"] for f in geo["features"]}
    districts = {d.code for d in reference.at_level("district")}
    assert codes == districts - {"370176000000"}
    for f in geo["features"]:
        assert f["geometry"]["type"] in {"Polygon", "MultiPolygon"}
