"""Header row below title lines; aliases, full-width and spaced spellings; missing columns."""

from pipelines.contract.tables import TABLES
from pipelines.ingest.headers import best_missing, find_header, map_headers

MEMBER = TABLES["dibao_member"]
FLOATING = TABLES["floating_population"]


def test_header_found_below_title_lines_with_alias():
    rows = [
        ["2025年3月历下区低保家庭成员花名册", "", ""],
        ["填报单位：历下区民政局    填报日期：2025年4月3日", "", ""],
        ["保障户编号", "姓名", "公民身份号码", "与户主关系"],
        ["LX001", "张三", "370102198001011234", "本人"],
    ]
    match = find_header(MEMBER, rows)
    assert match is not None and match.index == 2
    assert match.columns == ["household_id", "name", "id_number", "relation_to_head"]


def test_fullwidth_brackets_spaces_and_unknown_columns():
    cells = ["登记编号", " 身 份 证 号 ", "现居住地址", "居住证编号", "联系电话", "登记日期"]
    columns, unknown = map_headers(FLOATING, cells)
    assert columns == [
        "registration_id",
        "id_number",
        "address",
        "permit_number",
        None,
        "registration_date",
    ]
    assert unknown == ["联系电话"]
    cols, _ = map_headers(
        TABLES["community_profile"], ["村（居）委会成员数", "办公及服务用房面积（平方米）"]
    )
    assert cols == ["committee_members", "office_area_m2"]


def test_fullwidth_letters_in_headers_are_folded():
    cols, _ = map_headers(TABLES["health_contract"], ["６５岁及以上人口"])
    assert cols == [None]  # not a health_contract column: stays unknown
    cols, _ = map_headers(TABLES["community_profile"], ["６５岁及以上人口"])
    assert cols == ["population_65_plus"]


def test_missing_required_columns_are_named_in_chinese():
    rows = [["保障户编号", "姓名", "与户主关系"]]
    assert find_header(MEMBER, rows) is None
    assert best_missing(MEMBER, rows) == ["身份证号"]


def test_one_of_columns():
    wage = TABLES["district_wage"]
    assert find_header(wage, [["区县名称", "年度", "在岗职工平均工资"]]) is not None
    assert best_missing(wage, [["年度", "在岗职工平均工资"]]) == ["区县代码或区县名称"]
