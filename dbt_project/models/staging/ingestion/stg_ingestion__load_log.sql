-- The file versions whose rows are in raw.* now. district_code NULL is a
-- city-wide delivery covering every district.
select
    table_name,
    period,
    district_code,
    source_file,
    arrived_at
from {{ source('raw', 'load_log') }}
where is_current and status = 'loaded'
