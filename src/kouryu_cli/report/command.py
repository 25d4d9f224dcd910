"""`kouryu report`: the year's evaluation (評価報告書) as one self-contained page or Markdown."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouryu_cli.cli import output
from kouryu_cli.cli.options import (
    note,
    output_options,
    plan_path,
    settings,
    value_option,
)
from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import N_, _
from kouryu_cli.indicators.command import (
    ActualsOption,
    AsOfOption,
    SinceOption,
    ThresholdOption,
    inputs,
)

if TYPE_CHECKING:
    from datetime import date

    from kouryu_cli.report.build import DataFile

FORMATS = ("html", "markdown")


@output_options(
    FORMATS,
    encoding=False,
    bom=False,
    raw=False,
    format_help=N_(
        "html or markdown. Default: from the suffix of -o (.html, .md); html in a pipe."
    ),
)
def report(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    actuals_files: ActualsOption = None,
    progress_files: Annotated[
        list[Path] | None,
        value_option(
            "--progress",
            metavar="FILE",
            help=N_(
                "The departments' answers of the year (進行管理, progress/R6.yaml); repeat "
                "for several files. Without it the report leaves that part out and says so."
            ),
        ),
    ] = None,
    threshold: ThresholdOption = None,
    *,
    request: output.Request,
) -> None:
    """Write the year's evaluation report (評価報告書): one self-contained page to print.

    A cover (city, programme, field, year, date, the data files used), a summary (grade
    counts with a chart, series past their target year, changes since the previous year),
    one block per indicator series with its chart, the measures by 施策 and 取組 (with
    each department's answers when --progress is given), and the method. Inline CSS and
    SVG: nothing is fetched, no JavaScript; opens offline and prints on A4.
    The date written is today's, or SOURCE_DATE_EPOCH's when that is set.

    Example:

    \b
        kouryu report --as-of R6 --actuals 実績値.csv -o 評価報告_R6.html
        kouryu report --as-of R6 --actuals 実績値.csv --progress R6.yaml -o 評価報告_R6.html
        kouryu report --as-of R6 -o 評価報告_R6.md
    """
    from kouryu_cli.indicators import evaluation
    from kouryu_cli.report import build as reportview
    from kouryu_cli.report import render

    out = request.resolve([plan_path(ctx), *(actuals_files or ()), *(progress_files or ())])
    if out.format == "table":
        raise UsageError(
            _("the report is a file: give -o 評価報告.html (or .md), or redirect stdout")
        )
    piped = [p for p in (*(actuals_files or ()), *(progress_files or ())) if str(p) == "-"]
    if len(piped) > 1:  # the second read would find standard input empty
        raise UsageError(_("standard input (-) can be read only once"))
    given = inputs(ctx, as_of, since, threshold, actuals_files)
    current, year = given.plan, given.year
    if given.later:
        note(ctx, given.later)
    book = None
    if progress_files:
        from kouryu_cli.progress.store import load_progress

        book = load_progress(progress_files, current)
        if book.year.year != year.year:
            note(
                ctx,
                _("the progress answers are of {year}, the evaluation year is {as_of}").format(
                    year=book.year.shown, as_of=year.shown
                ),
            )
    files = _data_files(settings(ctx).data, actuals_files or (), progress_files or ())
    built = reportview.build(
        current,
        evaluation.evaluate_plan(current, year, given.threshold, given.since),
        evaluation.evaluate_plan(
            current, evaluation.year_before(year), given.threshold, given.since
        ),
        as_of=year,
        threshold=given.threshold,
        written=_today(),
        files=files,
        book=book,
    )
    # A pipe with no --format gets the page itself; the page says it is UTF-8, so it is.
    text = render.to_markdown(built) if out.format == "markdown" else render.to_html(built)
    output.emit_bytes(out, text.encode("utf-8"))
    counts = "・".join(f"{grade} {count}" for grade, _, count in built.counts)
    where = "" if out.path is None else f" → {out.path}"
    parts = _("as of {label}={year} / {count} series: {grades}").format(
        label=year.label, year=year.year, count=built.total_series, grades=counts
    )
    if (start := given.start) is not None:  # as indicators says it
        parts += " / " + _("since {label}={year}").format(label=start.label, year=start.year)
    if book is None:
        parts += " / " + _("no progress answers")
    else:
        parts += " / " + _("progress answers for {answered}/{measures} measures").format(
            answered=len(book.answers), measures=len(current.measures)
        )
    note(ctx, _("evaluation report {parts}{where}").format(parts=parts, where=where))


def _data_files(
    data: Path | None,
    actuals_files: tuple[Path, ...] | list[Path],
    progress_files: list[Path] | tuple[Path, ...],
) -> "list[DataFile]":
    from kouryu_cli.planfile import default_path

    files = [
        _describe("計画", data or default_path(), None if data else "同梱の計画データ plan.yaml")
    ]
    # Figures piped in have no file to name: the cover says so, with no size or hash.
    files += [
        _describe("実績値", p, "標準入力（ファイル名なし）" if str(p) == "-" else None)
        for p in actuals_files
    ]
    files += [_describe("進行管理", p) for p in progress_files]
    return files


def _describe(role: str, path: Path, name: str | None = None) -> "DataFile":
    """A data file with its size and SHA-256, so a reader can tell which file was used."""
    import hashlib

    from kouryu_cli.report.build import DataFile

    try:
        if path.is_file():
            data = path.read_bytes()
            return DataFile(role, name or str(path), len(data), hashlib.sha256(data).hexdigest())
    except OSError:
        pass
    return DataFile(role, name or str(path))


def _today() -> "date":
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds) when it is set."""
    from datetime import date, datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()
