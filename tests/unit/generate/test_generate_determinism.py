"""Same seed and arguments → byte-identical files, mtimes and manifest; another seed differs."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from pipelines.generate import generate


def _snapshot(root):
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                os.stat(p).st_mtime,
            )
    return out


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    runs = {}
    for label, seed in (("a", 5), ("b", 5), ("c", 6)):
        base = tmp_path_factory.mktemp(f"det_{label}")
        generate(
            base / "landing",
            "tiny",
            ["2025-03"],
            seed,
            base / "gen" / "manifest.json",
            progress=False,
        )
        runs[label] = base
    return runs


def test_same_seed_gives_identical_files_mtimes_and_manifest(tiny_runs):
    a, b = tiny_runs["a"], tiny_runs["b"]
    snap_a = _snapshot(a / "landing")
    assert len(snap_a) > 80
    assert snap_a == _snapshot(b / "landing")
    assert (a / "gen" / "manifest.json").read_bytes() == (b / "gen" / "manifest.json").read_bytes()
    assert (a / "gen" / "pii_values.txt").read_bytes() == (
        b / "gen" / "pii_values.txt"
    ).read_bytes()


def test_another_seed_gives_other_files(tiny_runs):
    snap_a = _snapshot(tiny_runs["a"] / "landing")
    snap_c = _snapshot(tiny_runs["c"] / "landing")
    same = [k for k in snap_a if k in snap_c and snap_a[k][0] == snap_c[k][0]]
    assert len(same) < len(snap_a) / 10
    ma = json.loads((tiny_runs["a"] / "gen" / "manifest.json").read_text(encoding="utf-8"))
    mc = json.loads((tiny_runs["c"] / "gen" / "manifest.json").read_text(encoding="utf-8"))
    assert ma["seed"] == 5 and mc["seed"] == 6
    assert ma["files"] != mc["files"]


def test_a_month_is_the_same_whichever_range_generates_it(tiny_runs, tmp_path):
    generate(
        tmp_path / "landing",
        "tiny",
        ["2025-02", "2025-03"],
        5,
        tmp_path / "g" / "m.json",
        progress=False,
    )
    both = _snapshot(tmp_path / "landing")
    alone = _snapshot(tiny_runs["a"] / "landing")
    rosters = [k for k in alone if "/2025-03/" in k and ("human_resources" in k or "health" in k)]
    assert rosters
    for k in rosters:
        assert both[k] == alone[k], k


def test_a_rerun_replaces_the_earlier_run_files(tmp_path):
    landing, manifest = tmp_path / "landing", tmp_path / "g" / "m.json"
    first = generate(landing, "tiny", ["2025-05"], 1, manifest, progress=False)
    second = generate(landing, "tiny", ["2025-05"], 2, manifest, progress=False)
    on_disk = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file())
    assert on_disk == sorted(f["path"] for f in second["files"])
    assert {f["path"] for f in first["files"]} != {f["path"] for f in second["files"]}


def test_parallel_workers_write_the_same_files(tiny_runs, tmp_path):
    generate(
        tmp_path / "landing",
        "tiny",
        ["2025-03"],
        5,
        tmp_path / "gen" / "manifest.json",
        progress=False,
        workers=2,
    )
    assert _snapshot(tmp_path / "landing") == _snapshot(tiny_runs["a"] / "landing")
    a = (tiny_runs["a"] / "gen" / "manifest.json").read_bytes()
    assert (tmp_path / "gen" / "manifest.json").read_bytes() == a
