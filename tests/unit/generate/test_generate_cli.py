"""``jcw generate``: where it writes, and how it refuses bad arguments."""

from __future__ import annotations

import json

from pipelines.cli import main


def test_out_dir_and_manifest_beside_it(tmp_path, capsys):
    out = tmp_path / "d" / "landing"
    code = main(
        [
            "generate",
            "--scale",
            "demo",
            "--months",
            "2025-06",
            "--seed",
            "3",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    manifest = json.loads((tmp_path / "d" / "generator" / "manifest.json").read_text("utf-8"))
    assert manifest["months"] == ["2025-06"] and manifest["scale"] == "demo"
    assert (out / manifest["files"][0]["path"]).is_file()
    assert (tmp_path / "d" / "generator" / "pii_values.txt").is_file()
    assert capsys.readouterr().err == ""  # --quiet: no progress


def test_default_landing_is_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("JCW_DATA_DIR", str(tmp_path))
    assert main(["generate", "--months", "2025-02:2025-02", "--quiet"]) == 0
    assert any((tmp_path / "landing" / "civil_affairs" / "2025-02").iterdir())
    assert (tmp_path / "generator" / "manifest.json").is_file()


def test_months_outside_the_horizon_are_refused_in_chinese(tmp_path, capsys):
    code = main(["generate", "--months", "2019-01:2019-02", "--out", str(tmp_path / "l")])
    assert code == 2
    assert "超出可生成范围" in capsys.readouterr().err
    assert main(["generate", "--months", "2025-13", "--out", str(tmp_path / "l")]) == 2
