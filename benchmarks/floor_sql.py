"""The floor's indicator step: all 45 catalog indicators in one DuckDB session, plain SQL.

Input: the typed tables of ``floor_read`` (trusted codes, the ID number as the
person key). Output: table ``floor_values`` (indicator_code, period,
region_code, region_level, numerator, denominator, value) for every region at
every level the catalog lists, zeros included. Simplifications against the
pipeline: no per-district coverage (every district counts as delivered).
"""

from __future__ import annotations

import csv
import time

import duckdb
import pyarrow as pa

from pipelines.reference import REGIONS_CSV
from pipelines.settings import CATALOG_CSV as PROJECT_CATALOG
from pipelines.settings import PROJECT_DIR

# The dbt seed is the catalog that counts; the spec's copy until the seed exists.
CATALOG_CSV = (
    PROJECT_CATALOG
    if PROJECT_CATALOG.exists()
    else PROJECT_DIR.parent / "shared" / "spec" / "indicators.csv"
)

# Latest row per record key per table-month (the later file, then the later row).
KEYS = {
    "community_profile": "community_code",
    "dibao_household": "household_id",
    "dibao_member": "household_id, id_number",
    "unemployment_roster": "registration_id",
    "health_contract": "contract_id",
    "health_facility": "facility_code",
    "floating_population": "registration_id",
}

SETUP = """
create or replace table regions as
    select * from read_csv(?, all_varchar = true, header = true);
create or replace table juwei as
    select region_code as community_code from regions
    where region_level = 'community' and community_type = '居委会';
create or replace table periods as
    select distinct period, last_day(period) as me from community_profile
    union select distinct period, last_day(period) from dibao_household
    union select distinct period, last_day(period) from floating_population
    union select distinct period, last_day(period) from unemployment_roster
    union select distinct period, last_day(period) from health_contract;
create or replace macro bdate(id) as
    case when length(id) = 15 then '19' || substr(id, 7, 6) else substr(id, 7, 8) end;
create or replace macro age(id, me) as case when regexp_full_match(bdate(id), '[0-9]{8}') then
    year(me) - cast(left(bdate(id), 4) as int)
    - (cast(right(bdate(id), 4) as int) > month(me) * 100 + day(me))::int end;
create or replace macro female(id) as
    try_cast(substr(id, case when length(id) = 15 then 15 else 17 end, 1) as int) % 2 = 0;
create or replace macro in_month(d, p) as d >= p and d <= last_day(p);
"""

# Rows without a key cannot be counted once per key: dropped (the pipeline quarantines
# them as required_missing). Keys are nearly unique, so only the duplicated ones are ranked.
DEDUP = """
create or replace view {t}_k as
with keyed as (select * from {t} where {not_null}),
dup as (select period, {key} from keyed group by all having count(*) > 1),
loser as (
    select period, source_file, row_idx from (
        select k.period, k.source_file, k.row_idx, row_number() over (
            partition by k.period, {k_key} order by k.source_file desc, k.row_idx desc) as rn
        from keyed k join dup using (period, {key}))
    where rn > 1)
select * from keyed anti join loser using (period, source_file, row_idx)
"""

# Per-table views that several indicators share.
VIEWS = """
create or replace table cp as select k.*, j.community_code is not null as is_juwei
    from community_profile_k k left join juwei j using (community_code);
create or replace table hh as select h.*, p.me, h.status = '在保' as active
    from dibao_household_k h join periods p using (period);
create or replace table mem as
    select m.period, m.id_number, coalesce(m.able_to_work, false) as able_to_work,
           h.community_code, h.me, age(m.id_number, h.me) as age
    from dibao_member_k m join hh h using (period, household_id) where h.active;
create or replace table un as select u.*, p.me,
        coalesce(u.difficulty_categories, '无') <> '无' as difficult
    from unemployment_roster_k u join periods p using (period);
create or replace table hc as
    select c.period, c.community_code, c.id_number, c.is_managed, c.key_groups,
        age(c.id_number, p.me) as age,
        c.contract_date <= p.me and (c.expiry_date is null or c.expiry_date >= p.me) as valid
    from health_contract_k c join periods p using (period);
create or replace table fl as
    select f.period, f.community_code, f.id_number, f.permit_number, f.permit_valid_until,
        f.children_in_school, f.accompanying_children, f.receives_fp_service,
        f.registration_date, p.me, age(f.id_number, p.me) as age,
        female(f.id_number) as is_female,
        f.cancel_date is null or f.cancel_date > p.me as active
    from floating_population_k f join periods p using (period);
create or replace table sc_in_force as
    select p.period, s.* exclude (period) from periods p join service_center s
        on s.period = (select max(period) from service_center where period <= p.period);
create or replace table wage as
    select p.period, coalesce(rpad(w.district_code, 12, '0'), r.region_code) as district_code,
           cast(w.year as int) as year, w.avg_wage_yuan
    from periods p join district_wage w
        on w.period = (select max(period) from district_wage where period <= p.period)
    left join regions r on r.region_level = 'district' and r.region_name = w.district_name;
create or replace table cp_wage as
    select c.*, (select arg_max(w.avg_wage_yuan, w.year) from wage w
                 where w.period = c.period and w.district_code = r.district_code
                   and w.year <= year(c.period) - 1) as wage
    from cp c join regions r on r.region_code = c.community_code;
"""

