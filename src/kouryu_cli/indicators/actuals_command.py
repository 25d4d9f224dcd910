"""`kouryu actuals`: a form for a year's figures (template) and a check of filled-in files."""

from pathlib import Path
from typing import Annotated

import typer

from kouryu_cli.cli import options, output
from kouryu_cli.core.i18n import N_, ngettext
from kouryu_cli.indicators.command import AsOfOption, report

app = typer.Typer(
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def actuals(ctx: typer.Context) -> None:
    """Actuals files (実績値): a form to fill in (template), and a check of filled-in files.

    Example:

    \b
        kouryu actuals template -o 実績値.xlsx
        kouryu actuals check 実績値.xlsx
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


TEMPLATE_FORMATS = ("csv", "xlsx")
CHECK_FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx")


@app.command("template")
@options.output_options(
    TEMPLATE_FORMATS,
    name="actuals template",
    raw=False,
    force=N_("Replace the file of -o if it exists (its figures are lost)."),
)
def template_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    *,
    request: output.Request,
) -> None:
    """Write a form listing every series, one row per year still to report.

    Its columns are 指標ID, 指標名, 内訳, 単位, 基準値, 目標値, 年度, 実績値, 出典, 備考, 有意差:
    the headers `kouryu indicators --actuals` reads, so a filled-in copy (the .xlsx, or a
    CSV saved by Excel) is read back with no edit. Rows left without a value are skipped.
    In the .xlsx the 実績値 column is numeric and 指標ID has a dropdown. A file that
    already exists is never replaced without --force (exit 2, nothing written).

    Example:

    \b
        kouryu actuals template -o 実績値.xlsx
        kouryu actuals template --as-of R6 -o 実績値.csv --encoding cp932
        kouryu actuals check 実績値.xlsx
    """
    from kouryu_cli.indicators import evaluation, template

    with options.option("--as-of"):
        year = evaluation.as_of_year(as_of)
    out = request.resolve([options.plan_path(ctx)], default="csv")
    plan = options.plan(ctx)
    with options.option("--as-of"):
        evaluation.within_plan(year, plan)
    if out.format == "xlsx":
        output.emit_bytes(out, template.template_workbook(plan, year))
    else:
        output.emit_text(out, template.template_csv(plan, year))
    rows = template.template_rows(plan, year)
    options.summary(
        ctx,
        ngettext(
            "{series} series, {rows} row (up to {label}={year})",
            "{series} series, {rows} rows (up to {label}={year})",
            len(rows),
        ).format(
            series=len({(r.indicator.id, r.series.key) for r in rows}),
            rows=len(rows),
            label=year.label,
            year=year.year,
        ),
    )


@app.command("check")
@options.output_options(CHECK_FORMATS, name="actuals check")
def check_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        options.argument(
            "FILE...", N_("Actuals files (CSV, TSV, YAML or .xlsx; - for standard input).")
        ),
    ],
    *,
    request: output.Request,
) -> None:
    """Check actuals files against the plan and list what they hold.

    Every problem of every file is reported at once (exit status 3), each with
    file:line:column (file:sheet!cell in a workbook); the same series and year given twice
    with different values, in one file or two, is a problem naming both places.

    Example:

    \b
        kouryu actuals check 実績値.csv
        kouryu actuals check r5.csv r6.xlsx -f json
        kouryu -v actuals check - < 実績値.txt
    """
    from kouryu_cli.indicators import actuals
    from kouryu_cli.indicators import actuals_view as actualsview

    out = request.resolve([options.plan_path(ctx), *files])
    read = actuals.read_all(files, options.plan(ctx))
    report(ctx, read)
    output.emit_listing(out, actualsview.listing(read))
    options.note(ctx, actualsview.summary(read))
