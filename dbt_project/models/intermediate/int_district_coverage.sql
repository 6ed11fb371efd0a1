-- Per loaded month × district: which monthly tables the district delivered
-- (a file of its own or a city-wide file). Not delivered → the indicators that
-- read the table are NULL in all the district's regions.
with periods as (
    select period from {{ ref('int_periods') }}
),

districts as (
    select region_code as district_code
    from {{ ref('region_hierarchy') }}
    where region_level = 'district'
),

loads as (
    select distinct
        table_name,
        period,
        district_code
    from {{ ref('stg_ingestion__load_log') }}
)

select
    periods.period,
    districts.district_code,
    {% for t in var('monthly_tables') -%}
        count(case when loads.table_name = '{{ t }}' then 1 end) > 0 as cov_{{ t }}
        {%- if not loop.last %},{% endif %}
    {% endfor %}
from periods
cross join districts
left join loads
    on
        periods.period = loads.period
        and (districts.district_code = loads.district_code or loads.district_code is null)
group by periods.period, districts.district_code
