"""great-expectations suites over DataFrames read from DuckDB (GX 1.x cannot use DuckDB
through its SQL datasource). One suite per raw table and one for the indicator values,
derived from the contract; data docs are written into the data directory, offline."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.contract.tables import TABLES, Table
from pipelines.quality.db import columns_of, relation_exists
from pipelines.quality.results import CheckResult

# Dates of past events; expiry dates (到期日期, 居住证有效期至) may lie in the future.
EVENT_DATES = {
    "approval_date",
    "last_review_date",
    "exit_date",
    "registration_date",
    "reemployment_date",
    "contract_date",
    "cancel_date",
}

# Plausible ranges (inclusive) for delivered figures; derived columns are computed in SQL.
RANGES: dict[str, list[tuple[str, float, float]]] = {
    "community_profile": [
        ("households", 1, 20000),
        ("resident_population", 1, 80000),
        ("committee_members", 1, 40),
        ("office_area_m2", 0, 10000),
    ],
    "dibao_household": [
        ("persons", 1, 15),
        ("benefit_per_person", 0, 2000),
        ("monthly_income_yuan", 0, 20000),
    ],
    "service_center": [("floor_area_m2", 10, 100000)],
    "district_wage": [("avg_wage_yuan", 20000, 500000)],
    "health_facility": [
        ("general_practitioners", 0, 200),
        ("physicians", 0, 500),
        ("nurses", 0, 1000),
    ],
    "floating_population": [("accompanying_children", 0, 10)],
}


def _unknown(column: str, levels: str) -> str:
    """A column holding the code where it is not in the hierarchy (NULL otherwise): a
    5,758-value set inside an expectation costs GX seconds per run."""
    return (
        f"CASE WHEN {column} NOT IN (SELECT region_code FROM ref_regions "
        f"WHERE region_level IN ({levels})) THEN {column} END"
    )


# Derived columns computed in SQL → (expression, source columns it needs)
DERIVED: dict[str, tuple[str, set[str]]] = {
    "benefit_per_person": (
        "monthly_benefit_yuan / nullif(persons, 0)",
        {"monthly_benefit_yuan", "persons"},
    ),
    "days_after_month_end": (
        "date_diff('day', last_day(period), approval_date)",
        {"approval_date", "period"},
    ),
    # a blank 随迁子女数 reads as 0 in the indicators, so its in-school children count over
    "children_in_school_excess": (
        "children_in_school - coalesce(accompanying_children, 0)",
        {"children_in_school", "accompanying_children"},
    ),
    "unknown_community_code": (_unknown("community_code", "'community'"), {"community_code"}),
    "unknown_region_code": (_unknown("region_code", "'district', 'street'"), {"region_code"}),
    "unknown_district_code": (_unknown("district_code", "'district'"), {"district_code"}),
}
# An event date is checked as its days after the check date (≤ 0): GX compares pandas
# datetimes element by element in Python (≈20 s for a city month), numbers vectorised.
DAYS_AFTER_TODAY = "_days_after_today"


def _sources(column: str) -> set[str]:
    """The raw columns a checked column is computed from."""
    if column in DERIVED:
        return DERIVED[column][1]
    return {column.removesuffix(DAYS_AFTER_TODAY)}


def _projection(column: str, specs: list[Spec], today: date) -> str:
    """The SQL giving ``column``'s values in the frame handed to GX."""
    if column in DERIVED:
        return DERIVED[column][0]
    if column.endswith(DAYS_AFTER_TODAY):
        source = column.removesuffix(DAYS_AFTER_TODAY)
        return f"date_diff('day', DATE '{today.isoformat()}', {source})"
    if all(s.kind == "not_null" for s in specs if s.column == column):
        # only presence is checked: 1 or NULL, not millions of strings (GX hashes the
        # whole frame to name the batch, which for text columns costs seconds)
        return f"CASE WHEN {column} IS NOT NULL THEN 1 END"
    return column


@dataclass(frozen=True)
class Spec:
    check: str
    kind: str  # not_null / null / between
    column: str
    low: object = None
    high: object = None


