"""Communities, service centres, wages and health facilities: the city's structure.

Scale-independent (demo and city share it): every community has a profile,
every street a health centre.  Shares failing each 2007 standard are set here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.generate.geo import OLD_CITY_DISTRICTS, Geo, community_core

# 在岗职工平均工资 2024 (元/年) per district; other years grow 5 % a year.
WAGE_2024 = {
    "370102": 146_800,
    "370103": 126_300,
    "370104": 118_900,
    "370105": 112_400,
    "370112": 121_500,
    "370113": 98_700,
    "370114": 102_300,
    "370115": 95_200,
    "370116": 100_600,
    "370117": 104_900,
    "370124": 91_800,
    "370126": 88_400,
    "370176": 161_200,
}
WAGE_GROWTH = 1.05


def wage(district6: str, year: int) -> float:
    return round(WAGE_2024[district6] * WAGE_GROWTH ** (year - 2024), -1)


@dataclass
class Profiles:
    households: np.ndarray
    residents: np.ndarray
    registered: np.ndarray
    pop65: np.ndarray
    members: np.ndarray
    workers: np.ndarray
    old_city: np.ndarray
    office: np.ndarray
    station: np.ndarray
    police: np.ndarray
    funds_city: np.ndarray
    funds_district: np.ndarray  # NaN = blank
    allowance_ratio: np.ndarray  # 12 × allowance / previous year's district wage
    pension: np.ndarray
    medical: np.ndarray


def profiles(geo: Geo, rng: np.random.Generator) -> Profiles:
    n, urban = geo.n, geo.urban
    hh = np.where(
        urban,
        1950 * np.exp(rng.normal(0, 0.28, n)),
        140 * np.exp(rng.normal(0, 0.5, n)),
    )
    big = urban & (rng.random(n) < 0.05)
    hh[big] *= rng.uniform(1.8, 2.6, int(big.sum()))
    hh = np.maximum(np.round(hh), 25).astype(np.int64)
    pph = np.where(urban, rng.normal(3.05, 0.2, n), rng.normal(3.6, 0.25, n))
    residents = np.round(hh * pph).astype(np.int64)
    registered = np.round(
        residents * np.where(urban, rng.uniform(0.72, 0.95, n), rng.uniform(0.95, 1.08, n))
    ).astype(np.int64)
    pop65 = np.round(residents * np.clip(rng.normal(np.where(urban, 0.15, 0.18), 0.03), 0.05, 0.4))
    required = np.maximum(5, np.ceil(hh / 300)).astype(np.int64)
    short = rng.random(n) < 0.15
    members = np.where(urban, required + rng.integers(0, 3, n), rng.integers(3, 8, n))
    members[urban & short] = np.maximum(
        required[urban & short] - rng.integers(1, 4, n)[urban & short], 2
    )
    workers = np.round(residents * np.clip(rng.normal(0.0023, 0.0005, n), 0.0005, None)).astype(
        np.int64
    )
    in_old = np.isin(np.array([geo.district6[d] for d in geo.district]), OLD_CITY_DISTRICTS)
    old_city = urban & in_old & (rng.random(n) < 0.6)
    office = np.where(
        old_city,
        260 * np.exp(rng.normal(0, 0.35, n)),
        np.where(urban, 620 * np.exp(rng.normal(0, 0.35, n)), 300 * np.exp(rng.normal(0, 0.4, n))),
    )
    office = np.round(office, 1)
    station = rng.random(n) < np.where(urban, 0.91, 0.6)
    police = np.where(
        urban,
        rng.choice([0, 1, 2], size=n, p=[0.08, 0.85, 0.07]),
        rng.choice([0, 1], size=n, p=[0.5, 0.5]),
    )
    funds_city = np.round(hh * 5 * rng.normal(1.06, 0.07, n), -2)
    funds_district = np.round(hh * 5 * rng.normal(1.06, 0.07, n), -2)
    funds_district[rng.random(n) < 0.03] = np.nan
    allowance_ratio = rng.normal(1.07, 0.08, n)
    pension = rng.binomial(members, 0.94)
    medical = rng.binomial(members, 0.98)
    return Profiles(
        households=hh,
        residents=residents,
        registered=registered,
        pop65=pop65.astype(np.int64),
        members=members,
        workers=workers,
        old_city=old_city,
        office=office,
        station=station,
        police=police,
        funds_city=funds_city,
        funds_district=funds_district,
        allowance_ratio=allowance_ratio,
        pension=pension,
        medical=medical,
    )


def allowance(geo: Geo, prof: Profiles, year: int) -> np.ndarray:
    """成员月均生活补贴 in a year: a ratio of the previous year's district wage."""
    w = np.array([wage(d6, year - 1) for d6 in geo.district6])[geo.district]
    return np.round(w * prof.allowance_ratio / 12, -1)


