-- Floating-population registrations: one row per registration per month.
with ranked as (
    {{ latest_per_key('floating_population', ['registration_id']) }}
)

select
    period,
    registration_id,
    community_code,
    person_key,
    age_at_month_end,
    sex,
    registration_date,
    cancel_date,
    permit_valid_until,
    coalesce(has_permit, false) as has_permit,
    coalesce(accompanying_children, 0) as accompanying_children,
    coalesce(children_in_school, 0) as children_in_school,
    coalesce(receives_fp_service, false) as receives_fp_service,
    delivery_district_code
from ranked
where key_rank = 1
