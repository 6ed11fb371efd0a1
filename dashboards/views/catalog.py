"""指标说明: the indicator catalog with definitions, units and targets."""

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import common, excel

LEVEL_WORDS = {"all": "市、区县、街道、社区", "city": "市", "district": "区县", "street": "街道"}
TIME_WORDS = {"last": "取期末月", "sum": "各月相加"}

st.title("指标说明")
common.require_data()
st.caption("指标目录（dbt 种子 indicators.csv）：口径、单位、目标值及其依据。")
cat = data.catalog()
domains = list(dict.fromkeys(cat.domain))
chosen = st.multiselect("领域", domains, key="catalog_domains", placeholder="全部领域")
if chosen:
    cat = cat[cat.domain.isin(chosen)]
table = pd.DataFrame(
    {
        "代码": cat.code,
        "指标名称": cat.name_zh,
        "英文名称": cat.name_en,
        "领域": cat.domain,
        "分子": cat.numerator,
        "分母": cat.denominator.fillna(""),
        "系数": cat.factor.map(lambda f: f"{f:g}"),
        "单位": cat.unit,
        "季度/年度汇总": cat.time_aggregation.map(TIME_WORDS).fillna(cat.time_aggregation),
        "适用范围": cat.applies_to.map({"all": "全部社区", "居委会": "居委会社区"}),
        "层级": [",".join(LEVEL_WORDS.get(x, x) for x in lv.split(",")) for lv in cat.levels],
        "目标": [common.target_text(r) for r in cat.to_dict("records")],
        "目标依据": cat.target_source,
    }
)
st.caption(f"共 {len(table)} 项指标")
excel.table(table, "指标目录", "catalog")
