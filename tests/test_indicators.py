"""The evaluation arithmetic: fiscal year, straight line, gap, progress rate and the grades.

Every expected value has its hand calculation beside it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.model import EraYear, Indicator, Observation, Plan, Series, TargetKind
from kouryu_cli.indicators import command, views
from kouryu_cli.indicators import evaluation as indicators
from kouryu_cli.indicators.evaluation import Grade, evaluate

AT_LEAST, AT_MOST, REACH = TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.REACH
INCREASE, DECREASE = TargetKind.INCREASE, TargetKind.DECREASE


def make(
    kind: TargetKind,
    baseline: float,
    target: float | None,
    actuals: dict[int, float] | None = None,
    *,
    start: int = 2020,
    end: int = 2030,
) -> tuple[Indicator, Series]:
    """An indicator with one series; actuals as {year: value}."""
    series = Series(
        key="",
        label="",
        unit="%",
        baseline=baseline,
        target=target,
        actuals=tuple(
            Observation(EraYear(str(y), y), v) for y, v in sorted((actuals or {}).items())
        ),
    )
    indicator = Indicator(
        id="X1",
        name="例",
        plan="",
        baseline_year=EraYear(str(start), start),
        baseline_written="",
        target_year=EraYear(str(end), end),
        target_kind=kind,
        target_written="",
        series=(series,),
    )
    return indicator, series


def at(year: int) -> EraYear:
    return EraYear(str(year), year)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 29), 2026),
        (date(2026, 4, 1), 2026),  # 年度 starts on 1 April
        (date(2026, 3, 31), 2025),  # still the previous 年度
        (date(2027, 1, 15), 2026),
    ],
)
def test_fiscal_year_starts_in_april(day: date, expected: int) -> None:
    assert indicators.fiscal_year(day) == expected


def test_as_of_defaults_to_the_current_fiscal_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indicators, "_today", lambda: date(2026, 11, 29))
    assert indicators.as_of_year() == EraYear("R8", 2026)


@pytest.mark.parametrize(
    ("label", "year"), [("R7", 2025), ("令和7年度", 2025), ("Ｈ31", 2019), ("2023", 2023)]
)
def test_as_of_reads_era_and_western_years(label: str, year: int) -> None:
    assert indicators.as_of_year(label) == EraYear(label, year)


def test_as_of_rejects_what_is_not_a_year() -> None:
    with pytest.raises(UsageError, match=r"^not a year: 'R'"):
        indicators.as_of_year("R")


@pytest.mark.parametrize("threshold", [0, -1, 100.5, float("nan"), float("inf")])
def test_threshold_must_be_a_sensible_percentage(threshold: float) -> None:
    with pytest.raises(UsageError, match="must be above 0 and at most 100"):
        indicators.check_threshold(threshold)


@pytest.mark.parametrize(
    ("kind", "baseline", "target", "expected"),
    [
        (AT_LEAST, 25.6, 30, 1),
        (AT_LEAST, 32, 30, 1),  # already met at baseline: the wording still says up
        (AT_MOST, 20, 15, -1),
        (INCREASE, 100, None, 1),
        (DECREASE, 100, None, -1),
        (REACH, 61, 80, 1),
        (REACH, 80, 61, -1),  # a bare number below the baseline means down
        (REACH, 20, 20, 0),  # keep the value
    ],
)
def test_direction(kind: TargetKind, baseline: float, target: float | None, expected: int) -> None:
    assert indicators.direction(kind, baseline, target) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2019, 20),  # before the baseline year: the baseline
        (2020, 20),
        (2025, 25),  # 20 + (30 − 20) × 5/10
        (2023, 23),  # 20 + 10 × 3/10
        (2030, 30),
        (2032, 30),  # after the target year: the target
    ],
)
def test_straight_line(year: int, expected: float) -> None:
    indicator, series = make(REACH, 20, 30)
    assert indicators.line_value(indicator, series, year) == pytest.approx(expected)


def test_no_expected_value_before_the_baseline_year(plan: Plan) -> None:
    """At H30 (2018) I3's line (from R2 = 2020) has not begun: nothing is expected of it."""
    found = indicators.evaluate_plan(plan, at(2018))
    by_id = {e.indicator.id: e for e in found}
    assert by_id["I3"].expected is None
    assert by_id["I1"].expected == pytest.approx(by_id["I1"].series.baseline + (30 - 25.6) / 13)


