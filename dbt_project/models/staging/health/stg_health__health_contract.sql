-- Family-doctor contracts: one row per contract per month.
with ranked as (
    {{ latest_per_key('health_contract', ['contract_id']) }}
)

select
    period,
    contract_id,
    community_code,
    person_key,
    age_at_month_end,
    contract_date,
    expiry_date,
    coalesce(key_groups, '') as key_groups,
    coalesce(is_managed, false) as is_managed,
    delivery_district_code
from ranked
where key_rank = 1
