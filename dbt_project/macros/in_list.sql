{#- A SQL list of string literals from a Jinja list: ('a', 'b'). -#}
{% macro in_list(values) -%}
    ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Whether a catalog `levels` value ('all' or e.g. 'street,district,city')
    includes the region level. -#}
{% macro has_level(levels_expr, level_expr) -%}
    ({{ levels_expr }} = 'all' or position(',' || {{ level_expr }} || ',' in ',' || {{ levels_expr }} || ',') > 0)
{%- endmacro %}
