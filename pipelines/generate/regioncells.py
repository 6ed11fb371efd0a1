"""Region columns as departments fill them: a code, names in their spellings, an address."""

from __future__ import annotations

from functools import cache

import numpy as np

from pipelines.generate.geo import FICTITIOUS, Geo, community_core, geo

REGION_FORMS = ("code", "code_names", "names", "address")
REGION_FORM_P = (0.3, 0.25, 0.3, 0.15)
FORM_COLUMNS = {
    "code": ("community_code",),
    "code_names": ("community_code", "district_name", "street_name", "community_name"),
    "names": ("district_name", "street_name", "community_name"),
    "address": ("address",),
}


@cache
def _street_cores() -> dict[int, set[str]]:
    g = geo()
    out: dict[int, set[str]] = {}
    for c in range(g.n):
        out.setdefault(int(g.street[c]), set()).add(community_core(g.name[c]))
    return out


@cache
def _district_cores() -> dict[int, set[str]]:
    g = geo()
    out: dict[int, set[str]] = {}
    for c in range(g.n):
        out.setdefault(int(g.district[c]), set()).add(community_core(g.name[c]))
    return out


@cache
def fictitious(street: int) -> str:
    """A community name that exists nowhere in the street's district (nor inside its text)."""
    g = geo()
    d = int(g.street_district[street])
    cores = _district_cores()[d]
    spellings = [sp for c in np.where(g.street == street)[0] for sp in g.spellings[c]]
    for f in FICTITIOUS:
        text = f + "社区1号"
        if f not in cores and not any(sp in text for sp in spellings):
            return f + "社区"
    raise AssertionError("no fictitious name fits")


@cache
def conflicting_street(community: int) -> int | None:
    """Another street of the district that has no community of this core."""
    g = geo()
    core = community_core(g.name[community])
    own = int(g.street[community])
    for s in np.where(g.street_district == g.district[community])[0]:
        if int(s) != own and core not in _street_cores()[int(s)]:
            return int(s)
    return None


@cache
def conflicting_community(community: int) -> int | None:
    """Another community of the district with a different core (for code/name conflicts)."""
    g = geo()
    core = community_core(g.name[community])
    same = np.where(g.district == g.district[community])[0]
    for c in np.r_[same[same > community], same[same < community]]:
        if community_core(g.name[c]) != core:
            return int(c)
    return None


def district_label(g: Geo, d: int, short: bool) -> str:
    return g.district_file_name[d] if short else g.district_name[d]


@cache
def _alternatives() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per community its other spellings (padded) and their count; per street its other one."""
    g = geo()
    width = max(len(s) for s in g.spellings) - 1
    alt = np.full((g.n, max(width, 1)), "", dtype=object)
    count = np.zeros(g.n, dtype=np.int64)
    for c, sp in enumerate(g.spellings):
        alt[c, : len(sp) - 1] = sp[1:]
        count[c] = len(sp) - 1
    street_alt = np.array(
        [ss[1] if len(ss) > 1 else ss[0] for ss in g.street_spellings], dtype=object
    )
    return alt, count, street_alt


def spelled(
    g: Geo, comm: np.ndarray, rng, rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Street and community names, some in another accepted spelling; the rows that differ."""
    alt, count, street_alt = _alternatives()
    n = len(comm)
    street = np.array(g.street_name, dtype=object)[g.street[comm]]
    name = g.name[comm].copy()
    pick = rng.random(n) < rate
    u = rng.random(n)
    cn = pick & (count[comm] > 0)
    j = np.minimum((u * np.maximum(count[comm], 1)).astype(np.int64), alt.shape[1] - 1)
    name[cn] = alt[comm[cn], j[cn]]
    sn = pick & (u < 0.5) & g.street_is_jiedao[g.street[comm]]
    street[sn] = street_alt[g.street[comm][sn]]
    return street, name, cn | sn


def addresses(district: np.ndarray, street: np.ndarray, name: np.ndarray, rng) -> np.ndarray:
    """`济南市历下区文东街道山大路社区12号楼3单元502室` / `…胡庄村15号` (column-wise)."""
    n = len(name)
    num = lambda lo, hi: rng.integers(lo, hi, n).astype(str).astype(object)  # noqa: E731
    a, b, c = num(1, 300), num(1, 40), num(1, 6)
    room = num(101, 1802)
    village = np.array(
        [m.endswith(("村", "村委会", "村民委员会")) for m in name.tolist()], dtype=bool
    )
    head = "济南市" + district + street + name
    return np.where(village, head + a + "号", head + b + "号楼" + c + "单元" + room + "室")
