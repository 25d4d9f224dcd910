"""`kouryu diff`: compare two editions of the plan."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouryu_cli import planfile
from kouryu_cli.cli import output
from kouryu_cli.cli.options import argument, note, output_options, settings
from kouryu_cli.core.errors import EXIT_NOTHING_FOUND
from kouryu_cli.core.i18n import N_
from kouryu_cli.files.problems import DataFileError, Problem

if TYPE_CHECKING:
    # The comparison modules load only when the command runs: every other command starts faster.
    from kouryu_cli.core.model import Plan

FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx")
# Formats that get one row per change (export.py) rather than the report.
_ROWS = ("csv", "tsv", "xlsx")


def _load_both(
    old: Path, new: Path, *, use_cache: bool, notes: list[str] | None = None
) -> "tuple[Plan, Plan]":
    """Both editions, or one DataFileError with the problems of either file."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for path in (old, new):
        try:
            plans.append(planfile.open_plan(path, use_cache=use_cache, notes=notes))
        except DataFileError as error:
            problems += error.problems
    if problems:
        raise DataFileError(problems)
    return plans[0], plans[1]


@output_options(FORMATS)
def diff(
    ctx: typer.Context,
    old: Annotated[Path, argument("OLD", N_("The earlier edition's plan file."))],
    new: Annotated[Path, argument("NEW", N_("The later edition's plan file."))],
    *,
    request: output.Request,
) -> None:
    """Compare two editions of the plan: measures, departments, texts, indicators.

    A one-line summary comes first (追加 2・削除 1・変更 5, or 差分なし); measures are
    grouped by 施策 and section, each paired with its old self by name, alias, description
    or similarity. CSV, TSV and .xlsx get one row per change (区分, 施策, 取組, ID, 事業名,
    項目, 変更前, 変更後). Exit status 0 when the editions are the same, 1 when they differ,
    3 when a file is not a valid plan.

    Example:

    \b
        kouryu diff r5.yaml r6.yaml
        kouryu diff r5.yaml r6.yaml -o 変更点.xlsx
        kouryu diff r5.yaml r6.yaml -f markdown -o 変更点.md
        kouryu diff r5.yaml r6.yaml -f json
    """
    out = request.resolve([old, new])
    from kouryu_cli.editions import compare as comparison
    from kouryu_cli.editions import views as diffview

    current = settings(ctx)
    notes: list[str] | None = [] if current.verbose else None
    before, after = _load_both(old, new, use_cache=current.use_cache, notes=notes)
    for line in notes or ():
        note(ctx, line)
    result = comparison.compare(before, after)
    if out.format in _ROWS:
        from kouryu_cli.editions import export as diff_export

        output.emit_listing(out, diff_export.to_listing(result, str(old), str(new)))
    elif out.format == "json":
        output.emit_json(out, diffview.to_record(result))
    elif out.format == "table":
        output.emit_rich(out, lambda console: diffview.draw(result, console))
    elif out.format == "markdown":
        output.emit_text(out, diffview.to_markdown(result))
    else:
        output.emit_text(out, diffview.to_text(result))
    if not result.same:
        raise typer.Exit(EXIT_NOTHING_FOUND)
