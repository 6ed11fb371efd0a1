-- Every region paired with itself and each of its ancestors, with the number
-- of communities it holds (the weight of `coverage`). Summing unit rows over
-- this bridge gives every level at once: a street is the sum of its
-- communities, a district of its streets, the city of its districts.
with regions as (
    select * from {{ ref('region_hierarchy') }}
),

city as (
    select region_code as city_code
    from regions
    where region_level = 'city'
),

links as (
    select
        region_code as unit_code,
        region_code as ancestor_code,
        region_level as ancestor_level
    from regions
    union all
    select
        region_code as unit_code,
        street_code as ancestor_code,
        'street' as ancestor_level
    from regions
    where region_level = 'community'
    union all
    select
        region_code as unit_code,
        district_code as ancestor_code,
        'district' as ancestor_level
    from regions
    where region_level in ('community', 'street')
    union all
    select
        regions.region_code as unit_code,
        city.city_code as ancestor_code,
        'city' as ancestor_level
    from regions
    cross join city
    where regions.region_level <> 'city'
),

community_counts as (
    select
        links.ancestor_code as region_code,
        count(*) as communities
    from links
    inner join regions on links.unit_code = regions.region_code
    where regions.region_level = 'community'
    group by links.ancestor_code
)

select
    links.unit_code,
    units.region_level as unit_level,
    units.community_type as unit_community_type,
    cast(community_counts.communities as double) as unit_communities,
    links.ancestor_code,
    links.ancestor_level
from links
inner join regions as units on links.unit_code = units.region_code
inner join community_counts on links.unit_code = community_counts.region_code
