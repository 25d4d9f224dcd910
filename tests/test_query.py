"""Pure query functions: age words, filters, departments, matrix."""

from __future__ import annotations

import pytest

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.model import AgeGroup, Icon, Plan
from kouryu_cli.measures.query import (
    MeasureFilter,
    MeasureIndex,
    filter_measures,
    find_measure,
    neighbours,
    parse_age,
    parse_icon,
    resolve_department,
)
from kouryu_cli.measures.tallies import department_tallies, matrix

SENIOR, ADULT, CHILD = AgeGroup.SENIOR, AgeGroup.WORKING_AGE, AgeGroup.UNDER_18


@pytest.mark.parametrize(
    ("typed", "group"),
    [
        ("65+", SENIOR),
        ("65歳以上", SENIOR),
        ("65以上", SENIOR),
        ("senior", SENIOR),
        ("６５＋", SENIOR),
        ("６５歳以上", SENIOR),
        ("Senior", SENIOR),
        ("18-64", ADULT),
        ("18～64", ADULT),
        ("18〜64", ADULT),
        ("18~64", ADULT),
        ("１８－６４", ADULT),
        ("18～64歳", ADULT),
        ("adult", ADULT),
        ("18‐64", ADULT),
        ("0-17", CHILD),
        ("<18", CHILD),
        ("u18", CHILD),
        ("U18", CHILD),
        ("18歳未満", CHILD),
        ("child", CHILD),
        ("０-１７", CHILD),
        # ー as an IME types a dash, full or half width
        ("18ー64", ADULT),
        ("18ｰ64", ADULT),
        ("18歳ー64歳", ADULT),
        ("０ー１７", CHILD),
        ("65ー", SENIOR),
        ("シニア", SENIOR),
    ],
)
def test_parse_age_accepts_what_people_type(typed: str, group: AgeGroup) -> None:
    assert parse_age(typed) is group


@pytest.mark.parametrize("typed", ["", "65", "70+", "18-65", "老人", "65歳以下"])
def test_parse_age_rejects_with_the_valid_values(typed: str) -> None:
    with pytest.raises(ValueError, match=r"expected 0-17 \(18歳未満, child\)"):
        parse_age(typed)


@pytest.mark.parametrize(
    ("typed", "icon"),
    [
        ("知守", Icon.KNOW_PROTECT),
        ("食事", Icon.DIET),
        ("運動", Icon.EXERCISE),
        ("exercise", Icon.EXERCISE),
    ],
)
def test_parse_icon(typed: str, icon: Icon) -> None:
    assert parse_icon(typed) is icon


def ids(measures: list) -> list[str]:  # type: ignore[type-arg]
    return [m.id for m in measures]


@pytest.mark.parametrize(
    ("wanted", "count"),
    [
        (MeasureFilter(), 49),
        (MeasureFilter(ages=(SENIOR,)), 40),
        (MeasureFilter(ages=(ADULT,)), 44),
        (MeasureFilter(ages=(CHILD,)), 33),
        (MeasureFilter(ages=(SENIOR,), only_ages=True), 4),
        (MeasureFilter(ages=(CHILD,), only_ages=True), 1),
        (MeasureFilter(ages=(ADULT, SENIOR), only_ages=True), 10),
        (MeasureFilter(ages=(CHILD, SENIOR)), 47),
        (MeasureFilter(policies=(1,)), 11),
        (MeasureFilter(policies=(2, 3)), 38),
        (MeasureFilter(icons=(Icon.EXERCISE,)), 6),
        (MeasureFilter(icons=(Icon.DIET,)), 4),
        (MeasureFilter(icons=(Icon.KNOW_PROTECT,)), 5),
        (MeasureFilter(departments=("高齢",)), 8),
        (MeasureFilter(departments=("高齢", "障害")), 9),
        (MeasureFilter(departments=("高齢",), ages=(CHILD,)), 0),
        (MeasureFilter(queries=("ボランティア",)), 3),
        (MeasureFilter(queries=("子育て 交流",)), 6),  # 子育て also matches 子育て支援課
        (MeasureFilter(queries=("子育て 交流", "ボランティア")), 9),  # a measure of one query
        (MeasureFilter(queries=("ボランティア", "ボランティア")), 3),
    ],
)
def test_filter_counts(plan: Plan, wanted: MeasureFilter, count: int) -> None:
    assert len(filter_measures(plan, wanted)) == count