def table_specs(table: Table) -> list[Spec]:
    specs = [Spec("required_not_null", "not_null", c) for c in table.required]
    specs = [s for s in specs if not table.column(s.column).personal]
    if table.has_region:
        specs.append(Spec("required_not_null", "not_null", "community_code"))
    if table.id_column:
        specs.append(Spec("required_not_null", "not_null", "person_key"))
    if table.has_region or table.name in ("community_profile", "health_facility"):
        specs.append(Spec("region_in_hierarchy", "null", "unknown_community_code"))
    if table.name == "service_center":
        specs.append(Spec("region_in_hierarchy", "null", "unknown_region_code"))
    if table.name == "district_wage":
        specs.append(Spec("region_in_hierarchy", "null", "unknown_district_code"))
    specs += [
        Spec("date_not_future", "between", c.name + DAYS_AFTER_TODAY, high=0)
        for c in table.columns
        if c.name in EVENT_DATES
    ]
    if table.name == "dibao_household":
        specs.append(Spec("approval_before_month_end", "between", "days_after_month_end", high=0))
    if table.name == "floating_population":
        specs.append(
            Spec(
                "children_in_school_within_children", "between", "children_in_school_excess", high=0
            )
        )
    specs += [
        Spec("plausible_range", "between", col, low, high)
        for col, low, high in RANGES.get(table.name, [])
    ]
    return specs


INDICATOR_SPECS = [
    Spec("percentage_in_range", "between", "percentage_value", 0, 100),
    Spec("cross_source_percentage_in_range", "between", "cross_source_percentage", 0, 100),
    Spec("coverage_in_range", "between", "coverage", 0, 1),
]
INDICATOR_SQL = """
    SELECT v.indicator_code, v.value, v.coverage,
        CASE WHEN c.unit = '%' AND c.bounded THEN v.value END AS percentage_value,
        CASE WHEN c.unit = '%' AND NOT c.bounded THEN v.value END AS cross_source_percentage
    FROM analytics.indicator_values v
    LEFT JOIN (SELECT DISTINCT code, unit, bounded FROM ref_catalog) c
        ON c.code = v.indicator_code
    WHERE v.period = ?
"""


class GxValidator:
    """An ephemeral GX context whose only data docs site is ``docs_dir``."""

    def __init__(self, docs_dir: Path):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no calls home, offline
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.docs_dir = docs_dir
        self.ctx = gx.get_context(mode="ephemeral")
        self.ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        for site in list(self.ctx.get_site_names()):
            self.ctx.delete_data_docs_site(site)
        shutil.rmtree(docs_dir, ignore_errors=True)
        self.ctx.add_data_docs_site(
            site_name="jcw",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
            },
        )
        self.source = self.ctx.data_sources.add_pandas("warehouse")
        self.definitions: dict[str, object] = {}

    def _expectation(self, spec: Spec):
        e = self.gx.expectations
        meta = {"check": spec.check}
        if spec.kind == "not_null":
            return e.ExpectColumnValuesToNotBeNull(column=spec.column, meta=meta)
        if spec.kind == "null":
            return e.ExpectColumnValuesToBeNull(column=spec.column, meta=meta)
        low, high = spec.low, spec.high
        return e.ExpectColumnValuesToBeBetween(
            column=spec.column, min_value=low, max_value=high, meta=meta
        )

    def _definition(self, name: str, specs: list[Spec]):
        if name not in self.definitions:
            asset = self.source.add_dataframe_asset(name)
            batch = asset.add_batch_definition_whole_dataframe("whole")
            suite = self.ctx.suites.add(self.gx.ExpectationSuite(name=name))
            for spec in specs:
                suite.add_expectation(self._expectation(spec))
            self.definitions[name] = self.ctx.validation_definitions.add(
                self.gx.ValidationDefinition(data=batch, suite=suite, name=name)
            )
        return self.definitions[name]

    def validate(self, name, specs, df, table_name, period) -> list[CheckResult]:
        result = self._definition(name, specs).run(
            batch_parameters={"dataframe": df}, result_format="SUMMARY"
        )
        out = []
        for r in result.results:
            cfg = r.expectation_config
            column = cfg.kwargs.get("column")
            bad = int(r.result.get("unexpected_count") or 0)
            total = int(r.result.get("element_count") or 0)
            examples = r.result.get("partial_unexpected_list") or []
            error = r.exception_info.get("raised_exception") if r.exception_info else False
            label = column
            if column and column.endswith(DAYS_AFTER_TODAY):
                label = f"{column.removesuffix(DAYS_AFTER_TODAY)}（晚于检查当天的天数）"
            observed = f"{label}：{total} 行中 {bad} 行不符合"
            if examples:
                observed += "，如 " + "、".join(str(x) for x in examples[:3])
            if error:
                observed = f"{label}：检查出错 {r.exception_info.get('exception_message')}"
            out.append(
                CheckResult(
                    cfg.meta["check"],
                    table_name,
                    period,
                    passed=bool(r.success),
                    observed=observed,
                    expected=_describe(cfg),
                    failing_rows=bad if not error else total,
                )
            )
        return out

    def build_docs(self) -> Path:
        self.ctx.build_data_docs()
        _strip_remote_assets(self.docs_dir)
        return self.docs_dir / "index.html"


