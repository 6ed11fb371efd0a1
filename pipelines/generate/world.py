"""The simulated city: structure, persons and the life spans of roster records.

Built once per (scale, seed) over a fixed horizon, so a month looks the same
whichever range of months is generated.  A roster in a month is a window on
these spans (see rosters.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.generate import people
from pipelines.generate.calendar import (
    HORIZON_END,
    HORIZON_START,
    month_range,
    month_start,
    year_of,
)
from pipelines.generate.geo import ABBREV, Geo, geo
from pipelines.generate.structure import (
    Centres,
    Facilities,
    Profiles,
    centres,
    facilities,
    profiles,
)

MONTH_DAYS = 30.44
# City-scale stocks and mean durations (months) of the rosters.
CITY = {
    "dibao_households": 57_000,
    "dibao_months": 48,
    "unemployed": 100_000,
    "unemployed_months": 8,
    "contracts": 3_000_000,
    "contract_churn": 0.09,
    "floating": 1_300_000,
    "floating_months": 30,
}
SCALES = {"city": 1.0, "demo": 0.01, "tiny": 0.002}


def _exp_days(rng, months: float, n: int) -> np.ndarray:
    return np.maximum(1, rng.exponential(months * MONTH_DAYS, n)).astype(np.int64)


def _pick(rng, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _spans(rng, stock: float, months: float, h0: int, n_months: int, cap_years: float):
    """Start/end days of records: a stationary stock at h0 plus monthly inflows."""
    n0 = rng.poisson(stock)
    start = h0 - np.minimum(_exp_days(rng, months, n0), int(cap_years * 365))
    end = h0 + _exp_days(rng, months, n0)
    inflow = rng.poisson(stock / months, n_months)
    s2 = []
    for m, k in enumerate(inflow):
        s2.append(h0 + int(m * MONTH_DAYS) + rng.integers(0, 30, k))
    s2 = np.concatenate(s2) if s2 else np.zeros(0, np.int64)
    return np.r_[start, s2], np.r_[end, s2 + _exp_days(rng, months, len(s2))]


@dataclass
class World:
    scale: str
    geo: Geo
    prof: Profiles
    centres: Centres
    fac: Facilities
    persons: people.Persons
    dibao: dict
    members: dict
    unemp: dict
    contract: dict
    floating: dict


@dataclass
class _Ctx:
    """What every roster builder needs: the city, the person pool, scale and horizon."""

    g: Geo
    prof: Profiles
    pool: people.Pool
    f: float
    h0: int
    n_months: int


def _dibao(c: _Ctx, rng) -> tuple[dict, dict]:
    """低保: households (mostly rural) and their members."""
    g, prof, pool, f, h0 = c.g, c.prof, c.pool, c.f, c.h0
    a, x = _spans(rng, CITY["dibao_households"] * f, CITY["dibao_months"], h0, c.n_months, 15)
    n_hh = len(a)
    w = prof.households * np.where(g.urban, 1.0, 9.0)  # 低保 is mostly rural
    comm = _pick(rng, w.astype(float), n_hh)
    rural = ~g.urban[comm]
    size = np.where(
        rural,
        rng.choice([1, 2, 3, 4, 5], n_hh, p=[0.38, 0.34, 0.14, 0.09, 0.05]),
        rng.choice([1, 2, 3, 4, 5], n_hh, p=[0.25, 0.35, 0.22, 0.12, 0.06]),
    )
    head_age = np.clip(np.where(rural, rng.normal(62, 12, n_hh), rng.normal(52, 12, n_hh)), 22, 92)
    hh_of = np.repeat(np.arange(n_hh), size)
    pos = np.arange(len(hh_of)) - np.repeat(np.cumsum(size) - size, size)
    h_age = head_age[hh_of]
    rel = np.full(len(hh_of), "本人", dtype=object)
    u = rng.random(len(hh_of))
    rel[(pos == 1) & (h_age < 82) & (u < 0.7)] = "配偶"
    rest = (pos >= 1) & (rel != "配偶")
    rel[rest] = "子女"
    rel[rest & (h_age < 55) & (u < 0.15)] = "父母"
    rel[rest & (u > 0.95)] = "其他"
    age = h_age.copy()
    age[rel == "配偶"] += rng.normal(0, 4, int((rel == "配偶").sum()))
    kids = rel == "子女"
    age[kids] = h_age[kids] - rng.uniform(22, 36, int(kids.sum()))
    age[kids & (age < 0)] = rng.uniform(1, 17, int((kids & (age < 0)).sum()))
    par = rel == "父母"
    age[par] = h_age[par] + rng.uniform(22, 32, int(par.sum()))
    oth = rel == "其他"
    age[oth] = rng.uniform(5, 80, int(oth.sum()))
    age = np.clip(age, 0, 99).astype(np.int64)
    head_male = rng.random(n_hh) < 0.65
    male = np.where(pos == 0, head_male[hh_of], rng.random(len(hh_of)) < 0.5)
    male[rel == "配偶"] = ~head_male[hh_of][rel == "配偶"]
    m_birth = people.births_for_ages(rng, age, a[hh_of])
    m_comm = comm[hh_of]
    m_person = pool.add(m_birth, male, people.resident_prefixes(g, m_comm, m_birth, rng))
    disabled = rng.random(len(hh_of)) < np.where(age >= 60, 0.2, 0.09)
    able = (age >= 16) & (age <= 59) & ~disabled & (rng.random(len(hh_of)) < 0.8)
    std = np.where(rural, 1010.0, 1150.0)
    income = np.round(std * size * rng.uniform(0, 0.45, n_hh), -1)
    income[rng.random(n_hh) < 0.3] = 0
    benefit = np.maximum(std * size - income, 150 * size) + rng.choice([0, 0.5], n_hh)
    d6 = np.array(g.district6, dtype=object)[g.district[comm]]

    hh_id = np.array(
        [f"{ABBREV[d]}{y}{i:06d}" for i, (d, y) in enumerate(zip(d6, year_of(a), strict=True))],
        dtype=object,
    )
    causes = np.array(["因病", "因残", "缺乏劳动力", "因学", "因灾", "其他"], dtype=object)
    dibao = {
        "approval": a,
        "exit": x,
        "community": comm,
        "size": size,
        "id": hh_id,
        "category": np.where(rural, "农村低保", "城市低保").astype(object),
        "income": income,
        "benefit": benefit,
        "review_overdue": rng.random(n_hh) < 0.08,
        "cause": causes[rng.choice(6, n_hh, p=[0.38, 0.2, 0.22, 0.08, 0.02, 0.1])],
        "head": m_person[pos == 0],
    }
    members = {
        "household": hh_of,
        "person": m_person,
        "relation": rel,
        "able": able,
        "disabled": disabled,
        "age_at_approval": age,
    }

    return dibao, members


def _unemployment(c: _Ctx, rng, dibao: dict, members: dict) -> dict:
    """失业登记: open registrations, recently closed ones, new ones; some 低保 members."""
    g, prof, pool, f, h0 = c.g, c.prof, c.pool, c.f, c.h0
    a, hh_of, m_person = dibao["approval"], members["household"], members["person"]
    able, disabled = members["able"], members["disabled"]
    m_comm = dibao["community"][hh_of]
    S, D = CITY["unemployed"] * f, CITY["unemployed_months"]
    r_open, c_open = _spans(rng, S, D, h0, c.n_months, 6)
    n_closed = rng.poisson(S / D * 12)
    c_closed = h0 - rng.integers(1, 366, n_closed)
    r_closed = c_closed - _exp_days(rng, D, n_closed)
    reg, close = np.r_[r_open, r_closed], np.r_[c_open, c_closed]
    n_un = len(reg)
    female = rng.random(n_un) < 0.48
    u_age = np.where(
        rng.random(n_un) < 0.4,
        rng.uniform(20, 35, n_un),
        np.where(rng.random(n_un) < 0.58, rng.uniform(35, 50, n_un), rng.uniform(50, 60, n_un)),
    ).astype(np.int64)
    u_age[female] = np.minimum(u_age[female], 54)
    u_comm = _pick(rng, prof.residents * np.where(g.urban, 1.4, 0.6), n_un)
    u_birth = people.births_for_ages(rng, u_age, reg)
    u_person = pool.add(u_birth, ~female, people.resident_prefixes(g, u_comm, u_birth, rng))
    linked = np.where(able & (rng.random(len(able)) < 0.6))[0]
    l_reg = a[hh_of[linked]] + rng.integers(-120, 60, len(linked))
    l_close = l_reg + _exp_days(rng, D * 1.5, len(linked))
    un_person = np.r_[u_person, m_person[linked]]
    reg = np.r_[reg, l_reg]
    close = np.r_[close, l_close]
    un_comm = np.r_[u_comm, m_comm[linked]]
    n_all = len(reg)
    is_dibao = np.r_[np.zeros(n_un, bool), np.ones(len(linked), bool)]
    unemp = {
        "person": un_person,
        "reg": reg,
        "close": close,
        "community": un_comm,
        "reemployed": rng.random(n_all) < 0.78,
        "mode": rng.random(n_all),
        "training": rng.random(n_all),
        "long_term": rng.random(n_all) < 0.1,
        "zero_family": rng.random(n_all) < 0.03,
        "disabled": rng.random(n_all) < 0.03,
        "dibao": is_dibao,
        "odd_4050": rng.random(n_all) < 0.02,
        "skip_4050": rng.random(n_all) < 0.15,
    }
    unemp["disabled"][is_dibao] = disabled[linked]

    return unemp


def _floating(c: _Ctx, rng) -> dict:
    """流动人口: registrations with cancellations."""
    g, prof, pool, f, h0 = c.g, c.prof, c.pool, c.f, c.h0
    S, D = CITY["floating"] * f, CITY["floating_months"]
    fr, fc = _spans(rng, S, D, h0, c.n_months, 10)
    n_fl = len(fr)

    fl_comm = _pick(rng, prof.residents * np.where(g.urban, 2.0, 0.35), n_fl)
    kind = rng.random(n_fl)
    fl_age = np.where(
        kind < 0.86,
        np.clip(rng.normal(34, 9, n_fl), 16, 60),
        np.where(kind < 0.93, rng.uniform(56, 76, n_fl), rng.uniform(16, 23, n_fl)),
    ).astype(np.int64)
    fl_male = rng.random(n_fl) < 0.55
    fl_birth = people.births_for_ages(rng, fl_age, fr)
    fl_person = pool.add(fl_birth, fl_male, people.migrant_prefixes(g, fl_comm, fl_birth, rng))
    reason = np.where(
        kind < 0.86,
        np.where(rng.random(n_fl) < 0.8, "务工", "经商"),
        np.where(kind < 0.93, np.where(rng.random(n_fl) < 0.6, "随迁家属", "投亲靠友"), "就学"),
    ).astype(object)
    reason[rng.random(n_fl) < 0.02] = "其他"
    children = np.where(
        (fl_age >= 25) & (fl_age <= 45), rng.choice([0, 1, 2], n_fl, p=[0.55, 0.33, 0.12]), 0
    )
    floating = {
        "person": fl_person,
        "reg": fr,
        "cancel": fc,
        "community": fl_comm,
        "reason": reason,
        "permit": rng.random(n_fl) < 0.85,
        "permit_is_id": rng.random(n_fl) < 0.6,
        "permit_delay": rng.integers(30, 200, n_fl),
        "renewals": rng.geometric(0.2, n_fl),
        "children": children,
        "in_school": rng.binomial(children, 0.95),
        "fp": rng.random(n_fl) < 0.9,
    }

    return floating


def _contracts(c: _Ctx, rng, dibao: dict, members: dict, floating: dict) -> dict:
    """家庭医生签约: residents (older and younger people first), 低保 elderly, migrants."""
    g, prof, pool, f, h0 = c.g, c.prof, c.pool, c.f, c.h0
    a, hh_of, m_person = dibao["approval"], members["household"], members["person"]
    m_comm, age = dibao["community"][hh_of], members["age_at_approval"]
    fr, fc, fl_person = floating["reg"], floating["cancel"], floating["person"]
    fl_comm, n_fl = floating["community"], len(floating["reg"])
    stock = CITY["contracts"] * f
    churn = CITY["contract_churn"]
    fl_holders = np.where(rng.random(n_fl) < 0.2)[0]
    m_age_h0 = age + ((h0 - a[hh_of]) // 365)
    db_holders = np.where((m_age_h0 >= 65) & (rng.random(len(m_age_h0)) < 0.8))[0]
    n_res0 = max(int(stock - len(db_holders) - len(fl_holders) * 0.5), 0)
    n_new = rng.poisson(stock * churn, 3)
    n_res = n_res0 + int(n_new.sum())
    s0 = np.r_[rng.integers(2017, 2024, n_res0), np.repeat([2024, 2025, 2026], n_new)]
    e = np.maximum(s0, 2023) + rng.geometric(churn, n_res) - 1
    e[:n_res0] = 2023 + rng.geometric(churn, n_res0) - 1
    grp = rng.random(n_res)
    c_age = np.where(
        grp < 0.32,
        rng.uniform(65, 95, n_res),
        np.where(
            grp < 0.38,
            rng.uniform(0, 7, n_res),
            np.where(grp < 0.46, rng.uniform(7, 18, n_res), rng.uniform(18, 65, n_res)),
        ),
    ).astype(np.int64)
    c_comm = _pick(rng, prof.residents.astype(float), n_res)
    c_birth = people.births_for_ages(rng, c_age, h0)
    c_male = rng.random(n_res) < 0.48
    c_person = pool.add(c_birth, c_male, people.resident_prefixes(g, c_comm, c_birth, rng))
    holders = np.r_[c_person, m_person[db_holders], fl_person[fl_holders]]
    n_h = len(holders)
    contract = {
        "person": holders,
        "community": np.r_[c_comm, m_comm[db_holders], fl_comm[fl_holders]],
        "first": np.r_[s0, np.full(len(db_holders), 2018), year_of(fr[fl_holders])],
        "last": np.r_[e, np.full(len(db_holders), 2040), year_of(fc[fl_holders])],
        "doy": np.where(rng.random(n_h) < 0.3, rng.integers(0, 90, n_h), rng.integers(0, 365, n_h)),
        "u": rng.random((n_h, 6)).astype(np.float32),
    }
    return contract


def build(scale: str, seed: int) -> World:
    g = geo()
    f = SCALES[scale]
    months = month_range(HORIZON_START, HORIZON_END)
    h0 = month_start(HORIZON_START)
    ss = np.random.SeedSequence(seed)
    r_struct, r_db, r_un, r_ct, r_fl, r_ids = (np.random.default_rng(s) for s in ss.spawn(6))
    prof = profiles(g, r_struct)
    cen = centres(g, r_struct, len(months))
    fac = facilities(g, r_struct)
    pool = people.Pool()

    ctx = _Ctx(g, prof, pool, f, h0, len(months))
    dibao, members = _dibao(ctx, r_db)
    unemp = _unemployment(ctx, r_un, dibao, members)
    floating = _floating(ctx, r_fl)
    contract = _contracts(ctx, r_ct, dibao, members, floating)
    persons = people.finalise(pool, r_ids)
    return World(
        scale=scale,
        geo=g,
        prof=prof,
        centres=cen,
        fac=fac,
        persons=persons,
        dibao=dibao,
        members=members,
        unemp=unemp,
        contract=contract,
        floating=floating,
    )
