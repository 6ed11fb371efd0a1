{{ config(meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
-- Percentages whose numerator is a subset of the denominator lie in [0, 100];
-- coverage lies in [0, 1]. The excluded indicators divide by figures from
-- another source (常住人口, 65岁及以上人口, 居委会成员数, 随迁子女数), which
-- delivered data can exceed: that is a data-quality finding, not an error.
select
    iv.indicator_code,
    iv.period,
    iv.region_code,
    iv.value,
    iv.coverage
from {{ ref('indicator_values') }} as iv
inner join {{ ref('dim_indicators') }} as indicator_catalog
    on iv.indicator_code = indicator_catalog.code
where
    (
        indicator_catalog.unit = '%'
        and indicator_catalog.code not in {{ in_list(var('percent_not_bounded')) }}
        and (iv.value < 0 or iv.value > 100)
    )
    or iv.coverage < 0
    or iv.coverage > 1
