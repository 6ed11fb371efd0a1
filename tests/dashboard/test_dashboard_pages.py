"""Every dashboard page, run by Streamlit's AppTest on the hand-chosen fixture serving file.

Expected figures are worked out by hand from ``serving_fixture.py`` (its comments show
the sums), never taken from the dashboard's own formatting code.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

CITY, LIXIA, JIEFANGLU = "370100000000", "370102000000", "370102001000"


def frame(at, column: str) -> pd.DataFrame:
    """The first table shown that has ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value.reset_index(drop=True)
    raise AssertionError(
        f"no table with column {column}: {[list(d.value.columns) for d in at.dataframe]}"
    )


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def texts(at) -> str:
    parts = [*at.markdown, *at.caption, *at.title, *at.subheader, *at.info, *at.warning]
    return "\n".join(str(p.value) for p in parts)


def test_overview_headlines_compare_with_previous_month_and_last_year(app, fixture_dir):
    at = app(fixture_dir)
    assert at.title[0].value == "济南市社区工作总览 · 2025年3月"
    emp = metric(at, "登记失业人数")  # 8,420 now, 8,300 in 2025-02, 9,000 in 2024-03
    assert (emp.value, emp.delta) == ("8,420人", "+120人")
    hl = metric(at, "家庭医生签约率")  # 35.24 %, 34.00 %, 30.50 %
    assert (hl.value, hl.delta) == ("35.2%", "+1.2个百分点")
    captions = [c.value for c in at.caption]
    assert "环比 +120人 · 同比 -580人" in captions
    assert "环比 +1.2个百分点 · 同比 +4.7个百分点" in captions


def test_overview_partial_city_total_is_marked_and_not_compared(app, fixture_dir):
    at = app(fixture_dir)
    db = metric(at, "低保人数")  # 15,080 without 商河县, coverage 0.95
    assert db.value == "1.51万人"
    assert not db.delta
    assert "部分覆盖（95%），不作环比、同比" in [c.value for c in at.caption]


def test_overview_district_ranking_shows_missing_district_as_not_delivered(app, fixture_dir):
    at = app(fixture_dir)
    ranking = frame(at, "排名")
    assert list(ranking["区域"]) == [
        "历城区", "章丘区", "市中区", "天桥区", "莱芜区", "槐荫区", "济阳区",
        "长清区", "平阴县", "钢城区", "历下区", "济南高新技术产业开发区", "商河县",
    ]  # fmt: skip
    assert list(ranking["低保人数（人）"][:3]) == ["2,500", "2,100", "2,000"]
    last = ranking.iloc[-1]
    assert (last["低保人数（人）"], last["排名"], last["数据覆盖"]) == ("未报送", "—", "未报送")
    # 高新区 has no boundary in the vendored map: its value is shown beside it
    assert metric(at, "济南高新技术产业开发区（无独立边界，未在地图中）").value == "80人"
    glance = frame(at, "达标区县")
    staff = glance[glance["指标"] == "居委会成员配备达标率"].iloc[0]
    assert staff["未报送区县数"] == 1 and staff["数据覆盖"] == "部分覆盖（95%）"


def test_month_selector_changes_every_figure(app, fixture_dir):
    at = app(fixture_dir)
    at.selectbox(key="period").set_value("2025-02").run()
    assert at.title[0].value == "济南市社区工作总览 · 2025年2月"
    emp = metric(at, "登记失业人数")
    assert emp.value == "8,300人"
    ranking = frame(at, "排名")
    assert "未报送" not in set(ranking["低保人数（人）"])  # 商河县 delivered in February


