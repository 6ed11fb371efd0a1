"""People are realistic and consistent: valid IDs, one number per person, ages that fit."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from pipelines.contract.tables import TABLES
from pipelines.generate import rosters
from pipelines.generate.calendar import age_at, month_end
from pipelines.generate.world import build

# Region prefixes a Jinan resident's number may carry for each district (old county codes
# for numbers issued before a reorganisation; 高新区 residents hold 历下/历城 numbers).
FITS = {
    "370102": {"370102"},
    "370103": {"370103"},
    "370104": {"370104"},
    "370105": {"370105"},
    "370112": {"370112"},
    "370113": {"370113"},
    "370114": {"370114", "370181"},
    "370115": {"370115", "370125"},
    "370116": {"370116", "371202"},
    "370117": {"370117", "371203"},
    "370124": {"370124"},
    "370126": {"370126"},
    "370176": {"370102", "370112"},
}


@pytest.fixture(scope="module")
def world():
    return build("demo", 11)


def test_every_person_has_a_unique_valid_id_whose_parity_is_the_sex(world, readback):
    p = world.persons
    ids = p.ids(np.arange(len(p.birth))).tolist()
    assert len(set(ids)) == len(ids)
    for i in range(0, len(ids), 7):  # a large sample, checked by the test's own GB 11643 code
        s = ids[i]
        assert readback.gb11643_check(s[:17]) == s[17]
        date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
        assert (int(s[16]) % 2 == 1) == bool(p.male[i])


def test_loaded_ids_in_the_files_are_valid_and_persons_link_across_departments(
    demo_landing, readback
):
    landing = demo_landing["landing"]
    ids = defaultdict(set)
    sex_ok = sex_all = 0
    for f in demo_landing["manifest"]["files"]:
        table = TABLES[f["table"]]
        if not table.id_column:
            continue
        rows, _ = readback.read_rows(landing / f["path"], table)
        h, cols = readback.header_index(rows, table)
        quarantined = {int(k) for k in f["quarantine"]}
        dups = set(f["duplicate_rows"]) | set(f["non_data_row_numbers"])
        for i in range(h + 1, len(rows)):
            if i + 1 in quarantined or i + 1 in dups:
                continue
            v = rows[i][cols[table.id_column]]
            assert readback.id_reason(v) is None, (f["path"], i + 1, v)
            n = readback.normalised_id(v)
            ids[(f["table"], f["month"])].add(n)
            if "reported_sex" in cols and readback.norm(rows[i][cols["reported_sex"]]):
                sex_all += 1
                sex_ok += (int(n[16]) % 2 == 1) == (
                    readback.norm(rows[i][cols["reported_sex"]]) == "男"
                )
    m1, m2 = "2025-01", "2025-02"
    members = ids[("dibao_member", m1)]
    assert members & ids[("unemployment_roster", m1)], "低保 members also registered unemployed"
    assert members & ids[("health_contract", m1)], "低保 members also hold contracts"
    assert ids[("floating_population", m1)] & ids[("health_contract", m1)]
    # one number per person across months: most of January's members are there in February
    assert len(members & ids[("dibao_member", m2)]) > 0.9 * len(members)
    assert sex_ok / sex_all > 0.99


def test_realism_ratios(world):
    g, prof = world.geo, world.prof
    month = "2025-06"
    me = month_end(month)
    hh = prof.households
    urban = g.urban
    # community sizes: 居委会 mostly 1,500–4,500 households, villages a few hundred
    in_range = ((hh >= 1500) & (hh <= 4500))[urban].mean()
    assert 0.7 <= in_range <= 0.95
    assert 80 <= np.median(hh[~urban]) <= 600
    # city magnitudes (demo persons are 1/100 of the city)
    assert 2.5e6 <= hh.sum() <= 3.3e6
    assert 8.5e6 <= prof.residents.sum() <= 10.5e6
    assert 3000 <= world.fac.gps.sum() <= 4500
    dh = rosters.dibao_household(world, month)
    active = dh["status"] == "在保"
    assert 80_000 <= dh["persons"][active].sum() * 100 <= 160_000
    rural_persons = dh["persons"][active & (dh["category"] == "农村低保")].sum()
    assert rural_persons / dh["persons"][active].sum() >= 0.65
    un = rosters.unemployment_roster(world, month)
    assert 70_000 <= (un["status"] == "失业").sum() * 100 <= 130_000
    fl = rosters.floating_population(world, month)
    assert 1.0e6 <= (fl["cancel_date"] < -1e9).sum() * 100 <= 1.6e6
    hc = rosters.health_contract(world, month)
    valid_at_end = (hc["contract_date"] <= me) & (hc["expiry_date"] >= me)
    assert 2.8e6 <= valid_at_end.sum() * 100 <= 4.2e6
    # floating residents mostly from outside Jinan
    prefixes = world.persons.prefix[fl["_person"]]
    assert (prefixes // 100 != 3701).mean() >= 0.8
    # residents' numbers fit their district
    res = un["_person"]
    d6 = np.array(g.district6)[g.district[un["_community"]]]
    fits = [str(p) in FITS[d] for p, d in zip(world.persons.prefix[res], d6, strict=True)]
    assert np.mean(fits) >= 0.9
    # the 4050 group: women 40+, men 50+ (mostly consistent)
    age = age_at(world.persons.birth[un["_person"]], me)
    male = world.persons.male[un["_person"]]
    fits_4050 = np.where(male, age >= 50, age >= 40)
    tagged = np.array(["4050人员" in c for c in un["difficulty_categories"]])
    assert fits_4050[tagged].mean() >= 0.9
    assert tagged[fits_4050].mean() >= 0.7
    assert (age >= 16).all() and (age <= 60).mean() > 0.97
    # 65+ among contract holders; school-age children among 低保 members
    hc_age = age_at(world.persons.birth[hc["_person"]], me)
    assert 0.2 <= (hc_age >= 65).mean() <= 0.45
    dm = rosters.dibao_member(world, month)
    m_age = age_at(world.persons.birth[dm["_person"]], me)
    assert ((m_age >= 6) & (m_age <= 15)).mean() >= 0.03
    assert (m_age >= 65).mean() >= 0.2


def test_a_realistic_share_of_urban_communities_fails_each_2007_standard(world):
    from pipelines.generate.structure import allowance, wage

    g, p = world.geo, world.prof
    u = g.urban
    hh = p.households
    year = 2025
    prev_wage = np.array([wage(d, year - 1) for d in g.district6])[g.district]
    failing = {
        "scale": ~((hh >= 1500) & (hh <= 4500)),
        "staff": p.members < np.maximum(5, np.ceil(hh / 300)),
        "office": p.office < np.where(p.old_city, 150, 400),
        "funds": (p.funds_city + np.nan_to_num(p.funds_district)) < 10 * hh,
        "allowance": 12 * allowance(g, p, year) < prev_wage,
        "station": ~p.station,
        "police": p.police < 1,
    }
    for name, fail in failing.items():
        share = fail[u].mean()
        assert 0.03 <= share <= 0.3, (name, share)