# (code, select of period, region, num, den). Region is a community
# code, or a street/district code for the service-centre standards.
FACTS: list[tuple[str, str]] = [
    ("ORG_COMMUNITIES", "select period, community_code, 1, null from cp"),
    (
        "ORG_HH_PER_COMMUNITY",
        "select period, community_code, coalesce(households, 0), 1 from cp where is_juwei",
    ),
    (
        "ORG_SCALE_OK",
        "select period, community_code, (households between 1500 and 4500)::int, 1 "
        "from cp where is_juwei",
    ),
    (
        "ORG_STAFF_OK",
        "select period, community_code, (coalesce(committee_members, 0) >= "
        "greatest(5, ceil(coalesce(households, 0) / 300)))::int, 1 from cp where is_juwei",
    ),
    (
        "ORG_OFFICE_OK",
        "select period, community_code, (coalesce(office_area_m2, 0) >= "
        "case when is_old_city then 150 else 400 end)::int, 1 from cp where is_juwei",
    ),
    (
        "ORG_FUNDING_PER_1000HH",
        "select period, community_code, coalesce(funds_city_yuan, 0) + "
        "coalesce(funds_district_yuan, 0), coalesce(households, 0) from cp where is_juwei",
    ),
    (
        "ORG_FUNDING_OK",
        "select period, community_code, (coalesce(funds_city_yuan, 0) + "
        "coalesce(funds_district_yuan, 0) >= 10 * coalesce(households, 0))::int, 1 "
        "from cp where is_juwei",
    ),
    (
        "ORG_FUNDING_CITY_SHARE",
        "select period, community_code, coalesce(funds_city_yuan, 0), "
        "coalesce(funds_city_yuan, 0) + coalesce(funds_district_yuan, 0) from cp where is_juwei",
    ),
    (
        "ORG_ALLOWANCE_OK",
        "select period, community_code, "
        "(12 * coalesce(member_allowance_yuan, 0) >= wage)::int, 1 "
        "from cp_wage where is_juwei and wage is not null",
    ),
    (
        "ORG_PENSION_RATE",
        "select period, community_code, coalesce(members_pension_insured, 0), "
        "coalesce(committee_members, 0) from cp where is_juwei",
    ),
    (
        "ORG_STATION_RATE",
        "select period, community_code, has_service_station::int, 1 from cp where is_juwei",
    ),
    (
        "ORG_POLICE_RATE",
        "select period, community_code, (coalesce(police_officers, 0) >= 1)::int, 1 "
        "from cp where is_juwei",
    ),
    (
        "ORG_WORKERS_PER_10K",
        "select period, community_code, coalesce(community_workers, 0), "
        "coalesce(resident_population, 0) from cp where is_juwei",
    ),
    (
        "ORG_STREET_CENTER_OK",
        "select p.period, r.region_code, coalesce(bool_or(s.floor_area_m2 >= 1000), false)::int, "
        "1 from periods p cross join regions r left join sc_in_force s on s.period = p.period "
        "and s.level = '街道' and s.region_code = r.region_code "
        "where r.region_level = 'street' and r.street_type = '街道' group by all",
    ),
    (
        "ORG_DISTRICT_CENTER_OK",
        "select p.period, r.region_code, coalesce(bool_or(s.floor_area_m2 >= 3000), false)::int, "
        "1 from periods p cross join regions r left join sc_in_force s on s.period = p.period "
        "and s.level = '区县' and s.region_code = r.region_code "
        "where r.region_level = 'district' group by all",
    ),
    ("DB_HOUSEHOLDS", "select period, community_code, 1, null from hh where active"),
    (
        "DB_PERSONS",
        "select period, community_code, coalesce(persons, 0), null from hh where active",
    ),
    (
        "DB_RATE",
        "select period, community_code, coalesce(persons, 0), 0 from hh where active "
        "union all select period, community_code, 0, coalesce(resident_population, 0) from cp",
    ),
    (
        "DB_AVG_BENEFIT",
        "select period, community_code, coalesce(monthly_benefit_yuan, 0), "
        "coalesce(persons, 0) from hh where active",
    ),
    (
        "DB_REVIEW_TIMELY",
        "select period, community_code, (greatest(approval_date, last_review_date) "
        "> me - interval 1 year and greatest(approval_date, last_review_date) <= me)::int, 1 "
        "from hh where active",
    ),
    (
        "DB_NEW_HOUSEHOLDS",
        "select period, community_code, 1, null from hh where in_month(approval_date, period)",
    ),
    (
        "DB_EXITED_HOUSEHOLDS",
        "select period, community_code, 1, null from hh "
        "where status = '停保' and in_month(exit_date, period)",
    ),
    ("EMP_REGISTERED", "select period, community_code, 1, null from un where status = '失业'"),
    (
        "EMP_REGISTERED_RATE",
        "select period, community_code, 1, 0 from un where status = '失业' "
        "union all select period, community_code, 0, coalesce(resident_population, 0) from cp",
    ),
    (
        "EMP_4050",
        "select period, community_code, 1, null from un "
        "where status = '失业' and contains(difficulty_categories, '4050人员')",
    ),
    (
        "EMP_REEMPLOYED",
        "select period, community_code, 1, null from un where in_month(reemployment_date, period)",
    ),
    (
        "EMP_DIFFICULT_REEMPLOYED",
        "select period, community_code, 1, null from un "
        "where difficult and in_month(reemployment_date, period)",
    ),
    (
        "EMP_PUBLIC_WELFARE_JOBS",
        "select period, community_code, 1, null from un "
        "where reemployment_mode = '公益性岗位' and in_month(reemployment_date, period)",
    ),
    (
        "EMP_DIFFICULT_ASSISTED_RATE",
        "select period, community_code, (status = '已就业' or in_training)::int, 1 from un "
        "where difficult and status in ('失业', '已就业')",
    ),
    (
        "HL_FACILITY_COVERAGE",
        "select p.period, r.region_code, (count(f.facility_code) > 0)::int, 1 "
        "from periods p cross join regions r left join health_facility_k f "
        "on f.period = p.period and f.community_code = r.region_code "
        "where r.region_level = 'community' group by all",
    ),
    (
        "HL_GP_PER_10K",
        "select period, community_code, coalesce(general_practitioners, 0), 0 "
        "from health_facility_k union all "
        "select period, community_code, 0, coalesce(resident_population, 0) from cp",
    ),
    (
        "HL_CONTRACT_RATE",
        "select period, community_code, 1, 0 from hc where valid union all "
        "select period, community_code, 0, coalesce(resident_population, 0) from cp",
    ),
    (
        "HL_ELDERLY_MANAGED",
        "select period, community_code, 1, 0 from hc where valid and age >= 65 and is_managed "
        "union all select period, community_code, 0, coalesce(population_65_plus, 0) from cp",
    ),
    (
        "HL_HYPERTENSION_MGMT",
        "select period, community_code, is_managed::int, 1 from hc "
        "where valid and contains(key_groups, '高血压患者')",
    ),
    (
        "HL_DIABETES_MGMT",
        "select period, community_code, is_managed::int, 1 from hc "
        "where valid and contains(key_groups, '糖尿病患者')",
    ),
    ("FL_REGISTERED", "select period, community_code, 1, null from fl where active"),
    (
        "FL_SHARE",
        "select period, community_code, 1, 0 from fl where active union all "
        "select period, community_code, 0, coalesce(resident_population, 0) from cp",
    ),
    (
        "FL_PERMIT_RATE",
        "select period, community_code, (permit_number is not null "
        "and permit_valid_until >= me)::int, 1 from fl where active",
    ),
    (
        "FL_CHILD_SCHOOL_RATE",
        "select period, community_code, coalesce(children_in_school, 0), "
        "coalesce(accompanying_children, 0) from fl where active",
    ),
    (
        "FL_FP_SERVICE_RATE",
        "select period, community_code, receives_fp_service::int, 1 from fl "
        "where active and is_female and age between 15 and 49",
    ),
    (
        "FL_NEW",
        "select period, community_code, 1, null from fl where in_month(registration_date, period)",
    ),
    (
        "X_DIBAO_ABLE_EMPLOYMENT",
        "select m.period, m.community_code, (exists (select 1 from un u where u.period = "
        "m.period and u.id_number = m.id_number))::int, 1 from mem m "
        "where m.able_to_work and m.age between 16 and 59",
    ),
    (
        "X_DIBAO_EMPLOYED_IN_PROTECTION",
        "select m.period, m.community_code, 1, null from mem m where exists (select 1 from un u "
        "where u.period = m.period and u.id_number = m.id_number and u.status = '已就业' "
        "and u.reemployment_date < m.me - interval 90 day)",
    ),
    (
        "X_FLOATING_CONTRACT_RATE",
        "select f.period, f.community_code, (exists (select 1 from hc c where c.period = "
        "f.period and c.id_number = f.id_number and c.valid))::int, 1 from fl f where f.active",
    ),
    (
        "X_DIBAO_ELDERLY_CONTRACT_RATE",
        "select m.period, m.community_code, (exists (select 1 from hc c where c.period = "
        "m.period and c.id_number = m.id_number and c.valid))::int, 1 from mem m "
        "where m.age >= 65",
    ),
]

