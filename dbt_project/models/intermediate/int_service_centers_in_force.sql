-- Per loaded month: the service centres of the latest delivery at or before
-- it (each delivery is a full list), the largest centre per region (a region
-- meets a centre standard when one of its centres is large enough).
with centers as (
    select * from {{ ref('stg_civil_affairs__service_center') }}
),

latest as (
    select
        periods.period,
        max(centers.delivery_period) as delivery_period
    from {{ ref('int_periods') }} as periods
    inner join centers on periods.period >= centers.delivery_period
    group by periods.period
)

select
    latest.period,
    centers.center_level,
    centers.region_code,
    max(centers.floor_area_m2) as max_floor_area_m2
from latest
inner join centers on latest.delivery_period = centers.delivery_period
group by latest.period, centers.center_level, centers.region_code
