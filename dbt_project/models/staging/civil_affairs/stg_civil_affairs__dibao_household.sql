-- 低保 households: one row per household per month.
with ranked as (
    {{ latest_per_key('dibao_household', ['household_id']) }}
)

select
    period,
    household_id,
    community_code,
    category,
    coalesce(persons, 0) as persons,
    cast(coalesce(monthly_benefit_yuan, 0) as double) as monthly_benefit_yuan,
    approval_date,
    last_review_date,
    status,
    exit_date,
    coalesce(status = '在保', false) as is_protected,
    person_key as head_person_key,
    delivery_district_code
from ranked
where key_rank = 1
