-- 组织建设: community-level rows of the ORG_* indicators read from 社区基础信息
-- ("count of communities" = the communities in that month's profile).
{% set standard_codes = ['staffing', 'space', 'funds', 'allowance', 'station', 'police', 'scale'] %}
{% set met_columns = ['allowance_assessed'] %}
{% for s in standard_codes %}{% do met_columns.append(s ~ '_met') %}{% endfor %}

with standards as (
    select
        community_code,
        period,
        {% for s in standard_codes -%}
            max(case when standard_code = '{{ s }}' and met then 1 else 0 end) as {{ s }}_met,
        {% endfor -%}
        max(case when standard_code = 'allowance' and met is not null then 1 else 0 end)
            as allowance_assessed
    from {{ ref('int_community_standards') }}
    group by community_code, period
),

profile as (
    select
        community_code,
        period,
        committee_members,
        members_pension_insured,
        community_workers,
        funds_city_yuan,
        funds_city_yuan + funds_district_yuan as funds_total_yuan
    from {{ ref('stg_civil_affairs__community_profile') }}
),

measures as (
    {{ community_measures([
        ('profile', [
            'committee_members', 'members_pension_insured', 'community_workers',
            'funds_city_yuan', 'funds_total_yuan',
        ]),
        ('standards', met_columns),
    ]) }}
)

{% set p = ['community_profile'] %}
{{ indicator_rows('ORG_COMMUNITIES', 'in_profile', tables=p) }}
union all
{{ indicator_rows('ORG_HH_PER_COMMUNITY', 'households', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_SCALE_OK', 'scale_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_STAFF_OK', 'staffing_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_OFFICE_OK', 'space_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_FUNDING_PER_1000HH', 'funds_total_yuan', 'households', p) }}
union all
{{ indicator_rows('ORG_FUNDING_OK', 'funds_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_FUNDING_CITY_SHARE', 'funds_city_yuan', 'funds_total_yuan', p) }}
union all
{{ indicator_rows('ORG_ALLOWANCE_OK', 'allowance_met', 'allowance_assessed', p) }}
union all
{{ indicator_rows('ORG_PENSION_RATE', 'members_pension_insured', 'committee_members', p) }}
union all
{{ indicator_rows('ORG_STATION_RATE', 'station_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_POLICE_RATE', 'police_met', 'in_profile', p) }}
union all
{{ indicator_rows('ORG_WORKERS_PER_10K', 'community_workers', 'resident_population', p) }}
