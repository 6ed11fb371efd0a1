{{ config(alias='regions') }}
-- The Jinan region hierarchy (NBS 2023 codes, 12 digits) as published.
select
    cast(region_code as {{ dbt.type_string() }}) as region_code,
    cast(region_name as {{ dbt.type_string() }}) as region_name,
    cast(region_level as {{ dbt.type_string() }}) as region_level,
    cast(parent_code as {{ dbt.type_string() }}) as parent_code,
    cast(district_code as {{ dbt.type_string() }}) as district_code,
    cast(street_code as {{ dbt.type_string() }}) as street_code,
    cast(community_type as {{ dbt.type_string() }}) as community_type,
    cast(street_type as {{ dbt.type_string() }}) as street_type
from {{ ref('region_hierarchy') }}
