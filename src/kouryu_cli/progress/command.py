"""`kouryu progress`: the yearly 進行管理 round, from the forms to the compiled progress file."""

import os
from pathlib import Path
from typing import Annotated, Literal

import typer

from kouryu_cli.cli import options, output
from kouryu_cli.cli.options import DeptOption, argument, note, option, plan, value_option
from kouryu_cli.core import era
from kouryu_cli.core.errors import EXIT_NOTHING_FOUND, OutputError, UsageError, os_reason
from kouryu_cli.core.i18n import N_, _, ngettext
from kouryu_cli.core.model import EraYear, Plan, Vocabulary
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.files.writing import write_file, write_stdout
from kouryu_cli.progress import book as progress

STATUS_FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx")

app = typer.Typer(name="progress", rich_markup_mode=None, add_completion=False)


@app.callback(invoke_without_command=True)
def _progress(ctx: typer.Context) -> None:
    """進行管理: write each department's form, collect the returned forms, list the answers.

    Example:

    \b
        kouryu progress form --year R6 -o forms/
        kouryu progress collect returned/* --into progress/R6.yaml
        kouryu progress status progress/R6.yaml --by dept
    """
    if ctx.invoked_subcommand is None:
        write_stdout((ctx.get_help() + "\n").encode())


FilesArgument = Annotated[
    list[Path], argument("FILE...", N_("Progress files of one year (progress/R6.yaml)."))
]


def _year(label: str) -> EraYear:
    with option("--year"):
        return era.parse_year(label)
    raise AssertionError  # unreachable: option() re-raises


def _departments(current: Plan, names: list[str] | None) -> tuple[str, ...]:
    from kouryu_cli.measures import query

    return tuple(dict.fromkeys(query.resolve_department(current, n).name for n in names or ()))


# ------------------------------------------------------------------ form


@app.command()
def form(
    ctx: typer.Context,
    year: Annotated[
        str,
        typer.Option(
            "--year",
            "-y",
            metavar="YEAR",
            help=N_("Fiscal year of the round: R6, 令和6年度, 2024."),
        ),
    ],
    folder: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            file_okay=False,
            help=N_("Folder to write the forms into (made when missing)."),
        ),
    ],
    dept: DeptOption = None,
    previous: Annotated[
        Path | None,
        value_option(
            "--from",
            metavar="FILE",
            help=N_("Last year's progress file: its answers pre-fill the forms."),
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=N_("xlsx (default) or csv."))
    ] = "xlsx",
    force: Annotated[
        bool, typer.Option("--force", help=N_("Replace forms already in the folder."))
    ] = False,
) -> None:
    """Write one form per department (R6_取組状況_高齢福祉課.xlsx) into a folder.

    A form lists the department's measures (shaded, protected) and the answer columns
    (dropdowns from the vocabularies). A measure of two departments is on both forms.
    Forms already in the folder are never replaced without --force (exit 2, nothing written).

    Example:

    \b
        kouryu progress form --year R6 -o forms/
        kouryu progress form --year R6 --dept 高齢福祉課 --from progress/R5.yaml -o forms/
        kouryu progress form --year R6 --format csv -o forms-csv/
    """
    from kouryu_cli.progress import forms

    kind = fmt.lower()
    if kind not in ("xlsx", "csv"):
        raise UsageError(
            _("--format: progress form writes xlsx or csv, not '{fmt}'").format(fmt=fmt)
        )
    if kind == "xlsx":
        import importlib.util

        if importlib.util.find_spec("openpyxl") is None:
            raise UsageError(
                _("writing .xlsx needs openpyxl: pip install openpyxl (or use --format csv)")
            )
    current = plan(ctx)
    round_year = _year(year)
    wanted = _departments(current, dept)
    book = None
    if previous is not None:
        from kouryu_cli.progress.store import load_progress

        book = load_progress([previous], current)
    specs = forms.form_specs(current, round_year, wanted, book)
    if not specs:
        raise UsageError(_("no department with measures was chosen"))
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{folder} is not a folder").format(folder=folder))
    targets = [(spec, folder / spec.file_name(f".{kind}")) for spec in specs]
    existing = [str(path) for _spec, path in targets if path.exists() or path.is_symlink()]
    if existing and not force:
        listed = "\n".join(f"  {p}" for p in existing)
        raise UsageError(
            _(
                "{count} form(s) already exist; nothing was written (--force "
                "replaces them, or choose another folder):\n{listed}"
            ).format(count=len(existing), listed=listed)
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            _("cannot make the folder {folder}: {reason}").format(
                folder=folder, reason=os_reason(error)
            )
        ) from None
    lines = []
    for spec, path in targets:
        if kind == "xlsx":
            data = forms.workbook_bytes(spec, current)
        else:
            data = b"\xef\xbb\xbf" + forms.csv_text(spec, current).encode("utf-8")
        write_file(path, data)
        counts = ngettext("{count} measure", "{count} measures", len(spec.measures)).format(
            count=len(spec.measures)
        )
        if spec.prefill:
            counts += _(", {count} pre-filled").format(count=len(spec.prefill))
        lines.append(f"{path}\t{spec.department}\t{counts}\n")
    # Listed once every form is written: a reader that stops early cannot stop the writing.
    write_stdout("".join(lines).encode())
    note(
        ctx,
        _("{count} form(s) for {label} written to {folder}").format(
            count=len(targets), label=round_year.label, folder=folder
        ),
    )


