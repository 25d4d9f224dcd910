"""kouryu reproduces the grades of 健康日本21（第二次）最終評価 (tests/corpus/kenkou21).

Every series and item grade the report prints is compared with kouryu's; the items the report
graded by a judgement no input can express are named in official.yaml with the reason, and
must still differ (if kouryu ever agrees, the exception is stale and the test says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.indicators.actuals import load_actuals
from kouryu_cli.indicators.evaluation import (
    Evaluation,
    Grade,
    as_of_year,
    evaluate_plan,
    overall_grade,
)
from kouryu_cli.planfile.loader import load_plan

CORPUS = Path(__file__).parent / "corpus" / "kenkou21"


def _official() -> dict[str, Any]:
    import yaml  # the reference file is plain YAML; kouryu's own reader is for its formats

    data: dict[str, Any] = yaml.safe_load((CORPUS / "official.yaml").read_text(encoding="utf-8"))
    return data


OFFICIAL = _official()
ITEMS: dict[str, dict[str, Any]] = OFFICIAL["items"]


def _plan() -> Plan:
    return load_actuals(CORPUS / "actuals.yaml", load_plan(CORPUS / "plan.yaml"))


@pytest.fixture(scope="module")
def evaluations() -> dict[str, list[Evaluation]]:
    by_item: dict[str, list[Evaluation]] = {}
    for evaluation in evaluate_plan(_plan(), as_of_year("R4")):
        by_item.setdefault(evaluation.indicator.id, []).append(evaluation)
    return by_item


def _item_grade(evaluations: list[Evaluation]) -> str:
    if len(evaluations) == 1:
        return evaluations[0].grade.short
    overall = evaluations[0].overall
    assert overall is not None
    return overall.grade.short


def test_corpus_size() -> None:
    plan = _plan()
    assert len(plan.indicators) == len(ITEMS) == 25
    assert sum(len(i.series) for i in plan.indicators) == 40


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_item_grade_is_the_reports(item: str, evaluations: dict[str, list[Evaluation]]) -> None:
    official = ITEMS[item]
    ours = _item_grade(evaluations[item])
    if "exception" in official:
        assert ours != official["grade"], f"{item}: the exception in official.yaml is stale"
        return
    if official["grade"] is not None:
        assert ours == official["grade"], f"{item}: kouryu {ours}, report {official['grade']}"
    for key, grade in (official.get("series") or {}).items():
        (found,) = (e for e in evaluations[item] if e.series.key == key)
        assert found.grade.short == grade, f"{item} {key}: kouryu {found.grade.short}"


def test_exactly_two_items_are_not_reproduced() -> None:
    assert sorted(k for k, v in ITEMS.items() if "exception" in v) == ["K14", "K15"]


@pytest.mark.parametrize(
    "case", OFFICIAL["overall"], ids=lambda c: "+".join(c["grades"]) + "=" + c["grade"]
)
def test_overall_grade_is_the_reports(case: dict[str, Any]) -> None:
    grades = [Grade(g) for g in case["grades"]]
    assert overall_grade(grades).grade is Grade(case["grade"])


def test_the_survey_without_a_test_result_is_provisional(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    (smoking,) = evaluations["K13"]
    assert (smoking.grade, smoking.provisional, smoking.basis_text) == (
        Grade.B_STAR,
        True,
        "5%目安（暫定）",
    )


def test_no_change_in_a_survey_is_c_although_the_guide_says_b_star(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    (treatment,) = evaluations["K06"]
    assert (treatment.grade, treatment.basis_text) == (Grade.C, "有意差（変化なし）")
    assert treatment.relative_change is not None
    assert treatment.relative_change > 5  # the 5 % guide alone would not say C


def test_only_a_mid_term_figure_is_e_in_the_evaluation_period(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    (volunteers,) = evaluations["K09"]
    assert volunteers.grade is Grade.E
    assert volunteers.reason == "評価期間内の実績値なし（H29以降）"


def test_every_official_grade_names_its_page() -> None:
    for key, item in ITEMS.items():
        source = item["source"]
        assert source["url"].startswith("https://"), key
        assert isinstance(source["page"], int), key


def test_a_relative_target_is_the_reports_expected_reduction(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    by_key = {e.series.key: e for e in evaluations["K18"]}
    stroke = by_key["stroke-m"]
    assert stroke.series.target == pytest.approx(153.7 * (1 - 0.159))
    assert (stroke.grade, stroke.basis_text) == (Grade.A, "目標値")
    overall = stroke.overall
    assert overall is not None
    assert overall.grade is Grade.A


def test_a_significant_improvement_behind_the_line_is_b_star(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    (offices,) = evaluations["K21"]
    assert (offices.grade, offices.basis_text) == (Grade.B_STAR, "有意差（改善）")


def test_two_and_a_half_points_round_down_to_d(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    drinking = evaluations["K19"]
    assert [e.grade for e in drinking] == [Grade.C, Grade.D]
    overall = drinking[0].overall
    assert overall is not None
    assert (overall.grade, overall.points) == (Grade.D, 2.5)


def test_an_item_with_only_mid_term_figures_is_e_in_every_series(
    evaluations: dict[str, list[Evaluation]],
) -> None:
    participation = evaluations["K22"]
    assert {e.grade for e in participation} == {Grade.E}
    assert {e.reason for e in participation} == {"評価期間内の実績値なし（H29以降）"}


def test_a_series_with_its_own_baseline_year_is_checked_against_it(tmp_path: Path) -> None:
    # 児童精神科医 (K08) is measured from H21, one year before the item's H22: its H21 figure
    # is its baseline, and a figure that differs from it there is refused.
    plan = load_plan(CORPUS / "plan.yaml")
    good = tmp_path / "good.csv"
    good.write_text("指標ID,内訳,年度,実績値\nK08,child-psychiatry,H21,10.6\n", encoding="utf-8")
    series = load_actuals(good, plan).indicators[7].series[1]
    assert [(o.year.label, o.value) for o in series.actuals] == [("H21", 10.6)]
    bad = tmp_path / "bad.csv"
    bad.write_text("指標ID,内訳,年度,実績値\nK08,child-psychiatry,H21,11.6\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="the baseline year of K08 児童精神科医師"):
        load_actuals(bad, plan)
