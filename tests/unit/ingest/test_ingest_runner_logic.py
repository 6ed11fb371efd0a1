"""The sensor's change detection and the run outcome's exit code, on hand-made inputs."""

from pipelines.ingest.load import FileResult
from pipelines.runner import RunOutcome, StepResult
from pipelines.sensors import changed_months


def test_changed_months_new_changed_removed():
    previous = {
        "a/2025-01/x.csv": [1.0, 10, "2025-01"],
        "a/2025-02/y.csv": [1.0, 10, "2025-02"],
        "a/2025-03/z.csv": [1.0, 10, "2025-03"],
    }
    current = {
        "a/2025-01/x.csv": [1.0, 10, "2025-01"],  # unchanged
        "a/2025-02/y.csv": [2.0, 11, "2025-02"],  # changed
        "a/2025-04/w.csv": [1.0, 10, "2025-04"],  # new
        "a/bad/v.csv": [1.0, 10, None],
    }  # no month: not a partition
    # 2025-03 lost its file
    assert changed_months(previous, current) == ["2025-02", "2025-03", "2025-04"]
    assert changed_months(current, current) == []


def loaded(n=5):
    return FileResult("f.csv", "dibao_member", "2025-01", "loaded", rows_read=n, loaded=n)


def rejected():
    return FileResult(
        "g.csv", "dibao_member", "2025-01", "rejected", error_message="文件为空（0 字节）"
    )


def test_exit_codes():
    assert RunOutcome(months=[]).exit_code == 0  # nothing new
    assert RunOutcome(months=["2025-01"], files=[loaded(), rejected()]).exit_code == 0
    only_bad = RunOutcome(months=["2025-01"], files=[rejected()])
    assert only_bad.exit_code == 1 and "没有可读取的新数据" in only_bad.failure
    failed_step = RunOutcome(
        months=["2025-01"],
        files=[loaded()],
        steps=[StepResult("发布", ok=False, message="检查未通过")],
    )
    assert failed_step.exit_code == 1 and "发布：检查未通过" in failed_step.summary()
    warning = RunOutcome(months=[], steps=[StepResult("提示", ok=False, blocking=False)])
    assert warning.exit_code == 0


def test_summary_in_chinese_lists_rejections():
    text = RunOutcome(months=["2025-01"], files=[loaded(), rejected()]).summary()
    assert "加载 1 个，拒收 1 个" in text
    assert "g.csv：已拒收：文件为空（0 字节）" in text


def test_sensor_requests_a_run_per_changed_month(tmp_path, monkeypatch):
    import dagster as dg

    from pipelines.sensors import landing_sensor

    monkeypatch.setenv("JCW_DATA_DIR", str(tmp_path))
    for rel in ("civil_affairs/2025-01/低保家庭_历下区.csv", "health/2025-02/家庭医生签约.csv"):
        (tmp_path / "landing" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "landing" / rel).write_text("x", encoding="utf-8")
    context = dg.build_sensor_context()
    first = list(landing_sensor(context))
    assert [r.partition_key for r in first] == ["2025-01-01", "2025-02-01"]
    assert list(landing_sensor(context)) == []  # nothing changed since the cursor
    (tmp_path / "landing/health/2025-02/家庭医生签约.csv").unlink()
    assert [r.partition_key for r in landing_sensor(context)] == ["2025-02-01"]
