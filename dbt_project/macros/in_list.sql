{#- A SQL list of string literals from a Jinja list: ('a', 'b'). -#}
{% macro in_list(values) -%}
    ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
