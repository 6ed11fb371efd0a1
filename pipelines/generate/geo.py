"""The hierarchy as arrays, plus the ways departments spell region names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

from pipelines import reference

COMMUNITY_SUFFIXES = ("社区居民委员会", "社区居委会", "社区", "村民委员会", "村委会", "村")
URBAN_SPELLINGS = ("社区", "社区居委会", "社区居民委员会")
RURAL_SPELLINGS = ("村", "村委会", "村民委员会")
STREET_SUFFIXES = ("街道办事处", "街道")
# Pinyin abbreviations used in record numbers (保障户编号 LX2024…).
ABBREV = {
    "370102": "LX",
    "370103": "SZ",
    "370104": "HY",
    "370105": "TQ",
    "370112": "LC",
    "370113": "CQ",
    "370114": "ZQ",
    "370115": "JY",
    "370116": "LW",
    "370117": "GC",
    "370124": "PY",
    "370126": "SH",
    "370176": "GX",
}
# The old city (老城区): the four central districts.
OLD_CITY_DISTRICTS = ("370102", "370103", "370104", "370105")
# Names that exist in no district: "regions that resolve to nothing".
FICTITIOUS = ("幸福里", "锦绣园", "和谐家园", "翠竹苑", "明珠花园", "东方红", "向阳坡", "富贵庄")


def community_core(name: str) -> str:
    for s in sorted(COMMUNITY_SUFFIXES, key=len, reverse=True):
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


def street_core(name: str) -> str:
    for s in STREET_SUFFIXES:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return name


def _spellings(name: str) -> tuple[str, ...]:
    """Every accepted spelling of an official community name (official first)."""
    core = community_core(name)
    if core == name:
        return (name,)  # irregular official name: written as it is
    if name.endswith(("社区居民委员会", "社区居委会", "社区")):
        return (name, *(core + s for s in URBAN_SPELLINGS if core + s != name))
    return (name, *(core + s for s in RURAL_SPELLINGS if core + s != name))


def _street_spellings(name: str) -> tuple[str, ...]:
    core = street_core(name)
    return (name,) if core == name else (name, core + "街道办事处")


@dataclass(frozen=True)
class Geo:
    district_code: np.ndarray  # 13 × 12-digit
    district_name: list[str]
    district_file_name: list[str]
    district6: list[str]
    street_code: np.ndarray
    street_name: list[str]
    street_district: np.ndarray  # index into districts
    street_is_jiedao: np.ndarray
    code: np.ndarray  # communities (object array of 12-digit codes)
    name: np.ndarray
    street: np.ndarray  # index into streets
    district: np.ndarray  # index into districts
    urban: np.ndarray  # 居委会 by the code convention
    spellings: list[tuple[str, ...]]
    street_spellings: list[tuple[str, ...]]
    ambiguous: np.ndarray  # core occurs twice in the district

    @property
    def n(self) -> int:
        return len(self.code)


@cache
def geo() -> Geo:
    dists = reference.at_level("district")
    d_index = {d.code: i for i, d in enumerate(dists)}
    streets = reference.at_level("street")
    s_index = {s.code: i for i, s in enumerate(streets)}
    comms = reference.at_level("community")
    district = np.array([d_index[c.district_code] for c in comms])
    cores = [community_core(c.name) for c in comms]
    core_count = Counter(zip(district.tolist(), cores, strict=True))
    ambiguous = np.array([core_count[(d, k)] > 1 for d, k in zip(district, cores, strict=True)])
    spellings = [_spellings(c.name) for c in comms]
    return Geo(
        district_code=np.array([d.code for d in dists], dtype=object),
        district_name=[d.name for d in dists],
        district_file_name=[reference.district_file_name(d) for d in dists],
        district6=[d.code[:6] for d in dists],
        street_code=np.array([s.code for s in streets], dtype=object),
        street_name=[s.name for s in streets],
        street_district=np.array([d_index[s.district_code] for s in streets]),
        street_is_jiedao=np.array([s.street_type == "街道" for s in streets]),
        code=np.array([c.code for c in comms], dtype=object),
        name=np.array([c.name for c in comms], dtype=object),
        street=np.array([s_index[c.street_code] for c in comms]),
        district=district,
        urban=np.array([c.community_type == "居委会" for c in comms]),
        spellings=spellings,
        street_spellings=[_street_spellings(s.name) for s in streets],
        ambiguous=ambiguous,
    )
