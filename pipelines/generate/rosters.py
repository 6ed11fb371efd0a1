"""A table's rows for one month, as typed arrays (before any department's spelling).

Encodings: dates are day numbers (``NODATE`` = blank), numbers float (NaN =
blank), yes/no int8 (-1 = blank), text object arrays ('' = blank).  Person
tables carry ``_person`` (index into the pool, for the ID and name columns) and
``_community``; every frame carries ``_district`` for splitting into files.
"""

from __future__ import annotations

import numpy as np
from numpy.dtypes import StringDType

from pipelines.generate.calendar import (
    HORIZON_START,
    NODATE,
    add_years,
    age_at,
    day,
    month_end,
    month_start,
    year_of,
)
from pipelines.generate.geo import ABBREV
from pipelines.generate.structure import allowance, wage
from pipelines.generate.world import World

Frame = dict[str, np.ndarray]
STR = StringDType()


def _sorted(frame: Frame, *keys: str) -> Frame:
    """Rows ordered by numeric keys (district, community, record number)."""
    order = np.lexsort(tuple(frame[k] for k in reversed(keys)))
    return {k: v[order] for k, v in frame.items()}


def _in_order(w: World, comm: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The permutation putting rows in file order (district, community, record) — applied
    to the index arrays first, so string columns are built already in order."""
    return np.lexsort((k, comm, w.geo.district[comm]))


def _bool(mask: np.ndarray) -> np.ndarray:
    return mask.astype(np.int8)


def _join(parts: list[tuple[np.ndarray, str]], n: int, empty: str = "") -> np.ndarray:
    """Labels of the true flags joined by 、 (via a bit mask: fast on millions of rows)."""
    code = np.zeros(n, dtype=np.int64)
    for bit, (flag, _) in enumerate(parts):
        code |= flag.astype(np.int64) << bit
    labels = [
        "、".join(lbl for b, (_, lbl) in enumerate(parts) if c >> b & 1) or empty
        for c in range(1 << len(parts))
    ]
    return np.array(labels, dtype=object)[code]


def _ids(prefix: np.ndarray, middle: str, year: np.ndarray, serial: np.ndarray, width: int):
    """Record numbers like LXQY202500001234: the digits built as one integer."""
    digits = (year.astype(np.int64) * 10**width + serial).astype(STR)
    return np.strings.add(np.strings.add(prefix, middle), digits).astype(object)


def _abbrev(w: World, comm: np.ndarray) -> np.ndarray:
    codes = np.array([ABBREV[d] for d in w.geo.district6], dtype=STR)
    return codes[w.geo.district[comm]]


def community_profile(w: World, month: str) -> Frame:
    g, p = w.geo, w.prof
    t = (np.datetime64(month, "M") - np.datetime64(HORIZON_START, "M")).astype(int)
    hh = np.round(p.households * (1 + 0.0006 * t)).astype(float)
    frame = {
        "_district": g.district,
        "_k": np.arange(g.n),
        "community_code": g.code,
        "community_name": g.name,
        "street_name": np.array(g.street_name, dtype=object)[g.street],
        "district_name": np.array(g.district_name, dtype=object)[g.district],
        "community_type": np.where(g.urban, "居委会", "村委会").astype(object),
        "is_old_city": _bool(p.old_city),
        "households": hh,
        "resident_population": np.round(p.residents * (1 + 0.0006 * t)).astype(float),
        "registered_population": p.registered.astype(float),
        "population_65_plus": p.pop65.astype(float),
        "committee_members": p.members.astype(float),
        "community_workers": p.workers.astype(float),
        "office_area_m2": p.office,
        "has_service_station": _bool(p.station),
        "police_officers": p.police.astype(float),
        "funds_city_yuan": p.funds_city,
        "funds_district_yuan": p.funds_district,
        "member_allowance_yuan": allowance(g, p, int(month[:4])),
        "members_pension_insured": p.pension.astype(float),
        "members_medical_insured": p.medical.astype(float),
    }
    return _sorted(frame, "_district", "_k")


def centre_month_index(month: str) -> int:
    return int((np.datetime64(month, "M") - np.datetime64(HORIZON_START, "M")).astype(int))


def service_center(w: World, month: str, rng: np.random.Generator) -> Frame:
    c = w.centres
    n = len(c.level)
    # 区划代码 as departments write it: 6/9 digits or the padded 12.
    short = np.where(c.level == "区县", [x[:6] for x in c.code], [x[:9] for x in c.code])
    code = np.where(rng.random(n) < 0.6, short, c.code).astype(object)
    return {
        "_district": np.zeros(n, dtype=int),
        "level": c.level,
        "region_code": code,
        "center_name": c.name,
        "floor_area_m2": c.area[centre_month_index(month)],
        "integrated_with_gov_hall": _bool(c.integrated),
    }


def district_wage(w: World, years: list[int]) -> Frame:
    g = w.geo
    nd = len(g.district6)
    return {
        "_district": np.zeros(nd * len(years), dtype=int),
        "district_code": np.array([d for _ in years for d in g.district6], dtype=object),
        "district_name": np.array([n for _ in years for n in g.district_name], dtype=object),
        "year": np.repeat(np.array(years, dtype=float), nd),
        "avg_wage_yuan": np.array([wage(d, y) for y in years for d in g.district6]),
    }


def _dibao_in_month(w: World, month: str) -> np.ndarray:
    d, me, ms = w.dibao, month_end(month), month_start(month)
    return np.where((d["approval"] <= me) & ((d["exit"] > me) | (d["exit"] >= ms)))[0]


def dibao_household(w: World, month: str) -> Frame:
    d, me = w.dibao, month_end(month)
    i = _dibao_in_month(w, month)
    i = i[_in_order(w, d["community"][i], i)]
    a = d["approval"][i]
    years = (me - a) // 365
    years = np.where(d["review_overdue"][i], years - 1, years)
    review = np.where(years >= 1, add_years(a, years), NODATE)
    review = np.where(review > me, add_years(a, years - 1), review)
    review = np.where(review <= a, NODATE, review)
    left = d["exit"][i] <= me
    comm = d["community"][i]
    return {
        "_district": w.geo.district[comm],
        "_community": comm,
        "_person": d["head"][i],
        "_k": i,
        "household_id": d["id"][i],
        "category": d["category"][i],
        "persons": d["size"][i].astype(float),
        "monthly_income_yuan": d["income"][i],
        "monthly_benefit_yuan": d["benefit"][i],
        "approval_date": a,
        "last_review_date": review,
        "status": np.where(left, "停保", "在保").astype(object),
        "exit_date": np.where(left, d["exit"][i], NODATE),
        "hardship_cause": d["cause"][i],
    }


def dibao_member(w: World, month: str) -> Frame:
    hh = _dibao_in_month(w, month)
    m = w.members
    i = np.where(np.isin(m["household"], hh))[0]
    i = i[_in_order(w, w.dibao["community"][m["household"][i]], i)]
    h = m["household"][i]
    comm = w.dibao["community"][h]
    return {
        "_district": w.geo.district[comm],
        "_community": comm,
        "_person": m["person"][i],
        "_k": i,
        "household_id": w.dibao["id"][h],
        "relation_to_head": m["relation"][i],
        "able_to_work": _bool(m["able"][i]),
        "disabled": _bool(m["disabled"][i]),
    }


def _sex(w: World, person: np.ndarray) -> np.ndarray:
    return np.where(w.persons.male[person], "男", "女").astype(object)


def unemployment_roster(w: World, month: str) -> Frame:
    u, me = w.unemp, month_end(month)
    year_ago = add_years(np.array([me]), -1)[0]
    i = np.where((u["reg"] <= me) & ((u["close"] > me) | (u["close"] > year_ago)))[0]
    i = i[_in_order(w, u["community"][i], i)]
    person = u["person"][i]
    open_ = u["close"][i] > me
    reemp = ~open_ & u["reemployed"][i]
    age = age_at(w.persons.birth[person], me)
    male = w.persons.male[person]
    in_4050 = (((~male) & (age >= 40)) | (male & (age >= 50))) & ~u["skip_4050"][i]
    in_4050 |= u["odd_4050"][i]
    long_term = (open_ & (me - u["reg"][i] > 365)) | u["long_term"][i]
    cats = _join(
        [
            (in_4050, "4050人员"),
            (u["zero_family"][i], "零就业家庭成员"),
            (u["disabled"][i], "残疾人"),
            (u["dibao"][i], "低保家庭成员"),
            (long_term, "长期失业人员"),
        ],
        len(i),
    )
    difficult = cats != ""
    mu = u["mode"][i]
    mode = np.select(
        [mu < np.where(difficult, 0.25, 0.1), mu < 0.55, mu < 0.9],
        ["公益性岗位", "单位就业", "灵活就业"],
        "自主创业",
    ).astype(object)
    comm = u["community"][i]
    reg = u["reg"][i]
    ids = _ids(_abbrev(w, comm), "SY", year_of(reg), i, 7)
    return {
        "_district": w.geo.district[comm],
        "_community": comm,
        "_person": person,
        "_k": i,
        "registration_id": ids,
        "reported_sex": _sex(w, person),
        "registration_date": reg,
        "difficulty_categories": cats,
        "status": np.where(open_, "失业", np.where(reemp, "已就业", "注销")).astype(object),
        "reemployment_date": np.where(reemp, u["close"][i], NODATE),
        "reemployment_mode": np.where(reemp, mode, "").astype(object),
        "in_training": _bool(u["training"][i] < np.where(difficult, 0.55, 0.3)),
    }


def health_contract(w: World, month: str) -> Frame:
    c, me, ms = w.contract, month_end(month), month_start(month)
    year = int(month[:4])
    parts = []
    for y in (year - 1, year):
        start = day(f"{y}-01-01") + c["doy"]
        expiry = add_years(start, np.ones_like(start)) - 1
        ok = (c["first"] <= y) & (c["last"] >= y) & (start <= me) & (expiry >= ms)
        k = np.where(ok)[0]
        parts.append((k, np.full(len(k), y), start[k], expiry[k]))
    k = np.concatenate([p[0] for p in parts])
    cycle = np.concatenate([p[1] for p in parts])
    start = np.concatenate([p[2] for p in parts])
    expiry = np.concatenate([p[3] for p in parts])
    order = _in_order(w, c["community"][k], k * 4 + (cycle - year + 1))
    k, cycle, start, expiry = k[order], cycle[order], start[order], expiry[order]
    person = c["person"][k]
    comm = c["community"][k]
    u = c["u"][k]
    age = age_at(w.persons.birth[person], me)
    female = ~w.persons.male[person]
    hyper = (age >= 35) & (u[:, 0] < 0.12 + 0.006 * (age - 35))
    diab = (age >= 35) & (u[:, 1] < 0.04 + 0.002 * (age - 35))
    groups = _join(
        [
            (age >= 65, "65岁及以上老年人"),
            (hyper, "高血压患者"),
            (diab, "糖尿病患者"),
            (female & (age >= 22) & (age <= 38) & (u[:, 2] < 0.04), "孕产妇"),
            (age <= 6, "0-6岁儿童"),
            (u[:, 3] < 0.02, "残疾人"),
            (u[:, 4] < 0.005, "严重精神障碍患者"),
        ],
        len(k),
        empty="一般人群",
    )
    key = groups != "一般人群"
    managed = np.where(key, np.where(u[:, 5] < 0.74, 1, 0), -1).astype(np.int8)
    month_no = int(month[5:7])
    follow = np.where(key, np.floor(month_no / 3 + u[:, 5] * 2), np.floor(u[:, 5] * 1.5))
    ids = _ids(_abbrev(w, comm), "QY", cycle, k, 8)
    return {
        "_district": w.geo.district[comm],
        "_community": comm,
        "_person": person,
        "_k": k * 4 + (cycle - year + 1),
        "contract_id": ids,
        "institution": w.fac.name[w.fac.serving[comm]],
        "contract_date": start,
        "expiry_date": expiry,
        "key_groups": groups,
        "followups_this_year": follow.astype(float),
        "is_managed": managed,
    }


def health_facility(w: World, month: str) -> Frame:
    f = w.fac
    return {
        "_district": w.geo.district[f.community],
        "facility_code": f.code,
        "facility_name": f.name,
        "facility_type": f.kind,
        "community_code": w.geo.code[f.community],
        "general_practitioners": f.gps.astype(float),
        "physicians": f.physicians.astype(float),
        "nurses": f.nurses.astype(float),
    }


def floating_population(w: World, month: str) -> Frame:
    f, me, ms = w.floating, month_end(month), month_start(month)
    i = np.where((f["reg"] <= me) & ((f["cancel"] > me) | (f["cancel"] >= ms)))[0]
    i = i[_in_order(w, f["community"][i], i)]
    person = w.floating["person"][i]
    comm = f["community"][i]
    reg = f["reg"][i]
    issue = reg + f["permit_delay"][i]
    has = f["permit"][i] & (issue <= me)
    cycles = np.minimum((np.maximum(me - issue, 0) // 365) + 1, f["renewals"][i])
    valid = np.where(has, add_years(issue, cycles) - 1, NODATE)
    age = age_at(w.persons.birth[person], me)
    woman_15_49 = ~w.persons.male[person] & (age >= 15) & (age <= 49)
    fp = np.where(woman_15_49, f["fp"][i].astype(np.int8), -1).astype(np.int8)
    ids = _ids(_abbrev(w, comm), "LD", year_of(reg), i, 8)
    return {
        "_district": w.geo.district[comm],
        "_community": comm,
        "_person": person,
        "_permit_is_id": has & f["permit_is_id"][i],
        "_has_permit": has,
        "_k": i,
        "registration_id": ids,
        "reported_sex": _sex(w, person),
        "hukou_region_code": w.persons.prefix[person].astype(STR).astype(object),
        "registration_date": reg,
        "residence_reason": f["reason"][i],
        "permit_valid_until": valid,
        "accompanying_children": f["children"][i].astype(float),
        "children_in_school": f["in_school"][i].astype(float),
        "receives_fp_service": fp,
        "cancel_date": np.where(f["cancel"][i] <= me, f["cancel"][i], NODATE),
    }


MONTHLY = {
    "community_profile": community_profile,
    "dibao_household": dibao_household,
    "dibao_member": dibao_member,
    "unemployment_roster": unemployment_roster,
    "health_contract": health_contract,
    "health_facility": health_facility,
    "floating_population": floating_population,
}