# ------------------------------------------------------------------ collect


@app.command()
def collect(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        argument(
            "FORM...",
            N_(
                "Returned forms: .xlsx or CSV, any name, any order; a folder for every file in "
                "it and in its folders, or a pattern such as 回収_R6/*.xlsx where the shell "
                "does not expand it."
            ),
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into", metavar="FILE", help=N_("The year's progress file (made when missing).")
        ),
    ],
    year: Annotated[
        str | None,
        value_option(
            "--year",
            "-y",
            metavar="YEAR",
            help=N_("The round's year (default: the progress file's year, or its name: R6.yaml)."),
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help=N_("Replace answers already in the file that differ."))
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help=N_("Check and report; write nothing."))
    ] = False,
) -> None:
    """Check returned forms and merge their answers into the year's progress file.

    Every form is checked before anything is written; every problem is listed as
    file:sheet!cell (exit 3, nothing written). An answer already in the file that
    differs is kept unless --replace (each conflict listed, exit 3).

    Example:

    \b
        kouryu progress collect returned/*.xlsx --into progress/R6.yaml
        kouryu progress collect 高齢福祉課.csv --into progress/R6.yaml --replace
    """
    from kouryu_cli.files.writing import lock_timeout, locked
    from kouryu_cli.progress import collect as collecting
    from kouryu_cli.progress import intake
    from kouryu_cli.progress.returned import bystander, read_form
    from kouryu_cli.progress.store import load_progress

    lock_timeout()  # a KOURYU_LOCK_TIMEOUT that is not seconds is said before any work
    current = plan(ctx)
    given, files = files, _forms(files, into)
    resolved = set()
    for path in files:
        real = os.path.realpath(path)  # a loop of links is left for the reading to name
        if real == os.path.realpath(into):
            raise UsageError(
                _("{path} is given both as a form and as --into, the progress file").format(
                    path=path
                )
            )
        if real in resolved:
            raise UsageError(_("{path} is given twice").format(path=path))
        resolved.add(real)
    if into.parent.exists() and not into.parent.is_dir():
        raise UsageError(_("--into: {parent} is not a folder").format(parent=into.parent))
    kept = load_progress([into], current) if into.exists() else None
    round_year = _collect_year(year, kept, into)
    problems: list[Problem] = []
    returned = []
    for path in files:
        try:
            returned.append(read_form(path))
        except DataFileError as error:
            # An owner file (~$高齢福祉課.xlsx), desktop.ini … that `returned/*` also names.
            if (what := bystander(path)) is None:
                problems.extend(error.problems)
            else:
                note(ctx, "kouryu: " + _("{path}: skipped: {what}").format(path=path, what=what))
    if not returned and not problems:
        note(ctx, _("no form to collect in {given}").format(given=", ".join(map(str, given))))
        raise typer.Exit(EXIT_NOTHING_FOUND)
    result = collecting.collect(returned, current, round_year)
    for warning in result.warnings:
        note(ctx, f"kouryu: {warning}")
    if problems or result.problems:
        raise DataFileError([*problems, *result.problems])
    if dry_run:
        merged, _written = intake.merge_into(
            into, current, result, round_year, replace=replace, write=False
        )
        intake.told(ctx, result, merged, into, written=None)
        note(ctx, _("--dry-run: {into} was not written").format(into=into))
        return
    _make_folder(ctx, into.parent)
    # The file is read again under the lock: another collect may have written it meanwhile.
    with locked(into):
        merged, written = intake.merge_into(
            into, current, result, round_year, replace=replace, write=True
        )
    # Said once the file is written: a write that fails leaves only its error.
    intake.told(ctx, result, merged, into, written=written)


