-- Every district and street service centre of each delivery (a full list).
-- 区划代码 arrives as 6, 9 or 12 digits: padded to the 12-digit region code.
select
    period as delivery_period,
    case when level = '区县' then 'district' else 'street' end as center_level,
    rpad(region_code, 12, '0') as region_code,
    cast(coalesce(floor_area_m2, 0) as double) as floor_area_m2,
    arrived_at
from {{ source('raw', 'service_center') }}
where region_code is not null
