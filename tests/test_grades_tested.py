"""Significance tests, the evaluation period and the plan keys of the grading (issue 22)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.core.model import Significance
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import load_plan
from tests.conftest import Run
from tests.test_loader import MINIMAL, messages

Write = Callable[[str, str], Path]
CORPUS = Path(__file__).parent / "corpus" / "kenkou21"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("改善", Significance.IMPROVED),
        ("有意に改善", Significance.IMPROVED),
        ("ｉｍｐｒｏｖｅｄ", Significance.IMPROVED),
        ("変化なし", Significance.UNCHANGED),
        ("有意差なし", Significance.UNCHANGED),
        ("Unchanged", Significance.UNCHANGED),
        ("悪化", Significance.WORSENED),
        ("有意に悪化", Significance.WORSENED),
        ("worsened", Significance.WORSENED),
        ("有意", None),
        ("", None),
    ],
)
def test_significance_words(written: str, expected: Significance | None) -> None:
    assert Significance.parse(written) is expected


def test_relative_target_series_years_and_history_are_read(write: Write) -> None:
    text = MINIMAL.replace(
        "        target: 107\n",
        "        target: １０％ 増加\n        baseline_year: {year: R2, western_year: 2020}\n"
        "        tested: true\n",
    ).replace(
        "    series:\n",
        "    history:\n      - revised: {year: R4, western_year: 2022}\n"
        "        target: 100か所\n        note: 中間評価\n    series:\n",
    )
    plan = load_plan(write("plan.yaml", text))
    (indicator,) = plan.indicators
    (series,) = indicator.series
    assert series.target == pytest.approx(99.0)
    assert (series.target_change, series.tested) == (10.0, True)
    assert indicator.baseline_year_of(series).year == 2020
    (revision,) = indicator.history
    assert (revision.revised.year, revision.target, revision.note) == (2022, "100か所", "中間評価")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        target: 107\n",
            "        target: 107\n        tested: yes\n",
            ":46:17: indicators[0].series[0].tested: expected true or false, got 'yes'",
        ),
        (
            "          - {year: 令和4年度, value: 95}",
            "          - {year: 令和4年度, value: 95, significance: 有意}",
            ":47:52: indicators[0].series[0].actuals[0].significance: unknown value '有意' "
            "(expected 改善, 有意に改善, improved, 変化なし, 有意差なし, unchanged, 悪化, "
            "有意に悪化, worsened)",
        ),
        (
            "    series:\n",
            "    history:\n      - revised: {year: R4, western_year: 2022}\n    series:\n",
            ":43:9: indicators[0].history[0]: a revision needs at least one of "
            "baseline, baseline_year, target, target_year",
        ),
        (
            "    series:\n",
            "    history:\n      - {revised: {year: R4, western_year: 2022}, series: x, "
            "target: '1'}\n    series:\n",
            ":43:59: indicators[0].history[0].series: unknown series 'x' (expected —)",
        ),
    ],
)
def test_grading_keys_are_validated(write: Write, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL
    with pytest.raises(DataFileError) as caught:
        load_plan(write("plan.yaml", MINIMAL.replace(old, new, 1)))
    assert messages(caught.value) == [expected]


def test_the_city_plan_has_no_basis_column_without_tests(run: Run) -> None:
    result = run("indicators", "--as-of", "R7", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert all("basis" not in r for r in json.loads(result.stdout))


def _corpus(run: Run, *args: str) -> list[dict[str, object]]:
    result = run(
        "--data", str(CORPUS / "plan.yaml"), "indicators", "--actuals",
        str(CORPUS / "actuals.yaml"), "--as-of", "R4", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_json_names_the_rule_behind_every_grade(run: Run) -> None:
    first = _corpus(run, "--format", "json")[0]
    assert first["basis"] == {
        "rule": "significance",
        "label": "有意差（改善）",
        "significance": "improved",
        "provisional": False,
    }


def test_since_before_every_figure_lets_the_mid_term_figure_count(run: Run) -> None:
    by_id = {r["id"]: r for r in _corpus(run, "--since", "H22", "--format", "json")}
    assert by_id["K09"]["status"] == "C"  # 27.7 → 27.8: no period leaves H28 in use
    by_id = {r["id"]: r for r in _corpus(run, "--format", "json")}
    assert by_id["K09"]["status"] == "E"
    assert by_id["K09"]["reason"] == "評価期間内の実績値なし（H29以降）"


def test_csv_significance_column_and_an_unknown_result(run: Run, write: Write) -> None:
    good = write("a.csv", "指標ID,内訳,年度,実績値,有意差\nK06,,R1,67.6,有意差なし\n")
    result = run(
        "--data", str(CORPUS / "plan.yaml"), "indicators", "--actuals", str(good),
        "--as-of", "R4", "--format", "json",
    )  # fmt: skip
    (k06,) = [r for r in json.loads(result.stdout) if r["id"] == "K06"]
    assert (k06["status"], k06["basis"]["label"]) == ("C", "有意差（変化なし）")
    bad = write("b.csv", "指標ID,内訳,年度,実績値,有意差\nK06,,R1,67.6,たぶん\n")
    result = run("--data", str(CORPUS / "plan.yaml"), "indicators", "--actuals", str(bad))
    assert result.exit_code == 3
    assert "unknown significance 'たぶん'" in result.stderr