def test_drilldown_breadcrumb_children_and_drill(app, fixture_dir):
    at = app(fixture_dir, "drilldown")
    assert at.selectbox(key="drill_indicator").value == "DB_RATE"
    assert "**当前位置：** 济南市" in [m.value for m in at.markdown]
    at.selectbox(key=f"drill_child_{CITY}").set_value(LIXIA).run()
    assert "**当前位置：** 济南市 › 历下区" in [m.value for m in at.markdown]
    assert metric(at, "历下区 · 低保人口占比 · 2025年3月").value == "4.29‰"  # 300 / 70,000
    kids = frame(at, "低保人口占比（‰）")
    assert list(kids["区域"]) == ["解放路街道", "千佛山街道"]
    assert list(kids["低保人口占比（‰）"]) == ["5.00", "3.33"]  # 200/40,000; 100/30,000
    at.selectbox(key=f"drill_child_{LIXIA}").set_value(JIEFANGLU).run()
    assert "**当前位置：** 济南市 › 历下区 › 解放路街道" in [m.value for m in at.markdown]
    kids = frame(at, "低保人口占比（‰）")
    assert list(kids["区域"]) == ["历山路社区居民委员会", "解放桥社区居民委员会"]
    assert list(kids["低保人口占比（‰）"]) == ["5.33", "4.80"]  # 80/15,000; 120/25,000
    at.radio(key=f"trend_{JIEFANGLU}_grain").set_value("quarter").run()
    assert not at.exception
    at.button(key=f"crumb_{CITY}").click().run()
    assert "**当前位置：** 济南市" in [m.value for m in at.markdown]


def test_standards_compliance_and_gaps(app, fixture_dir):
    at = app(fixture_dir, "standards")
    summary = frame(at, "评估社区数")
    assert list(summary["标准"]) == [  # the 2007 document's order, not the codes'
        "社区规模（1500–4500户）", "居委会成员配备", "办公服务用房", "社区工作经费", "成员生活补贴",
    ]  # fmt: skip
    staff = summary[summary["标准"] == "居委会成员配备"].iloc[0]
    assert (staff["达标社区数"], staff["评估社区数"], staff["达标率"]) == (3, 5, "60.0%")
    allowance = summary[summary["标准"] == "成员生活补贴"].iloc[0]  # 彩虹湖: no wage delivered
    assert (allowance["达标社区数"], allowance["评估社区数"], allowance["无法评估社区数"]) == (
        3,
        4,
        1,
    )
    at.selectbox(key="std_code").set_value("staffing").run()
    by_district = frame(at, "区县")
    assert by_district.set_index("区县")["达标率"].to_dict() == {
        "历下区": "50.0%",  # 解放桥 9 < 11, 千佛山东路 4 < 6
        "济南高新技术产业开发区": "100.0%",
    }
    by_street = frame(at, "街道").set_index("街道")
    assert by_street.loc["解放路街道", "达标率"] == "50.0%"
    failing = frame(at, "差距")
    assert len(failing) == 6
    rows = {
        (r["社区"], r["标准"]): (r["要求"], r["实际"], r["差距"]) for _, r in failing.iterrows()
    }
    assert rows[("解放桥社区居民委员会", "居委会成员配备")] == ("≥11人", "9人", "差2人")
    assert rows[("解放桥社区居民委员会", "办公服务用房")] == ("≥400 m²", "280 m²", "差120 m²")
    assert rows[("解放桥社区居民委员会", "社区工作经费")] == (
        "≥32,000元/年", "27,700元/年", "差4,300元/年",
    )  # fmt: skip
    assert rows[("佛山苑社区居民委员会", "社区规模（1500–4500户）")][2] == "超出600户"
    assert rows[("千佛山东路社区居民委员会", "成员生活补贴")][2] == "差6,000元/年"
    at.multiselect(key="fail_std").set_value(["staffing"]).run()
    at.selectbox(key="fail_street").set_value(JIEFANGLU).run()
    failing = frame(at, "差距")
    assert list(failing["社区"]) == ["解放桥社区居民委员会"]


@pytest.mark.parametrize(
    ("page", "title", "indicator", "expected", "coverage"),
    [
        ("topic_dibao", "低保专题", "低保人数", "1.51万人", "部分覆盖（95%）"),
        ("topic_employment", "就业专题", "登记失业人数", "8,420人", "完整"),
        ("topic_health", "卫生专题", "家庭医生签约率", "35.2%", "完整"),
        ("topic_floating", "流动人口专题", "流动人口登记数", None, "完整"),
        ("topic_linkage", "跨部门联动专题", "流动人口家庭医生签约率", None, "完整"),
    ],
)
def test_topic_pages(app, fixture_dir, page, title, indicator, expected, coverage):
    at = app(fixture_dir, page)
    assert at.title[0].value == f"{title} · 2025年3月"
    city = frame(at, "环比").set_index("指标")
    assert city.loc[indicator, "数据覆盖"] == coverage
    if expected:
        assert city.loc[indicator, "全市"] == expected
    if page == "topic_employment":
        assert city.loc[indicator, "环比"] == "+120人"
    if page == "topic_dibao":  # best and worst districts; 商河县 listed as missing
        best = frame(at, "低保户数（户）")
        assert len(best) == 5
        assert any("商河县" in c.value and "未报送" in c.value for c in at.caption)


