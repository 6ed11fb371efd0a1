"""Check results and the ``dq`` schema they are stored in (indicators.md, "Output")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

BLOCKING = "blocking"
WARNING = "warning"

# check_name → (Chinese label shown to users, severity). Blocking checks guard the
# warehouse's own integrity; findings about delivered data warn (architecture.md).
CHECKS: dict[str, tuple[str, str]] = {
    "file_reconciles": ("文件行数可核对（读入=载入+隔离+重复+非数据行）", BLOCKING),
    "raw_columns_present": ("原始表包含契约规定的全部列", BLOCKING),
    "indicator_values_present": ("指标结果表已生成", BLOCKING),
    "indicator_rows_unique": ("指标结果行唯一（指标×区划×月份）", BLOCKING),
    "indicator_rows_complete": ("每个指标在每个区划、每个月份都有一行", BLOCKING),
    "indicator_codes_known": ("指标代码都在指标目录中", BLOCKING),
    "parent_equals_children_sum": ("上级区划的分子分母等于下级之和", BLOCKING),
    "percentage_in_range": ("百分比指标取值在0到100之间", BLOCKING),
    "coverage_in_range": ("覆盖率取值在0到1之间", BLOCKING),
    # denominators from another source (常住人口, 随迁子女数…): delivered data can exceed them
    "cross_source_percentage_in_range": ("跨来源百分比指标不超过100（分母来自其他报表）", WARNING),
    "children_in_school_within_children": ("随迁子女在校数不超过随迁子女数", WARNING),
    "required_not_null": ("必填列无空值", WARNING),
    "region_in_hierarchy": ("社区代码属于济南市区划", WARNING),
    "valid_id_share": ("文件中有效身份证号占比达标", WARNING),
    "date_not_future": ("日期不晚于检查当日", WARNING),
    "approval_before_month_end": ("审批日期不晚于统计月末", WARNING),
    "plausible_range": ("数值在合理范围内", WARNING),
    "persons_equal_members": ("保障人数等于该户成员行数", WARNING),
    "member_household_loaded": ("低保成员所属家庭已载入", WARNING),
    "category_4050_consistent": ("4050人员与年龄性别一致（女40岁以上、男50岁以上）", WARNING),
    "single_dibao_household": ("同一人同月只属于一个低保家庭", WARNING),
    "key_unique_across_files": ("同月同一记录只在一个文件中出现", WARNING),
    "facility_community_exists": ("卫生服务机构所在社区存在于当月社区基础信息", WARNING),
    "dibao_persons_within_residents": ("社区低保人数不超过常住人口", WARNING),
    "delivery_complete": ("各区县按月报送齐全", WARNING),
    "delivery_on_time": ("各区县于次月10日前报送", WARNING),
    "community_profile_complete": ("社区基础信息覆盖区划内全部社区", WARNING),
    "mom_outlier": ("社区主要数量环比无异常（稳健Z分数）", WARNING),
    # severity set per failure: blocking when an integrity check could not run
    "check_error": ("检查程序正常运行", WARNING),
}


def label(check_name: str) -> str:
    return CHECKS[check_name][0]


@dataclass(frozen=True)
class CheckResult:
    check_name: str
    table_name: str | None
    period: date | None
    passed: bool
    observed: str | None = None
    expected: str | None = None
    failing_rows: int = 0
    region_code: str | None = None
    severity: str = ""  # filled from CHECKS when empty

    @property
    def effective_severity(self) -> str:
        return self.severity or CHECKS[self.check_name][1]

    @property
    def blocking_failure(self) -> bool:
        return not self.passed and self.effective_severity == BLOCKING

    def describe(self) -> str:
        """One Chinese line naming the check, where it applies and what was seen."""
        where = " ".join(
            str(x)
            for x in (
                self.table_name,
                self.period and self.period.strftime("%Y-%m"),
                self.region_code,
            )
            if x
        )
        return f"{label(self.check_name)}（{self.check_name}{'，' + where if where else ''}）：{self.observed or ''}"


DQ_DDL = {
    "check_results": """
        check_name VARCHAR, check_label VARCHAR, table_name VARCHAR, period DATE,
        region_code VARCHAR, severity VARCHAR, passed BOOLEAN, observed VARCHAR,
        expected VARCHAR, failing_rows BIGINT, run_id VARCHAR, checked_at TIMESTAMP""",
    "deliveries": """
        department VARCHAR, table_name VARCHAR, period DATE, district_code VARCHAR,
        received_files INTEGER, on_time BOOLEAN, status VARCHAR""",
}


def write_check_results(
    con: duckdb.DuckDBPyConnection, results: list[CheckResult], run_id: str, checked_at: datetime
) -> None:
    """Replace dq.check_results with this run's results (one consistent set)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS dq")
    con.execute(f"CREATE OR REPLACE TABLE dq.check_results ({DQ_DDL['check_results']})")
    import pandas as pd

    frame = pd.DataFrame(
        [
            (
                r.check_name,
                label(r.check_name),
                r.table_name,
                r.period,
                r.region_code,
                r.effective_severity,
                r.passed,
                r.observed,
                r.expected,
                int(r.failing_rows),
                run_id,
                checked_at,
            )
            for r in results
        ],
        columns=[
            "check_name",
            "check_label",
            "table_name",
            "period",
            "region_code",
            "severity",
            "passed",
            "observed",
            "expected",
            "failing_rows",
            "run_id",
            "checked_at",
        ],
    )
    con.register("check_results_frame", frame)
    con.execute("INSERT INTO dq.check_results BY NAME SELECT * FROM check_results_frame")
    con.unregister("check_results_frame")


def with_details(
    check_name: str,
    table_name: str | None,
    period: date | None,
    details: list[tuple[str | None, str, int]],
    expected: str,
    unit: str,
) -> list[CheckResult]:
    """A summary row for a table-month plus one failing row per region (district or
    community) so the dashboard can show a finding next to the figures it concerns."""
    summary = CheckResult(
        check_name,
        table_name,
        period,
        passed=not details,
        observed=f"{len(details)} 个{unit}不符合",
        expected=expected,
        failing_rows=len(details),
    )
    return [summary] + [
        CheckResult(
            check_name,
            table_name,
            period,
            passed=False,
            observed=observed,
            expected=expected,
            failing_rows=n,
            region_code=region,
        )
        for region, observed, n in details
    ]
