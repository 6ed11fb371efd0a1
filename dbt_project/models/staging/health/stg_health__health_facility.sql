-- Community health institutions at month end: one row per institution.
with ranked as (
    {{ latest_per_key('health_facility', ['facility_code']) }}
)

select
    period,
    facility_code,
    facility_type,
    community_code,
    coalesce(general_practitioners, 0) as general_practitioners,
    delivery_district_code
from ranked
where key_rank = 1
