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
    {{ community_measures([
        ('active', [
            'active_registrations', 'with_valid_permit', 'accompanying_children',
            'children_in_school', 'women_15_49', 'women_15_49_served',
        ]),
        ('new_registrations', ['new_registrations']),
    ]) }}
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
