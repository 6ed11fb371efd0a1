-- Per loaded month × district: the wage the allowance standard compares with:
-- the previous calendar year's, or, until it is delivered, the latest earlier
-- year delivered. Only deliveries at or before the month count; for a year
-- delivered twice the later delivery wins.
with candidates as (
    select
        periods.period,
        wage.district_code,
        wage.wage_year,
        wage.avg_wage_yuan,
        row_number() over (
            partition by periods.period, wage.district_code
            order by
                wage.wage_year desc nulls last,
                wage.delivery_period desc nulls last,
                wage.arrived_at desc nulls last
        ) as wage_rank
    from {{ ref('int_periods') }} as periods
    inner join {{ ref('stg_statistics__district_wage') }} as wage
        on
            periods.period >= wage.delivery_period
            and periods.period_year - 1 >= wage.wage_year
    where wage.district_code is not null
)

select
    period,
    district_code,
    wage_year,
    avg_wage_yuan
from candidates
where wage_rank = 1