def test_matches_answers_alike_before_and_after_select(plan: Plan) -> None:
    wanted = MeasureFilter(departments=("高齢",))
    index = MeasureIndex(plan, wanted)
    before = [m.id for m in plan.measures if index.matches(m)]
    selected = [m.id for m in index.select()]
    after = [m.id for m in plan.measures if index.matches(m)]
    assert len(before) == 8
    assert before == selected == after


def test_only_age_65_lists_exactly_the_four_senior_only_measures(plan: Plan) -> None:
    found = filter_measures(plan, MeasureFilter(ages=(SENIOR,), only_ages=True))
    assert [m.name for m in found] == [
        "地域介護予防活動支援事業",
        "高齢者団体の活性化",
        "生きがいと健康づくり推進事業",
        "高齢者等緊急時見守り事業",
    ]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("高齢福祉課", "高齢福祉課"),
        ("高齢", "高齢福祉課"),
        ("こうれいふくしか", "高齢福祉課"),
        ("シティ", "シティセールス課"),
        ("してぃ", "シティセールス課"),
    ],
)
def test_resolve_department(plan: Plan, typed: str, name: str) -> None:
    assert resolve_department(plan, typed).name == name


def test_ambiguous_department_lists_the_candidates(plan: Plan) -> None:
    with pytest.raises(
        UsageError, match="'福祉' matches 3 departments: 高齢福祉課、障害福祉課、社会福祉課"
    ):
        resolve_department(plan, "福祉")


def test_unknown_department_suggests_the_closest(plan: Plan) -> None:
    with pytest.raises(
        UsageError,
        match=r"no department '高齢副祉課'. Did you mean 高齢福祉課 or 障害福祉課 or 社会福祉課\?",
    ):
        resolve_department(plan, "高齢副祉課")


def test_department_tallies(plan: Plan) -> None:
    facets = {f.name: f for f in department_tallies(plan)}
    elderly = facets["高齢福祉課"]
    assert (elderly.measures, elderly.ages[CHILD], elderly.ages[ADULT], elderly.ages[SENIOR]) == (
        8,
        0,
        4,
        8,
    )
    children = facets["子育て支援課"]
    assert (
        children.measures,
        children.ages[CHILD],
        children.ages[ADULT],
        children.ages[SENIOR],
    ) == (8, 8, 7, 2)


def test_matrix_total_row(plan: Plan) -> None:
    total = matrix(plan)[-1]
    assert (total.name, total.measures) == ("合計（事業数）", 49)
    assert (total.ages[CHILD], total.ages[ADULT], total.ages[SENIOR]) == (33, 44, 40)
    assert total.icons == {Icon.KNOW_PROTECT: 5, Icon.DIET: 4, Icon.EXERCISE: 6}


def test_find_measure_by_id_name_alias_and_part(plan: Plan) -> None:
    assert find_measure(plan, "2-1-07").name == "現代ガラス展開催事業"
    assert find_measure(plan, "認知症カフェ").id == "2-1-21"
    assert find_measure(plan, "地域介護活動予防支援事業").id == "2-1-20"
    with pytest.raises(UsageError, match="matches 2 measures"):
        find_measure(plan, "きらら")


def test_neighbours_share_a_department(plan: Plan) -> None:
    measure = find_measure(plan, "3-1-14")
    assert neighbours(plan, measure) == []
    assert len(neighbours(plan, find_measure(plan, "2-1-21"))) == 7
