-- Average wage per district and year, per delivery. A row may name the
-- district instead of giving its code: the name is looked up in the hierarchy
-- (高新区 is the short name of 济南高新技术产业开发区).
with wage as (
    select
        period as delivery_period,
        district_code,
        district_name,
        year as wage_year,
        cast(avg_wage_yuan as double) as avg_wage_yuan,
        arrived_at
    from {{ source('raw', 'district_wage') }}
),

districts as (
    select
        region_code,
        region_name
    from {{ ref('region_hierarchy') }}
    where region_level = 'district'
)

select
    wage.delivery_period,
    wage.wage_year,
    wage.avg_wage_yuan,
    wage.arrived_at,
    coalesce(
        rpad(wage.district_code, 12, '0'),
        by_name.region_code,
        case when wage.district_name = '高新区' then '370176000000' end
    ) as district_code
from wage
left join districts as by_name
    on wage.district_name = by_name.region_name
where wage.avg_wage_yuan is not null