def _forms(given: list[Path], into: Path) -> list[Path]:
    """The forms named: a file as it is, the files in a folder and its folders, a pattern's
    matches (Windows' cmd and PowerShell pass 回収_R6/*.xlsx as it is typed), in name order.

    A folder's link to another folder is followed (once: a loop of links is not); a link to
    nothing is kept, for the reading to name it. The progress file and its lock, when a
    folder holds them, are not forms.
    """
    from kouryu_cli.files.writing import lock_path

    own = {os.path.realpath(into), os.path.realpath(lock_path(into))}
    found: list[Path] = []
    for path in given:
        if not path.exists() and any(c in str(path) for c in "*?["):
            base = Path(path.anchor) if path.is_absolute() else Path()
            pattern = str(path.relative_to(base)) if path.is_absolute() else str(path)
            matches = sorted(base.glob(pattern))
            if not matches:
                raise UsageError(_("{pattern}: no file matches").format(pattern=path))
        else:
            matches = [path]
        for match in matches:
            if match.is_dir():
                # A file reached twice in the folders (a link beside its target) is read once.
                for form in _files_under(match):
                    if (real := os.path.realpath(form)) not in own:
                        own.add(real)
                        found.append(form)
            else:
                found.append(match)
    return found


def _files_under(folder: Path) -> list[Path]:
    """Every file in a folder and its folders, links followed, each folder once; name order."""
    out: list[Path] = []
    seen: set[str] = set()
    for top, folders, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:  # a link back to a folder already walked
            folders.clear()
            continue
        seen.add(real)
        folders.sort()
        # Files, and links to nothing (os.walk lists them among the files).
        out += [Path(top, name) for name in names]
    return sorted(out)


