"""One test per catalog indicator on the hand-made fixture of conftest.py.

Expected values are worked out by hand from the fixture rows (the comments show the
arithmetic), never read back from the models. Notation: C1, C2 (居委会 of street S),
V (村委会), B1 (类似居委会 in 商河县); A = 天桥区, city = 济南市. Resident populations:
C1 8000, C2 3000, V 1500, B1 12000 (24500 in all); 65+: 1000, 400, 300, 1500 (3200).
Unless a test says otherwise the month is 2025-01 (month end 2025-01-31), where every
table is delivered (coverage 1).
"""

from __future__ import annotations

import pytest
from jcw_dbt_fixture import (
    B1,
    B_STREET,
    B_TOWN,
    C1,
    C2,
    CITY,
    COMMUNITIES_IN_A,
    COMMUNITIES_IN_CITY,
    FEB,
    JAN,
    SV,
    A,
    B,
    S,
    V,
)

NULL = None


def expect(iv, code, region, numerator, denominator, value, period=JAN, coverage=1.0, met="skip"):
    row = iv(code, period, region)
    assert row is not None, f"{code} {period} {region}: no row"
    got = (row["numerator"], row["denominator"], row["value"], row["coverage"])
    want = (numerator, denominator, value, coverage)
    for g, w, what in zip(
        got, want, ("numerator", "denominator", "value", "coverage"), strict=True
    ):
        if w is None:
            assert g is None, f"{code} {region} {what}: {g} is not NULL"
        else:
            assert g == pytest.approx(w, rel=1e-9), f"{code} {region} {what}: {g} != {w}"
    if met != "skip":
        assert row["target_met"] is met, f"{code} {region} target_met: {row['target_met']}"
    return row


# ---------------------------------------------------------------- 组织建设 (居委会 only)


def test_org_communities(iv):
    # profile rows: C1, C2, V, B1 (applies to all, V included)
    expect(iv, "ORG_COMMUNITIES", S, 2, NULL, 2)
    expect(iv, "ORG_COMMUNITIES", A, 3, NULL, 3)  # C1 + C2 + V
    expect(iv, "ORG_COMMUNITIES", CITY, 4, NULL, 4)
    # a district whose communities have no profile row: 0, not NULL (it was delivered)
    expect(iv, "ORG_COMMUNITIES", "370102000000", 0, NULL, 0)


def test_org_hh_per_community(iv):
    # 居委会 only: V's 500 户 count nowhere and V's own value is NULL
    expect(iv, "ORG_HH_PER_COMMUNITY", V, NULL, NULL, NULL)
    expect(iv, "ORG_HH_PER_COMMUNITY", S, 4200, 2, 2100, met=False)  # (3000+1200)/2
    expect(iv, "ORG_HH_PER_COMMUNITY", A, 4200, 2, 2100)
    # (3000+1200+5000)/3 = 3066.67, within 3000 ± 10 %
    expect(iv, "ORG_HH_PER_COMMUNITY", CITY, 9200, 3, 9200 / 3, met=True)
    # a street of 村委会 only has nothing the indicator applies to
    expect(iv, "ORG_HH_PER_COMMUNITY", SV, NULL, NULL, NULL)


def test_org_scale_ok(iv):
    # C1 3000 in [1500, 4500]; C2 1200 below; B1 5000 above
    expect(iv, "ORG_SCALE_OK", C1, 1, 1, 100, met=True)
    expect(iv, "ORG_SCALE_OK", C2, 0, 1, 0, met=False)
    expect(iv, "ORG_SCALE_OK", CITY, 1, 3, 100 / 3)


def test_org_staff_ok(iv):
    # needs max(5, ceil(户数/300)): C1 10 (has 9), C2 5 (has 5), B1 ceil(16.67)=17 (has 17)
    expect(iv, "ORG_STAFF_OK", C1, 0, 1, 0)
    expect(iv, "ORG_STAFF_OK", C2, 1, 1, 100)
    expect(iv, "ORG_STAFF_OK", B1, 1, 1, 100)
    expect(iv, "ORG_STAFF_OK", CITY, 2, 3, 200 / 3, met=False)


def test_org_office_ok(iv):
    # C1 450 >= 400; C2 old city 120 < 150; B1 400 >= 400 (bound inclusive)
    expect(iv, "ORG_OFFICE_OK", C2, 0, 1, 0)
    expect(iv, "ORG_OFFICE_OK", B1, 1, 1, 100)
    expect(iv, "ORG_OFFICE_OK", CITY, 2, 3, 200 / 3)