def test_no_straight_line_for_a_direction_only_target() -> None:
    indicator, series = make(INCREASE, 100, None)
    assert indicators.line_value(indicator, series, 2025) is None


# Baseline 20 (2020) → target 30 (2030) unless stated; actuals at 2021 lie on the line
# at 21, actuals at 2025 at 25.
GRADE_CASES = [
    # Exactly +5 %: (21 − 20) / 20 = 5 % ≥ 5 → improving; line at 2021 = 21, on it → B.
    ("exactly +5% on the line", REACH, 20, 30, {2021: 21}, Grade.B),
    # Just under: (20.99 − 20) / 20 = 4.95 % < 5 → C.
    ("just under +5%", REACH, 20, 30, {2021: 20.99}, Grade.C),
    # Exactly −5 %: (19 − 20) / 20 = −5 % ≤ −5 → D.
    ("exactly -5%", REACH, 20, 30, {2021: 19}, Grade.D),
    # Just under −5 %: (19.01 − 20) / 20 = −4.95 % → C.
    ("just under -5%", REACH, 20, 30, {2021: 19.01}, Grade.C),
    # +10 % but the line at 2025 is 25 and 22 < 25 → B*.
    ("improving but behind the line", REACH, 20, 30, {2025: 22}, Grade.B_STAR),
    # 25 at 2025 is exactly on the line → B.
    ("exactly on the line", REACH, 20, 30, {2025: 25}, Grade.B),
    # 30 reaches the bare target → A; 31 is beyond it → A.
    ("target reached exactly", REACH, 20, 30, {2025: 30}, Grade.A),
    ("beyond the target", AT_LEAST, 20, 30, {2025: 31}, Grade.A),
    # The latest actual counts: 2024 was 22 (B*), 2026 is 19 (−5 %) → D.
    ("the latest actual counts", REACH, 20, 30, {2024: 22, 2026: 19}, Grade.D),
    # Target 30 以上 already met by a baseline of 32: 31 is still ≥ 30 → A …
    ("met at baseline, still met", AT_LEAST, 32, 30, {2025: 31}, Grade.A),
    # … 29 is not: (29 − 32) / 32 = −9.375 % → D.
    ("met at baseline, then lost", AT_LEAST, 32, 30, {2025: 29}, Grade.D),
    # 増加: (105 − 100) / 100 = +5 % ≥ 5 → A; 104.99 → +4.99 % → C; 94 → −6 % → D.
    ("increase by exactly 5%", INCREASE, 100, None, {2025: 105}, Grade.A),
    ("increase just under 5%", INCREASE, 100, None, {2025: 104.99}, Grade.C),
    ("increase target, fell", INCREASE, 100, None, {2025: 94}, Grade.D),
    # 減少: (95 − 100) / 100 = −5 %, in the desired direction → +5 % → A; 106 → D.
    ("decrease by exactly 5%", DECREASE, 100, None, {2025: 95}, Grade.A),
    ("decrease target, rose", DECREASE, 100, None, {2025: 106}, Grade.D),
    # 以下 20 → 15: 19 is −5 % (desired) but the line at 2025 is 17.5 and 19 > 17.5 → B*.
    ("at-most, behind the line", AT_MOST, 20, 15, {2025: 19}, Grade.B_STAR),
    # 17 < 17.5 is ahead of the line: r = 3/20 = 15 % → B.
    ("at-most, ahead of the line", AT_MOST, 20, 15, {2025: 17}, Grade.B),
    # 15 ≤ 15 → A; 14 → A.
    ("at-most, reached", AT_MOST, 20, 15, {2025: 15}, Grade.A),
    ("at-most, beyond", AT_MOST, 20, 15, {2025: 14}, Grade.A),
    # 21 is +5 % upward: the wrong way → D.
    ("at-most, worse by 5%", AT_MOST, 20, 15, {2025: 21}, Grade.D),
    # After the target year the line is the target: 28 at 2032 < 30 → r = 40 % → B*.
    ("actual after the target year", REACH, 20, 30, {2032: 28}, Grade.B_STAR),
    # Keep-the-value target 20 → 20: 20 → A; 20.5 is off by 2.5 % → C; 22 by 10 % → D.
    ("keep the value, kept", REACH, 20, 20, {2025: 20}, Grade.A),
    ("keep the value, small drift", REACH, 20, 20, {2025: 20.5}, Grade.C),
    ("keep the value, drifted", REACH, 20, 20, {2025: 22}, Grade.D),
    # Baseline 0: a relative change cannot be computed → E, unless the target is met.
    ("baseline 0", REACH, 0, 10, {2025: 5}, Grade.E),
    ("baseline 0, target met", REACH, 0, 10, {2025: 10}, Grade.A),
    # An actual not later than the baseline year cannot show change → E.
    ("actual in the baseline year", REACH, 20, 30, {2020: 25}, Grade.E),
    ("actual before the baseline", REACH, 20, 30, {2018: 25}, Grade.E),
    ("no actual", REACH, 20, 30, {}, Grade.BASELINE_ONLY),
]


