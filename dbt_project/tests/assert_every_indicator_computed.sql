{{ config(meta={'dagster': {'ref': {'name': 'int_indicator_units'}}}) }}
-- Every catalog indicator has unit rows: a catalog row without its SQL would
-- otherwise publish NULLs silently.
with units as (
    select distinct indicator_code from {{ ref('int_indicator_units') }}
)

select indicator_catalog.code
from {{ ref('dim_indicators') }} as indicator_catalog
left join units on indicator_catalog.code = units.indicator_code
where
    units.indicator_code is null
    and exists (select 1 from {{ ref('int_periods') }})