def test_org_funding_per_1000hh(iv):
    # C1 30000/3000*1000 = 10000 (target >= 10000 met at the bound); C2 blank district funds = 0
    expect(iv, "ORG_FUNDING_PER_1000HH", C1, 30000, 3000, 10000, met=True)
    expect(iv, "ORG_FUNDING_PER_1000HH", C2, 6000, 1200, 5000, met=False)
    # (30000 + 6000 + 60000) / (3000 + 1200 + 5000) * 1000
    expect(iv, "ORG_FUNDING_PER_1000HH", CITY, 96000, 9200, 96000 / 9200 * 1000)


def test_org_funding_ok(iv):
    # needs 10 元 × 户数: C1 30000 >= 30000; C2 6000 < 12000; B1 60000 >= 50000
    expect(iv, "ORG_FUNDING_OK", C1, 1, 1, 100)
    expect(iv, "ORG_FUNDING_OK", C2, 0, 1, 0)
    expect(iv, "ORG_FUNDING_OK", CITY, 2, 3, 200 / 3)


def test_org_funding_city_share(iv):
    # ≈ 50 within ±10 %, inclusive: B1 27000/60000 = 45 % sits on the bound
    expect(iv, "ORG_FUNDING_CITY_SHARE", B1, 27000, 60000, 45, met=True)
    expect(iv, "ORG_FUNDING_CITY_SHARE", C2, 6000, 6000, 100, met=False)
    # (15000 + 6000 + 27000) / (30000 + 6000 + 60000) = 50 %
    expect(iv, "ORG_FUNDING_CITY_SHARE", CITY, 48000, 96000, 50, met=True)


def test_org_allowance_ok(iv):
    # 2025-01 compares with 2024: 天桥区 40000 → C1 12*3000 = 36000 short;
    # 商河县 has only 2023 (45000) so far → B1 12*4000 = 48000 meets
    expect(iv, "ORG_ALLOWANCE_OK", C1, 0, 1, 0)
    expect(iv, "ORG_ALLOWANCE_OK", B1, 1, 1, 100)
    expect(iv, "ORG_ALLOWANCE_OK", CITY, 1, 3, 100 / 3)
    # 历下区 delivered no wage: no community is assessed, 0/0 → NULL
    expect(iv, "ORG_ALLOWANCE_OK", "370102000000", 0, 0, NULL)
    # 2025-02: 商河县's 2024 wage (50000) is delivered and now in force → B1 short
    expect(iv, "ORG_ALLOWANCE_OK", B1, 0, 1, 0, period=FEB)


def test_org_pension_rate(iv):
    # insured / members: C1 9/9, C2 4/5, B1 17/17 → 30/31
    expect(iv, "ORG_PENSION_RATE", C2, 4, 5, 80)
    expect(iv, "ORG_PENSION_RATE", CITY, 30, 31, 3000 / 31, met=False)


def test_org_station_rate(iv):
    # C2's blank 是否设立社区服务站 reads as 否
    expect(iv, "ORG_STATION_RATE", C2, 0, 1, 0)
    expect(iv, "ORG_STATION_RATE", CITY, 2, 3, 200 / 3)


def test_org_police_rate(iv):
    expect(iv, "ORG_POLICE_RATE", C2, 0, 1, 0)
    expect(iv, "ORG_POLICE_RATE", B1, 1, 1, 100)  # 2 officers
    expect(iv, "ORG_POLICE_RATE", CITY, 2, 3, 200 / 3)


def test_org_workers_per_10k(iv):
    # C1 20/8000*10000 = 25; the city leaves V's workers and residents out (居委会 only):
    # (20 + 6 + 30) / (8000 + 3000 + 12000) * 10000
    expect(iv, "ORG_WORKERS_PER_10K", C1, 20, 8000, 25, met=True)
    expect(iv, "ORG_WORKERS_PER_10K", CITY, 56, 23000, 56 / 23000 * 10000)
    expect(iv, "ORG_WORKERS_PER_10K", V, NULL, NULL, NULL)


