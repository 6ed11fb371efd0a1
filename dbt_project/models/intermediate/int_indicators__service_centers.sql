-- 社区服务中心: street units (街道 only; a 镇 counts in neither numerator nor
-- denominator) and district units. A region whose centre was never delivered
-- does not meet the standard. service_center is a full list, not a monthly
-- per-district delivery: always covered.
with periods as (
    select period from {{ ref('int_periods') }}
),

regions as (
    select * from {{ ref('region_hierarchy') }}
),

centers as (
    select * from {{ ref('int_service_centers_in_force') }}
),

streets as (
    select
        periods.period,
        regions.region_code as unit_code,
        case
            when regions.street_type = '街道' and centers.max_floor_area_m2 >= 1000 then 1 else 0
        end as meets,
        case when regions.street_type = '街道' then 1 else 0 end as counted
    from periods
    cross join regions
    left join centers
        on
            periods.period = centers.period
            and centers.center_level = 'street'
            and regions.region_code = centers.region_code
    where regions.region_level = 'street'
),

districts as (
    select
        periods.period,
        regions.region_code as unit_code,
        case when centers.max_floor_area_m2 >= 3000 then 1 else 0 end as meets,
        1 as counted
    from periods
    cross join regions
    left join centers
        on
            periods.period = centers.period
            and centers.center_level = 'district'
            and regions.region_code = centers.region_code
    where regions.region_level = 'district'
)

{{ indicator_rows(
    'ORG_STREET_CENTER_OK', 'meets', 'counted', unit='unit_code', relation='streets'
) }}
union all
{{ indicator_rows(
    'ORG_DISTRICT_CENTER_OK', 'meets', 'counted', unit='unit_code', relation='districts'
) }}
