"""Tables, trees and panels for the terminal, drawn with Rich (imported only here)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kouryu_cli.model import Measure, Plan
from kouryu_cli.textnorm import strip_controls
from kouryu_cli.views.formats import Listing

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A Console that honours NO_COLOR, TERM=dumb, FORCE_COLOR and the pipe it writes to."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit with status 1 ("nothing found"); the CLI group exits quietly.
            self.quiet = True
            raise BrokenPipeError

    environ = os.environ
    # Rich drops colours for NO_COLOR but keeps bold and dim; NO_COLOR means no escapes at all.
    plain = environ.get("NO_COLOR", "") != ""
    forced = environ.get("CLICOLOR_FORCE", "0") not in ("", "0") and not plain
    return _Console(
        stderr=stderr,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        color_system=None if plain else "auto",
        force_terminal=True if forced else None,
    )


def text(value: str, style: str = "", spans: list[tuple[int, int]] | None = None) -> Text:
    """Data as a Rich Text: never parsed as markup, control characters made visible."""
    from rich.text import Text

    # Line breaks are layout; every other control character is shown, not sent.
    safe = "\n".join(strip_controls(part) for part in value.split("\n"))
    out = Text(safe, style=style)
    if spans and safe == value:
        for start, end in spans:
            out.stylize("bold reverse", start, end)
    return out


def fit_widths(
    naturals: list[int], minimums: list[int], available: int, first: tuple[int, ...] = ()
) -> list[int]:
    """Column widths that fit: the widest columns give way first, none below its minimum.

    Rich narrows only the single widest column and gives up when two tie, then crops;
    setting the widths here keeps every column visible on any terminal.
    """
    widths = list(naturals)
    excess = sum(widths) - available
    # Columns of marks give way first: their headings wrap at no cost to the data.
    for i in first:
        if excess > 0:
            cut = min(excess, widths[i] - minimums[i])
            widths[i] -= cut
            excess -= cut
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > minimums[i]]
        if not shrinkable:
            break
        widest = max(widths[i] for i in shrinkable)
        tops = [i for i in shrinkable if widths[i] == widest]
        below = max([widths[i] for i in shrinkable if widths[i] < widest] or [0])
        for i in tops:
            step = min(widest - max(below, minimums[i]), -(-excess // len(tops)), excess)
            widths[i] -= max(step, 1)
            excess -= max(step, 1)
            if excess <= 0:
                break
    return widths


def _width(value: str) -> int:
    from rich.cells import cell_len

    return max(cell_len(line) for line in value.split("\n"))


def draw_listing(listing: Listing, target: Console) -> None:
    """A listing as a Rich table."""
    listing = listing.narrowed()
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        title=text(listing.title) if listing.title else None,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    naturals, minimums, justify, marks_columns = [], [], [], set()
    for index, column in enumerate(listing.columns):
        cells = [row[index] for row in listing.rows]
        # A column of marks (○) is centred and its heading may wrap (18歳 / 未満).
        marks = bool(cells) and all(len(cell) <= 1 for cell in cells)
        natural = (
            max(_width(column), *(_width(cell) for cell in cells)) if cells else _width(column)
        )
        naturals.append(natural)
        fixed = index == 0 or index in listing.numeric  # ids and numbers never wrap
        minimums.append(4 if marks else natural if fixed else min(natural, 6))
        if marks:
            marks_columns.add(index)
        justify.append("center" if marks else "right" if index in listing.numeric else "left")
    widths = fit_widths(
        naturals, minimums, target.width - 3 * len(naturals), tuple(sorted(marks_columns))
    )
    for column, width, align in zip(listing.columns, widths, justify, strict=True):
        table.add_column(text(column, "bold"), justify=align, overflow="fold", width=width)  # type: ignore[arg-type]
    for row_index, row in enumerate(listing.rows):
        table.add_row(
            *(
                text(cell, spans=listing.highlights.get((row_index, col)))
                for col, cell in enumerate(row)
            )
        )
    target.print(table)
    if listing.footer:
        target.print(text(listing.footer, "dim"))


def draw_measure(target: Console, plan: Plan, measure: Measure, others: list[Measure]) -> None:
    """One measure as a panel, with its neighbours in the same department."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    section = plan.section_of(measure)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("位置", text(f"{plan.policy(measure.policy).label} › {section.label}"))
    facts.add_row("所管課", text("・".join(measure.departments)))
    facts.add_row("対象年代", text("・".join(a.label for a in measure.ages)))
    facts.add_row("アイコン", text("・".join(i.value for i in measure.icons) or "なし"))
    if measure.aliases:
        facts.add_row("別表記", text("・".join(measure.aliases)))
    parts: list[Any] = [facts, text(""), text(measure.description)]
    if measure.notes:
        parts += [text(""), *(text(f"注記: {n}", "dim") for n in measure.notes)]
    target.print(
        Panel(Group(*parts), title=text(f"{measure.id} {measure.name}", "bold"), title_align="left")
    )
    if others:
        target.print(text(f"同じ所管課の事業 ({len(others)})", "bold"))
        for other in others:
            target.print(text(f"  {other.id}  {other.name}"))


def draw_outline(target: Console, plan: Plan) -> None:
    """The chapter as a tree."""
    from rich.tree import Tree

    root = Tree(text(f"{plan.chapter.number} {plan.chapter.title}", "bold"))
    root.add(text(f"目指す市民の姿: {plan.vision_slogan}"))
    goals = root.add(text("市民のチャレンジ目標"))
    for challenge in plan.challenges:
        goals.add(text(challenge.title))
    for policy in plan.policies:
        branch = root.add(text(policy.label, "bold"))
        for section in policy.sections:
            leaf = branch.add(text(section.label))
            for measure in section.measures:
                leaf.add(text(f"{measure.id}  {measure.name}"))
    if plan.indicators:
        indicators = root.add(text("関連計画における参考となる指標"))
        for indicator in plan.indicators:
            indicators.add(text(f"{indicator.id}  {indicator.name}"))
    target.print(root)