def test_org_street_center_ok(iv):
    # street level and up only; 2025-01 list: S has centres of 1200 and 500 m² → meets
    assert iv("ORG_STREET_CENTER_OK", JAN, C1) is None
    expect(iv, "ORG_STREET_CENTER_OK", S, 1, 1, 100, met=True)
    expect(iv, "ORG_STREET_CENTER_OK", B_STREET, 0, 1, 0)  # 街道 never delivered: does not meet
    expect(iv, "ORG_STREET_CENTER_OK", B_TOWN, 0, 0, NULL)  # a 镇 is not counted
    expect(iv, "ORG_STREET_CENTER_OK", A, 1, 15, 100 / 15)  # 天桥区 has 15 街道
    expect(iv, "ORG_STREET_CENTER_OK", B, 0, 1, 0)  # 商河县 has one 街道
    expect(iv, "ORG_STREET_CENTER_OK", CITY, 1, 132, 100 / 132)
    # 2025-02 list (in force for February): S's centre is 900 m²
    expect(iv, "ORG_STREET_CENTER_OK", S, 0, 1, 0, period=FEB)
    expect(iv, "ORG_STREET_CENTER_OK", CITY, 0, 132, 0, period=FEB)


def test_org_district_center_ok(iv):
    # district and city only; 2025-01: 天桥区 2800 (< 3000), 商河县 3500
    assert iv("ORG_DISTRICT_CENTER_OK", JAN, S) is None
    expect(iv, "ORG_DISTRICT_CENTER_OK", A, 0, 1, 0)
    expect(iv, "ORG_DISTRICT_CENTER_OK", B, 1, 1, 100, met=True)
    expect(iv, "ORG_DISTRICT_CENTER_OK", "370102000000", 0, 1, 0)  # never delivered
    expect(iv, "ORG_DISTRICT_CENTER_OK", CITY, 1, 13, 100 / 13)
    # 2025-02: 天桥区 exactly 3000 (12-digit code form) meets
    expect(iv, "ORG_DISTRICT_CENTER_OK", A, 1, 1, 100, period=FEB)
    expect(iv, "ORG_DISTRICT_CENTER_OK", CITY, 2, 13, 200 / 13, period=FEB)


# ---------------------------------------------------------------- 低保


def test_db_households(iv):
    # 在保: C1 H1 H2 (H3 停保), C2 H4 (H7 停保), V H5, B1 H6
    expect(iv, "DB_HOUSEHOLDS", C1, 2, NULL, 2)
    expect(iv, "DB_HOUSEHOLDS", S, 3, NULL, 3)
    expect(iv, "DB_HOUSEHOLDS", A, 4, NULL, 4)
    expect(iv, "DB_HOUSEHOLDS", CITY, 5, NULL, 5)
    # a delivered district with no household: 0, not NULL
    expect(iv, "DB_HOUSEHOLDS", "370102000000", 0, NULL, 0)


def test_db_persons(iv):
    # C1 3+2, C2 4, V 2, B1 1
    expect(iv, "DB_PERSONS", C1, 5, NULL, 5)
    expect(iv, "DB_PERSONS", CITY, 12, NULL, 12)


def test_db_rate(iv):
    expect(iv, "DB_RATE", C1, 5, 8000, 0.625)  # 5/8000*1000
    expect(iv, "DB_RATE", A, 11, 12500, 0.88)  # (5+4+2)/(8000+3000+1500)*1000
    expect(iv, "DB_RATE", CITY, 12, 24500, 12 / 24500 * 1000)
    # a district delivered but with no profile row: residents 0 → NULL, never an error
    expect(iv, "DB_RATE", "370102000000", 0, 0, NULL)


def test_db_avg_benefit(iv):
    expect(iv, "DB_AVG_BENEFIT", C1, 2300, 5, 460)  # (1500+800)/(3+2)
    expect(iv, "DB_AVG_BENEFIT", CITY, 5600, 12, 5600 / 12)  # 1500+800+2000+600+700


def test_db_review_timely(iv):
    # after 2024-01-31: H1 (review 2024-06-30) yes; H2 (review 2024-01-31) is not after
    expect(iv, "DB_REVIEW_TIMELY", C1, 1, 2, 50, met=False)
    expect(iv, "DB_REVIEW_TIMELY", C2, 1, 1, 100, met=True)  # H4 approved 2025-01-15
    expect(iv, "DB_REVIEW_TIMELY", V, 1, 1, 100)  # H5 approved 2024-02-01, no review
    expect(iv, "DB_REVIEW_TIMELY", CITY, 4, 5, 80)
    # 2025-02: H2 reviewed 2025-02-10
    expect(iv, "DB_REVIEW_TIMELY", C1, 2, 2, 100, period=FEB)


