"""Tables, trees and panels for the terminal, drawn with Rich (imported only here)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kouryu_cli.model import Measure, Plan
from kouryu_cli.render import Listing
from kouryu_cli.textnorm import strip_controls

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

    safe = strip_controls(value)
    out = Text(safe, style=style)
    if spans and safe == value:
        for start, end in spans:
            out.stylize("bold reverse", start, end)
    return out


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
    for index, column in enumerate(listing.columns):
        table.add_column(
            text(column, "bold"),
            justify="right" if index in listing.numeric else "left",
            overflow="fold",
        )
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
