{{ config(meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
-- Every catalog indicator has a row for every region at each of its levels for
-- every loaded month: returns the missing (indicator, period, region).
with expected as (
    select
        indicator_catalog.code as indicator_code,
        periods.period,
        regions.region_code
    from {{ ref('dim_indicators') }} as indicator_catalog
    cross join {{ ref('int_periods') }} as periods
    cross join {{ ref('dim_regions') }} as regions
    where {{ has_level('indicator_catalog.levels', 'regions.region_level') }}
)

select expected.*
from expected
left join {{ ref('indicator_values') }} as actual
    on
        expected.indicator_code = actual.indicator_code
        and expected.period = actual.period
        and expected.region_code = actual.region_code
where actual.indicator_code is null