def test_db_new_households(iv):
    expect(iv, "DB_NEW_HOUSEHOLDS", C2, 1, NULL, 1)  # H4 approved 2025-01-15
    expect(iv, "DB_NEW_HOUSEHOLDS", CITY, 1, NULL, 1)


def test_db_exited_households(iv):
    # H3 停保 on 2025-01-31 (month end counts); H7 left 2024-12-20 (not this month)
    expect(iv, "DB_EXITED_HOUSEHOLDS", C1, 1, NULL, 1)
    expect(iv, "DB_EXITED_HOUSEHOLDS", C2, 0, NULL, 0)
    expect(iv, "DB_EXITED_HOUSEHOLDS", CITY, 1, NULL, 1)


# ---------------------------------------------------------------- 就业


def test_emp_registered(iv):
    # R1 is 已就业 in the city file but 失业 in 天桥区's later file: the later row wins.
    # 失业: C1 R1 R8, C2 R4, B1 R7; R6 (V) is 注销
    expect(iv, "EMP_REGISTERED", C1, 2, NULL, 2)
    expect(iv, "EMP_REGISTERED", V, 0, NULL, 0)
    expect(iv, "EMP_REGISTERED", CITY, 4, NULL, 4)


def test_emp_registered_rate(iv):
    expect(iv, "EMP_REGISTERED_RATE", C1, 2, 8000, 0.25)
    expect(iv, "EMP_REGISTERED_RATE", CITY, 4, 24500, 4 / 24500 * 1000)


def test_emp_4050(iv):
    # by category, not age: R1 (M1, woman of exactly 40) and R4 ("4050人员、长期失业人员")
    expect(iv, "EMP_4050", C1, 1, NULL, 1)
    expect(iv, "EMP_4050", C2, 1, NULL, 1)
    expect(iv, "EMP_4050", CITY, 2, NULL, 2)


def test_emp_reemployed(iv):
    # only R5 (2025-01-31, month end); R2, R3 in November; R1's earlier row does not count
    expect(iv, "EMP_REEMPLOYED", C1, 0, NULL, 0)
    expect(iv, "EMP_REEMPLOYED", C2, 1, NULL, 1)
    expect(iv, "EMP_REEMPLOYED", CITY, 1, NULL, 1)


def test_emp_difficult_reemployed(iv):
    expect(iv, "EMP_DIFFICULT_REEMPLOYED", C2, 1, NULL, 1)  # R5 残疾人
    expect(iv, "EMP_DIFFICULT_REEMPLOYED", CITY, 1, NULL, 1)


def test_emp_public_welfare_jobs(iv):
    expect(iv, "EMP_PUBLIC_WELFARE_JOBS", C2, 1, NULL, 1)  # R5 公益性岗位
    expect(iv, "EMP_PUBLIC_WELFARE_JOBS", CITY, 1, NULL, 1)


def test_emp_difficult_assisted_rate(iv):
    # with a category, status 失业/已就业: C1 R1 (失业, no training), R2 (已就业), R8 (失业)
    expect(iv, "EMP_DIFFICULT_ASSISTED_RATE", C1, 1, 3, 100 / 3, met=False)
    # C2 R4 (training), R5 (已就业); R3 has no category
    expect(iv, "EMP_DIFFICULT_ASSISTED_RATE", C2, 2, 2, 100, met=True)
    # V: R6's category is 无 (= none) → 0/0 → NULL
    expect(iv, "EMP_DIFFICULT_ASSISTED_RATE", V, 0, 0, NULL)
    expect(iv, "EMP_DIFFICULT_ASSISTED_RATE", CITY, 3, 5, 60)


# ---------------------------------------------------------------- 卫生


def test_hl_facility_coverage(iv):
    # every community of the hierarchy is in the denominator
    expect(iv, "HL_FACILITY_COVERAGE", C1, 1, 1, 100, met=True)  # two facilities
    expect(iv, "HL_FACILITY_COVERAGE", S, 1, 2, 50)
    expect(iv, "HL_FACILITY_COVERAGE", A, 1, COMMUNITIES_IN_A, 100 / COMMUNITIES_IN_A)
    expect(iv, "HL_FACILITY_COVERAGE", CITY, 2, COMMUNITIES_IN_CITY, 200 / COMMUNITIES_IN_CITY)


