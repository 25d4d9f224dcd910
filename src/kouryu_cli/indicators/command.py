"""`kouryu indicators`: the evaluation of the chapter's indicators (指標の評価)."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouryu_cli.cli import options, output
from kouryu_cli.core.errors import EXIT_NOTHING_FOUND, UsageError
from kouryu_cli.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    # The evaluation modules load only when the command runs: every other command starts faster.
    from kouryu_cli.core.model import EraYear, Plan
    from kouryu_cli.indicators.actuals import ActualsFile
    from kouryu_cli.indicators.evaluation import Evaluation, Grade

FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx", "svg")

AsOfOption = Annotated[
    str | None,
    options.value_option(
        "--as-of",
        metavar="YEAR",
        help=N_(
            "Evaluate as in this fiscal year (R7, 令和7年度, 2025): later actuals are "
            "ignored (and listed). Default: the current fiscal year (年度, from April)."
        ),
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="YEAR",
        help=N_(
            "The evaluation period starts in this fiscal year (H29, 2017): earlier actuals are "
            "not used, and a series whose actuals are all earlier is E. Default: the plan's "
            "evaluation.since, else every year."
        ),
        show_default=False,
    ),
]
ThresholdOption = Annotated[
    float | None,
    options.value_option(
        "--threshold",
        metavar="PERCENT",
        help=N_(
            "Relative change from the baseline that counts as improving (B) or "
            "worsening (D), in %. Default: 5."
        ),
    ),
]
ActualsOption = Annotated[
    list[Path] | None,
    options.value_option(
        "--actuals",
        metavar="FILE",
        help=N_(
            "Actual values (実績値) to add to the plan's; repeat for several files, merged in "
            "order. CSV, TSV, YAML or .xlsx, recognised by content; - reads standard input. "
            "Columns: 指標ID or 指標名, 内訳, 年度, 実績値[, 出典] (or indicator, component, "
            "year, value, source)."
        ),
    ),
]


@options.output_options(FORMATS)
def indicators(
    ctx: typer.Context,
    behind_target: Annotated[
        bool,
        typer.Option(
            "--behind-target", help=N_("Only the series that have not reached their target.")
        ),
    ] = False,
    status: Annotated[
        list[str] | None,
        options.value_option(
            "--status",
            "-s",
            metavar="GRADES",
            help=N_(
                "Only these grades, comma-separated or repeated: A, B, B*, C, D, E, "
                "baseline-only (ベースラインのみ)."
            ),
        ),
    ] = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    actuals_files: ActualsOption = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help=N_(
                "Every series with its baseline, every actual by year, and its target; "
                "only the years from --since and up to --as-of when they are given."
            ),
        ),
    ] = False,
    threshold: ThresholdOption = None,
    *,
    request: output.Request,
) -> None:
    """Evaluate the indicators: baseline, target, latest actual, gap, progress and grade.

    Grades of 健康日本21（第二次）最終評価, with r = (latest − baseline) / |baseline|,
    positive in the target's direction, and t = --threshold (5 %):

    \b
      A   目標値に達した (増加/減少 targets: r >= t)
      B   改善傾向: r >= t, on or beyond the straight line from baseline to target
      B*  改善傾向 but behind that line: the target year is in danger
      C   変わらない: |r| < t
      D   悪化している: r <= -t
      E   評価困難: baseline 0, or no actual later than the baseline year
      ベースラインのみ: no actual yet (up to --as-of)

    Where an actual gives a significance test (有意差: 改善, 変化なし, 悪化), the test
    decides instead of t: 改善 → A/B/B*, 変化なし → C, 悪化 → D (A when the target is
    reached). A survey-based series (tested) graded by t alone is provisional (暫定).
    --since YEAR (or the plan's evaluation.since) leaves earlier actuals out; a series
    whose actuals are all earlier is E (評価期間内の実績値なし).

    An indicator with several series also gets an overall grade (総合): A=5, B/B*=4,
    C=3, D=2 points averaged over its series graded A-D, rounded 五捨六入
    (x.5 down, x.6 up); with none graded A-D, E if one is E, else ベースラインのみ.
    A B is B* unless the series, each projected to the target year (B → A, B* → B),
    average to A.
    Overdue (期限超過): the target year is before the as-of year and no figure has reached
    the target (with no figure at all, ベースラインのみ and 期限超過 together).

    Example:

    \b
        kouryu indicators
        kouryu indicators --actuals r5.csv --actuals r6.xlsx --as-of R6
        kouryu indicators --behind-target --status B*,D -f json
        kouryu indicators --actuals 有意差つき.csv --since H29 --as-of R4
        kouryu indicators --actuals 実績値.csv --history -o 推移.xlsx
        kouryu indicators --actuals 実績値.yaml -f svg -o indicators.svg
    """
    from kouryu_cli.indicators import evaluation
    from kouryu_cli.indicators import views as indicatorview

    out = request.resolve([options.plan_path(ctx), *(actuals_files or ())])
    with options.option("--status"):
        grades = parse_grades(status or ())
    if history:
        _check_history(out.format, bool(status), behind_target, threshold is not None)
        _history(ctx, out, inputs(ctx, as_of, since, threshold, actuals_files), as_of is not None)
        return
    given = inputs(ctx, as_of, since, threshold, actuals_files)
    year = given.year
    if given.later:
        options.note(ctx, given.later)
    found = select(
        evaluation.evaluate_plan(given.plan, year, given.threshold, given.since),
        behind_target=behind_target,
        grades=grades,
    )
    conditions = [_("as of {label}={year}").format(label=year.label, year=year.year)]
    if (start := given.start) is not None:
        conditions.append(_("since {label}={year}").format(label=start.label, year=start.year))
    if behind_target:
        conditions.append(_("behind target"))
    if grades:
        conditions.append(_("grades {grades}").format(grades=",".join(g.short for g in grades)))
    if not found:
        options.note(
            ctx, _("no indicator matches ({conditions})").format(conditions=" / ".join(conditions))
        )
        if out.format not in ("table", "plain", "svg"):
            output.emit_listing(out, indicatorview.listing(found, year))
        if out.path is not None and out.format in ("table", "plain", "svg"):
            output.emit_text(out, "")
        raise typer.Exit(EXIT_NOTHING_FOUND)
    options.summary(
        ctx,
        _("{conditions} / {count} series: {grades}").format(
            conditions=" / ".join(conditions),
            count=len(found),
            grades=indicatorview.count_line(found),
        ),
    )
    if out.format == "table":
        from kouryu_cli.indicators import screen

        output.emit_rich(out, lambda console: screen.draw(console, found, given.threshold, year))
    elif out.format == "svg":
        output.emit_text(out, _svg(found, year))
    else:
        output.emit_listing(out, indicatorview.listing(found, year))


@dataclass(frozen=True, slots=True)
class Inputs:
    """What an evaluation is made from, as its options give it (indicators and report)."""

    plan: "Plan"  # with the figures of the --actuals files added
    files: "tuple[ActualsFile, ...]"
    year: "EraYear"  # --as-of
    since: "EraYear | None"  # --since; None leaves it to the plan's evaluation.since
    threshold: float  # --threshold, in %
    later: str | None  # the note naming the actuals after the year, which are not used

    @property
    def start(self) -> "EraYear | None":
        """The evaluation period's first year: --since, else the plan's, else none."""
        return self.since or self.plan.since


def _history(ctx: typer.Context, out: output.Output, given: Inputs, bounded: bool) -> None:
    """Every figure by year: every year, unless --as-of (bounded) or --since limits them."""
    from kouryu_cli.indicators import views as indicatorview

    last = given.year if bounded else None
    if last is not None and given.later:
        options.note(ctx, given.later)
    output.emit_listing(out, indicatorview.history_listing(given.plan, given.since, last))


def _check_history(fmt: str, status: bool, behind_target: bool, threshold: bool) -> None:
    """--history lists figures: it has no chart, and the options that grade do not apply."""
    if fmt == "svg":
        raise UsageError(
            _("--history has no svg view: use table, json, csv, tsv, markdown or xlsx")
        )
    used = {"--status": status, "--behind-target": behind_target, "--threshold": threshold}
    grading = [name for name, on in used.items() if on]
    if grading:
        raise UsageError(
            ngettext(
                "--history lists figures, not grades: {options} does not apply to it",
                "--history lists figures, not grades: {options} do not apply to it",
                len(grading),
            ).format(options=", ".join(grading))
        )


def inputs(
    ctx: typer.Context,
    as_of: str | None,
    since: str | None,
    threshold: float | None,
    paths: list[Path] | None,
) -> Inputs:
    """Check --threshold, --as-of and --since, and read the plan and the actuals files."""
    from kouryu_cli.indicators import actuals, evaluation

    with options.option("--threshold"):
        limit = evaluation.check_threshold(
            evaluation.DEFAULT_THRESHOLD if threshold is None else threshold
        )
    with options.option("--as-of"):
        year = evaluation.as_of_year(as_of)
    with options.option("--since"):
        period = None if since is None else evaluation.since_year(since, year)
    original = options.plan(ctx)
    with options.option("--as-of"):
        evaluation.within_plan(year, original)
    current, files = with_actuals(ctx, original, paths or [])
    later = actuals.later_than(original, files, year)
    return Inputs(current, tuple(files), year, period, limit, later)


def parse_grades(values: Iterable[str]) -> "tuple[Grade, ...]":
    """--status values (comma-separated and/or repeated) as grades; ValueError names a bad one."""
    from kouryu_cli.indicators.evaluation import GRADE_ORDER, Grade

    words = {g.value.upper(): g for g in Grade} | {
        "B＊": Grade.B_STAR,
        "BSTAR": Grade.B_STAR,
        "BASELINE": Grade.BASELINE_ONLY,
        "ベースラインのみ": Grade.BASELINE_ONLY,
    }
    out: list[Grade] = []
    for value in values:
        for part in value.split(","):
            word = part.strip()
            if not word:
                continue
            found = words.get(word.upper()) or words.get(word)
            if found is None:
                expected = ", ".join(g.value for g in GRADE_ORDER)
                raise ValueError(
                    _("unknown status '{word}' (expected {expected})").format(
                        word=word, expected=expected
                    )
                )
            if found not in out:
                out.append(found)
    return tuple(out)


def select(
    evaluations: "Iterable[Evaluation]",
    *,
    behind_target: bool = False,
    grades: "tuple[Grade, ...]" = (),
) -> "list[Evaluation]":
    """The evaluations not at their target (when asked) and with one of the grades (if any)."""
    return [
        e
        for e in evaluations
        if not (behind_target and e.met) and (not grades or e.grade in grades)
    ]


def with_actuals(
    ctx: typer.Context, plan: "Plan", paths: list[Path]
) -> "tuple[Plan, list[ActualsFile]]":
    """The plan with the actuals files added; what the reader guessed goes to stderr."""
    if options.settings(ctx).verbose:
        from kouryu_cli.core import era

        years = [
            y
            for i in plan.indicators
            for s in i.series
            for y in (i.baseline_year_of(s), i.target_year_of(s), *(o.year for o in s.actuals))
        ]
        for note in era.projection_notes(years):
            options.note(ctx, f"{options.plan_path(ctx)}: {note}")
    if not paths:
        return plan, []
    from kouryu_cli.indicators import actuals

    try:
        files = actuals.read_all(paths, plan)
    except UsageError as error:  # standard input given twice
        raise UsageError(f"--actuals: {error}") from None
    report(ctx, files)
    return actuals.merge_actuals(plan, files), files


def report(ctx: typer.Context, files: "list[ActualsFile]") -> None:
    """Ignored columns (always, once per file) and, with --verbose, every guess the reader made."""
    verbose = options.settings(ctx).verbose
    for file in files:
        if verbose:
            for guess in file.guesses:
                options.note(ctx, guess)
        if file.ignored_columns:
            shown = "、".join(f"「{c}」" for c in file.ignored_columns)
            options.note(
                ctx,
                _("{file}: unknown columns {columns} skipped").format(
                    file=file.name, columns=shown
                ),
            )


def _svg(found: "list[Evaluation]", year: "EraYear") -> str:
    """A chart of every series (charts.py): Japanese text at its real width."""
    from kouryu_cli.indicators import charts
    from kouryu_cli.indicators import views as indicatorview
    from kouryu_cli.render import svg

    title = f"関連計画における参考となる指標の評価（{year.label}={year.year}年度時点）"
    counts = indicatorview.count_line(found)
    return svg.standalone(charts.all_series_chart(found, title, f"集計: {counts}"))