@pytest.mark.parametrize(
    ("kind", "baseline", "target", "actuals", "expected"),
    [case[1:] for case in GRADE_CASES],
    ids=[case[0] for case in GRADE_CASES],
)
def test_grade(
    kind: TargetKind,
    baseline: float,
    target: float | None,
    actuals: dict[int, float],
    expected: Grade,
) -> None:
    indicator, series = make(kind, baseline, target, actuals)
    assert evaluate(indicator, series, at(2040)).grade is expected


@pytest.mark.parametrize(
    ("threshold", "value", "expected"),
    [
        # (22 − 20) / 20 = 10 %: with t = 10 exactly at the boundary → improving (B*: line 25).
        (10, 22, Grade.B_STAR),
        # 21.9 → 9.5 % < 10 → C.
        (10, 21.9, Grade.C),
        # t = 1: 20.2 → 1 % → improving; 20.19 → 0.95 % → C.
        (1, 20.2, Grade.B_STAR),
        (1, 20.19, Grade.C),
    ],
)
def test_threshold_moves_the_boundary(threshold: float, value: float, expected: Grade) -> None:
    indicator, series = make(REACH, 20, 30, {2025: value})
    assert evaluate(indicator, series, at(2025), threshold).grade is expected


def test_as_of_before_any_actual_is_baseline_only() -> None:
    indicator, series = make(REACH, 20, 30, {2024: 26, 2026: 29})
    early = evaluate(indicator, series, at(2023))
    assert (early.grade, early.latest) == (Grade.BASELINE_ONLY, None)
    # Gap from the latest known value, the baseline: 30 − 20 = 10; no progress rate without actuals.
    assert (early.gap, early.progress_rate, early.change) == (10, None, None)
    # The line at 2023: 20 + 10 × 3/10 = 23.
    assert early.expected == pytest.approx(23)
    # As of 2025 the 2026 actual is ignored: latest is 26 at 2024.
    middle = evaluate(indicator, series, at(2025))
    assert middle.latest == Observation(EraYear("2024", 2024), 26)


