-- The 2007 standards (济发〔2007〕13号) per community in that month's
-- 社区基础信息 × standard: required range, actual, signed gap (actual minus
-- the nearest bound when outside the range, 0 inside) and met. The public
-- model keeps the 居委会; the ORG_*_OK indicators count `met`.
with profile as (
    select
        profile.*,
        regions.district_code
    from {{ ref('stg_civil_affairs__community_profile') }} as profile
    inner join {{ ref('region_hierarchy') }} as regions
        on profile.community_code = regions.region_code
),

with_wage as (
    select
        profile.*,
        wage.avg_wage_yuan as previous_year_wage
    from profile
    left join {{ ref('int_district_wage_in_force') }} as wage
        on
            profile.period = wage.period
            and profile.district_code = wage.district_code
),

standards as (
    select
        community_code,
        period,
        'staffing' as standard_code,
        greatest(5.0, cast(ceil(cast(households as double) / 300) as double)) as required_min,
        cast(null as double) as required_max,
        cast(committee_members as double) as actual,
        '人' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'space' as standard_code,
        case when is_old_city then 150.0 else 400.0 end as required_min,
        null as required_max,
        office_area_m2 as actual,
        'm²' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'funds' as standard_code,
        10.0 * households as required_min,
        null as required_max,
        funds_city_yuan + funds_district_yuan as actual,
        '元/年' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'allowance' as standard_code,
        previous_year_wage as required_min,
        null as required_max,
        12.0 * member_allowance_yuan as actual,
        '元/年' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'pension' as standard_code,
        committee_members as required_min,
        null as required_max,
        members_pension_insured as actual,
        '人' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'station' as standard_code,
        1.0 as required_min,
        null as required_max,
        case when has_service_station then 1.0 else 0.0 end as actual,
        '个' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'police' as standard_code,
        1.0 as required_min,
        null as required_max,
        police_officers as actual,
        '人' as unit
    from with_wage
    union all
    select
        community_code,
        period,
        'scale' as standard_code,
        1500.0 as required_min,
        4500.0 as required_max,
        households as actual,
        '户' as unit
    from with_wage
),

gaps as (
    select
        community_code,
        period,
        standard_code,
        cast(required_min as double) as required_min,
        cast(required_max as double) as required_max,
        cast(actual as double) as actual,
        unit,
        case
            when required_min is null and required_max is null then null
            when required_min is not null and actual < required_min then actual - required_min
            when required_max is not null and actual > required_max then actual - required_max
            else 0.0
        end as gap
    from standards
)

select
    community_code,
    period,
    standard_code,
    required_min,
    required_max,
    actual,
    cast(gap as double) as gap,
    unit,
    case when gap is null then null else gap = 0 end as met
from gaps
