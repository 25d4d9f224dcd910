"""`kouryu validate`: check a plan file and summarise it."""

from pathlib import Path
from typing import Annotated

import typer

from kouryu_cli import planfile
from kouryu_cli.cli.options import argument, note, settings
from kouryu_cli.core.i18n import N_, _, ngettext
from kouryu_cli.files.writing import write_stdout


def validate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        argument("[PATH]", N_("Plan file to check (default: --data, or the shipped plan).")),
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
    notes: list[str] = []
    plan = load_plan(target, notes=notes)
    if settings(ctx).verbose:
        for line in notes:
            note(ctx, line)
    policies, measures, departments = len(plan.policies), len(plan.measures), len(plan.departments)
    sections = sum(len(p.sections) for p in plan.policies)
    indicators = len(plan.indicators)
    series = sum(len(i.series) for i in plan.indicators)
    ages = sum(len(m.ages) for m in plan.measures)
    counts = {
        "policies": ngettext("{n} policy", "{n} policies", policies).format(n=policies),
        "sections": ngettext("{n} section", "{n} sections", sections).format(n=sections),
        "measures": ngettext("{n} measure", "{n} measures", measures).format(n=measures),
        "departments": ngettext("{n} department", "{n} departments", departments).format(
            n=departments
        ),
        "indicators": ngettext("{n} indicator", "{n} indicators", indicators).format(n=indicators),
        "series": ngettext("{n} series", "{n} series", series).format(n=series),
        "ages": ngettext("{n} age mark", "{n} age marks", ages).format(n=ages),
    }
    message = _(
        "{target}: ok: {policies}, {sections}, {measures}, {departments}, "
        "{indicators} ({series}), {ages}\n"
    )
    write_stdout(message.format(target=target, **counts).encode())