def test_hl_gp_per_10k(iv):
    expect(iv, "HL_GP_PER_10K", C1, 5, 8000, 6.25, met=True)  # (3+2)/8000*10000
    expect(iv, "HL_GP_PER_10K", B1, 0, 12000, 0, met=False)  # blank 全科医生数 = 0
    expect(iv, "HL_GP_PER_10K", CITY, 5, 24500, 5 / 24500 * 10000)


def test_hl_contract_rate(iv):
    # valid at 2025-01-31: K1 (expires on month end: valid), K3 (C1), K2 (B1), K5, K6 (C2);
    # not K4 (signed 2025-02-01) nor K7 (expired 2025-01-30)
    expect(iv, "HL_CONTRACT_RATE", C1, 2, 8000, 0.025)
    expect(iv, "HL_CONTRACT_RATE", CITY, 5, 24500, 5 / 24500 * 100)


def test_hl_elderly_managed(iv):
    # K1 (70, managed) yes; K3 (64 at month end) no; K2 (15-digit-ID person, 65 exactly) yes
    expect(iv, "HL_ELDERLY_MANAGED", C1, 1, 1000, 0.1)
    expect(iv, "HL_ELDERLY_MANAGED", B1, 1, 1500, 1 / 15)
    expect(iv, "HL_ELDERLY_MANAGED", C2, 0, 400, 0)  # K6 66 but not managed
    expect(iv, "HL_ELDERLY_MANAGED", CITY, 2, 3200, 2 / 3200 * 100)


def test_hl_hypertension_mgmt(iv):
    # C1 K1, K3 managed → 2/2; C2 K6 not managed → 0/1
    expect(iv, "HL_HYPERTENSION_MGMT", C1, 2, 2, 100)
    expect(iv, "HL_HYPERTENSION_MGMT", C2, 0, 1, 0)
    expect(iv, "HL_HYPERTENSION_MGMT", CITY, 2, 3, 200 / 3)


def test_hl_diabetes_mgmt(iv):
    # C1: K7 expired the day before month end → no valid diabetes contract: 0/0 → NULL
    expect(iv, "HL_DIABETES_MGMT", C1, 0, 0, NULL)
    expect(iv, "HL_DIABETES_MGMT", B1, 1, 1, 100)  # K2
    expect(iv, "HL_DIABETES_MGMT", CITY, 1, 2, 50)  # K2, K6 (K4 not yet signed)


# ---------------------------------------------------------------- 流动人口


def test_fl_registered(iv):
    # active at 2025-01-31: C2 FP1 FP2 FP3 (FP4 cancelled on month end), C1 FP5
    # (cancelled 2025-02-15), V FP6
    expect(iv, "FL_REGISTERED", C2, 3, NULL, 3)
    expect(iv, "FL_REGISTERED", C1, 1, NULL, 1)
    expect(iv, "FL_REGISTERED", CITY, 5, NULL, 5)


def test_fl_share(iv):
    expect(iv, "FL_SHARE", C2, 3, 3000, 0.1)
    expect(iv, "FL_SHARE", CITY, 5, 24500, 5 / 24500 * 100)


def test_fl_permit_rate(iv):
    # FP1 valid until 2025-01-31 (month end) yes; FP3 until 01-30 no; FP5 no date → no
    expect(iv, "FL_PERMIT_RATE", C2, 1, 3, 100 / 3)
    expect(iv, "FL_PERMIT_RATE", C1, 0, 1, 0)
    expect(iv, "FL_PERMIT_RATE", CITY, 2, 5, 40)  # FP1, FP6


def test_fl_child_school_rate(iv):
    expect(iv, "FL_CHILD_SCHOOL_RATE", C2, 1, 2, 50, met=False)
    expect(iv, "FL_CHILD_SCHOOL_RATE", V, 0, 0, NULL)
    expect(iv, "FL_CHILD_SCHOOL_RATE", CITY, 4, 5, 80)  # (1+3)/(2+3)


def test_fl_fp_service_rate(iv):
    # women 15-49 at month end: FP1 (15 exactly, served), FP2 (49, not); FP3 is 50 exactly
    # and FP5 14: outside
    expect(iv, "FL_FP_SERVICE_RATE", C2, 1, 2, 50, met=False)
    expect(iv, "FL_FP_SERVICE_RATE", C1, 0, 0, NULL)
    expect(iv, "FL_FP_SERVICE_RATE", CITY, 1, 2, 50)


def test_fl_new(iv):
    expect(iv, "FL_NEW", C2, 1, NULL, 1)  # FP2 registered on 2025-01-31
    expect(iv, "FL_NEW", CITY, 1, NULL, 1)


