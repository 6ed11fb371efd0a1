"""数据质量: per department and month, what arrived, what was loaded or quarantined and why,
which checks passed, completeness and timeliness; the published version."""

import pandas as pd
import streamlit as st

from dashboards import data, fmt
from dashboards.components import common, excel
from pipelines.contract.tables import TABLES

ALL_TABLES = "全局"
MONTH = "left(cast(period as varchar), 7)"

p = common.period()
st.title("数据质量")
pub = data.publication()
run = data.last_run() or {}
c1, c2, c3 = st.columns(3)
c1.metric("当前版本发布时间（北京时间）", fmt.beijing_time(pub.get("published_at")))
c1.caption(f"版本 {pub.get('version') or '—'}")  # long names: not as a metric
c2.metric("已发布月份", f"{len(fmt.months_in(pub.get('periods')))}个月")
c2.caption(fmt.period_span(pub.get("periods")))
outcome = {
    "published": "已发布",
    "nothing_new": "无新数据",
    "blocked": "检查未通过",
    "failed": "失败",
}
c3.metric("最近一次运行", outcome.get(run.get("outcome"), "—"))
c3.caption(f"结束于 {fmt.beijing_time(run.get('finished_at'))}（北京时间）")
if run.get("outcome") in ("blocked", "failed") and run.get("message"):
    st.warning(f"最近一次运行未发布：{run['message']}")
c2.caption(f"运行编号 {pub.get('run_id') or '—'}")


def department(table_name) -> str:
    t = TABLES.get(table_name) if isinstance(table_name, str) else None
    return common.DEPARTMENTS.get(t.department, t.department) if t else ALL_TABLES


def table_label(table_name) -> str:
    t = TABLES.get(table_name) if isinstance(table_name, str) else None
    return t.label if t else (table_name or ALL_TABLES)


def pct(num, den) -> str:
    return "—" if pd.isna(den) or not den else f"{num / den * 100:.1f}%"


deliveries = data.q(
    f"select department, {MONTH} as month, count(*) as expected, "
    "count(*) filter (where status <> 'missing') as delivered, "
    "count(*) filter (where status <> 'missing' and on_time) as on_time "
    "from dq.deliveries group by all"
)
loads = data.q(
    f"select department, {MONTH} as month, count(*) as files, "
    "count(*) filter (where status in ('rejected', 'unrecognized')) as rejected, "
    "sum(rows_read) as rows_read, sum(loaded) as loaded, sum(quarantined) as quarantined, "
    "sum(duplicates) as duplicates, sum(non_data_rows) as non_data "
    "from dq.loads where is_current or status <> 'loaded' group by all"
)
check_cols = data.columns("dq", "check_results")
# rows with a region_code are a check's local findings, not separate checks
TABLE_LEVEL = "region_code is null" if "region_code" in check_cols else "true"
LABEL = "coalesce(check_label, check_name)" if "check_label" in check_cols else "check_name"
REGION = "region_code" if "region_code" in check_cols else "null"
checks = data.q(
    f"select table_name, {MONTH} as month, count(*) filter (where passed) as passed, "
    f"count(*) filter (where not passed) as failed from dq.check_results "
    f"where {TABLE_LEVEL} group by all"
)
checks["department"] = checks.table_name.map(department)
checks = checks.groupby(["department", "month"], as_index=False)[["passed", "failed"]].sum()
for df in (deliveries, loads):
    df["department"] = df.department.map(lambda d: common.DEPARTMENTS.get(d, d or "未识别"))
grid = (
    deliveries.merge(loads, on=["department", "month"], how="outer")
    .merge(checks, on=["department", "month"], how="outer")
    .sort_values(["month", "department"], ascending=[False, True])
)


def n(v) -> str:
    return "—" if pd.isna(v) else f"{int(v):,}"


summary = pd.DataFrame(
    {
        "月份": grid.month,
        "部门": grid.department,
        "收到文件数": grid.files.map(n),
        "被拒文件数": grid.rejected.map(n),
        "读取行数": grid.rows_read.map(n),
        "入库行数": grid.loaded.map(n),
        "隔离行数": grid.quarantined.map(n),
        "重复行数": grid.duplicates.map(n),
        "非数据行数": grid.non_data.map(n),
        "检查通过": grid.passed.map(n),
        "检查未通过": grid.failed.map(n),
        "报送完整率": [pct(a, b) for a, b in zip(grid.delivered, grid.expected, strict=True)],
        "报送及时率": [pct(a, b) for a, b in zip(grid.on_time, grid.delivered, strict=True)],
    }
)
st.subheader("各部门各月份概况")
only = st.toggle(f"只看{fmt.month_label(p)}", value=True, key="dq_only_month")
excel.table(summary[summary["月份"] == p] if only else summary, "各部门各月份概况", "dq_summary")

names = data.region_names()
st.subheader(f"{fmt.month_label(p)}隔离原因")
reasons = data.q(
    f"select table_name, reason_code, any_value(reason) as reason, count(*) as n "
    f"from dq.quarantine where {MONTH} = ? group by all order by n desc",
    (p,),
)
excel.table(
    pd.DataFrame(
        {
            "部门": reasons.table_name.map(department),
            "报表": reasons.table_name.map(table_label),
            "原因": reasons.reason,
            "原因代码": reasons.reason_code,
            "行数": reasons.n,
        }
    ),
    f"隔离原因 · {p}",
    "dq_reasons",
)

st.subheader(f"{fmt.month_label(p)}未按时或未报送")
late = data.q(
    f"select department, table_name, district_code, status from dq.deliveries "
    f"where {MONTH} = ? and status <> 'complete' order by status, department, table_name",
    (p,),
)
status_words = {"missing": "未报送", "late": "迟报"}
excel.table(
    pd.DataFrame(
        {
            "部门": late.department.map(lambda d: common.DEPARTMENTS.get(d, d)),
            "报表": late.table_name.map(table_label),
            "区县": late.district_code.map(lambda c: names.get(c, c or "全市")),
            "状态": late.status.map(lambda s: status_words.get(s, s)),
        }
    ),
    f"缺报迟报 · {p}",
    "dq_missing",
)

st.subheader(f"{fmt.month_label(p)}未通过的检查与局部发现")
failed = data.q(
    f"select {LABEL} as label, check_name, table_name, {REGION} as region_code, severity, "
    f"observed, expected, failing_rows from dq.check_results "
    f"where {MONTH} = ? and not passed order by severity, check_name, region_code nulls first",
    (p,),
)
excel.table(
    pd.DataFrame(
        {
            "检查": failed.label,
            "检查代码": failed.check_name,
            "报表": failed.table_name.map(table_label),
            "范围": failed.region_code.map(
                lambda c: names.get(c, c) if isinstance(c, str) else "整表"
            ),
            "级别": failed.severity.map({"blocking": "阻断", "warning": "警告"}),
            "实际": failed.observed,
            "期望": failed.expected,
            "问题行数": failed.failing_rows,
        }
    ),
    f"未通过检查 · {p}",
    "dq_failed",
)
