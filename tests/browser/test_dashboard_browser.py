"""The dashboard in a real browser: ``jcw serve`` driven by Debian's headless Chromium.

Runs twice: on the fixture serving file of tests/dashboard (its hand-chosen numbers are
checked) and on the demo data published by a real ``jcw run`` (Chinese texts, and
figures read from the serving file). ``JCW_BROWSER_DATA_DIR`` runs it on another data
directory instead. Screenshots of every page go to test-artifacts/screenshots/<data set>/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards.serve import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
SHOTS = PROJECT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 30_000
DATA_SETS = ["custom"] if os.environ.get("JCW_BROWSER_DATA_DIR") else ["fixture", "demo"]

# url path, title shown, texts every data set has, numbers of the fixture (hand-chosen)
PAGES = [
    ("", "济南市社区工作总览", ["2007年社区建设标准达标概况", "区县排名与分布"],
     ["8,420人", "+120人", "1.51万人", "部分覆盖（95%），不作环比、同比", "80人"]),
    ("drilldown", "四级钻取", ["当前位置：", "的月度趋势"], ["4.10‰"]),
    ("standards", "2007年社区建设标准达标评估", ["未达标社区"], ["共 6 项未达标"]),
    ("topic_dibao", "低保专题", ["月度趋势", "排名靠前与靠后"], []),
    ("topic_employment", "就业专题", ["月度趋势"], []),
    ("topic_health", "卫生专题", ["月度趋势"], []),
    ("topic_floating", "流动人口专题", ["月度趋势"], []),
    ("topic_linkage", "跨部门联动专题", ["月度趋势"], []),
    ("community", "社区档案", ["2007年标准逐项评估", "月度趋势"], []),
    ("quality", "数据质量", ["各部门各月份概况", "隔离原因"], ["20250405T101500"]),
    ("catalog", "指标说明", ["共 45 项指标"], []),
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fixture_dir(tmp: Path) -> Path:
    path = PROJECT / "tests" / "dashboard" / "serving_fixture.py"
    spec = importlib.util.spec_from_file_location("jcw_serving_fixture_browser", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_data_dir(tmp)


@pytest.fixture(scope="module", params=DATA_SETS)
def dataset(request, tmp_path_factory) -> tuple[str, Path]:
    if request.param == "custom":
        return "custom", Path(os.environ["JCW_BROWSER_DATA_DIR"])
    if request.param == "demo":
        return "demo", request.getfixturevalue("demo_published")["data_dir"]
    return "fixture", _fixture_dir(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def base_url(dataset, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("缺少 /usr/bin/chromium：请先运行 scripts/install_system_deps.sh")
    data_dir = dataset[1]
    port = _free_port()
    jcw = Path(sys.executable).parent / "jcw"
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    # the server's output goes to a file, not a pipe: a full pipe would block it
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(jcw), "serve", "--port", str(port)],
            env=dict(os.environ, JCW_DATA_DIR=str(data_dir)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield _wait_until_up(f"http://127.0.0.1:{port}", server, log_path)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_up(url: str, server: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return url
        except OSError as err:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"jcw serve 未启动：{log_path.read_text()}") from err
        time.sleep(0.3)


@pytest.fixture(scope="module")
def page(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        context = browser.new_context(
            viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True
        )
        pg = context.new_page()
        outside = []
        pg.on("request", lambda r: None if r.url.startswith(base_url) else outside.append(r.url))
        yield pg
        browser.close()
    assert not outside, f"页面请求了外部资源：{outside}"


def _open(page, base_url: str, path: str, title: str) -> None:
    page.goto(f"{base_url}/{path}")
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT_MS)
    _settle(page)


RENDERED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const q = (s) => document.querySelectorAll(s);
  if (q('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]').length) return false;
  for (const d of q('[data-testid="stDataFrame"]')) if (!d.querySelector('canvas')) return false;
  for (const c of q('[data-testid="stVegaLiteChart"]')) if (!c.querySelector('canvas, svg')) return false;
  return true;
}"""


