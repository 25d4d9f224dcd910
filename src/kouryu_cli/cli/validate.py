"""`kouryu validate`: check a plan file and summarise it."""

from pathlib import Path
from typing import Annotated

import typer

from kouryu_cli import planfile
from kouryu_cli.cli.options import settings
from kouryu_cli.core.i18n import N_, _
from kouryu_cli.files.writing import write_stdout


def validate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PATH]",
            help=N_("Plan file to check (default: --data, or the shipped plan)."),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a plan file; list every problem (exit 3) or print a one-line summary.

    Example:

    \b
        kouryu validate
        kouryu validate my-plan.yaml
    """
    from kouryu_cli.planfile.loader import (
        load_plan,  # never through the cache: validate reads the file
    )

    target = path or settings(ctx).data or planfile.default_path()
    plan = load_plan(target)
    ages = sum(len(m.ages) for m in plan.measures)
    series = sum(len(i.series) for i in plan.indicators)
    write_stdout(
        _(
            "{target}: ok: {policies} policies, {sections} sections, {measures} "
            "measures, {departments} departments, {indicators} indicators "
            "({series} series), {ages} age marks\n"
        )
        .format(
            target=target,
            policies=len(plan.policies),
            sections=sum(len(p.sections) for p in plan.policies),
            measures=len(plan.measures),
            departments=len(plan.departments),
            indicators=len(plan.indicators),
            series=series,
            ages=ages,
        )
        .encode()
    )
