"""A city-scale serving file (every region of Jinan × 45 indicators × 12 months, ~3 M rows)
with random values, to time the dashboard's pages; no figure in it is meaningful.

    .venv/bin/python tests/dashboard/city_scale.py /tmp/jcw-city
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serving_fixture as fx  # noqa: E402

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


def write(path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"attach '{path}' as s (storage_version 'v1.2.0')")
    con.execute("use s")
    con.execute(fx.SCHEMA)
    con.execute(
        f"insert into analytics.regions select region_code, region_name, region_level, "
        f"nullif(parent_code, ''), nullif(district_code, ''), nullif(street_code, ''), "
        f"nullif(community_type, ''), nullif(street_type, '') "
        f"from read_csv('{fx.REGIONS_CSV}', all_varchar = true)"
    )
    con.execute(
        f"insert into analytics.indicators select code, name_zh, name_en, domain, numerator, "
        f"denominator, cast(factor as double), unit, time_aggregation, applies_to, levels, "
        f"target_op, try_cast(target_value as double), target_source "
        f"from read_csv('{fx.CATALOG_CSV}', all_varchar = true)"
    )
    months = ", ".join(f"date '{m}-01'" for m in MONTHS)
    con.execute(
        f"""insert into analytics.indicator_values
        select i.code, m.period, r.region_code, r.region_level,
          v * 10 as numerator, 1000.0 as denominator, v as value,
          case when i.target_op is null then null else v >= 50 end as target_met,
          case when r.district_code = '370126000000' and m.period = date '{MONTHS[-1]}-01'
               then 0.0 else 1.0 end as coverage
        from analytics.indicators i
        cross join (select unnest([{months}]) as period) m
        join analytics.regions r
          on i.levels = 'all' or list_contains(string_split(i.levels, ','), r.region_level)
        cross join lateral (select cast(hash(i.code, r.region_code, m.period) % 10000 as integer) / 100.0 as v)
        """
    )
    con.execute(
        f"""insert into analytics.community_standards
        select r.region_code, m.period, s.code, 5, null, a, least(a - 5, 0), '人', a >= 5
        from analytics.regions r
        cross join (select unnest([{months}]) as period) m
        cross join (select unnest(['ORG_SCALE_OK', 'ORG_STAFF_OK', 'ORG_OFFICE_OK',
                                   'ORG_FUNDING_OK', 'ORG_ALLOWANCE_OK']) as code) s
        cross join lateral (select cast(hash(r.region_code, s.code, m.period) % 9 as integer) as a)
        where r.community_type = '居委会'"""
    )
    con.execute("insert into dq.publication values ('city', now(), 'bench', [date '2025-01-01'])")
    con.execute("use memory")
    con.execute("detach s")


def build(data_dir: Path) -> Path:
    serving = data_dir / "serving"
    serving.mkdir(parents=True, exist_ok=True)
    target = serving / "city.duckdb"
    if not target.exists():
        write(target)
    link = serving / "current"
    if not link.is_symlink():
        link.symlink_to(target.name)
    return data_dir


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