def test_gap_progress_rate_and_expected() -> None:
    # 61 団体 (2020) → 80 (2025), 65 in 2024, as of 2025.
    indicator, series = make(REACH, 61, 80, {2024: 65}, start=2020, end=2025)
    result = evaluate(indicator, series, at(2025))
    assert result.gap == 15  # 80 − 65
    assert result.change == 4  # 65 − 61
    assert result.progress_rate == pytest.approx(4 / 19 * 100)  # 21.05 %
    assert result.relative_change == pytest.approx(4 / 61 * 100)  # 6.557 %
    assert result.expected == 80  # the line at the target year
    assert result.expected_at_latest == pytest.approx(76.2)  # 61 + 19 × 4/5
    assert result.grade is Grade.B_STAR
    assert result.overdue is False  # 2025 is the target year itself, not past it


def test_direction_only_gap_is_the_change_from_baseline() -> None:
    indicator, series = make(INCREASE, 146828, None, {2024: 154170})
    result = evaluate(indicator, series, at(2025))
    # 154170 − 146828 = 7342; 7342 / 146828 = 5.0004 % → A; no rate or line without a value.
    assert (result.gap, result.progress_rate, result.expected) == (7342, None, None)
    assert result.relative_change == pytest.approx(5.00041, abs=1e-5)
    assert result.grade is Grade.A


def test_progress_rate_is_undefined_for_a_target_met_at_baseline() -> None:
    indicator, series = make(AT_LEAST, 32, 30, {2025: 33})
    assert evaluate(indicator, series, at(2025)).progress_rate is None


@pytest.mark.parametrize(
    ("kind", "baseline", "target", "actuals", "as_of", "overdue"),
    [
        (REACH, 20, 30, {}, 2031, True),  # target year 2030 has passed, not met
        (REACH, 20, 30, {}, 2030, False),  # the target year itself is still running
        (REACH, 20, 30, {2029: 30}, 2031, False),  # met
        (REACH, 20, 30, {2032: 28}, 2033, True),  # actual after the target year, not met
        (AT_LEAST, 32, 30, {}, 2031, False),  # met at baseline
        (INCREASE, 100, None, {}, 2031, True),  # no increase shown
    ],
)
def test_overdue(
    kind: TargetKind,
    baseline: float,
    target: float | None,
    actuals: dict[int, float],
    as_of: int,
    overdue: bool,
) -> None:
    indicator, series = make(kind, baseline, target, actuals)
    assert evaluate(indicator, series, at(as_of)).overdue is overdue


def test_compound_indicator_grades_each_component(plan: Plan) -> None:
    # I3: 団体数 61 → 80 and 人数 5,480 → 6,000 (R2 → R7).
    compound = next(i for i in plan.indicators if i.id == "I3")
    groups, people = compound.series
    groups = replace(groups, actuals=(Observation(EraYear("R6", 2024), 65),))
    people = replace(people, actuals=(Observation(EraYear("R6", 2024), 5500),))
    # 団体数: (65 − 61) / 61 = 6.6 % ≥ 5, line at 2024 = 61 + 19 × 4/5 = 76.2 > 65 → B*.
    assert evaluate(compound, groups, at(2025)).grade is Grade.B_STAR
    # 人数: (5500 − 5480) / 5480 = 0.36 % → C.
    assert evaluate(compound, people, at(2025)).grade is Grade.C


def test_shipped_plan_is_baseline_only(plan: Plan) -> None:
    results = indicators.evaluate_plan(plan, at(2026))
    assert len(results) == 8
    counts = indicators.tally(results)
    assert views.tally_line(counts) == "A 0・B 0・B* 0・C 0・D 0・E 0・ベースラインのみ 8"
    overdue = [(e.indicator.id, e.series.key) for e in results if e.overdue]
    # Target years R7 (2025) and R5 (2023) are before 2026; R12 (2030) is not.
    assert overdue == [
        ("I3", "groups"),
        ("I3", "people"),
        ("I4", ""),
        ("I5", ""),
        ("I6", ""),
        ("I7", ""),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["A,B*"], (Grade.A, Grade.B_STAR)),
        (["b*", "d"], (Grade.B_STAR, Grade.D)),
        (["ベースラインのみ", "E"], (Grade.BASELINE_ONLY, Grade.E)),
        (["baseline-only,A,A"], (Grade.BASELINE_ONLY, Grade.A)),
        ([" C , "], (Grade.C,)),
    ],
)
def test_parse_grades(values: list[str], expected: tuple[Grade, ...]) -> None:
    assert command.parse_grades(values) == expected


