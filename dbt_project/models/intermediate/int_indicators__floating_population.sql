-- 流动人口: community-level rows of the FL_* indicators. Women aged 15-49 by
-- sex and age at month end from the ID number.
with active as (
    select
        period,
        community_code,
        count(*) as active_registrations,
        count(case when has_valid_permit then 1 end) as with_valid_permit,
        sum(accompanying_children) as accompanying_children,
        sum(children_in_school) as children_in_school,
        count(case when sex = '女' and age_at_month_end between 15 and 49 then 1 end)
            as women_15_49,
        count(
            case
                when sex = '女' and age_at_month_end between 15 and 49 and receives_fp_service then 1
            end
        ) as women_15_49_served
    from {{ ref('int_active_floating_registrations') }}
    group by period, community_code
),

new_registrations as (
    select
        registrations.period,
        registrations.community_code,
        count(*) as new_registrations
    from {{ ref('stg_public_security__floating_population') }} as registrations
    inner join {{ ref('int_periods') }} as periods on registrations.period = periods.period
    where {{ in_month('registrations.registration_date', 'periods.period', 'periods.month_end') }}
    group by registrations.period, registrations.community_code
),

measures as (
    select
        base.*,
        coalesce(active.active_registrations, 0) as active_registrations,
        coalesce(active.with_valid_permit, 0) as with_valid_permit,
        coalesce(active.accompanying_children, 0) as accompanying_children,
        coalesce(active.children_in_school, 0) as children_in_school,
        coalesce(active.women_15_49, 0) as women_15_49,
        coalesce(active.women_15_49_served, 0) as women_15_49_served,
        coalesce(new_registrations.new_registrations, 0) as new_registrations
    from {{ ref('int_community_months') }} as base
    left join active
        on
            base.community_code = active.community_code
            and base.period = active.period
    left join new_registrations
        on
            base.community_code = new_registrations.community_code
            and base.period = new_registrations.period
)

{% set f = ['floating_population'] %}
{{ indicator_rows('FL_REGISTERED', 'active_registrations', tables=f) }}
union all
{{ indicator_rows(
    'FL_SHARE', 'active_registrations', 'resident_population', f + ['community_profile']
) }}
union all
{{ indicator_rows('FL_PERMIT_RATE', 'with_valid_permit', 'active_registrations', f) }}
union all
{{ indicator_rows('FL_CHILD_SCHOOL_RATE', 'children_in_school', 'accompanying_children', f) }}
union all
{{ indicator_rows('FL_FP_SERVICE_RATE', 'women_15_49_served', 'women_15_49', f) }}
union all
{{ indicator_rows('FL_NEW', 'new_registrations', tables=f) }}
