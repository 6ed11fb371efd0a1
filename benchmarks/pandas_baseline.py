"""The pandas baseline: the 低保 (DB_*) and 流动人口 (FL_*) indicators at all four
levels from the landing files, with pandas, under the floor's simplifications
(``floor_read``/``floor_sql``: trusted codes and IDs, latest row per key).

Written independently of the floor's SQL so that agreement between the two
means something; ``compare`` checks it value by value.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.landing import (
    FULLWIDTH,
    HALFWIDTH,
    LandingFile,
    csv_encoding,
    csv_head_lines,
    header_index,
    header_map,
    landing_files,
    normalise_header,
    xlsx_columns,
)
from pipelines.contract.tables import TABLES as TABLE_DEFS
from pipelines.reference import CITY_CODE, REGIONS_CSV

TABLES = ("community_profile", "dibao_household", "floating_population")
KEYS = {
    "community_profile": ["community_code"],
    "dibao_household": ["household_id"],
    "floating_population": ["registration_id"],
}
CODES = {
    "DB_HOUSEHOLDS": (False, 1),
    "DB_PERSONS": (False, 1),
    "DB_RATE": (True, 1000),
    "DB_AVG_BENEFIT": (True, 1),
    "DB_REVIEW_TIMELY": (True, 100),
    "DB_NEW_HOUSEHOLDS": (False, 1),
    "DB_EXITED_HOUSEHOLDS": (False, 1),
    "FL_REGISTERED": (False, 1),
    "FL_SHARE": (True, 100),
    "FL_PERMIT_RATE": (True, 100),
    "FL_CHILD_SCHOOL_RATE": (True, 100),
    "FL_FP_SERVICE_RATE": (True, 100),
    "FL_NEW": (False, 1),
}  # code → (has a denominator, factor)
_TRANS = str.maketrans(FULLWIDTH, HALFWIDTH)
YES = {"是", "Y", "y", "1", "有"}


# ---- read -------------------------------------------------------------------------------


def _read_csv(f: LandingFile) -> pd.DataFrame | None:
    encoding = csv_encoding(f.path)
    head = csv_head_lines(f.path, encoding)
    idx = header_index(head, f.table)
    if idx is None:
        return None
    names = header_map(f.table)
    df = pd.read_csv(
        f.path,
        encoding=encoding,
        skiprows=idx + 1,
        header=None,
        names=list(range(len(head[idx]))),
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        on_bad_lines="skip",
    )
    columns = {}
    for pos, header in enumerate(head[idx]):
        name = names.get(normalise_header(header))
        if name is not None and name not in columns.values():
            columns[pos] = name
    df = df[list(columns)].rename(columns=columns)
    df["row_idx"] = np.arange(1, len(df) + 1)
    return df


def _read_xlsx(f: LandingFile) -> pd.DataFrame | None:
    read = xlsx_columns(f.path, f.table)
    if read is None:
        return None
    df = pd.DataFrame(read[0], dtype=object)
    df["row_idx"] = np.arange(1, len(df) + 1)
    return df


def read_tables(landing: Path) -> dict[str, pd.DataFrame]:
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for f in landing_files(landing):
        if f.table.name not in frames:
            continue
        df = _read_csv(f) if f.fmt == "csv" else _read_xlsx(f)
        if df is not None:
            df["period"] = pd.Timestamp(f.period)
            df["source_file"] = str(f.path)
            frames[f.table.name].append(df)
    out = {}
    for name, dfs in frames.items():
        df = pd.concat(dfs, ignore_index=True)
        missing = [c.name for c in TABLE_DEFS[name].columns if c.name not in df]
        out[name] = df.assign(**dict.fromkeys(missing))  # optional columns a file lacks
    return out


# ---- cast (the same rules as floor_read.MACROS) ---------------------------------------------


def text(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.translate(_TRANS).str.strip()
    return out.mask(out == "")


def number(s: pd.Series) -> pd.Series:
    cleaned = text(s).str.replace(",", "", regex=False).str.replace("元", "", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


def date(s: pd.Series) -> pd.Series:
    t = text(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    serial = t.str.fullmatch(r"[0-9]{5}(\.0+)?").fillna(False)
    days = pd.to_numeric(t[serial], errors="coerce").astype("int64")
    out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
    compact = t.str.fullmatch(r"[0-9]{8}").fillna(False)
    out[compact] = pd.to_datetime(t[compact], format="%Y%m%d", errors="coerce")
    rest = ~serial & ~compact & t.notna()
    dashed = (
        t[rest]
        .str.replace("年", "-", regex=False)
        .str.replace("月", "-", regex=False)
        .str.replace("日", "", regex=False)
        .str.replace(r"[/.]", "-", regex=True)
    )
    out[rest] = pd.to_datetime(dashed, format="%Y-%m-%d", errors="coerce")
    return out


def yes(s: pd.Series) -> pd.Series:
    return text(s).isin(YES).fillna(False).astype(bool)


def code12(s: pd.Series) -> pd.Series:
    t = text(s)
    return t.where(t.str.fullmatch(r"[0-9]{12}").fillna(False))


def _latest_per_key(df: pd.DataFrame, table: str) -> pd.DataFrame:
    df = df.assign(community_code=code12(df["community_code"]))
    df = df[df["community_code"].notna()]
    key = ["period", *KEYS[table]]
    df = df.assign(**{k: text(df[k]) for k in KEYS[table]})
    df = df.dropna(subset=KEYS[table])  # no key, nothing to count once
    df = df.sort_values([*key, "source_file", "row_idx"])
    return df.drop_duplicates(key, keep="last")


def _age_female(ids: pd.Series, me: pd.Series) -> tuple[pd.Series, pd.Series]:
    ids = text(ids).str.upper()
    is15 = ids.str.len() == 15
    birth = ids.str.slice(6, 14).where(~is15, "19" + ids.str.slice(6, 12))
    birth = birth.where(birth.str.fullmatch("[0-9]{8}").fillna(False))  # else no age
    year = pd.to_numeric(birth.str.slice(0, 4), errors="coerce")
    before = me.dt.strftime("%m%d") < birth.str.slice(4, 8)
    age = (me.dt.year - year - before.fillna(False).astype(int)).where(birth.notna())
    sex_digit = ids.str.slice(16, 17).where(~is15, ids.str.slice(14, 15))
    female = pd.to_numeric(sex_digit, errors="coerce") % 2 == 0
    return age, female


# ---- indicators ------------------------------------------------------------------------------


def _in_month(d: pd.Series, period: pd.Series, me: pd.Series) -> pd.Series:
    return (d >= period) & (d <= me)


def community_facts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cp = _latest_per_key(tables["community_profile"], "community_profile")
    pop = pd.DataFrame(
        {
            "period": cp["period"],
            "community_code": cp["community_code"],
            "num": 0.0,
            "den": number(cp["resident_population"]).fillna(0),
        }
    )
    facts = []

    def add(code: str, frame: pd.DataFrame, num, den=np.nan) -> None:
        facts.append(
            pd.DataFrame(
                {
                    "code": code,
                    "period": frame["period"],
                    "community_code": frame["community_code"],
                    "num": num,
                    "den": den,
                }
            )
        )

    hh = _latest_per_key(tables["dibao_household"], "dibao_household")
    me = hh["period"] + pd.offsets.MonthEnd(0)
    persons = number(hh["persons"]).fillna(0)
    approval, review = date(hh["approval_date"]), date(hh["last_review_date"])
    active = text(hh["status"]) == "在保"
    a = active.fillna(False)
    add("DB_HOUSEHOLDS", hh[a], 1.0)
    add("DB_PERSONS", hh[a], persons[a])
    add("DB_RATE", hh[a], persons[a], 0.0)
    facts.append(pop.assign(code="DB_RATE"))
    add("DB_AVG_BENEFIT", hh[a], number(hh["monthly_benefit_yuan"]).fillna(0)[a], persons[a])
    latest = pd.concat([approval, review], axis=1).max(axis=1)
    timely = (latest > me - pd.DateOffset(years=1)) & (latest <= me)
    add("DB_REVIEW_TIMELY", hh[a], timely[a].astype(float), 1.0)
    new = _in_month(approval, hh["period"], me).fillna(False)
    add("DB_NEW_HOUSEHOLDS", hh[new], 1.0)
    exited = (text(hh["status"]) == "停保").fillna(False) & _in_month(
        date(hh["exit_date"]), hh["period"], me
    ).fillna(False)
    add("DB_EXITED_HOUSEHOLDS", hh[exited], 1.0)

    fl = _latest_per_key(tables["floating_population"], "floating_population")
    me = fl["period"] + pd.offsets.MonthEnd(0)
    cancel = date(fl["cancel_date"])
    act = (cancel.isna() | (cancel > me)).fillna(False)
    add("FL_REGISTERED", fl[act], 1.0)
    add("FL_SHARE", fl[act], 1.0, 0.0)
    facts.append(pop.assign(code="FL_SHARE"))
    permit = text(fl["permit_number"]).notna() & (date(fl["permit_valid_until"]) >= me)
    add("FL_PERMIT_RATE", fl[act], permit[act].fillna(False).astype(float), 1.0)
    add(
        "FL_CHILD_SCHOOL_RATE",
        fl[act],
        number(fl["children_in_school"]).fillna(0)[act],
        number(fl["accompanying_children"]).fillna(0)[act],
    )
    age, female = _age_female(fl["id_number"], me)
    women = act & female.fillna(False) & age.between(15, 49).fillna(False)
    add("FL_FP_SERVICE_RATE", fl[women], yes(fl["receives_fp_service"])[women].astype(float), 1.0)
    new = _in_month(date(fl["registration_date"]), fl["period"], me).fillna(False)
    add("FL_NEW", fl[new], 1.0)
    return pd.concat(facts, ignore_index=True)


def rollup(facts: pd.DataFrame) -> pd.DataFrame:
    regions = pd.read_csv(REGIONS_CSV, dtype=str, keep_default_na=False)
    communities = regions[regions["region_level"] == "community"][
        ["region_code", "street_code", "district_code"]
    ].rename(columns={"region_code": "community_code"})
    f = facts.merge(communities, on="community_code")
    f["city_code"] = CITY_CODE
    sums = [
        f.groupby(["code", "period", col], as_index=False)[["num", "den"]]
        .sum()
        .rename(columns={col: "region_code"})
        for col in ("community_code", "street_code", "district_code", "city_code")
    ]
    sums = pd.concat(sums, ignore_index=True)
    periods = pd.DataFrame({"period": sorted(facts["period"].unique())})
    grid = (
        pd.DataFrame({"code": list(CODES)})
        .merge(periods, how="cross")
        .merge(regions[["region_code", "region_level"]], how="cross")
        .merge(sums, on=["code", "period", "region_code"], how="left")
    )
    has_den = grid["code"].map(lambda c: CODES[c][0])
    factor = grid["code"].map(lambda c: CODES[c][1])
    num = grid["num"].fillna(0.0)
    den = grid["den"].fillna(0.0)
    value = np.where(has_den, num / den.where(den != 0) * factor, num)
    return pd.DataFrame(
        {
            "indicator_code": grid["code"],
            "period": grid["period"].dt.date,
            "region_code": grid["region_code"],
            "region_level": grid["region_level"],
            "numerator": num,
            "denominator": den.where(has_den),
            "value": value,
        }
    )


def run(landing: Path) -> tuple[pd.DataFrame, dict[str, float]]:
    """Values and timings (read, compute) of the pandas baseline."""
    t0 = time.perf_counter()
    tables = read_tables(landing)
    t1 = time.perf_counter()
    values = rollup(community_facts(tables))
    t2 = time.perf_counter()
    return values, {"read_s": t1 - t0, "compute_s": t2 - t1, "total_s": t2 - t0}


def compare(pandas_values: pd.DataFrame, floor_values: pd.DataFrame) -> dict:
    """Rows of the pandas subset whose numerator, denominator or value differ from the floor's."""
    key = ["indicator_code", "period", "region_code"]

    def keyed(df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(period=pd.to_datetime(df["period"]).dt.strftime("%Y-%m-%d"))

    m = keyed(pandas_values).merge(keyed(floor_values), on=key, how="left", suffixes=("", "_floor"))
    bad = pd.Series(False, index=m.index)
    for col in ("numerator", "denominator", "value"):
        a, b = m[col].astype(float), m[f"{col}_floor"].astype(float)
        same = (a.isna() & b.isna()) | np.isclose(a, b, rtol=1e-9, atol=1e-9)
        bad |= ~same
    return {
        "compared_rows": len(m),
        "mismatched_rows": int(bad.sum()),
        "examples": m[bad].head(5).astype(str).to_dict("records"),
    }
