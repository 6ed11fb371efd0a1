-- Unemployment register: one row per registration per month. 就业困难人员类别
-- blank or 无 means none.
with ranked as (
    {{ latest_per_key('unemployment_roster', ['registration_id']) }}
)

select
    period,
    registration_id,
    community_code,
    person_key,
    age_at_month_end,
    sex,
    status,
    registration_date,
    reemployment_date,
    reemployment_mode,
    coalesce(in_training, false) as in_training,
    coalesce(difficulty_categories, '') as difficulty_categories,
    coalesce(difficulty_categories not in ('', '无'), false) as has_difficulty_category,
    delivery_district_code
from ranked
where key_rank = 1