def _describe(cfg) -> str:
    kw = cfg.kwargs
    if cfg.type == "expect_column_values_to_be_null":
        return f"{kw['column']} 为空（代码都在区划中）"
    if kw["column"].endswith(DAYS_AFTER_TODAY):
        return f"{kw['column'].removesuffix(DAYS_AFTER_TODAY)} 不晚于检查当天（晚于的天数 ≤ 0）"
    if "min_value" in kw or "max_value" in kw:
        return f"{kw['column']} ∈ [{kw.get('min_value')}, {kw.get('max_value')}]"
    return f"{kw.get('column')} 非空"


# Anything that would load from the internet: scripts, styles, images, CSS url(…).
_REMOTE_TAG = re.compile(
    r"<(script|link|img)\b[^>]*\b(?:src|href)=[\"']https?://[^\"']*[\"'][^>]*>(?:</script>)?"
)
_REMOTE_CSS = re.compile(r"url\(\s*['\"]?https?://[^)]*\)")


def _strip_remote_assets(docs_dir: Path) -> None:
    """GX's pages reference CDN styles, scripts and logos: drop them so the docs open
    offline without reaching out (unstyled, readable)."""
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = _REMOTE_CSS.sub("none", _REMOTE_TAG.sub("", text))
        page.write_text(text, encoding="utf-8")


def validate_warehouse(
    con: duckdb.DuckDBPyConnection, validator: GxValidator, today: date
) -> list[CheckResult]:
    """Run each raw table's suite per loaded month, and the indicator suite per month."""
    out: list[CheckResult] = []
    for table in TABLES.values():
        if not relation_exists(con, "raw", table.name):
            continue
        have = set(columns_of(con, "raw", table.name))
        specs = [s for s in table_specs(table) if _sources(s.column) <= have]
        cols = sorted({s.column for s in specs})
        select = ", ".join(f"{_projection(c, specs, today)} AS {c}" for c in cols)
        periods = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT period FROM raw.{table.name} ORDER BY 1"
            ).fetchall()
        ]
        for period in periods:
            df = con.execute(
                f"SELECT {select} FROM raw.{table.name} WHERE period = ?", [period]
            ).df()
            out += validator.validate(f"raw_{table.name}", specs, df, table.name, period)
    if relation_exists(con, "analytics", "indicator_values"):
        periods = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT period FROM analytics.indicator_values ORDER BY 1"
            ).fetchall()
        ]
        for period in periods:
            df = con.execute(INDICATOR_SQL, [period]).df()
            out += validator.validate(
                "analytics_indicator_values", INDICATOR_SPECS, df, "indicator_values", period
            )
    return out
