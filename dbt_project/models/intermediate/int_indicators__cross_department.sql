-- 跨部门: indicators linking departments by person_key. Each belongs to the
-- community of the first table named (the 低保 household, the floating
-- registration); a 低保 member belongs to its household's community.
with protected_members as (
    select
        members.period,
        households.community_code,
        members.person_key,
        members.age_at_month_end,
        members.able_to_work
    from {{ ref('stg_civil_affairs__dibao_member') }} as members
    inner join {{ ref('stg_civil_affairs__dibao_household') }} as households
        on
            members.period = households.period
            and members.household_id = households.household_id
    where households.is_protected
),

-- whatever the row's status, a person "appears" in the month's roster
roster_persons as (
    select
        roster.period,
        roster.person_key,
        max(
            case
                when
                    roster.status = '已就业'
                    and roster.reemployment_date < periods.day_90_before_month_end
                    then 1
                else 0
            end
        ) as employed_over_90_days
    from {{ ref('stg_human_resources__unemployment_roster') }} as roster
    inner join {{ ref('int_periods') }} as periods on roster.period = periods.period
    group by roster.period, roster.person_key
),

-- only the persons asked about (低保 members, floating residents): a small build side
asked_persons as (
    select
        period,
        person_key
    from protected_members
    union
    select
        period,
        person_key
    from {{ ref('int_active_floating_registrations') }}
),

contract_persons as (
    select distinct
        contracts.period,
        contracts.person_key
    from {{ ref('int_valid_contracts') }} as contracts
    inner join asked_persons
        on
            contracts.period = asked_persons.period
            and contracts.person_key = asked_persons.person_key
),

dibao as (
    select
        members.period,
        members.community_code,
        count(
            case when members.able_to_work and members.age_at_month_end between 16 and 59 then 1 end
        ) as able_members,
        count(
            case
                when
                    members.able_to_work
                    and members.age_at_month_end between 16 and 59
                    and roster_persons.person_key is not null
                    then 1
            end
        ) as able_members_known,
        count(case when roster_persons.employed_over_90_days = 1 then 1 end)
            as employed_in_protection,
        count(case when members.age_at_month_end >= 65 then 1 end) as elderly_members,
        count(
            case
                when
                    members.age_at_month_end >= 65
                    and contract_persons.person_key is not null
                    then 1
            end
        ) as elderly_members_contracted
    from protected_members as members
    left join roster_persons
        on
            members.period = roster_persons.period
            and members.person_key = roster_persons.person_key
    left join contract_persons
        on
            members.period = contract_persons.period
            and members.person_key = contract_persons.person_key
    group by members.period, members.community_code
),

floating as (
    select
        registrations.period,
        registrations.community_code,
        count(*) as active_registrations,
        count(contract_persons.person_key) as contracted_registrations
    from {{ ref('int_active_floating_registrations') }} as registrations
    left join contract_persons
        on
            registrations.period = contract_persons.period
            and registrations.person_key = contract_persons.person_key
    group by registrations.period, registrations.community_code
),

measures as (
    {{ community_measures([
        ('dibao', [
            'able_members', 'able_members_known', 'employed_in_protection',
            'elderly_members', 'elderly_members_contracted',
        ]),
        ('floating', ['active_registrations', 'contracted_registrations']),
    ]) }}
)

{% set dibao_roster = ['dibao_household', 'dibao_member', 'unemployment_roster'] %}
{% set dibao_contract = ['dibao_household', 'dibao_member', 'health_contract'] %}
{{ indicator_rows('X_DIBAO_ABLE_EMPLOYMENT', 'able_members_known', 'able_members', dibao_roster) }}
union all
{{ indicator_rows(
    'X_DIBAO_EMPLOYED_IN_PROTECTION', 'employed_in_protection', tables=dibao_roster
) }}
union all
{{ indicator_rows(
    'X_FLOATING_CONTRACT_RATE',
    'contracted_registrations',
    'active_registrations',
    ['floating_population', 'health_contract']
) }}
union all
{{ indicator_rows(
    'X_DIBAO_ELDERLY_CONTRACT_RATE', 'elderly_members_contracted', 'elderly_members', dibao_contract
) }}
