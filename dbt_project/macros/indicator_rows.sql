{#- One indicator's unit-level rows (unit = a community, or a street/district
    for the centre standards) in the long shape every int_indicators__* model
    unions: indicator_code, period, unit_code, numerator, denominator,
    is_covered. `tables` are the monthly tables the indicator reads; a unit is
    covered when its district delivered every one of them (the cov_<table>
    flags of int_community_months). Adding an indicator = one catalog row +
    one call of this macro. -#}
{% macro indicator_rows(code, numerator, denominator=none, tables=[], unit='community_code', relation='measures') %}
    select
        '{{ code }}' as indicator_code,
        period,
        {{ unit }} as unit_code,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator if denominator is not none else 'null' }} as double) as denominator,
        {% if tables -%}
        {% for t in tables %}cov_{{ t }}{% if not loop.last %} and {% endif %}{% endfor %}
        {%- else -%}
        true
        {%- endif %} as is_covered
    from {{ relation }}
{% endmacro %}
