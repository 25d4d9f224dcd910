"""Taking a checked round into the year's progress file, and the lines the person reads.

merge_into reads the file (under its lock, held by the command), merges the forms' answers,
names every conflict at its cell and writes the file, printing nothing; told then says what
was done: what each form carried, which kept answers a cleared row did not remove, what each
department added or changed. A write that fails leaves only its error on the screen.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kouryu_cli.cli.options import note
from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.model import EraYear, Plan
from kouryu_cli.core.textnorm import JOIN
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.files.writing import write_stdout
from kouryu_cli.progress import book as progress
from kouryu_cli.progress.collect import Collected


def merge_into(
    into: Path,
    current: Plan,
    result: Collected,
    round_year: EraYear,
    *,
    replace: bool,
    write: bool,
) -> tuple[progress.Merge, bool]:
    """The forms' answers merged into the file (written when write and something is new).

    Returns the merge and whether the file was written.
    """
    from kouryu_cli.progress.store import load_progress, refuse_to_drop_comments, save_progress

    kept = load_progress([into], current) if into.exists() else None
    if kept is not None and kept.year.year != round_year.year:
        raise UsageError(
            _("{into} holds {year}, not {chosen}").format(
                into=into, year=kept.year.label, chosen=round_year.label
            )
        )
    book = kept or progress.ProgressBook(round_year)
    merged = progress.merge(book, result.answers.values(), replace=replace)
    if merged.conflicts:
        raise DataFileError(
            [
                Problem(
                    result.places[c.measure_id][key],
                    None,
                    None,
                    "",
                    (
                        _(
                            "{measure_id}: {label} is '{new}' here but '{old}' in {into} "
                            "(--replace takes the form's answer)"
                        )
                        if not c.kept_from
                        else _(
                            "{measure_id}: {label} is '{new}' here but '{old}' in {into}, "
                            "the answer of {departments}, who share the measure (--replace "
                            "takes this form's answer in place of theirs)"
                        )
                    ).format(
                        measure_id=c.measure_id,
                        label=progress.LABELS[key],
                        new=new,
                        old=old,
                        into=into,
                        departments=JOIN.join(c.kept_from),
                    ),
                )
                for c in merged.conflicts
                for key, old, new in c.changes
            ]
        )
    written = write and bool(merged.added or merged.changed or kept is None)
    if written:
        save_progress(into, merged.book, current)
    elif merged.added or merged.changed:  # --dry-run: a real run would stop at a comment
        refuse_to_drop_comments(into, merged.book.year)
    return merged, written


def told(
    ctx: typer.Context,
    result: Collected,
    merged: progress.Merge,
    into: Path,
    *,
    written: bool | None,
) -> None:
    """What the collect did, once it is done: each form, each cleared row, each department.

    written is None for --dry-run (the command says the file was not written).
    """
    per_form(ctx, result)
    left_blank(ctx, result, merged.book)
    for r in merged.replaced:
        note(
            ctx,
            _(
                "{measure_id}: the answer of {departments}, who share the measure, was replaced "
                "(--replace)"
            ).format(measure_id=r.measure_id, departments=JOIN.join(r.kept_from)),
        )
    report(merged, result.by_department)
    if written:
        count = len(merged.book.answers)
        note(
            ctx,
            ngettext(
                "{into}: {count} answer for {label}",
                "{into}: {count} answers for {label}",
                count,
            ).format(into=into, count=count, label=merged.book.year.label),
        )
    elif written is not None:
        note(ctx, _("{into}: nothing new; not written").format(into=into))


def per_form(ctx: typer.Context, result: Collected) -> None:
    """One line per form on stderr: its file, its department, and what it carried."""
    for form in result.forms:
        if form.state == "answered":
            what = _("answered: {answered} answered, {blank} left blank").format(
                answered=form.answered, blank=form.blank
            )
        elif form.state == "blank":
            what = ngettext(
                "blank: nothing answered ({blank} measure left blank)",
                "blank: nothing answered ({blank} measures left blank)",
                form.blank,
            ).format(blank=form.blank)
        else:
            count = form.answered + form.blank
            what = ngettext(
                "unchanged: the pre-filled answers were sent back untouched (no 記入者 or "
                "回答日); counted as not returned ({count} measure)",
                "unchanged: the pre-filled answers were sent back untouched (no 記入者 or "
                "回答日); counted as not returned ({count} measures)",
                count,
            ).format(count=count)
        note(ctx, f"{form.file}\t{form.department}\t{what}")


def left_blank(ctx: typer.Context, result: Collected, book: progress.ProgressBook) -> None:
    """A row cleared on a form sent again: the answer kept from before is said to be kept."""
    kept = book.by_measure()
    for measure_id, place in result.blank.items():
        if measure_id in kept and measure_id not in result.answers:
            note(
                ctx,
                "kouryu: "
                + _("{place}: {measure_id} left blank: previous answer kept").format(
                    place=place, measure_id=measure_id
                ),
            )


def report(merged: progress.Merge, by_department: dict[str, list[str]]) -> None:
    """One line per department: how many answers were added, changed, unchanged, and which."""
    added = {a.measure_id for a in merged.added}
    changed = {a.measure_id for a in merged.changed}
    lines = []
    for department, ids in by_department.items():
        parts = []
        for label, chosen in (
            (_("{count} added"), [i for i in ids if i in added]),
            (_("{count} changed"), [i for i in ids if i in changed]),
        ):
            which = f" ({' '.join(chosen)})" if chosen else ""
            parts.append(label.format(count=len(chosen)) + which)
        kept = sum(i not in added and i not in changed for i in ids)
        parts.append(_("{count} unchanged").format(count=kept))
        lines.append(f"{department}\t{_(', ').join(parts)}\n")
    write_stdout("".join(lines).encode())