def _make_folder(ctx: typer.Context, folder: Path) -> None:
    """The progress file's folder, made for the first round in a year's folder (progress/)."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise OutputError(folder, error) from None
    note(ctx, _("made the folder {folder}").format(folder=folder))


def _collect_year(label: str | None, kept: progress.ProgressBook | None, into: Path) -> EraYear:
    if label is not None:
        chosen = _year(label)
        if kept is not None and kept.year.year != chosen.year:
            raise UsageError(
                _("{into} holds {year}, not {chosen}").format(
                    into=into, year=kept.year.label, chosen=chosen.label
                )
            )
        return chosen
    if kept is not None:
        return kept.year
    try:
        return era.parse_year(into.stem)
    except era.EraError:
        raise UsageError(
            _(
                "which year? {into} does not exist yet and its name is not a year: give --year"
            ).format(into=into)
        ) from None


# ------------------------------------------------------------------ status and check


@app.command()
@options.output_options(STATUS_FORMATS, name="progress status")
def status(
    ctx: typer.Context,
    files: FilesArgument,
    dept: DeptOption = None,
    status_: Annotated[
        str | None,
        value_option(
            "--status", "-s", metavar="VALUE", help=N_("実施状況, comma-separated: 未実施,休止.")
        ),
    ] = None,
    rating: Annotated[
        str | None,
        value_option("--rating", "-r", metavar="VALUE", help=N_("評価, comma-separated: C,D.")),
    ] = None,
    by: Annotated[
        str | None,
        value_option("--by", metavar="dept|policy", help=N_("Counts per department or per 施策.")),
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help=N_("The departments and measures without an answer."))
    ] = False,
    *,
    request: output.Request,
) -> None:
    """Each measure's answer, counts per department or 施策, or the measures not answered.

    Exit 1 when nothing matches (or, with --missing, nothing is missing).

    Example:

    \b
        kouryu progress status progress/R6.yaml --rating C,D
        kouryu progress status progress/R6.yaml --by dept
        kouryu progress status progress/R6.yaml --missing -o 未回答.xlsx
    """
    from kouryu_cli.progress import views
    from kouryu_cli.progress.store import load_progress

    out = request.resolve([options.plan_path(ctx), *files])
    if by is not None and by not in ("dept", "policy"):
        raise UsageError(_("--by: '{by}' (expected dept or policy)").format(by=by))
    if by is not None and missing:
        raise UsageError(_("--missing: give --by or --missing, not both"))
    current = plan(ctx)
    vocabs = progress.vocabularies(current)
    wanted = progress.AnswerFilter(
        departments=_departments(current, dept),
        statuses=_terms(vocabs["status"], status_, "--status"),
        ratings=_terms(vocabs["rating"], rating, "--rating"),
    )
    if (by is not None or missing) and wanted != progress.AnswerFilter():
        raise UsageError(
            _("--dept, --status and --rating filter answers; they do not go with --by or --missing")
        )
    book = load_progress(files, current)
    if missing:
        listing = views.missing_listing(current, book)
    elif by is not None:
        group: Literal["dept", "policy"] = "dept" if by == "dept" else "policy"
        listing = views.counts_listing(current, book, group)
    else:
        listing = views.answers_listing(book, progress.select(current, book, wanted), wanted)
    output.emit_listing(out, listing)
    if by == "dept" and (total_note := views.total_note(current)):
        note(ctx, total_note)
    if not listing.records:
        note(ctx, _("every measure has an answer") if missing else _("no answer matches"))
        raise typer.Exit(EXIT_NOTHING_FOUND)


def _terms(vocabulary: Vocabulary, text: str | None, name: str) -> tuple[str, ...]:
    if text is None:
        return ()
    with option(name):
        return progress.read_terms(vocabulary, text)
    raise AssertionError  # unreachable: option() re-raises


@app.command()
def check(ctx: typer.Context, files: FilesArgument) -> None:
    """Validate progress files on their own: every problem with file:line:column (exit 3).

    Example:

    \b
        kouryu progress check progress/R6.yaml
    """
    from kouryu_cli.progress.store import load_progress

    current = plan(ctx)
    book = load_progress(files, current)
    shown = ", ".join(str(p) for p in files)
    count, unanswered = len(book.answers), len(progress.missing(current, book))
    write_stdout(
        _("{shown}: ok: {label} ({year}年度), {answers}, {departments}\n")
        .format(
            shown=shown,
            label=book.year.label,
            year=book.year.year,
            answers=ngettext("{count} answer", "{count} answers", count).format(count=count),
            departments=ngettext(
                "{count} department with unanswered measures",
                "{count} departments with unanswered measures",
                unanswered,
            ).format(count=unanswered),
        )
        .encode()
    )
