-- The 2007 standards per 居委会 × month × standard (类似居委会 included: the
-- type follows the code convention of the hierarchy).
select
    standards.community_code,
    standards.period,
    standards.standard_code,
    standards.required_min,
    standards.required_max,
    standards.actual,
    standards.gap,
    standards.unit,
    standards.met
from {{ ref('int_community_standards') }} as standards
inner join {{ ref('region_hierarchy') }} as regions
    on standards.community_code = regions.region_code
where regions.community_type = '居委会'
