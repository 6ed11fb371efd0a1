-- 低保: community-level rows of the DB_* indicators. Flows (new, exited) are
-- counted from that month's roster only.
with households as (
    select
        households.*,
        periods.month_end,
        periods.year_before_month_end,
        case
            when
                households.last_review_date is not null
                and households.last_review_date > households.approval_date
                then households.last_review_date
            else households.approval_date
        end as latest_review_date
    from {{ ref('stg_civil_affairs__dibao_household') }} as households
    inner join {{ ref('int_periods') }} as periods on households.period = periods.period
),

per_community as (
    select
        period,
        community_code,
        count(case when is_protected then 1 end) as protected_households,
        sum(case when is_protected then persons else 0 end) as protected_persons,
        sum(case when is_protected then monthly_benefit_yuan else 0 end) as protected_benefit_yuan,
        count(
            case
                when
                    is_protected
                    and latest_review_date > year_before_month_end
                    and latest_review_date <= month_end
                    then 1
            end
        ) as reviewed_households,
        count(case when {{ in_month('approval_date') }} then 1 end) as new_households,
        count(case when status = '停保' and {{ in_month('exit_date') }} then 1 end)
            as exited_households
    from households
    group by period, community_code
),

measures as (
    {{ community_measures([('per_community', [
        'protected_households', 'protected_persons', 'protected_benefit_yuan',
        'reviewed_households', 'new_households', 'exited_households',
    ])]) }}
)

{% set h = ['dibao_household'] %}
{{ indicator_rows('DB_HOUSEHOLDS', 'protected_households', tables=h) }}
union all
{{ indicator_rows('DB_PERSONS', 'protected_persons', tables=h) }}
union all
{{ indicator_rows(
    'DB_RATE', 'protected_persons', 'resident_population', h + ['community_profile']
) }}
union all
{{ indicator_rows('DB_AVG_BENEFIT', 'protected_benefit_yuan', 'protected_persons', h) }}
union all
{{ indicator_rows('DB_REVIEW_TIMELY', 'reviewed_households', 'protected_households', h) }}
union all
{{ indicator_rows('DB_NEW_HOUSEHOLDS', 'new_households', tables=h) }}
union all
{{ indicator_rows('DB_EXITED_HOUSEHOLDS', 'exited_households', tables=h) }}
