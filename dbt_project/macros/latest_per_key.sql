{#- Rank the rows of raw.<table> so that each record key counts once per
    table-month (extracts.md, ⚷): the same key in two files of one month is
    loaded from both and the row of the later-arriving file wins; within one
    file the later row wins. Callers keep `key_rank = 1`. -#}
{% macro latest_per_key(table_name, key_columns) %}
    select
        src.*,
        row_number() over (
            partition by src.period, {% for col in key_columns %}src.{{ col }}{% if not loop.last %}, {% endif %}{% endfor %}
            order by
                src.arrived_at desc nulls last,
                src.source_file desc nulls last,
                src.source_row desc nulls last
        ) as key_rank
    from {{ source('raw', table_name) }} as src
{% endmacro %}
