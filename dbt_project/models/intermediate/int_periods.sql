-- Every loaded month (a monthly table has a current, loaded file for it),
-- with the dates the time rules of indicators.md need.
with loaded as (
    select distinct period
    from {{ ref('stg_ingestion__load_log') }}
    where table_name in {{ in_list(var('monthly_tables')) }}
)

select
    period,
    {{ month_end_of('period') }} as month_end,
    {{ one_year_before(month_end_of('period')) }} as year_before_month_end,
    -- "more than 90 days before month end" = before this day
    cast({{ dbt.dateadd('day', -90, month_end_of('period')) }} as date) as day_90_before_month_end,
    cast(extract(year from period) as bigint) as period_year
from loaded
