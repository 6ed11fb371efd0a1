-- 就业: community-level rows of the EMP_* indicators. Re-employment flows are
-- counted from that month's roster only.
with roster as (
    select
        roster.*,
        periods.month_end,
        coalesce(
            {{ in_month('roster.reemployment_date', 'periods.period', 'periods.month_end') }}, false
        ) as reemployed_in_month
    from {{ ref('stg_human_resources__unemployment_roster') }} as roster
    inner join {{ ref('int_periods') }} as periods on roster.period = periods.period
),

per_community as (
    select
        period,
        community_code,
        count(case when status = '失业' then 1 end) as unemployed,
        count(case when status = '失业' and difficulty_categories like '%4050人员%' then 1 end)
            as unemployed_4050,
        count(case when reemployed_in_month then 1 end) as reemployed,
        count(case when reemployed_in_month and has_difficulty_category then 1 end)
            as difficult_reemployed,
        count(case when reemployed_in_month and reemployment_mode = '公益性岗位' then 1 end)
            as public_welfare_jobs,
        count(case when has_difficulty_category and status in ('失业', '已就业') then 1 end)
            as difficult_registered,
        count(
            case
                when
                    has_difficulty_category
                    and status in ('失业', '已就业')
                    and (status = '已就业' or in_training)
                    then 1
            end
        ) as difficult_assisted
    from roster
    group by period, community_code
),

measures as (
    {{ community_measures([('per_community', [
        'unemployed', 'unemployed_4050', 'reemployed', 'difficult_reemployed',
        'public_welfare_jobs', 'difficult_registered', 'difficult_assisted',
    ])]) }}
)

{% set u = ['unemployment_roster'] %}
{{ indicator_rows('EMP_REGISTERED', 'unemployed', tables=u) }}
union all
{{ indicator_rows(
    'EMP_REGISTERED_RATE', 'unemployed', 'resident_population', u + ['community_profile']
) }}
union all
{{ indicator_rows('EMP_4050', 'unemployed_4050', tables=u) }}
union all
{{ indicator_rows('EMP_REEMPLOYED', 'reemployed', tables=u) }}
union all
{{ indicator_rows('EMP_DIFFICULT_REEMPLOYED', 'difficult_reemployed', tables=u) }}
union all
{{ indicator_rows('EMP_PUBLIC_WELFARE_JOBS', 'public_welfare_jobs', tables=u) }}
union all
{{ indicator_rows('EMP_DIFFICULT_ASSISTED_RATE', 'difficult_assisted', 'difficult_registered', u) }}
