-- a view: materialising millions of person rows costs more than recomputing them
{{ config(materialized='view') }}
-- Floating-population registrations active at month end: not cancelled, or
-- cancelled after month end (a cancellation on month end is effective).
select
    registrations.period,
    registrations.registration_id,
    registrations.community_code,
    registrations.person_key,
    registrations.age_at_month_end,
    registrations.sex,
    registrations.accompanying_children,
    registrations.children_in_school,
    registrations.receives_fp_service,
    coalesce(
        registrations.has_permit and registrations.permit_valid_until >= periods.month_end, false
    ) as has_valid_permit
from {{ ref('stg_public_security__floating_population') }} as registrations
inner join {{ ref('int_periods') }} as periods on registrations.period = periods.period
where registrations.cancel_date is null or registrations.cancel_date > periods.month_end