ROLLUP = """
create or replace table facts_by_region as
with f as (
    select f.code, f.period, f.num, f.den,
           case when r.region_level = 'community' then r.region_code end as community,
           case when r.region_level = 'street' then r.region_code else r.street_code end
               as street,
           r.district_code as district
    from facts f join regions r on r.region_code = f.region_code
)
select code, period,
       coalesce(community, street, district, '370100000000') as region_code,
       sum(num) as num, sum(den) as den
from f
group by grouping sets ((code, period, community, street, district), (code, period, street,
    district), (code, period, district), (code, period))
having not (grouping(community) = 0 and community is null)
   and not (grouping(street) = 0 and street is null);

create or replace table floor_values as
select c.code as indicator_code, p.period, r.region_code, r.region_level,
       case when c.juwei_only and r.region_level = 'community' and j.community_code is null
            then null else coalesce(v.num, 0) end as numerator,
       case when c.has_den and not (c.juwei_only and r.region_level = 'community'
                                    and j.community_code is null)
            then coalesce(v.den, 0) end as denominator,
       case when c.juwei_only and r.region_level = 'community' and j.community_code is null
            then null
            when not c.has_den then coalesce(v.num, 0)
            else coalesce(v.num, 0) / nullif(coalesce(v.den, 0), 0) * c.factor end as value
from catalog c cross join periods p
join regions r on list_contains(c.levels, r.region_level)
left join juwei j on j.community_code = r.region_code
left join facts_by_region v on v.code = c.code and v.period = p.period
    and v.region_code = r.region_code;
"""

