"""Which files a department delivers for a month, their names and arrival times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from pipelines.contract.tables import DEPARTMENTS, Table, table_for_filename
from pipelines.generate.calendar import next_month

BEIJING = timezone(timedelta(hours=8))
# Tables delivered by each district's office; the others come city-wide.
PER_DISTRICT = {
    "community_profile",
    "dibao_household",
    "dibao_member",
    "unemployment_roster",
    "health_contract",
    "floating_population",
}
TITLE_WORD = {
    "dibao_household": "低保家庭花名册",
    "dibao_member": "低保家庭成员花名册",
    "unemployment_roster": "失业登记人员花名册",
    "health_contract": "家庭医生签约居民名单",
    "floating_population": "流动人口登记台账",
    "community_profile": "社区基础信息统计表",
    "health_facility": "基层卫生服务机构名录",
    "service_center": "社区服务中心名录",
    "district_wage": "在岗职工平均工资",
}


@dataclass(frozen=True)
class Delivery:
    table: Table
    month: str
    district: int | None  # index into geo districts; None = city-wide
    district_label: str  # as written in the file name ('' for city-wide)


def file_name(d: Delivery, rng, ext: str) -> str:
    kw = d.table.keywords[int(rng.integers(0, len(d.table.keywords)))]
    y, m = d.month[:4], int(d.month[5:])
    place = d.district_label
    if place:
        forms = [
            f"{kw}_{place}_{d.month}",
            f"{y}年{m}月{place}{kw}花名册",
            f"{place}{kw}{y}{m:02d}",
        ]
    else:
        forms = [f"济南市{kw}_{d.month}", f"{kw}{y}{m:02d}", f"全市{kw}{y}年{m}月"]
    name = forms[int(rng.integers(0, len(forms)))] + "." + ext
    if table_for_filename(name) is not d.table:
        raise AssertionError(f"file name {name} does not name {d.table.name}")
    return name


def arrival(month: str, rng, late_rate: float) -> datetime:
    """Naive Beijing time: 2–9 days into the following month, some after the 10th; 09:00–17:00."""
    nm = next_month(month)
    late = rng.random() < late_rate
    day_no = int(rng.integers(11, 26)) if late else int(rng.integers(2, 10))
    minutes = int(rng.integers(9 * 60, 17 * 60))
    return datetime.fromisoformat(f"{nm}-{day_no:02d}") + timedelta(minutes=minutes)


def mtime(arrived: datetime) -> float:
    return arrived.replace(tzinfo=BEIJING).timestamp()


def unit(d: Delivery) -> str:
    return f"{d.district_label or '济南市'}{DEPARTMENTS[d.table.department]}"


def title(d: Delivery) -> str:
    y, m = d.month[:4], int(d.month[5:])
    return f"{y}年{m}月{d.district_label or '济南市'}{TITLE_WORD[d.table.name]}"


def reported(arrived: datetime) -> str:
    return f"{arrived.year}年{arrived.month}月{arrived.day}日"


def rng_for(seed: int, table_no: int, month: str, district: int | None) -> np.random.Generator:
    month_no = int(month[:4]) * 12 + int(month[5:])
    return np.random.default_rng(
        [seed, table_no, month_no, 0 if district is None else district + 1, 7]
    )
