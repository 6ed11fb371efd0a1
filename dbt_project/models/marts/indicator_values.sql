-- Every catalog indicator × loaded month × region at the indicator's levels.
-- Unit numerators and denominators (int_indicator_units) are summed up the
-- hierarchy over covered, applicable units only; ratios are never averaged.
with indicator_catalog as (
    select * from {{ ref('dim_indicators') }}
),

regions as (
    select
        region_code,
        region_level
    from {{ ref('region_hierarchy') }}
),

skeleton as (
    select
        indicator_catalog.code as indicator_code,
        periods.period,
        regions.region_code,
        regions.region_level
    from indicator_catalog
    cross join {{ ref('int_periods') }} as periods
    cross join regions
    where {{ has_level('indicator_catalog.levels', 'regions.region_level') }}
),

unit_rows as (
    select
        units.indicator_code,
        units.period,
        ancestors.ancestor_code as region_code,
        ancestors.unit_communities,
        units.is_covered,
        units.numerator,
        units.denominator,
        -- applies_to = 居委会 restricts numerator and denominator to 居委会
        (
            indicator_catalog.applies_to = 'all'
            or ancestors.unit_level <> 'community'
            or ancestors.unit_community_type = indicator_catalog.applies_to
        ) as is_applicable
    from {{ ref('int_indicator_units') }} as units
    inner join {{ ref('int_region_ancestors') }} as ancestors
        on units.unit_code = ancestors.unit_code
    inner join indicator_catalog on units.indicator_code = indicator_catalog.code
),

sums as (
    select
        indicator_code,
        period,
        region_code,
        sum(case when is_covered and is_applicable then numerator end) as numerator,
        sum(case when is_covered and is_applicable then denominator end) as denominator,
        sum(case when is_covered then unit_communities else 0 end)
        / nullif(sum(unit_communities), 0) as coverage
    from unit_rows
    group by indicator_code, period, region_code
),

valued as (
    select
        skeleton.indicator_code,
        skeleton.period,
        skeleton.region_code,
        skeleton.region_level,
        sums.numerator,
        sums.denominator,
        indicator_catalog.target_op,
        indicator_catalog.target_value,
        coalesce(sums.coverage, 0) as coverage,
        case
            when indicator_catalog.denominator is null
                then sums.numerator * indicator_catalog.factor
            else sums.numerator * indicator_catalog.factor / nullif(sums.denominator, 0)
        end as value
    from skeleton
    inner join indicator_catalog on skeleton.indicator_code = indicator_catalog.code
    left join sums
        on
            skeleton.indicator_code = sums.indicator_code
            and skeleton.period = sums.period
            and skeleton.region_code = sums.region_code
)

select
    indicator_code,
    period,
    region_code,
    region_level,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(value as double) as value,
    -- 1e-9 absorbs floating-point noise at the inclusive bounds
    case
        when value is null or target_op is null then null
        when target_op = '>=' then value >= target_value - 1e-9
        when target_op = '<=' then value <= target_value + 1e-9
        when target_op = '≈'
            then
                value >= target_value - 0.1 * abs(target_value) - 1e-9
                and value <= target_value + 0.1 * abs(target_value) + 1e-9
    end as target_met,
    cast(coverage as double) as coverage
from valued