CATALOG = """
create or replace table catalog as
select code, cast(factor as double) as factor, applies_to = '居委会' as juwei_only,
       coalesce(denominator, '') <> '' as has_den,
       case when levels = 'all' then ['community', 'street', 'district', 'city']
            else string_split(levels, ',') end as levels
from catalog_csv
"""


def dedup_sql(table: str, key: str) -> str:
    cols = [c.strip() for c in key.split(",")]
    return DEDUP.format(
        t=table,
        key=key,
        not_null=" and ".join(f"{c} is not null" for c in cols),
        k_key=", ".join(f"k.{c}" for c in cols),
    )


def compute_indicators(
    con: duckdb.DuckDBPyConnection, codes: list[str] | None = None
) -> dict[str, float | int]:
    """Build ``floor_values`` from the typed tables; ``codes`` restricts the indicators.
    Returns the indicator and row counts and the seconds of each phase."""
    t0 = time.perf_counter()
    con.execute(SETUP.replace("?", f"'{REGIONS_CSV}'", 1))
    for table, key in KEYS.items():
        con.execute(dedup_sql(table, key))
    con.execute(VIEWS)
    with open(CATALOG_CSV, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    con.register("catalog_csv", pa.Table.from_pylist(rows))
    con.execute(CATALOG)
    con.unregister("catalog_csv")
    selected = [(c, s) for c, s in FACTS if codes is None or c in codes]
    if codes is not None:
        con.execute("delete from catalog where not list_contains(?, code)", [codes])
    t1 = time.perf_counter()
    union = " union all ".join(
        f"select '{code}' as code, period, region_code, num, den "
        f"from ({sql}) as x(period, region_code, num, den)"
        for code, sql in selected
    )
    # summed per region right away: the rollup then works on thousands of rows, not millions
    con.execute(
        "create or replace table facts as select code, period, region_code, "
        f"sum(num) as num, sum(den) as den from ({union}) group by all"
    )
    t2 = time.perf_counter()
    con.execute(ROLLUP)
    rows = con.execute("select count(*) from floor_values").fetchall()[0][0]
    t3 = time.perf_counter()
    return {
        "indicators": len(selected),
        "rows": rows,
        "sql_phases_s": {"prepare": t1 - t0, "facts": t2 - t1, "rollup": t3 - t2},
    }
