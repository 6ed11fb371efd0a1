"""The landing contract (../shared/spec/extracts.md) as data.

One place that the generator, the readers, the quality checks and the dbt
sources all read: a new alias or column is a change here and nowhere else.

Column ``name`` is the canonical English identifier used in ``raw.<table>``;
``header`` is the canonical Chinese header, ``aliases`` the other headers in
use.  ``kind`` drives parsing:

- ``code12``  12-digit region code (a number in Excel is exact and valid)
- ``text``    free text, NFKC-normalised and trimmed
- ``int`` / ``number`` / ``amount``  (amount accepts ``1,234.50`` and ``元``)
- ``date``    every date form of the contract, Excel serials included
- ``bool``    是/否, Y/N, 1/0, 有/无 (blank = unknown, NULL)
- ``enum``    one of ``values`` (``无`` and blank = NULL)
- ``id_number``  GB 11643 ID: validated, pseudonymised, never stored
- ``name`` / ``address``  personal: used (address for region) then dropped
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    values: tuple[str, ...] = ()
    # personal columns never reach the warehouse in clear
    personal: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Table:
    name: str
    department: str
    label: str  # Chinese name shown to users
    keywords: tuple[str, ...]  # file-name keywords; longest match wins
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # record key (⚷): counted once per table-month
    # roster tables carry a region (code, names or address) resolved to a community
    has_region: bool = False
    # per-district monthly deliveries whose completeness is tracked
    monthly: bool = True
    # full-list tables: the latest delivery at or before a month is in force
    full_list: bool = False
    # where a table has one ID column, the derived personal columns come from it
    id_column: str | None = None
    # at least one of these columns must be present (district_wage)
    one_of: tuple[str, ...] = ()
    excel_native: bool = False  # departments send it as Excel (the generator's choice)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")


YES_NO = "bool"

# Region columns shared by the person tables (extracts.md, "region").
REGION_COLUMNS: tuple[Column, ...] = (
    Column("community_code", "社区代码", "code12", ("社区编码", "现居住社区代码")),
    Column("district_name", "区县", "text", ("区县名称",)),
    Column("street_name", "街道", "text", ("街道名称", "街道(镇)")),
    Column("community_name", "社区", "text", ("社区名称", "村居名称")),
    Column("address", "家庭住址", "address", ("现居住地址", "地址"), personal=True),
)

DEPARTMENTS = {
    "civil_affairs": "民政局",
    "human_resources": "人力资源和社会保障局",
    "health": "卫生健康委员会",
    "public_security": "公安局",
    "statistics": "统计局",
}

COMMUNITY_PROFILE = Table(
    name="community_profile",
    department="civil_affairs",
    label="社区基础信息",
    keywords=("社区基础信息",),
    key=("community_code",),
    excel_native=True,
    columns=(
        Column("community_code", "社区代码", "code12", ("社区编码", "村居代码"), required=True),
        Column("community_name", "社区名称", "text", ("村居名称",), required=True),
        Column("street_name", "街道名称", "text", ("街道(镇)",)),
        Column("district_name", "区县名称", "text"),
        Column("community_type", "社区类型", "enum", values=("居委会", "村委会")),
        Column("is_old_city", "是否老城区", YES_NO),
        Column("households", "户数", "int", ("总户数",), required=True),
        Column("resident_population", "常住人口", "int", ("常住人口数",), required=True),
        Column("registered_population", "户籍人口", "int"),
        Column("population_65_plus", "65岁及以上人口", "int", ("老年人口(65岁以上)",)),
        Column("committee_members", "居委会成员数", "int", ("村(居)委会成员数",), required=True),
        Column("community_workers", "社区工作者数", "int"),
        Column(
            "office_area_m2",
            "办公服务用房面积",
            "number",
            ("办公及服务用房面积(平方米)",),
            required=True,
        ),
        Column("has_service_station", "是否设立社区服务站", YES_NO),
        Column("police_officers", "社区民警数", "int"),
        Column("funds_city_yuan", "工作经费市级", "amount"),
        Column("funds_district_yuan", "工作经费区级", "amount"),
        Column("member_allowance_yuan", "成员月均生活补贴", "amount"),
        Column("members_pension_insured", "参加养老保险成员数", "int"),
        Column("members_medical_insured", "参加医疗保险成员数", "int"),
    ),
)

SERVICE_CENTER = Table(
    name="service_center",
    department="civil_affairs",
    label="社区服务中心",
    keywords=("社区服务中心",),
    monthly=False,
    full_list=True,
    excel_native=True,
    columns=(
        Column("level", "级别", "enum", required=True, values=("区县", "街道")),
        # 6 or 9 digits, or the 12-digit padded form; normalised to 12 at ingestion
        Column("region_code", "区划代码", "text", required=True),
        Column("center_name", "名称", "text"),
        Column("floor_area_m2", "建筑面积", "number", required=True),
        Column("integrated_with_gov_hall", "是否与政务大厅整合", YES_NO),
    ),
)

DISTRICT_WAGE = Table(
    name="district_wage",
    department="statistics",
    label="在岗职工平均工资",
    keywords=("在岗职工平均工资",),
    monthly=False,
    full_list=True,
    excel_native=True,
    one_of=("district_code", "district_name"),
    columns=(
        Column("district_code", "区县代码", "text"),
        Column("district_name", "区县名称", "text"),
        Column("year", "年度", "int", required=True),
        Column("avg_wage_yuan", "在岗职工平均工资", "amount", required=True),
    ),
)

DIBAO_HOUSEHOLD = Table(
    name="dibao_household",
    department="civil_affairs",
    label="低保家庭",
    keywords=("低保家庭",),
    key=("household_id",),
    has_region=True,
    id_column="head_id_number",
    excel_native=True,
    columns=(
        Column("household_id", "保障户编号", "text", required=True),
        Column("head_name", "户主姓名", "name", personal=True),
        Column("head_id_number", "户主身份证号", "id_number", required=True, personal=True),
        *REGION_COLUMNS,
        Column("category", "保障类别", "enum", required=True, values=("城市低保", "农村低保")),
        Column("persons", "保障人数", "int", required=True),
        Column("monthly_income_yuan", "家庭月收入", "amount"),
        Column("monthly_benefit_yuan", "月保障金额", "amount", required=True),
        Column("approval_date", "审批日期", "date", required=True),
        Column("last_review_date", "最近复核日期", "date"),
        Column("status", "保障状态", "enum", required=True, values=("在保", "停保")),
        Column("exit_date", "停保日期", "date"),
        Column("hardship_cause", "致困原因", "text"),
    ),
)

DIBAO_MEMBER = Table(
    name="dibao_member",
    department="civil_affairs",
    label="低保成员",
    keywords=("低保成员", "低保家庭成员", "低保人员"),
    key=("household_id", "id_number"),
    id_column="id_number",
    excel_native=True,
    columns=(
        Column("household_id", "保障户编号", "text", required=True),
        Column("name", "姓名", "name", personal=True),
        Column(
            "id_number",
            "身份证号",
            "id_number",
            ("公民身份号码", "身份证号码"),
            required=True,
            personal=True,
        ),
        Column(
            "relation_to_head",
            "与户主关系",
            "enum",
            values=("本人", "配偶", "子女", "父母", "其他"),
        ),
        Column("able_to_work", "是否有劳动能力", YES_NO),
        Column("disabled", "是否残疾", YES_NO),
    ),
)

UNEMPLOYMENT_ROSTER = Table(
    name="unemployment_roster",
    department="human_resources",
    label="失业登记",
    keywords=("失业登记",),
    key=("registration_id",),
    has_region=True,
    id_column="id_number",
    columns=(
        Column("registration_id", "失业登记号", "text", required=True),
        Column("name", "姓名", "name", personal=True),
        Column("id_number", "身份证号", "id_number", required=True, personal=True),
        Column("reported_sex", "性别", "enum", values=("男", "女")),
        *REGION_COLUMNS,
        Column("registration_date", "失业登记日期", "date", required=True),
        Column("difficulty_categories", "就业困难人员类别", "text"),
        Column("status", "登记状态", "enum", required=True, values=("失业", "已就业", "注销")),
        Column("reemployment_date", "再就业日期", "date"),
        Column(
            "reemployment_mode",
            "再就业方式",
            "enum",
            values=("单位就业", "灵活就业", "公益性岗位", "自主创业"),
        ),
        Column("in_training", "是否参加培训", YES_NO),
    ),
)

HEALTH_CONTRACT = Table(
    name="health_contract",
    department="health",
    label="家庭医生签约",
    keywords=("家庭医生签约",),
    key=("contract_id",),
    has_region=True,
    id_column="id_number",
    columns=(
        Column("contract_id", "签约编号", "text", required=True),
        Column("name", "姓名", "name", personal=True),
        Column("id_number", "身份证号", "id_number", required=True, personal=True),
        *REGION_COLUMNS,
        Column("institution", "签约机构", "text"),
        Column("contract_date", "签约日期", "date", required=True),
        Column("expiry_date", "到期日期", "date"),
        Column("key_groups", "重点人群类别", "text"),
        Column("followups_this_year", "本年随访次数", "int"),
        Column("is_managed", "是否规范管理", YES_NO),
    ),
)

HEALTH_FACILITY = Table(
    name="health_facility",
    department="health",
    label="卫生服务机构",
    keywords=("卫生服务机构",),
    key=("facility_code",),
    excel_native=True,
    columns=(
        Column("facility_code", "机构代码", "text", required=True),
        Column("facility_name", "机构名称", "text", required=True),
        Column(
            "facility_type",
            "机构类型",
            "enum",
            required=True,
            values=("社区卫生服务中心", "社区卫生服务站", "村卫生室"),
        ),
        Column("community_code", "所在社区代码", "code12", required=True),
        Column("general_practitioners", "全科医生数", "int"),
        Column("physicians", "执业(助理)医师数", "int"),
        Column("nurses", "注册护士数", "int"),
    ),
)

FLOATING_POPULATION = Table(
    name="floating_population",
    department="public_security",
    label="流动人口",
    keywords=("流动人口",),
    key=("registration_id",),
    has_region=True,
    id_column="id_number",
    columns=(
        Column("registration_id", "登记编号", "text", required=True),
        Column("name", "姓名", "name", personal=True),
        Column("id_number", "身份证号", "id_number", required=True, personal=True),
        Column("reported_sex", "性别", "enum", values=("男", "女")),
        Column("hukou_region_code", "户籍地区划代码", "text"),
        *REGION_COLUMNS,
        Column("registration_date", "登记日期", "date", required=True),
        Column(
            "residence_reason",
            "居住事由",
            "enum",
            values=("务工", "经商", "就学", "随迁家属", "投亲靠友", "其他"),
        ),
        # often the ID number itself: kept only as has_permit
        Column("permit_number", "居住证编号", "text", personal=True),
        Column("permit_valid_until", "居住证有效期至", "date"),
        Column("accompanying_children", "随迁子女数", "int"),
        Column("children_in_school", "随迁子女在校数", "int"),
        Column("receives_fp_service", "是否接受计生服务", YES_NO),
        Column("cancel_date", "注销日期", "date"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        COMMUNITY_PROFILE,
        SERVICE_CENTER,
        DISTRICT_WAGE,
        DIBAO_HOUSEHOLD,
        DIBAO_MEMBER,
        UNEMPLOYMENT_ROSTER,
        HEALTH_CONTRACT,
        HEALTH_FACILITY,
        FLOATING_POPULATION,
    )
}

# Lineage columns on every raw table (architecture.md, extracts.md).
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "DATE"),  # first day of the reporting month (from the folder)
    ("source_file", "VARCHAR"),  # path relative to landing/
    ("file_sha256", "VARCHAR"),
    ("arrived_at", "TIMESTAMP"),  # the file's modification time as delivered
    ("source_row", "INTEGER"),  # 1-based row as Excel or an editor shows it
    ("load_id", "VARCHAR"),
    ("delivery_district_code", "VARCHAR"),  # from the file name; NULL = city-wide
)

# Derived personal columns allowed in the warehouse (never the birth date).
PERSON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person_key", "VARCHAR"),  # HMAC-SHA256 of the normalised 18-digit number
    ("birth_year", "INTEGER"),
    ("age_at_month_end", "INTEGER"),
    ("sex", "VARCHAR"),  # 男 / 女, from the ID number
    ("id_region_prefix", "VARCHAR"),  # first 6 digits
)

# Quarantine reasons: code → readable Chinese reason.
QUARANTINE_REASONS: dict[str, str] = {
    "id_length": "身份证号长度不是18位或15位",
    "id_chars": "身份证号含非法字符",
    "id_birth_date": "身份证号中的出生日期无效",
    "id_check_char": "身份证号校验位错误",
    "id_excel_number": "身份证号被Excel存为数值（科学计数法或小数），已丢失位数",
    "required_missing": "必填项为空",
    "bad_date": "日期无法识别",
    "bad_number": "数值无法识别",
    "bad_enum": "取值不在允许范围内",
    "bad_code": "区划代码格式错误",
    "region_missing": "未提供社区代码、名称或地址",
    "region_unknown": "无法匹配到社区",
    "region_ambiguous": "匹配到多个社区",
    "region_conflict": "社区代码与名称不一致",
}

SQL_TYPES = {
    "code12": "VARCHAR",
    "text": "VARCHAR",
    "int": "BIGINT",
    "number": "DOUBLE",
    "amount": "DOUBLE",
    "date": "DATE",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
}


def table_for_filename(filename: str) -> Table | None:
    """The table a delivered file belongs to: the longest keyword in its name wins."""
    best: tuple[int, Table] | None = None
    for table in TABLES.values():
        for kw in table.keywords:
            if kw in filename and (best is None or len(kw) > best[0]):
                best = (len(kw), table)
    return best[1] if best else None


def raw_columns(table: Table) -> list[tuple[str, str]]:
    """Columns of ``raw.<table>``: typed non-personal columns, resolved region,
    derived personal columns, lineage."""
    cols: list[tuple[str, str]] = []
    for c in table.columns:
        if c.personal:
            continue
        if table.has_region and c.name == "community_code":
            continue  # replaced by the resolved community below
        cols.append((c.name, SQL_TYPES[c.kind]))
    if table.has_region:
        cols.append(("community_code", "VARCHAR"))
    if table.name == "floating_population":
        cols.append(("has_permit", "BOOLEAN"))
    if table.id_column:
        cols.extend(PERSON_COLUMNS)
    cols.extend(LINEAGE_COLUMNS)
    return cols