def _settle(page) -> None:
    """Wait until the script run finished and every table and chart has drawn."""
    page.wait_for_function(RENDERED, timeout=TIMEOUT_MS)


def _screenshot(page, dataset, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    height = page.evaluate(
        "() => Math.max(document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0,"
        " document.documentElement.scrollHeight)"
    )
    page.set_viewport_size({"width": 1440, "height": min(max(height, 1000), 8000)})
    _settle(page)
    (SHOTS / dataset[0]).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / dataset[0] / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_deep_link_on_a_fresh_server_runs_the_whole_app(page, base_url):
    """The first request after start-up is a page's own address: the app's navigation,
    month selector and banner must still be there (a ``pages/`` folder beside app.py
    made Streamlit serve the bare page script instead)."""
    _open(page, base_url, "quality", "数据质量")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("统计月份").wait_for(timeout=TIMEOUT_MS)
    sidebar.get_by_text("档案与数据").wait_for(timeout=TIMEOUT_MS)


@pytest.mark.parametrize(
    ("path", "title", "texts", "numbers"), PAGES, ids=[p[0] or "overview" for p in PAGES]
)
def test_page_renders_in_chinese(page, base_url, dataset, path, title, texts, numbers):
    _open(page, base_url, path, title)
    for text in texts + (numbers if dataset[0] == "fixture" else []):
        page.get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT_MS)
    _screenshot(page, dataset, path or "overview")


def test_drill_down_by_clicking_a_district(page, base_url, dataset):
    _open(page, base_url, "drilldown", "四级钻取")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="下钻到区县").click()
    page.get_by_role("option", name="历下区", exact=True).click()
    page.get_by_text("济南市 › 历下区").first.wait_for(timeout=TIMEOUT_MS)
    _settle(page)
    page.get_by_text("下级街道").first.wait_for(timeout=TIMEOUT_MS)
    if dataset[0] == "fixture":
        page.get_by_text("4.29‰").first.wait_for(timeout=TIMEOUT_MS)
    _screenshot(page, dataset, "drilldown_lixia")


def test_drill_down_by_clicking_a_table_row(page, base_url):
    _open(page, base_url, "drilldown", "四级钻取")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    grid = table.bounding_box()
    # the grid is a canvas: click the first data row's selection box (row height 35 px)
    page.mouse.click(grid["x"] + 15, grid["y"] + 35 + 17)
    page.get_by_text("当前位置： 济南市 › ").first.wait_for(timeout=TIMEOUT_MS)  # one level down


def test_excel_download_opens_with_chinese_headers(page, base_url, tmp_path):
    from python_calamine import CalamineWorkbook

    _open(page, base_url, "catalog", "指标说明")
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    download = info.value
    assert download.suggested_filename == "指标目录.xlsx"
    target = tmp_path / "catalog.xlsx"
    download.save_as(target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["代码", "指标名称", "英文名称", "领域"]
    assert len(rows) == 1 + 45
    shutil.copy(target, SHOTS.parent / "指标目录.xlsx")


def test_overview_shows_the_published_city_dibao_persons(page, base_url, dataset):
    """The city's 低保人数 of the latest month, read from the served file itself and
    formatted here by hand: thousands separator below 10,000, else 万 with two decimals."""
    import duckdb

    with duckdb.connect(str(dataset[1] / "serving" / "current"), read_only=True) as con:
        (persons,) = con.execute(
            "SELECT value FROM analytics.indicator_values WHERE indicator_code = 'DB_PERSONS'"
            " AND region_level = 'city' ORDER BY period DESC LIMIT 1"
        ).fetchone()
    assert persons > 0
    shown = f"{persons:,.0f}人" if persons < 10_000 else f"{persons / 10_000:.2f}万人"
    _open(page, base_url, "", "济南市社区工作总览")
    page.get_by_text(shown, exact=True).first.wait_for(timeout=TIMEOUT_MS)
