"""`kouryu diff`: compare two editions of the plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kouryu_cli.cli import app
from kouryu_cli.cli.common import EncodingOption, Output, OutputOption, emit_rich, emit_text
from kouryu_cli.errors import EXIT_NOTHING_FOUND, PlanError, Problem, UsageError
from kouryu_cli.views.formats import to_json

if TYPE_CHECKING:
    # The comparison modules load only when the command runs: every other command starts faster.
    from kouryu_cli.diff import PlanDiff
    from kouryu_cli.model import Plan

FORMATS = ("table", "json", "markdown")
# Suffixes that -o would otherwise take as a format diff does not write.
_OTHER_SUFFIXES = (".csv", ".tsv", ".xlsx", ".svg")


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


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier edition's plan file.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later edition's plan file.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table, json or markdown. Default: table on a terminal, plain lines in a pipe.",
            show_default=False,
        ),
    ] = None,
    output: OutputOption = None,
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
    if fmt is None and output is not None and output.suffix.lower() in _OTHER_SUFFIXES:
        raise UsageError(
            f"diff cannot write {output.suffix} files: use --format table, json or markdown"
        )
    from kouryu_cli import diff
    from kouryu_cli.views import diff as diffview

    before, after = _load_both(old, new)
    result = diff.compare(before, after)
    out = Output(fmt, output, encoding, True)
    chosen = out.resolved_format(FORMATS)
    if chosen == "json":
        emit_text(to_json(diffview.to_record(result)), out)
    elif chosen == "table":
        emit_rich(lambda console: _draw(result, console), out)
    elif chosen == "markdown":
        emit_text(diffview.to_markdown(result), out)
    else:
        emit_text(diffview.to_text(result), out)
    if not result.same:
        raise typer.Exit(EXIT_NOTHING_FOUND)


def _draw(result: PlanDiff, console: Any) -> None:
    from kouryu_cli.views import diff as diffview

    diffview.draw(result, console)
