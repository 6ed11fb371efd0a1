{{ config(meta={'dagster': {'ref': {'name': 'indicator_values'}}}) }}
-- For every indicator, month and parent region: the parent's numerator and
-- denominator equal the sums over its children (NULL when no child has one).
with children as (
    select
        child.indicator_code,
        child.period,
        regions.parent_code,
        sum(child.numerator) as numerator,
        sum(child.denominator) as denominator
    from {{ ref('indicator_values') }} as child
    inner join {{ ref('dim_regions') }} as regions on child.region_code = regions.region_code
    group by child.indicator_code, child.period, regions.parent_code
)

select
    parent.indicator_code,
    parent.period,
    parent.region_code,
    parent.numerator,
    children.numerator as children_numerator,
    parent.denominator,
    children.denominator as children_denominator
from {{ ref('indicator_values') }} as parent
inner join children
    on
        parent.indicator_code = children.indicator_code
        and parent.period = children.period
        and parent.region_code = children.parent_code
where
    (parent.numerator is null) <> (children.numerator is null)
    or (parent.denominator is null) <> (children.denominator is null)
    or abs(parent.numerator - children.numerator) > 1e-6 * (1 + abs(parent.numerator))
    or abs(parent.denominator - children.denominator) > 1e-6 * (1 + abs(parent.denominator))
