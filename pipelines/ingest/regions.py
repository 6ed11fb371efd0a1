"""Region resolution in SQL: a community code, names in any spelling, or a free-text
address → exactly one of the 5,758 communities, or the reason why not.

Names are compared on their core (extracts.md): the name without its suffix
``社区居民委员会 / 社区居委会 / 社区 / 村民委员会 / 村委会 / 村`` (so ``朱家社区`` and
``朱家村`` share the core ``朱家``: naming it in a district with both is ambiguous);
``…街道办事处`` = ``…街道``.
"""

from __future__ import annotations

import re
from functools import cache

import duckdb
import pyarrow as pa

from pipelines import reference

URBAN = ("社区", "社区居委会", "社区居民委员会")
RURAL = ("村", "村委会", "村民委员会")
# the shortest stem whose remainder is one suffix = the longest suffix stripped
COMMUNITY_SUFFIXES = ((r"^(.+?)(社区居民委员会|社区居委会|社区|村民委员会|村委会|村)$", r"\1"),)
STREET_SUFFIXES = ((r"街道办事处$", "街道"), (r"(镇人民政府|镇政府)$", "镇"))


def _canon(name: str, rules) -> str:
    for pattern, repl in rules:
        name = re.sub(pattern, repl, name)
    return name


def community_core(name: str) -> str:
    return _canon(name, COMMUNITY_SUFFIXES)


def street_core(name: str) -> str:
    return _canon(name, STREET_SUFFIXES)


def _canon_sql(v: str, rules) -> str:
    for pattern, repl in rules:
        v = f"regexp_replace({v}, '{pattern}', '{repl}')"
    return v


def community_core_sql(v: str) -> str:
    return _canon_sql(v, COMMUNITY_SUFFIXES)


def street_core_sql(v: str) -> str:
    return _canon_sql(v, STREET_SUFFIXES)


def _community_spellings(name: str) -> set[str]:
    core = community_core(name)
    if core == name:
        return {name}  # an irregular official name is written as it is
    suffixes = URBAN if name.endswith(URBAN) else RURAL
    return {name} | {core + s for s in suffixes}


def _street_spellings(name: str) -> set[str]:
    out = {name, street_core(name)}
    if name.endswith("街道"):
        out.add(name + "办事处")
    return out


