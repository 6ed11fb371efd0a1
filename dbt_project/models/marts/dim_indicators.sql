{{ config(alias='indicators') }}
-- The indicator catalog (seed indicators.csv) as published.
select
    cast(code as {{ dbt.type_string() }}) as code,
    cast(name_zh as {{ dbt.type_string() }}) as name_zh,
    cast(name_en as {{ dbt.type_string() }}) as name_en,
    cast(domain as {{ dbt.type_string() }}) as domain,
    cast(numerator as {{ dbt.type_string() }}) as numerator,
    cast(denominator as {{ dbt.type_string() }}) as denominator,
    cast(factor as double) as factor,
    cast(unit as {{ dbt.type_string() }}) as unit,
    cast(time_aggregation as {{ dbt.type_string() }}) as time_aggregation,
    cast(applies_to as {{ dbt.type_string() }}) as applies_to,
    cast(levels as {{ dbt.type_string() }}) as levels,
    cast(target_op as {{ dbt.type_string() }}) as target_op,
    cast(target_value as double) as target_value,
    cast(target_source as {{ dbt.type_string() }}) as target_source
from {{ ref('indicators') }}