def test_community_profile_against_street_district_city(app, fixture_dir):
    at = app(fixture_dir, "community")
    at.text_input(key="community_search").input("解放桥").run()
    assert at.selectbox(key="community_code").value == "370102001002"
    table = frame(at, "本社区").set_index("指标")
    row = table.loc["低保人数"]
    assert (row["本社区"], row["所在街道"], row["所在区县"], row["全市"]) == (
        "120人", "200人", "300人", "1.51万人＊",
    )  # fmt: skip  # the city total is partial: 商河县 missing
    assert table.loc["低保人口占比", "本社区"] == "4.80‰"
    standards = frame(at, "差距").set_index("标准")
    assert standards.loc["居委会成员配备", "差距"] == "差2人"
    assert standards.loc["社区规模（1500–4500户）", "达标情况"] == "达标"
    at.text_input(key="community_search").input("不存在的社区").run()
    assert any("没有名称包含" in i.value for i in at.info)


def test_data_quality_per_department_and_month(app, fixture_dir):
    at = app(fixture_dir, "quality")
    assert "版本 20250405T101500" in [c.value for c in at.caption]
    # published 2025-04-05 10:15 UTC, shown in Beijing time (UTC+8)
    assert metric(at, "当前版本发布时间（北京时间）").value == "2025-04-05 18:15"
    assert metric(at, "已发布月份").value == "13个月"
    assert "2024年3月—2025年3月" in [c.value for c in at.caption]
    summary = frame(at, "报送完整率").set_index("部门")
    civil = summary.loc["民政局"]  # 3 tables × 12 districts (商河县 missing)
    assert civil["收到文件数"] == "36"
    assert civil["入库行数"] == "3,450"  # 35 × 96 + 90
    assert civil["隔离行数"] == "78"  # 35 × 2 + 8
    assert (civil["检查通过"], civil["检查未通过"]) == ("3", "3")
    assert (civil["报送完整率"], civil["报送及时率"]) == ("92.3%", "100.0%")  # 36/39
    assert summary.loc["卫健委", "报送及时率"] == "96.2%"  # 25/26: 历城区 late
    reasons = frame(at, "原因代码")
    dibao = reasons[reasons["报表"] == "低保家庭"].set_index("原因代码")["行数"].to_dict()
    assert dibao == {"bad_date": 22, "id_check_char": 5, "region_unknown": 3}
    missing = frame(at, "状态")
    assert sorted(missing[missing["状态"] == "未报送"]["报表"]) == [
        "低保家庭",
        "低保成员",
        "社区基础信息",
    ]
    assert set(missing[missing["状态"] == "未报送"]["区县"]) == {"商河县"}
    assert list(missing[missing["状态"] == "迟报"]["区县"]) == ["历城区"]
    failed = frame(at, "检查代码")  # 3 table-level warnings + their 3 local findings + 1
    assert len(failed) == 7
    local = failed[failed["范围"] != "整表"]
    assert sorted(zip(local["检查"], local["范围"], strict=True)) == [
        ("报送完整性", "商河县"), ("报送完整性", "商河县"), ("报送完整性", "商河县"),
        ("身份证号有效率", "历下区"),
    ]  # fmt: skip


def test_catalog_lists_every_indicator(app, fixture_dir, serving_fixture):
    at = app(fixture_dir, "catalog")
    table = frame(at, "指标名称").set_index("代码")
    assert len(table) == len(serving_fixture.catalog()) == 45
    assert table.loc["ORG_HH_PER_COMMUNITY", "目标"] == "≈3,000户"
    assert table.loc["ORG_STAFF_OK", "目标依据"] == "济发〔2007〕13号 二(三)"


def test_no_published_data_says_how_to_load(app, tmp_path):
    at = app(tmp_path)
    assert at.title[0].value == "暂无已发布的数据"
    body = texts(at)
    assert "make demo" in body and "jcw run" in body


