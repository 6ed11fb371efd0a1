"""The person pool: every resident or migrant any department lists.

One array per attribute; a person is an index.  ID numbers are unique and stay
the same across months and departments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.generate import idcard, names
from pipelines.generate.calendar import add_years, day
from pipelines.generate.geo import Geo

# Jinan district → ID region prefixes by birth year (numbers issued before a
# reorganisation keep the old county code); 高新区 residents hold 历下/历城 numbers.
_HISTORIC = {
    "370114": (2016, 370181),  # 章丘市 → 章丘区
    "370115": (2018, 370125),  # 济阳县 → 济阳区
    "370116": (2019, 371202),  # 莱芜市莱城区 → 莱芜区
    "370117": (2019, 371203),  # 莱芜市钢城区 → 钢城区
}
# Origins of migrants: counties elsewhere in Shandong first, then neighbouring provinces.
ORIGINS = np.array(
    [
        371702,
        371721,
        371722,
        371502,
        371521,
        371402,
        371424,
        370902,
        370923,
        371302,
        371321,
        370811,
        370881,
        370702,
        370781,
        370302,
        370323,
        371602,
        371621,
        371102,
        370602,
        371002,
        370402,
        370502,
        411023,
        410102,
        410522,
        130102,
        130634,
        131102,
        320382,
        321302,
        340102,
        341202,
        220102,
        230102,
        510122,
        120104,
        110105,
        420102,
    ]
)
_ORIGIN_P = np.r_[np.full(24, 3.0), np.full(16, 1.0)]
_ORIGIN_P /= _ORIGIN_P.sum()


def jinan_prefix(district6: str, birth_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if district6 == "370176":
        return rng.choice([370102, 370112], size=len(birth_year))
    base = np.full(len(birth_year), int(district6))
    if district6 in _HISTORIC:
        until, old = _HISTORIC[district6]
        base[birth_year < until] = old
    return base


@dataclass
class Pool:
    """Persons under construction: segments are appended, then finalised."""

    birth: list[np.ndarray] = field(default_factory=list)
    male: list[np.ndarray] = field(default_factory=list)
    prefix: list[np.ndarray] = field(default_factory=list)
    size: int = 0

    def add(self, birth: np.ndarray, male: np.ndarray, prefix: np.ndarray) -> np.ndarray:
        idx = np.arange(self.size, self.size + len(birth))
        self.birth.append(birth.astype(np.int32))
        self.male.append(male.astype(bool))
        self.prefix.append(prefix.astype(np.int32))
        self.size += len(birth)
        return idx


@dataclass
class Persons:
    birth: np.ndarray
    male: np.ndarray
    prefix: np.ndarray
    seq: np.ndarray
    surname: np.ndarray
    given: np.ndarray

    def ids(self, idx: np.ndarray) -> np.ndarray:
        return idcard.id_numbers(self.prefix[idx], self.birth[idx], self.seq[idx]).astype(object)

    def names(self, idx: np.ndarray) -> np.ndarray:
        return names.render(self.surname[idx], self.given[idx], self.male[idx])


def finalise(pool: Pool, rng: np.random.Generator) -> Persons:
    birth = np.concatenate(pool.birth) if pool.birth else np.zeros(0, np.int32)
    male = np.concatenate(pool.male) if pool.male else np.zeros(0, bool)
    prefix = np.concatenate(pool.prefix) if pool.prefix else np.zeros(0, np.int32)
    n = len(birth)
    # Sequence numbers distinct within each (prefix, birth date, sex) group by
    # construction: a random start per group plus the rank within the group.
    group = (prefix.astype(np.int64) * 100_000 + (birth - day("1900-01-01"))) * 2 + male
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]] if n else np.zeros(0, bool)
    start_pos = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    offset = rng.integers(0, 499, size=n)[start_pos]
    k = np.empty(n, dtype=np.int64)
    k[order] = (offset + np.arange(n) - start_pos) % 499 + 1
    seq = (k * 2 + male).astype(np.int16)  # odd = male
    s, g = names.draw(rng, n)
    return Persons(birth=birth, male=male, prefix=prefix, seq=seq, surname=s, given=g)


def births_for_ages(rng: np.random.Generator, ages: np.ndarray, at) -> np.ndarray:
    """Birth days for persons of the given whole-year ages at day(s) ``at``."""
    at = np.broadcast_to(np.asarray(at, dtype=np.int64), ages.shape)
    base = add_years(at, -ages.astype(np.int64))
    return (base - rng.integers(0, 365, size=len(ages))).astype(np.int32)


def resident_prefixes(geo: Geo, community: np.ndarray, birth: np.ndarray, rng) -> np.ndarray:
    """Prefixes fitting each resident's district; 5 % moved in from elsewhere."""
    from pipelines.generate.calendar import year_of

    by = year_of(birth)
    out = np.zeros(len(community), dtype=np.int64)
    dist = geo.district[community]
    for i, d6 in enumerate(geo.district6):
        m = dist == i
        out[m] = jinan_prefix(d6, by[m], rng)
    moved = rng.random(len(out)) < 0.05
    out[moved] = rng.choice(ORIGINS[:24], size=int(moved.sum()))
    return out


def migrant_prefixes(geo: Geo, community: np.ndarray, birth: np.ndarray, rng) -> np.ndarray:
    """Mostly from outside Jinan; 12 % from another Jinan district."""
    out = rng.choice(ORIGINS, size=len(community), p=_ORIGIN_P).astype(np.int64)
    local = rng.random(len(out)) < 0.12
    if local.any():
        other = rng.integers(0, len(geo.district6), size=int(local.sum()))
        d6 = np.array([int(geo.district6[k]) for k in other])
        d6[d6 == 370176] = 370112
        out[local] = d6
    return out