@dataclass
class Centres:
    level: np.ndarray  # 区县 / 街道
    code: np.ndarray  # 12-digit
    name: np.ndarray
    area: np.ndarray  # per month index from HORIZON_START: (months, n)
    integrated: np.ndarray


def centres(geo: Geo, rng: np.random.Generator, n_months: int) -> Centres:
    streets = np.where(geo.street_is_jiedao)[0]
    level = np.array(["区县"] * len(geo.district_code) + ["街道"] * len(streets), dtype=object)
    code = np.concatenate([geo.district_code, geo.street_code[streets]])
    name = np.array(
        [f"{n}社区服务中心" for n in geo.district_name]
        + [f"{geo.street_name[s]}社区服务中心" for s in streets],
        dtype=object,
    )
    median = np.where(level == "区县", 4200.0, 1400.0)
    area0 = np.round(median * np.exp(rng.normal(0, 0.35, len(level))), 1)
    area = np.repeat(area0[None, :], n_months, axis=0)
    # Now and then a centre is enlarged: a new full list is delivered that month.
    for m in range(1, n_months):
        area[m] = area[m - 1]
        if rng.random() < 0.15:
            k = rng.choice(len(level), size=rng.integers(1, 4), replace=False)
            area[m, k] = np.round(area[m, k] * rng.uniform(1.2, 1.6, len(k)), 1)
    return Centres(
        level=level, code=code, name=name, area=area, integrated=rng.random(len(level)) < 0.6
    )


@dataclass
class Facilities:
    code: np.ndarray
    name: np.ndarray
    kind: np.ndarray
    community: np.ndarray
    gps: np.ndarray
    physicians: np.ndarray
    nurses: np.ndarray
    # the institution a community's residents sign with (index into the arrays above)
    serving: np.ndarray


def facilities(geo: Geo, rng: np.random.Generator) -> Facilities:
    code, name, kind, comm, gps, doc, nurse = [], [], [], [], [], [], []
    centre_of_street = {}
    for s in range(len(geo.street_code)):
        members = np.where(geo.street == s)[0]
        host = members[geo.urban[members]][0] if geo.urban[members].any() else members[0]
        centre_of_street[s] = len(code)
        code.append(f"WS{geo.code[host]}01")
        base = geo.street_name[s]
        name.append(f"{base}社区卫生服务中心" if geo.street_is_jiedao[s] else f"{base}卫生院")
        kind.append("社区卫生服务中心")
        comm.append(host)
        g = max(3, round(rng.normal(13, 4)))
        gps.append(g)
        doc.append(g + max(0, round(rng.normal(18, 6))))
        nurse.append(max(4, round(rng.normal(30, 9))))
    serving = np.array([centre_of_street[s] for s in geo.street])
    for c in range(geo.n):
        if geo.urban[c] and rng.random() < 0.6 and code[serving[c]][2:14] != geo.code[c]:
            serving[c] = len(code)
            code.append(f"WS{geo.code[c]}02")
            name.append(f"{community_core(geo.name[c])}社区卫生服务站")
            kind.append("社区卫生服务站")
            g = int(rng.choice([1, 1, 2, 2, 3]))
        elif not geo.urban[c] and rng.random() < 0.78:
            code.append(f"WS{geo.code[c]}03")
            name.append(f"{community_core(geo.name[c])}村卫生室")
            kind.append("村卫生室")
            g = int(rng.random() < 0.15)
        else:
            continue
        comm.append(c)
        gps.append(g)
        doc.append(g + int(rng.integers(0, 3)))
        nurse.append(int(rng.integers(0, 4)))
    return Facilities(
        code=np.array(code, dtype=object),
        name=np.array(name, dtype=object),
        kind=np.array(kind, dtype=object),
        community=np.array(comm),
        gps=np.array(gps),
        physicians=np.array(doc),
        nurses=np.array(nurse),
        serving=serving,
    )
