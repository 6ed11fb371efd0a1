"""Write-audit-publish on the hand-made warehouse: serving files, the atomic switch of
serving/current, readers during a publish, a publish killed midway, rollback, status."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys

import duckdb
import pytest

from pipelines.cli import main as jcw
from pipelines.faults import PAUSE_ENV
from pipelines.publish import (
    PERSONAL_COLUMNS,
    PublishError,
    current_version,
    publish,
    rollback,
    versions,
)
from pipelines.quality.run import prepare

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def seen():
    return con.execute(
        "SELECT run_id, (SELECT count(*) FROM analytics.indicator_values) FROM dq.publication"
    ).fetchall()[0]
print(*seen(), flush=True)
sys.stdin.readline()
print(*seen(), flush=True)
"""


def _published_run(settings) -> str:
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        return con.execute("SELECT run_id FROM dq.publication").fetchall()[0][0]


def test_serving_file_is_read_only_old_format_without_raw_or_personal_data(settings):
    version = publish(settings, "run-0001")
    assert settings.serving_current.is_symlink()
    assert os.readlink(settings.serving_current) == f"{version}.duckdb"
    # DuckDB 1.2 storage (version number 65): duckdb-cli 1.5 opens it
    header = (settings.serving_dir / f"{version}.duckdb").read_bytes()[:20]
    assert header[8:12] == b"DUCK" and struct.unpack("<Q", header[12:20])[0] == 65
    with duckdb.connect(str(settings.serving_current), read_only=True) as con:
        schemas = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT table_schema FROM information_schema.tables"
            ).fetchall()
        }
        assert schemas == {"analytics", "dq"}
        columns = {
            r[0]
            for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()
        }
        assert not columns & PERSONAL_COLUMNS
        assert con.execute("SELECT version, run_id, periods FROM dq.publication").fetchall() == [
            (version, "run-0001", [__import__("datetime").date(2025, 1, 1)])
        ]
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE analytics.x (a INT)")


def test_reader_holding_current_keeps_its_version_while_publish_succeeds(settings, wh):
    publish(settings, "run-aaaa")
    rows_before = wh("SELECT count(*) FROM analytics.indicator_values")[0][0]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.serving_current)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["run-aaaa", str(rows_before)]
        wh("DELETE FROM analytics.indicator_values WHERE indicator_code = 'T_COUNT'")
        second = publish(settings, "run-bbbb")
        reader.stdin.write("\n")
        reader.stdin.flush()
        # the open reader still sees its whole version
        assert reader.stdout.readline().split() == ["run-aaaa", str(rows_before)]
        assert reader.wait(timeout=30) == 0
    finally:
        reader.kill()
    assert current_version(settings) == second and _published_run(settings) == "run-bbbb"
    assert len(versions(settings)) == 2


def test_publish_killed_midway_leaves_previous_version_and_next_publish_completes(settings):
    first = publish(settings, "run-good")
    env = {**os.environ, "JCW_DATA_DIR": str(settings.data_dir), PAUSE_ENV: "publish:120"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pipelines.publish import publish; from pipelines.settings import get_settings;"
            " publish(get_settings(), 'run-kill')",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "publish paused" in proc.stderr.readline()
        assert list(settings.serving_dir.glob(".*.duckdb.tmp"))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert current_version(settings) == first and _published_run(settings) == "run-good"
    assert versions(settings) == [first]
    after = publish(settings, "run-next")
    assert current_version(settings) == after and _published_run(settings) == "run-next"
    assert not list(settings.serving_dir.glob(".*tmp*"))


def test_rollback_keep_versions_and_status(settings, monkeypatch, capsys):
    monkeypatch.setenv("JCW_KEEP_VERSIONS", "2")
    with duckdb.connect(str(settings.warehouse_path)) as con:
        prepare(con)  # dq.loads / dq.deliveries, which status reports
    v1, v2, v3 = (publish(settings, f"run-{i}000") for i in (1, 2, 3))
    assert versions(settings) == [v2, v3]  # v1 pruned, the newest two kept
    assert jcw(["rollback"]) == 0
    assert current_version(settings) == v2 and _published_run(settings) == "run-2000"
    with pytest.raises(PublishError):
        rollback(settings)
    assert jcw(["rollback"]) == 1
    assert "无法回退" in capsys.readouterr().out
    # status reads only the serving file and last_run.json: the warehouse may be gone
    settings.last_run_json.write_text(
        json.dumps(
            {
                "finished_at": "2025-02-12T08:00:00",
                "outcome": "blocked",
                "message": "阻断性检查未通过",
                "version": v2,
                "blocking_failures": ["x"],
                "rejected_files": ["a/b.csv"],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    settings.warehouse_path.unlink()
    assert jcw(["status"]) == 0
    out = capsys.readouterr().out
    assert f"当前发布版本：{v2}" in out and "阻断，未发布" in out and "a/b.csv" in out
    assert "社区基础信息 2025-01：12 个文件，载入 24 行" in out
    assert "社区基础信息 2025-01：按时 11，迟报 1，未报 1" in out


def test_sql_shell_reads_current_version(settings):
    import io

    from pipelines.sql_shell import open_shell

    publish(settings, "run-sql0")
    out = io.StringIO()
    code = open_shell(
        settings,
        io.StringIO("SELECT count(*) AS n FROM analytics.regions\n;\nCREATE TABLE t (a INT);\n"),
        out,
    )
    assert code == 0
    text = out.getvalue()
    assert "5936" in text and "错误" in text  # read-only: the CREATE is refused
