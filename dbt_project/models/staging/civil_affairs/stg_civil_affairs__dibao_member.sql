-- 低保 household members: one row per household × person per month. The
-- member's community is its household's (int models join the household).
with ranked as (
    {{ latest_per_key('dibao_member', ['household_id', 'person_key']) }}
)

select
    period,
    household_id,
    person_key,
    age_at_month_end,
    sex,
    relation_to_head,
    coalesce(able_to_work, false) as able_to_work,
    delivery_district_code
from ranked
where key_rank = 1