def test_stale_banner_after_blocked_run(app, stale_dir, fixture_dir):
    at = app(stale_dir)
    banner = "\n".join(w.value for w in at.warning)
    # run finished 2025-05-06 09:30 UTC, version published 2025-04-05 10:15 UTC (+8 h shown)
    assert "2025-05-06 17:30（北京时间）的更新运行未通过阻断性检查" in banner
    assert "2025-04-05 18:15 发布的版本" in banner
    assert "上级汇总不等于下级之和" in banner
    assert "低保家庭_历下区_2025-04.xlsx" in banner
    assert not app(fixture_dir).warning  # a published last run: no banner


def test_excel_download_keeps_chinese_headers():
    from python_calamine import CalamineWorkbook

    from dashboards.components.excel import to_xlsx

    df = pd.DataFrame({"区域": ["历下区", "商河县"], "低保人数（人）": ["300", "未报送"]})
    book = CalamineWorkbook.from_filelike(io.BytesIO(to_xlsx(df, "区县排名")))
    assert book.sheet_names == ["区县排名"]
    assert book.get_sheet_by_name("区县排名").to_python() == [
        ["区域", "低保人数（人）"], ["历下区", "300"], ["商河县", "未报送"],
    ]  # fmt: skip


def test_quarterly_trend_follows_time_aggregation():
    from dashboards.components.trends import aggregate

    rows = pd.DataFrame(
        {
            "period": ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"],
            "region_code": [CITY] * 6,
            "numerator": [10.0, 20.0, 30.0, 5.0, 5.0, 5.0],
            "denominator": [100.0, 100.0, 200.0, 50.0, 50.0, 50.0],
            "value": [10.0, 20.0, 15.0, 10.0, 10.0, 10.0],
            "coverage": [1.0, 1.0, 1.0, 1.0, 0.0, 1.0],  # May not delivered
        }
    )
    flow = {"time_aggregation": "sum", "factor": 100.0, "denominator": "x"}
    q = aggregate(rows, flow, "quarter").set_index("期间")["值"]
    assert q["2025年Q1"] == pytest.approx(60 / 400 * 100)  # sums of numerator and denominator
    assert pd.isna(q["2025年Q2"])  # a month missing: not shown too small
    stock = {"time_aggregation": "last", "factor": 100.0, "denominator": "x"}
    q = aggregate(rows, stock, "quarter").set_index("期间")["值"]
    assert list(q) == [15.0, 10.0]  # March and June
    count = {"time_aggregation": "sum", "factor": 1.0, "denominator": ""}
    y = aggregate(rows.head(3), count, "year").set_index("期间")["值"]
    assert y["2025年"] == 60.0


def test_serving_file_is_only_read(app, fixture_dir):
    current = (fixture_dir / "serving" / "current").resolve()
    before = (current.stat().st_mtime_ns, sorted(p.name for p in current.parent.iterdir()))
    at = app(fixture_dir)
    for page in ("drilldown", "standards", "community", "quality"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
    after = (current.stat().st_mtime_ns, sorted(p.name for p in current.parent.iterdir()))
    assert before == after  # no write, no WAL file


def test_duckdb_connections_are_per_thread(monkeypatch, fixture_dir):
    import threading

    from dashboards import data

    monkeypatch.setenv("JCW_DATA_DIR", str(fixture_dir))
    ver = data.version()
    seen = []

    def grab():
        con = data._connection(ver)
        seen.append((con, con.execute("select count(*) from analytics.regions").fetchone()[0]))

    threads = [threading.Thread(target=grab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen[0][0] is not seen[1][0]
    assert seen[0][1] == seen[1][1] == 1 + 13 + 3 + 6  # city, districts, streets, communities


def test_change_that_rounds_to_zero_reads_as_unchanged():
    from dashboards import fmt

    assert fmt.delta(-0.004, "%") == "持平"  # not "-0.0个百分点"
    assert fmt.delta(0.0, "人") == "持平"
    assert fmt.delta(-0.006, "‰") == "-0.01个千分点"


def test_drilldown_opens_at_the_region_in_the_address(monkeypatch, fixture_dir):
    from streamlit.testing.v1 import AppTest

    from dashboards.serve import APP

    monkeypatch.setenv("JCW_DATA_DIR", str(fixture_dir))
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["region"] = JIEFANGLU  # e.g. a link sent round: /drilldown?region=…
    at.switch_page("views/drilldown.py").run()
    assert not at.exception
    assert "**当前位置：** 济南市 › 历下区 › 解放路街道" in [m.value for m in at.markdown]
