"""`kouryu indicators`: the evaluation of the chapter's indicators (指標の評価)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouryu_cli.cli import output
from kouryu_cli.cli.options import (
    EncodingOption,
    NoBomOption,
    OutputOption,
    RawOption,
    format_option,
    note,
    option,
    plan,
    plan_path,
)
from kouryu_cli.errors import EXIT_NOTHING_FOUND

if TYPE_CHECKING:
    # The evaluation modules load only when the command runs: every other command starts faster.
    from kouryu_cli.evaluation import Evaluation
    from kouryu_cli.model import EraYear

FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx", "svg")


def indicators(
    ctx: typer.Context,
    behind_target: Annotated[
        bool,
        typer.Option("--behind-target", help="Only the series that have not reached their target."),
    ] = False,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            metavar="GRADES",
            help="Only these grades, comma-separated or repeated: A, B, B*, C, D, E, "
            "baseline-only (ベースラインのみ).",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YEAR",
            help="Evaluate as in this fiscal year (R7, 令和7年度, 2025): later actuals are "
            "ignored. Default: the current fiscal year (年度, from April).",
            show_default=False,
        ),
    ] = None,
    actuals_file: Annotated[
        Path | None,
        typer.Option(
            "--actuals",
            metavar="FILE",
            dir_okay=False,
            help="Actual values (実績値) to add to the plan's: YAML, or CSV with the columns "
            "indicator, component, year, value[, source].",
            show_default=False,
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            metavar="PERCENT",
            help="Relative change from the baseline that counts as improving (B) or "
            "worsening (D), in %. Default: 5.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str | None, format_option(FORMATS)] = None,
    path: OutputOption = None,
    encoding: EncodingOption = None,
    no_bom: NoBomOption = False,
    raw: RawOption = False,
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

    Overdue (期限超過): the target year is before the as-of year and the target is not met.

    Example:

    \b
        kouryu indicators
        kouryu indicators --actuals 実績値.csv --as-of R7
        kouryu indicators --behind-target --status B*,D -f json
        kouryu indicators --actuals 実績値.yaml -f svg -o indicators.svg
    """
    from kouryu_cli import evaluation
    from kouryu_cli.planfile import actuals
    from kouryu_cli.views import indicators as indicatorview

    out = output.resolve(
        "indicators",
        FORMATS,
        fmt,
        path,
        encoding=encoding,
        bom=not no_bom,
        raw=raw,
        inputs=[plan_path(ctx), actuals_file],
    )
    with option("--status"):
        grades = evaluation.parse_grades(status or ())
    with option("--threshold"):
        limit = evaluation.check_threshold(
            evaluation.DEFAULT_THRESHOLD if threshold is None else threshold
        )
    with option("--as-of"):
        year = evaluation.as_of_year(as_of)
    current = plan(ctx)
    if actuals_file is not None:
        current = actuals.load_actuals(actuals_file, current)
    found = evaluation.select(
        evaluation.evaluate_plan(current, year, limit), behind_target=behind_target, grades=grades
    )
    conditions = [f"{year.label}={year.year}年度時点"]
    if behind_target:
        conditions.append("目標未達成")
    if grades:
        conditions.append("評価 " + ",".join(g.short for g in grades))
    if not found:
        note(ctx, f"該当する指標はありません（{' / '.join(conditions)}）")
        if out.format not in ("table", "plain", "svg"):
            output.emit_listing(out, indicatorview.listing(found, year))
        if out.path is not None and out.format in ("table", "plain", "svg"):
            output.emit_text(out, "")
        raise typer.Exit(EXIT_NOTHING_FOUND)
    counts = evaluation.tally_line(evaluation.tally(found))
    note(ctx, f"{' / '.join(conditions)} / {len(found)}系列: {counts}")
    if out.format == "table":
        output.emit_rich(out, lambda console: indicatorview.draw(console, found, limit, year))
    elif out.format == "svg":
        _emit_svg(found, limit, year, out)
    else:
        output.emit_listing(out, indicatorview.listing(found, year))


def _emit_svg(found: list[Evaluation], limit: float, year: EraYear, out: output.Output) -> None:
    """A chart of every series (views/charts.py): Japanese text at its real width."""
    from kouryu_cli import evaluation
    from kouryu_cli.views import charts

    title = f"関連計画における参考となる指標の評価（{year.label}={year.year}年度時点）"
    counts = evaluation.tally_line(evaluation.tally(found))
    output.emit_text(
        out, charts.standalone(charts.all_series_chart(found, title, f"集計: {counts}"))
    )
