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
        1 as has_facility,
        sum(general_practitioners) as general_practitioners
    from {{ ref('stg_health__health_facility') }}
    group by period, community_code
),

measures as (
    {{ community_measures([
        ('facilities', ['has_facility', 'general_practitioners']),
        ('contracts', [
            'valid_contracts', 'elderly_managed', 'hypertension', 'hypertension_managed',
            'diabetes', 'diabetes_managed',
        ]),
    ]) }}
)

{% set f = ['health_facility'] %}
{% set c = ['health_contract'] %}
{{ indicator_rows('HL_FACILITY_COVERAGE', 'has_facility', '1', f) }}
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
