{#- Time semantics of indicators.md, in portable SQL (dbt cross-database
    macros wrapped in casts: dbt.dateadd/last_day return timestamps). -#}

{#- A date in the reporting month: a date equal to month end counts. -#}
{% macro in_month(date_expr, period='period', month_end='month_end') -%}
    ({{ date_expr }} >= {{ period }} and {{ date_expr }} <= {{ month_end }})
{%- endmacro %}

{% macro month_end_of(period_expr) -%}
    cast({{ dbt.last_day(period_expr, 'month') }} as date)
{%- endmacro %}

{#- The same day one year earlier (29 Feb → 28 Feb). -#}
{% macro one_year_before(date_expr) -%}
    cast({{ dbt.dateadd('year', -1, date_expr) }} as date)
{%- endmacro %}
