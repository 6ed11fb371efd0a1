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


def spelled(
    g: Geo, comm: np.ndarray, rng, rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Street and community names, some in another accepted spelling; the rows that differ."""
    street = np.array(g.street_name, dtype=object)[g.street[comm]]
    name = g.name[comm].copy()
    alt = np.where(rng.random(len(comm)) < rate)[0]
    changed = np.zeros(len(comm), dtype=bool)
    for i in alt.tolist():
        c = int(comm[i])
        sp = g.spellings[c]
        ssp = g.street_spellings[int(g.street[c])]
        if len(sp) > 1:
            name[i] = sp[1 + int(rng.integers(0, len(sp) - 1))]
            changed[i] = True
        if len(ssp) > 1 and rng.random() < 0.5:
            street[i] = ssp[1]
            changed[i] = True
    return street, name, changed


def addresses(district: np.ndarray, street: np.ndarray, name: np.ndarray, rng) -> np.ndarray:
    """`济南市历下区文东街道山大路社区12号楼3单元502室` / `…胡庄村15号`."""
    n = len(name)
    a, b, c = rng.integers(1, 300, n), rng.integers(1, 6, n), rng.integers(101, 1802, n)
    out = np.empty(n, dtype=object)
    for i, (d, s, m) in enumerate(
        zip(district.tolist(), street.tolist(), name.tolist(), strict=True)
    ):
        if m.endswith(("村", "村委会", "村民委员会")):
            out[i] = f"济南市{d}{s}{m}{a[i]}号"
        else:
            out[i] = f"济南市{d}{s}{m}{a[i] % 40 + 1}号楼{b[i]}单元{c[i]}室"
    return out
