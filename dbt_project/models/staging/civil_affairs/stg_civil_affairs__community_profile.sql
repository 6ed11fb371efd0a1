-- One row per community per month (the later-arriving file wins for a
-- community delivered twice). Blank numbers read as 0 and blank yes/no as 否
-- (extracts.md: a blank never earns compliance).
with ranked as (
    {{ latest_per_key('community_profile', ['community_code']) }}
)

select
    period,
    community_code,
    community_name,
    coalesce(is_old_city, false) as is_old_city,
    coalesce(households, 0) as households,
    coalesce(resident_population, 0) as resident_population,
    coalesce(population_65_plus, 0) as population_65_plus,
    coalesce(committee_members, 0) as committee_members,
    coalesce(community_workers, 0) as community_workers,
    cast(coalesce(office_area_m2, 0) as double) as office_area_m2,
    coalesce(has_service_station, false) as has_service_station,
    coalesce(police_officers, 0) as police_officers,
    cast(coalesce(funds_city_yuan, 0) as double) as funds_city_yuan,
    cast(coalesce(funds_district_yuan, 0) as double) as funds_district_yuan,
    cast(coalesce(member_allowance_yuan, 0) as double) as member_allowance_yuan,
    coalesce(members_pension_insured, 0) as members_pension_insured,
    delivery_district_code,
    source_file,
    arrived_at
from ranked
where key_rank = 1
