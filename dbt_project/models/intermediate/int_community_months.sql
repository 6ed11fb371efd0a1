-- Every community of the hierarchy × every loaded month: the base of the
-- community-level indicators, with the district's delivery flags (cov_*) and
-- the community's profile figures used as denominators (0 when the community
-- has no row in that month's 社区基础信息).
with communities as (
    select
        region_code as community_code,
        district_code
    from {{ ref('region_hierarchy') }}
    where region_level = 'community'
),

profile as (
    select * from {{ ref('stg_civil_affairs__community_profile') }}
)

select
    communities.community_code,
    periods.period,
    periods.month_end,
    periods.year_before_month_end,
    periods.period_year,
    {% for t in var('monthly_tables') -%}
        coverage.cov_{{ t }},
    {% endfor -%}
    case when profile.community_code is null then 0 else 1 end as in_profile,
    coalesce(profile.households, 0) as households,
    coalesce(profile.resident_population, 0) as resident_population,
    coalesce(profile.population_65_plus, 0) as population_65_plus
from communities
cross join {{ ref('int_periods') }} as periods
inner join {{ ref('int_district_coverage') }} as coverage
    on
        periods.period = coverage.period
        and communities.district_code = coverage.district_code
left join profile
    on
        communities.community_code = profile.community_code
        and periods.period = profile.period
