"""Fixture serving files for the dashboard tests (built once per session)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
APP = HERE.parents[1] / "dashboards" / "app.py"


def load_fixture_module():
    spec = importlib.util.spec_from_file_location(
        "jcw_serving_fixture", HERE / "serving_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def serving_fixture():
    return load_fixture_module()


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory, serving_fixture) -> Path:
    """A data directory whose ``serving/current`` is the hand-chosen fixture file."""
    return serving_fixture.build_data_dir(tmp_path_factory.mktemp("dash"))


@pytest.fixture(scope="session")
def stale_dir(tmp_path_factory, serving_fixture, fixture_dir) -> Path:
    """The same published version, but the last run after it was blocked."""
    data_dir = tmp_path_factory.mktemp("stale")
    (data_dir / "serving").mkdir()
    target = (fixture_dir / "serving" / "current").resolve()
    os.symlink(target, data_dir / "serving" / "current")
    serving_fixture.write_last_run(data_dir, serving_fixture.last_run(stale=True))
    return data_dir


@pytest.fixture
def app(monkeypatch):
    """``app(data_dir, page=None)``: the dashboard run by AppTest against ``data_dir``."""
    from streamlit.testing.v1 import AppTest

    def run(data_dir: Path, page: str | None = None) -> AppTest:
        monkeypatch.setenv("JCW_DATA_DIR", str(data_dir))
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.run()
        if page:
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
