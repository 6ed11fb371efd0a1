"""The vendored Jinan region hierarchy (data/reference/regions.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from pipelines.settings import REFERENCE_DIR

CITY_CODE = "370100000000"
REGIONS_CSV = REFERENCE_DIR / "regions.csv"
DISTRICTS_GEOJSON = REFERENCE_DIR / "jinan_districts.geojson"
# Short names used in file names and in speech for the one district whose
# official name is long.
DISTRICT_SHORT_NAMES = {"370176000000": "高新区"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # city / district / street / community
    parent_code: str
    district_code: str
    street_code: str
    community_type: str  # 居委会 / 村委会 for communities
    street_type: str  # 街道 / 镇 for streets


@cache
def regions() -> tuple[Region, ...]:
    with open(REGIONS_CSV, encoding="utf-8") as f:
        return tuple(
            Region(
                code=r["region_code"],
                name=r["region_name"],
                level=r["region_level"],
                parent_code=r["parent_code"],
                district_code=r["district_code"],
                street_code=r["street_code"],
                community_type=r["community_type"],
                street_type=r["street_type"],
            )
            for r in csv.DictReader(f)
        )


@cache
def by_code() -> dict[str, Region]:
    return {r.code: r for r in regions()}


def at_level(level: str) -> list[Region]:
    return [r for r in regions() if r.level == level]


def district_file_name(district: Region) -> str:
    """The name a department writes in a file name for this district."""
    return DISTRICT_SHORT_NAMES.get(district.code, district.name)