@cache
def _tables() -> dict[str, pa.Table]:
    districts, streets, communities, street_variants, community_variants = [], [], [], [], []
    for r in reference.regions():
        if r.level == "district":
            short = reference.district_file_name(r)
            for v in {r.name, short, "济南" + short}:
                districts.append({"variant": v, "code": r.code})
        elif r.level == "street":
            core = street_core(r.name)
            streets.append({"canon": core, "code": r.code, "district_code": r.district_code})
            street_variants += [
                {"variant": v, "canon": core, "code": r.code, "district_code": r.district_code}
                for v in _street_spellings(r.name)
            ]
        elif r.level == "community":
            core = community_core(r.name)
            row = {"canon": core, "code": r.code, "street_code": r.street_code}
            communities.append({**row, "district_code": r.district_code})
            community_variants += [
                {"variant": v, **row, "district_code": r.district_code}
                for v in _community_spellings(r.name)
            ]
    return {
        "ref_district": pa.Table.from_pylist(districts),
        "ref_street": pa.Table.from_pylist(streets),
        "ref_community": pa.Table.from_pylist(communities),
        "ref_street_variant": pa.Table.from_pylist(street_variants),
        "ref_community_variant": pa.Table.from_pylist(community_variants),
    }


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make the lookup tables visible to this connection (temp tables, never persisted)."""
    for name, table in _tables().items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")


def _max_len(name: str) -> int:
    return max(len(v) for v in _tables()[name].column("variant").to_pylist())


def parse_addresses_sql(source: str) -> str:
    """``source`` has a column ``address``; returns (address, rd, rs, rm): the district,
    street (core) and community (core) read off the address's start, longest match
    first; a community of the street found wins over a longer one elsewhere."""
    ms, mc = _max_len("ref_street_variant"), _max_len("ref_community_variant")
    return f"""
    WITH a0 AS (
        SELECT DISTINCT address, regexp_replace(address, '^(山东省)?(济南市)?', '') AS t
        FROM {source} WHERE address IS NOT NULL
    ), d AS (
        SELECT a0.address, a0.t, arg_max(v.variant, length(v.variant)) AS dv,
               arg_max(v.code, length(v.variant)) AS dcode
        FROM a0 LEFT JOIN ref_district v ON starts_with(a0.t, v.variant)
        GROUP BY a0.address, a0.t
    ), d1 AS (
        SELECT address, dv, dcode,
               CASE WHEN dv IS NULL THEN t ELSE substr(t, length(dv) + 1) END AS t1
        FROM d
    ), s AS (
        SELECT p.address, arg_max(v.variant, length(v.variant)) AS sv,
               arg_max(v.canon, length(v.variant)) AS rs, arg_max(v.code, length(v.variant)) AS scode
        FROM (SELECT address, dcode, left(t1, l::INT) AS p FROM d1, range(2, {ms + 1}) r(l)) p
        JOIN ref_street_variant v
            ON v.variant = p.p AND (p.dcode IS NULL OR v.district_code = p.dcode)
        GROUP BY p.address
    ), s1 AS (
        SELECT d1.address, d1.dv, d1.dcode, s.rs, s.scode,
               CASE WHEN s.sv IS NULL THEN d1.t1 ELSE substr(d1.t1, length(s.sv) + 1) END AS t2
        FROM d1 LEFT JOIN s USING (address)
    ), c AS (
        SELECT p.address,
               arg_max(v.canon, (v.street_code IS NOT DISTINCT FROM p.scode)::INT * 1000
                                + length(v.variant)) AS rm
        FROM (SELECT address, dcode, scode, left(t2, l::INT) AS p
              FROM s1, range(2, {mc + 1}) r(l)) p
        JOIN ref_community_variant v
            ON v.variant = p.p AND (p.dcode IS NULL OR v.district_code = p.dcode)
        GROUP BY p.address
    )
    SELECT s1.address, s1.dv AS rd, s1.rs, c.rm FROM s1 LEFT JOIN c USING (address)
    """


def resolve_sql(source: str) -> str:
    """``source`` has columns (rc, rd, rs, rm, has_address): the code (12 digits), the
    district as written, the street and community cores. Returns one row per distinct
    input with ``community_code`` or ``region_reason``."""
    return f"""
    WITH k AS (SELECT DISTINCT rc, rd, rs, rm, has_address FROM {source}),
    j AS (
        SELECT k.*, dd.code AS dcode, ss.codes AS scodes, cc.cands,
               rcc.code AS c_code, rcc.street_code AS c_street, rcc.district_code AS c_district,
               rcc.canon AS c_canon
        FROM k
        LEFT JOIN ref_district dd ON dd.variant = k.rd
        LEFT JOIN (SELECT canon, list(code) AS codes FROM ref_street GROUP BY canon) ss
            ON ss.canon = k.rs
        LEFT JOIN (
            SELECT canon, list({{'code': code, 'street': street_code, 'district': district_code}})
                AS cands
            FROM ref_community GROUP BY canon
        ) cc ON cc.canon = k.rm
        LEFT JOIN ref_community rcc ON rcc.code = k.rc
    ), f AS (
        SELECT *, list_filter(in_district, lambda x: scodes IS NULL
                    OR list_contains(scodes, x.street)) AS hits
        FROM (SELECT *, list_filter(cands, lambda x: dcode IS NULL OR x.district = dcode)
                  AS in_district FROM j)
    )
    SELECT rc, rd, rs, rm, has_address,
        CASE WHEN rc IS NOT NULL THEN c_code WHEN len(hits) = 1 THEN hits[1].code END
            AS community_code,
        CASE
            WHEN rc IS NOT NULL THEN CASE
                WHEN c_code IS NULL THEN 'region_unknown'
                WHEN (rd IS NOT NULL AND coalesce(dcode <> c_district, true))
                  OR (rs IS NOT NULL AND NOT coalesce(list_contains(scodes, c_street), false))
                  OR (rm IS NOT NULL AND rm <> c_canon) THEN 'region_conflict'
                END
            WHEN rd IS NULL AND rs IS NULL AND rm IS NULL THEN
                CASE WHEN has_address THEN 'region_unknown' ELSE 'region_missing' END
            WHEN rm IS NULL THEN 'region_unknown'
            WHEN rd IS NOT NULL AND dcode IS NULL THEN 'region_unknown'
            WHEN rs IS NOT NULL AND scodes IS NULL THEN 'region_unknown'
            WHEN len(hits) = 1 THEN NULL
            WHEN len(hits) > 1 THEN 'region_ambiguous'
            -- the community exists in the district, but not in the street named
            WHEN len(in_district) > 0 THEN 'region_conflict'
            ELSE 'region_unknown'
        END AS region_reason
    FROM f
    """
