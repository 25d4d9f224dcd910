"""`kouryu diff`: compare two editions of the plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouryu_cli.cli import output
from kouryu_cli.cli.options import EncodingOption, OutputOption, format_option
from kouryu_cli.errors import EXIT_NOTHING_FOUND, PlanError, Problem

if TYPE_CHECKING:
    # The comparison modules load only when the command runs: every other command starts faster.
    from kouryu_cli.model import Plan

FORMATS = ("table", "json", "markdown")


def _load_both(old: Path, new: Path) -> tuple[Plan, Plan]:
    """Both editions, or one PlanError with the problems of either file."""
    from kouryu_cli.planfile.loader import load_plan

    plans: list[Plan] = []
    problems: list[Problem] = []
    for path in (old, new):
        try:
            plans.append(load_plan(path))
        except PlanError as error:
            problems += error.problems
    if problems:
        raise PlanError(problems)
    return plans[0], plans[1]


def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier edition's plan file.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later edition's plan file.")],
    fmt: Annotated[str | None, format_option(FORMATS)] = None,
    path: OutputOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Compare two editions of the plan: measures, departments, texts, indicators.

    A one-line summary comes first (追加 2・削除 1・変更 5, or 差分なし); measures are
    grouped by 施策 and section. Exit status 0 when the editions are the same,
    1 when they differ, 3 when a file is not a valid plan.

    Example:

    \b
        kouryu diff r5.yaml r6.yaml
        kouryu diff r5.yaml r6.yaml -f markdown -o 変更点.md
        kouryu diff r5.yaml r6.yaml -f json
    """
    out = output.resolve("diff", FORMATS, fmt, path, encoding=encoding, inputs=[old, new])
    from kouryu_cli import diff as comparison
    from kouryu_cli.views import diff as diffview

    before, after = _load_both(old, new)
    result = comparison.compare(before, after)
    if out.format == "json":
        output.emit_json(out, diffview.to_record(result))
    elif out.format == "table":
        output.emit_rich(out, lambda console: diffview.draw(result, console))
    elif out.format == "markdown":
        output.emit_text(out, diffview.to_markdown(result))
    else:
        output.emit_text(out, diffview.to_text(result))
    if not result.same:
        raise typer.Exit(EXIT_NOTHING_FOUND)