# ---------------------------------------------------------------- 跨部门


def test_x_dibao_able_employment(iv):
    # protected, able, 16-59: C1 M1 (40, in the roster), M2 (16 exactly, not), M4 (59,
    # in the roster); C2 M9 (45, in the roster) but not M7 (60) nor M8 (15); V M11 (not)
    expect(iv, "X_DIBAO_ABLE_EMPLOYMENT", C1, 2, 3, 200 / 3, met=False)
    expect(iv, "X_DIBAO_ABLE_EMPLOYMENT", C2, 1, 1, 100, met=True)
    expect(iv, "X_DIBAO_ABLE_EMPLOYMENT", V, 0, 1, 0)
    expect(iv, "X_DIBAO_ABLE_EMPLOYMENT", CITY, 3, 5, 60)


def test_x_dibao_employed_in_protection(iv):
    # M4 re-employed 2024-11-01: 91 days before 2025-01-31 → counts;
    # M9 re-employed 2024-11-02: exactly 90 days → does not
    expect(iv, "X_DIBAO_EMPLOYED_IN_PROTECTION", C1, 1, NULL, 1, met=False)
    expect(iv, "X_DIBAO_EMPLOYED_IN_PROTECTION", C2, 0, NULL, 0, met=True)
    expect(iv, "X_DIBAO_EMPLOYED_IN_PROTECTION", CITY, 1, NULL, 1)


def test_x_floating_contract_rate(iv):
    # FP1's person F1 holds contract K5 (in C2); FP2, FP3 do not
    expect(iv, "X_FLOATING_CONTRACT_RATE", C2, 1, 3, 100 / 3)
    expect(iv, "X_FLOATING_CONTRACT_RATE", CITY, 1, 5, 20)


def test_x_dibao_elderly_contract_rate(iv):
    # C1: M3 (70, K1 valid on its expiry day) yes, M5 (65 exactly, no contract) → 1/2.
    # B1: M10's 15-digit number and K2's 18-digit number are one person → 1/1
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", C1, 1, 2, 50, met=False)
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", B1, 1, 1, 100, met=True)
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", C2, 0, 0, NULL)
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", CITY, 2, 3, 200 / 3)


# ---------------------------------------------------------------- coverage


def test_table_missing_for_one_district_is_null_not_zero(iv):
    # 2025-02: dibao_household delivered for 天桥区 only (商河县's file was removed)
    partial = COMMUNITIES_IN_A / COMMUNITIES_IN_CITY
    expect(iv, "DB_HOUSEHOLDS", B1, NULL, NULL, NULL, period=FEB, coverage=0)
    expect(iv, "DB_HOUSEHOLDS", B, NULL, NULL, NULL, period=FEB, coverage=0)
    expect(iv, "DB_HOUSEHOLDS", C1, 2, NULL, 2, period=FEB)
    # the city sums only 天桥区: H1 H2 H4 H5
    expect(iv, "DB_HOUSEHOLDS", CITY, 4, NULL, 4, period=FEB, coverage=partial)
    # DB_RATE also reads community_profile (delivered everywhere): (5+4+2)/12500*1000
    expect(iv, "DB_RATE", CITY, 11, 12500, 0.88, period=FEB, coverage=partial)
    # a cross-department indicator using the table: NULL in 商河县 too.
    # C1: M3 (70), M5 (65); K1 expired in January → 0/2
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", B1, NULL, NULL, NULL, period=FEB, coverage=0)
    expect(iv, "X_DIBAO_ELDERLY_CONTRACT_RATE", CITY, 0, 2, 0, period=FEB, coverage=partial)
    # indicators not using it are complete
    expect(iv, "FL_REGISTERED", B1, 0, NULL, 0, period=FEB)


def test_table_missing_everywhere_is_null_with_zero_coverage(iv):
    # 2025-02: the only unemployment_roster file was rejected
    expect(iv, "EMP_REGISTERED", CITY, NULL, NULL, NULL, period=FEB, coverage=0)
    expect(iv, "EMP_REGISTERED", C1, NULL, NULL, NULL, period=FEB, coverage=0)
    expect(iv, "X_DIBAO_ABLE_EMPLOYMENT", CITY, NULL, NULL, NULL, period=FEB, coverage=0)
    assert iv("EMP_REGISTERED", FEB, CITY)["target_met"] is None
