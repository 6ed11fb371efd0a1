-- Every indicator's unit-level numerator and denominator in one long table:
-- the only input of the rollup (analytics.indicator_values).
{% set domains = [
    'int_indicators__organisation',
    'int_indicators__service_centers',
    'int_indicators__dibao',
    'int_indicators__employment',
    'int_indicators__health',
    'int_indicators__floating_population',
    'int_indicators__cross_department',
] %}
{% for model in domains %}
    select
        indicator_code,
        period,
        unit_code,
        numerator,
        denominator,
        is_covered
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
