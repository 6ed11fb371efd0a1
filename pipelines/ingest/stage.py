"""One file's rows → classified, validated, resolved and typed, in DuckDB temp tables.

Reads the registered Arrow view ``cells`` (source_row, c0..cN normalised text) and
leaves ``staged``: one row per row below the header with ``cls`` (non_data /
duplicate / quarantined / loaded), ``reason_code``, the typed ``raw.<table>`` columns
and, for quarantined rows, ``row_data`` (JSON of the non-personal cells). Order of
classification and of reasons: docs/interfaces.md.
"""

from __future__ import annotations

import calendar
from datetime import date

import duckdb

from pipelines.contract.tables import LINEAGE_COLUMNS, PERSON_COLUMNS, Table, raw_columns
from pipelines.ingest import ids, regions
from pipelines.ingest import sqlexpr as sx

NON_DATA_PREFIX = r"^(合计|总计|注($|[^销])|制表人|审核人|填报说明|说明)"
# filled by person_sql and by the loader, not by typed_sql
_DERIVED = {n for n, _ in PERSON_COLUMNS + LINEAGE_COLUMNS}


def month_end(period: date) -> date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


class Stager:
    def __init__(self, table: Table, columns: list[str | None], n_cells: int, period: date):
        self.t = table
        self.pos = {name: f"c{i}" for i, name in enumerate(columns) if name}
        self.cells = [f"c{i}" for i in range(n_cells)]
        self.period = period
        self.month_end = f"DATE '{month_end(period).isoformat()}'"

    def v(self, name: str) -> str:
        """The normalised text of a contract column (NULL when the file lacks it)."""
        return self.pos.get(name, "NULL::VARCHAR")

    # -- classification -----------------------------------------------------------
    def classify(self, con: duckdb.DuckDBPyConnection) -> None:
        """``classified``(source_row, cls): non_data, duplicate (equal to an earlier data
        row in every cell) or data.

        Duplicates: rows grouped by a hash of their cells first (one BIGINT, cheap), then,
        only among rows sharing a hash, by the cells themselves (exact)."""
        cells = ", ".join(self.cells)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE marked AS
            SELECT source_row, hash({cells}) AS h,
                (first_cell IS NULL OR regexp_matches(first_cell, '{NON_DATA_PREFIX}')) AS nd
            FROM (SELECT source_row, {cells}, coalesce({cells}) AS first_cell FROM cells)"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE classified AS
            WITH shared AS (
                SELECT h FROM marked WHERE NOT nd GROUP BY h HAVING count(*) > 1
            ), dup AS (
                SELECT unnest(list_filter(rows, lambda r: r <> keep)) AS source_row
                FROM (SELECT min(source_row) AS keep, list(source_row) AS rows
                      FROM cells JOIN marked m USING (source_row)
                      WHERE NOT m.nd AND m.h IN (SELECT h FROM shared)
                      GROUP BY {cells} HAVING count(*) > 1)
            )
            SELECT m.source_row, CASE WHEN m.nd THEN 'non_data'
                WHEN d.source_row IS NOT NULL THEN 'duplicate' ELSE 'data' END AS cls
            FROM marked m LEFT JOIN dup d USING (source_row)"""
        )
        con.execute("DROP TABLE marked")

    # -- region --------------------------------------------------------------------
    _RAW = ("code_raw", "rd", "rs_raw", "rm_raw", "address")

    def resolve_regions(self, con: duckdb.DuckDBPyConnection) -> None:
        """``region``(source_row, community_code, region_reason). Names and addresses
        repeat, so spellings are normalised and resolved once per distinct input."""
        v = self.v
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE rin AS
            SELECT source_row, {v("community_code")} AS code_raw, {v("district_name")} AS rd,
                {v("street_name")} AS rs_raw, {v("community_name")} AS rm_raw,
                {v("address")} AS address
            FROM cells JOIN classified USING (source_row) WHERE cls = 'data'"""
        )
        code = sx.code12("code_raw")
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE rkeys AS
            SELECT *, CASE WHEN regexp_matches({code}, '^\\d{{12}}$') THEN {code} END AS rc,
                {regions.street_core_sql("rs_raw")} AS rs,
                {regions.community_core_sql("rm_raw")} AS rm
            FROM (SELECT DISTINCT {", ".join(self._RAW)} FROM rin)"""
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE addr AS "
            + regions.parse_addresses_sql(
                "(SELECT address FROM rkeys WHERE rc IS NULL AND rd IS NULL AND rs IS NULL "
                "AND rm IS NULL)"
            )
        )
        raw = ", ".join(f"k.{c}" for c in self._RAW)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE rin2 AS
            SELECT {raw}, k.rc,
                CASE WHEN a.address IS NULL THEN k.rd ELSE a.rd END AS rd_n,
                CASE WHEN a.address IS NULL THEN k.rs ELSE a.rs END AS rs,
                CASE WHEN a.address IS NULL THEN k.rm ELSE a.rm END AS rm,
                k.address IS NOT NULL AS has_address
            FROM rkeys k LEFT JOIN addr a ON a.address = k.address"""
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE rres AS "
            + regions.resolve_sql("(SELECT * REPLACE (rd_n AS rd) FROM rin2)")
        )
        same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM k.{c}" for c in self._RAW)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE region AS
            SELECT r.source_row, s.community_code, s.region_reason
            FROM rin r JOIN rin2 k ON {same}
            JOIN rres s ON s.rc IS NOT DISTINCT FROM k.rc AND s.rd IS NOT DISTINCT FROM k.rd_n
                AND s.rs IS NOT DISTINCT FROM k.rs AND s.rm IS NOT DISTINCT FROM k.rm
                AND s.has_address = k.has_address"""
        )
        con.execute("DROP TABLE rin; DROP TABLE rkeys; DROP TABLE addr; DROP TABLE rin2")

    def _other_region(self) -> tuple[str, str, str]:
        """(bad_code condition, region reason, resolved code) for tables without person region."""
        t = self.t
        if t.name in ("community_profile", "health_facility"):
            c = sx.code12(self.v("community_code"))
            return (
                sx.code12_bad(self.v("community_code")),
                f"CASE WHEN {c} NOT IN (SELECT code FROM ref_community) THEN 'region_unknown' END",
                c,
            )
        if t.name == "service_center":
            raw = self.v("region_code")
            c = sx.admin_code(raw)
            known = "(SELECT code FROM ref_district UNION SELECT code FROM ref_street)"
            return (
                f"({raw} IS NOT NULL AND {c} IS NULL)",
                f"CASE WHEN {c} NOT IN {known} THEN 'region_unknown' END",
                c,
            )
        if t.name == "district_wage":
            raw, name = self.v("district_code"), self.v("district_name")
            c = sx.admin_code(raw)
            by_name = f"(SELECT min(code) FROM ref_district WHERE variant = {name})"
            reason = f"""CASE
                WHEN {c} IS NOT NULL AND {c} NOT IN (SELECT code FROM ref_district)
                    THEN 'region_unknown'
                WHEN {name} IS NOT NULL AND {by_name} IS NULL THEN 'region_unknown'
                WHEN {c} IS NOT NULL AND {name} IS NOT NULL AND {c} <> {by_name}
                    THEN 'region_conflict' END"""
            return f"({raw} IS NOT NULL AND {c} IS NULL)", reason, f"coalesce({c}, {by_name})"
        return "false", "NULL", "NULL"

    # -- validation and typing ------------------------------------------------------
    def _kind_checks(self, kinds: tuple[str, ...]) -> str:
        """A value present but not parsed (its ``t_<name>`` is NULL), or outside its enum."""
        conds = []
        for c in self.t.columns:
            if c.personal or c.name not in self.pos or c.kind not in kinds:
                continue
            v = self.v(c.name)
            if c.kind == "enum":
                conds.append(sx.enum_bad(v, c.values))
            else:
                conds.append(f"({v} IS NOT NULL AND t_{c.name} IS NULL)")
        return " OR ".join(conds) or "false"

    def reason_sql(self) -> str:
        t = self.t
        required = [self.v(n) for n in t.required]
        missing = [f"{v} IS NULL" for v in required]
        if t.one_of:
            missing.append(" AND ".join(f"{self.v(n)} IS NULL" for n in t.one_of))
        steps = [("required_missing", " OR ".join(missing) or "false")]
        if t.id_column:
            raw = self.v(t.id_column)
            steps += [
                ("id_excel_number", ids.excel_number(raw)),
                ("id_length", "_len_bad"),
                ("id_chars", "_idc IS NOT NULL AND _first17 IS NULL"),  # length is right
                ("id_birth_date", ids.birth_bad("_birth", self.month_end)),
                ("id_check_char", ids.check_bad("_idc", "_check")),
            ]
        if t.has_region:
            steps.append(("bad_code", sx.code12_bad(self.v("community_code"))))
            region = "region_reason"
        else:
            bad_code, region, _ = self._other_region()
            steps.append(("bad_code", bad_code))
        steps += [
            ("bad_date", self._kind_checks(("date",))),
            ("bad_number", self._kind_checks(("int", "number", "amount"))),
            ("bad_enum", self._kind_checks(("bool", "enum"))),
        ]
        whens = []
        for code, cond in steps:
            if code == "bad_date":  # region reasons come right before the value checks
                whens.append(f"WHEN {region} IS NOT NULL THEN {region}")
            whens.append(f"WHEN coalesce({cond}, false) THEN '{code}'")
        return "CASE WHEN cls <> 'data' THEN NULL " + " ".join(whens) + " END"

    def _typed(self) -> list[tuple[str, str]]:
        """(raw column, SQL expression) for the ``raw.<table>`` columns except lineage and
        the derived personal ones; each parse is computed once, as ``t_<name>``."""
        t = self.t
        out = []
        for name, _ in raw_columns(t):
            if name in _DERIVED:
                continue
            if name == "community_code" and t.has_region:
                out.append((name, "community_code"))
            elif name == "has_permit":
                out.append((name, f"{self.v('permit_number')} IS NOT NULL"))
            elif t.name in ("service_center", "district_wage") and name in (
                "region_code",
                "district_code",
            ):
                out.append((name, self._other_region()[2]))
            else:
                v = self.v(name)
                expr = {
                    "code12": sx.code12(v),
                    "int": sx.integer(v),
                    "number": sx.number(v),
                    "amount": sx.number(v),
                    "date": f"date_{name}" if name in self.pos else "NULL::DATE",
                    "bool": sx.boolean(v),
                    "enum": sx.enum(v),
                }.get(t.column(name).kind, v)
                out.append((name, expr))
        return out

    def _date_columns(self) -> list[str]:
        return [c.name for c in self.t.columns if c.kind == "date" and c.name in self.pos]

    def parse_dates(self, con: duckdb.DuckDBPyConnection) -> str:
        """``dates_<name>``(raw_<name>, date_<name>): each distinct text of a date column
        parsed once (a month's rows share a few hundred dates: 4× faster than parsing
        every row); returns the joins that bring ``date_<name>`` to the rows."""
        joins = []
        for name in self._date_columns():
            v = self.v(name)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE dates_{name} AS "
                f"SELECT raw_{name}, {sx.date(f'raw_{name}')} AS date_{name} "
                f"FROM (SELECT DISTINCT {v} AS raw_{name} FROM cells)"
            )
            joins.append(f" LEFT JOIN dates_{name} ON raw_{name} = {v}")
        return "".join(joins)

    def person_sql(self) -> list[str]:
        if not self.t.id_column:
            return []
        return [
            f"{ids.hmac_sql('_id18')} AS person_key",
            "year(_birth) AS birth_year",
            f"{ids.age_from_birth('_birth', self.month_end)} AS age_at_month_end",
            f"{ids.sex('_id18')} AS sex",
            "left(_id18, 6) AS id_region_prefix",
        ]

    def row_data_sql(self) -> str:
        pairs = [
            f"'{c.header}', {self.v(c.name)}"
            for c in self.t.columns
            if not c.personal and c.name in self.pos
        ]
        return f"json_object({', '.join(pairs)})" if pairs else "'{}'"

    def _id_steps(self, src: str) -> str:
        """CTEs ending in ``ids``: the ID number cleaned (``_idc``), its length checked
        (``_len_bad``), the first 17 digits of its 18-digit form when well formed
        (``_first17``), their check character (``_check``), the 18-digit number
        (``_id18``) and the birth date (``_birth``). Each is computed once and named, so
        the checks and the derived columns reuse it (and the plan stays small)."""
        if not self.t.id_column:
            return f"ids AS (SELECT * FROM {src})"
        idc = ids.clean(self.v(self.t.id_column))
        return f"""cleaned AS (SELECT *, {idc} AS _idc FROM {src}),
            measured AS (SELECT *, {ids.length_bad("_idc")} AS _len_bad FROM cleaned),
            digits AS (SELECT *, CASE WHEN NOT _len_bad AND NOT ({ids.chars_bad("_idc")})
                THEN {ids.first17("_idc")} END AS _first17 FROM measured),
            checked AS (SELECT *, {ids.check_char_of17("_first17")} AS _check,
                {ids.birth("_first17")} AS _birth FROM digits),
            ids AS (SELECT *, {ids.id18("_idc", "_first17", "_check")} AS _id18 FROM checked)"""

    def stage(self, con: duckdb.DuckDBPyConnection, key: bytes) -> None:
        self.classify(con)
        src = "cells JOIN classified USING (source_row)"
        if self.t.has_region:
            self.resolve_regions(con)
            src += " LEFT JOIN region USING (source_row)"
        src += self.parse_dates(con)
        typed = self._typed()
        parsed = ", ".join(f"{expr} AS t_{name}" for name, expr in typed)
        out = ", ".join(f"t_{name} AS {name}" for name, _ in typed)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE staged AS
            WITH {self._id_steps(src)},
            typed AS (SELECT *, {parsed} FROM ids),
            reasoned AS (SELECT *, {self.reason_sql()} AS reason_code FROM typed)
            SELECT source_row,
                CASE WHEN cls <> 'data' THEN cls
                     WHEN reason_code IS NULL THEN 'loaded' ELSE 'quarantined' END AS cls,
                reason_code,
                CASE WHEN reason_code IS NOT NULL THEN {self.row_data_sql()} END AS row_data,
                {", ".join([out] + self.person_sql())}
            FROM reasoned""",
            ids.hmac_params(key) if self.t.id_column else {},
        )
        if self.t.has_region:
            con.execute("DROP TABLE region")
        for name in self._date_columns():
            con.execute(f"DROP TABLE dates_{name}")
        con.execute("DROP TABLE classified")
