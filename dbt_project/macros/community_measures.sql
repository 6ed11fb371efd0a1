{#- The `measures` relation of an int_indicators__* model: every community ×
    loaded month (int_community_months, with its cov_* flags and profile
    denominators) plus the given per-community aggregates, 0 where a community
    has none. `parts` = [(cte name, [column, …]), …]; each cte has
    community_code and period. -#}
{% macro community_measures(parts) %}
    select
        base.*
        {%- for name, columns in parts %}{% for col in columns %},
        coalesce({{ name }}.{{ col }}, 0) as {{ col }}
        {%- endfor %}{% endfor %}
    from {{ ref('int_community_months') }} as base
    {%- for name, columns in parts %}
    left join {{ name }}
        on
            base.community_code = {{ name }}.community_code
            and base.period = {{ name }}.period
    {%- endfor %}
{% endmacro %}
