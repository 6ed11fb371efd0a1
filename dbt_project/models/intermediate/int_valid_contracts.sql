-- a view: materialising millions of person rows costs more than recomputing them
{{ config(materialized='view') }}
-- Family-doctor contracts valid at month end: signed on or before month end,
-- no expiry or expiring on or after it (a contract expiring on month end is
-- valid).
select
    contracts.period,
    contracts.contract_id,
    contracts.community_code,
    contracts.person_key,
    contracts.age_at_month_end,
    contracts.key_groups,
    contracts.is_managed
from {{ ref('stg_health__health_contract') }} as contracts
inner join {{ ref('int_periods') }} as periods on contracts.period = periods.period
where
    contracts.contract_date <= periods.month_end
    and (contracts.expiry_date is null or contracts.expiry_date >= periods.month_end)
