{#- Schemas are the layer names (staging, intermediate, analytics, reference),
    not <target>_<name>: analysts and the serving file use `analytics` as is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
