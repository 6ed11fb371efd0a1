"""``jcw status``: what is loaded, quarantined, checked and published, in Chinese.

Reads only ``serving/current`` (read-only) and ``serving/last_run.json``, never the
warehouse, so it works while a run holds the warehouse.
"""

from __future__ import annotations

import json

import duckdb

from pipelines.contract.tables import TABLES
from pipelines.publish import OUTCOME_LABELS, current_version, versions
from pipelines.settings import Settings


def _label(table: str) -> str:
    return TABLES[table].label if table in TABLES else table


def _last_run(settings: Settings) -> list[str]:
    if not settings.last_run_json.exists():
        return ["最近一次运行：无记录（serving/last_run.json 不存在）"]
    run = json.loads(settings.last_run_json.read_text(encoding="utf-8"))
    lines = [
        f"最近一次运行：{run.get('finished_at')}（UTC），结果：{OUTCOME_LABELS.get(run.get('outcome'), run.get('outcome'))}",
        f"  {run.get('message', '')}",
    ]
    if run.get("rejected_files"):
        lines.append(f"  被拒收的文件（{len(run['rejected_files'])} 个）：")
        lines += [f"    - {f}" for f in run["rejected_files"][:20]]
    return lines


def _published(con: duckdb.DuckDBPyConnection) -> list[str]:
    version, published_at, periods = con.execute(
        "SELECT version, published_at, periods FROM dq.publication"
    ).fetchall()[0]
    months = "、".join(p.strftime("%Y-%m") for p in periods or [])
    return [
        f"当前发布版本：{version}（{published_at:%Y-%m-%d %H:%M} UTC 发布），月份：{months or '无'}"
    ]


def _loads(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """
        WITH latest AS (  -- a rejected new version leaves the old one current
            SELECT *, row_number() OVER (
                PARTITION BY source_file ORDER BY finished_at DESC NULLS LAST) = 1 AS is_latest
            FROM dq.loads
        )
        SELECT coalesce(table_name, '未识别'), coalesce(strftime(period, '%Y-%m'), '—'),
            count(*) FILTER (WHERE status = 'loaded' AND is_current),
            sum(loaded) FILTER (WHERE status = 'loaded' AND is_current),
            sum(quarantined) FILTER (WHERE status = 'loaded' AND is_current),
            sum(duplicates) FILTER (WHERE status = 'loaded' AND is_current),
            count(*) FILTER (WHERE status IN ('rejected', 'unrecognized') AND is_latest)
        FROM latest GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall()
    lines = ["已载入（表 / 月份：文件数，载入行，隔离行，重复行，拒收文件）："]
    for table, month, files, loaded, quarantined, dups, rejected in rows:
        lines.append(
            f"  {_label(table)} {month}：{files} 个文件，载入 {loaded or 0} 行，"
            f"隔离 {quarantined or 0} 行，重复 {dups or 0} 行"
            + (f"，拒收 {rejected} 个文件" if rejected else "")
        )
    return lines


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name, reason, count(*) FROM dq.quarantine GROUP BY ALL ORDER BY 1, 3 DESC"
    ).fetchall()
    if not rows:
        return ["隔离：无"]
    return ["隔离（按原因）："] + [f"  {_label(t)}：{reason} {n} 行" for t, reason, n in rows]


def _checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    total, failed_warn, failed_block = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE NOT passed AND severity = 'warning'),
            count(*) FILTER (WHERE NOT passed AND severity = 'blocking')
        FROM dq.check_results WHERE region_code IS NULL
        """
    ).fetchall()[0]
    lines = [f"质量检查：{total} 项，阻断性未通过 {failed_block} 项，警告 {failed_warn} 项"]
    rows = con.execute(
        """
        SELECT check_label, count(*), sum(failing_rows) FROM dq.check_results
        WHERE NOT passed AND region_code IS NULL GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT 15
        """
    ).fetchall()
    lines += [f"  未通过：{name}（{n} 处，涉及 {rows_} 行/项）" for name, n, rows_ in rows]
    return lines


def _deliveries(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """
        SELECT table_name, strftime(period, '%Y-%m'),
            count(*) FILTER (WHERE status = 'complete'), count(*) FILTER (WHERE status = 'late'),
            count(*) FILTER (WHERE status = 'missing')
        FROM dq.deliveries GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall()
    lines = ["报送情况（区县数：按时 / 迟报 / 未报）："]
    lines += [
        f"  {_label(t)} {m}：按时 {c}，迟报 {late}，未报 {missing}"
        for t, m, c, late, missing in rows
    ]
    return lines


def _safe(part, con) -> list[str]:
    try:
        return part(con)
    except duckdb.Error as exc:  # an older serving file may lack a dq table
        return [f"（无法读取：{str(exc).splitlines()[0]}）"]


def status_report(settings: Settings) -> str:
    lines = _last_run(settings)
    current = current_version(settings)
    if current is None:
        lines.append("尚未发布任何版本（serving/current 不存在）")
        return "\n".join(lines)
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        for part in (_published, _loads, _quarantine, _checks, _deliveries):
            lines += _safe(part, con)
    kept = versions(settings)
    lines.append(f"保留的版本（{len(kept)} 个，最新在后）：" + "、".join(kept))
    return "\n".join(lines)