def test_parse_grades_names_the_bad_one() -> None:
    with pytest.raises(ValueError, match=r"^unknown status 'F' \(expected A, B, B\*, C, D, E"):
        command.parse_grades(["A,F"])


def test_select_behind_target_and_grades() -> None:
    reached = evaluate(*make(REACH, 20, 30, {2025: 30}), at(2025))
    behind = evaluate(*make(REACH, 20, 30, {2025: 22}), at(2025))
    waiting = evaluate(*make(REACH, 20, 30), at(2025))
    everything = [reached, behind, waiting]
    assert command.select(everything, behind_target=True) == [behind, waiting]
    assert command.select(everything, grades=(Grade.A, Grade.B_STAR)) == [reached, behind]
    assert command.select(everything, behind_target=True, grades=(Grade.A,)) == []


# --- the grade of a whole indicator (総合評価) -------------------------------------------------

A, B, BS, C, D, E = Grade.A, Grade.B, Grade.B_STAR, Grade.C, Grade.D, Grade.E


@pytest.mark.parametrize(
    ("grades", "overall", "points"),
    [
        ([A, B], B, 4.5),  # x.5 rounds down (五捨六入); on course: A+A at the target year
        ([A, A, A, B, B], A, 4.6),  # x.6 rounds up
        ([B, C], C, 3.5),
        ([A, A, B, B, B], B, 4.4),
        ([C, D], D, 2.5),
        ([A, A], A, 5),
        ([BS, B], BS, 4),  # B* counts 4 points, but the item is not on course for A
        ([A, BS], BS, 4.5),  # A+B at the target year (第2章 p.7)
        ([BS, BS], BS, 4),  # 特定健診・特定保健指導 (別添 p.23)
        ([A, B, B, B, B, BS, BS, BS], B, 4.125),  # がん検診 (第3章 p.36): 4.625 → A
        ([BS, D], C, 3),
        ([E, A], A, 5),  # E is left out of the mean
        ([E, E], E, None),
        ([E, Grade.BASELINE_ONLY], E, None),
        ([Grade.BASELINE_ONLY, Grade.BASELINE_ONLY], Grade.BASELINE_ONLY, None),
        ([Grade.BASELINE_ONLY, C], C, 3),
    ],
)
def test_overall_grade(grades: list[Grade], overall: Grade, points: float | None) -> None:
    result = indicators.overall_grade(grades)
    assert (result.grade, result.points) == (overall, points)


def test_only_an_indicator_with_several_series_has_an_overall_grade(plan: Plan) -> None:
    observed = replace(
        plan,
        indicators=tuple(
            replace(
                i,
                series=tuple(
                    replace(s, actuals=(Observation(at(2024), value),))
                    for s, value in zip(i.series, (65, 5500), strict=False)
                ),
            )
            if i.id == "I3"
            else i
            for i in plan.indicators
        ),
    )
    evaluations = indicators.evaluate_plan(observed, at(2025))
    # 団体数 B* (4 points), 人数 C (3 points): 3.5 rounds down to C.
    assert [
        (e.indicator.id, e.grade, e.overall) for e in evaluations if e.indicator.id == "I3"
    ] == [
        ("I3", BS, indicators.Overall(C, 3.5)),
        ("I3", C, indicators.Overall(C, 3.5)),
    ]
    assert all(e.overall is None for e in evaluations if e.indicator.id != "I3")
    assert views.count_line(evaluations).endswith(" / 総合評価 I3 C（3.5点）")
