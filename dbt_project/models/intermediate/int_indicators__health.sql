-- 卫生: community-level rows of the HL_* indicators.
with contracts as (
    select
        period,
        community_code,
        count(*) as valid_contracts,
        count(case when age_at_month_end >= 65 and is_managed then 1 end) as elderly_managed,
        count(case when key_groups like '%高血压患者%' then 1 end) as hypertension,
        count(case when key_groups like '%高血压患者%' and is_managed then 1 end)
            as hypertension_managed,
        count(case when key_groups like '%糖尿病患者%' then 1 end) as diabetes,
        count(case when key_groups like '%糖尿病患者%' and is_managed then 1 end)
            as diabetes_managed
    from {{ ref('int_valid_contracts') }}
    group by period, community_code
),

facilities as (
    select
        period,
        community_code,
        count(*) as facilities,
        sum(general_practitioners) as general_practitioners
    from {{ ref('stg_health__health_facility') }}
    group by period, community_code
),

measures as (
    select
        base.*,
        1 as community,
        case when coalesce(facilities.facilities, 0) > 0 then 1 else 0 end as has_facility,
        coalesce(facilities.general_practitioners, 0) as general_practitioners,
        coalesce(contracts.valid_contracts, 0) as valid_contracts,
        coalesce(contracts.elderly_managed, 0) as elderly_managed,
        coalesce(contracts.hypertension, 0) as hypertension,
        coalesce(contracts.hypertension_managed, 0) as hypertension_managed,
        coalesce(contracts.diabetes, 0) as diabetes,
        coalesce(contracts.diabetes_managed, 0) as diabetes_managed
    from {{ ref('int_community_months') }} as base
    left join facilities
        on
            base.community_code = facilities.community_code
            and base.period = facilities.period
    left join contracts
        on
            base.community_code = contracts.community_code
            and base.period = contracts.period
)

{% set f = ['health_facility'] %}
{% set c = ['health_contract'] %}
{{ indicator_rows('HL_FACILITY_COVERAGE', 'has_facility', 'community', f) }}
union all
{{ indicator_rows(
    'HL_GP_PER_10K', 'general_practitioners', 'resident_population', f + ['community_profile']
) }}
union all
{{ indicator_rows(
    'HL_CONTRACT_RATE', 'valid_contracts', 'resident_population', c + ['community_profile']
) }}
union all
{{ indicator_rows(
    'HL_ELDERLY_MANAGED', 'elderly_managed', 'population_65_plus', c + ['community_profile']
) }}
union all
{{ indicator_rows('HL_HYPERTENSION_MGMT', 'hypertension_managed', 'hypertension', c) }}
union all
{{ indicator_rows('HL_DIABETES_MGMT', 'diabetes_managed', 'diabetes', c) }}
