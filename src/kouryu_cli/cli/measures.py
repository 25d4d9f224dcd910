"""Commands that ask about measures: measures, dept, search, show, outline, matrix."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kouryu_cli import query
from kouryu_cli.cli import app
from kouryu_cli.cli.common import (
    EncodingOption,
    FormatOption,
    NoBomOption,
    Output,
    OutputOption,
    emit_document,
    emit_listing,
    note,
    plan,
    settings,
)
from kouryu_cli.errors import EXIT_NOTHING_FOUND
from kouryu_cli.model import AgeGroup, Icon, Plan
from kouryu_cli.views import formats as render
from kouryu_cli.views import measures as views


def _complete_departments(ctx: typer.Context, incomplete: str) -> list[str]:
    from kouryu_cli import planfile

    try:
        departments = planfile.open_plan(settings(ctx).data).departments
    except Exception:  # noqa: BLE001 - completion must never print a traceback into the shell
        return []
    # Typer keeps only the values that start with what was typed.
    return [d.name for d in departments if d.name.startswith(incomplete)]


def _complete_ages(incomplete: str) -> list[str]:
    return [a.value for a in AgeGroup if a.value.startswith(incomplete)]


def _complete_icons(incomplete: str) -> list[str]:
    return [i.value for i in Icon if i.value.startswith(incomplete)]


AgeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--age",
        "-a",
        metavar="AGE",
        autocompletion=_complete_ages,
        help="Target age group, repeatable: 0-17 (18歳未満), 18-64 (18～64歳), 65+ (65歳以上); "
        "also 65歳以上, 18〜64, u18, senior …",
        show_default=False,
    ),
]
DeptOption = Annotated[
    list[str] | None,
    typer.Option(
        "--dept",
        "-d",
        metavar="NAME",
        autocompletion=_complete_departments,
        help="所管課, repeatable; part of the name is enough.",
        show_default=False,
    ),
]
PolicyOption = Annotated[
    list[int] | None,
    typer.Option(
        "--policy", "-p", metavar="N", help="施策 number (1-3), repeatable.", show_default=False
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="ICON",
        autocompletion=_complete_icons,
        help="Icon, repeatable: 知守, 食事, 運動.",
        show_default=False,
    ),
]


def _output(fmt: str | None, path: Any, encoding: str | None, no_bom: bool) -> Output:
    out = Output(fmt, path, encoding, not no_bom)
    out.resolved_format((*render.FORMATS, "xlsx"))  # an unknown format fails before any note
    return out


def _filter(
    current: Plan,
    ages: list[str] | None,
    only_age: bool,
    depts: list[str] | None,
    policies: list[int] | None,
    tags: list[str] | None,
    text: str | None,
) -> query.MeasureFilter:
    try:
        age_groups = tuple(dict.fromkeys(query.parse_age(a) for a in ages or ()))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--age'") from None
    try:
        icons = tuple(dict.fromkeys(query.parse_icon(t) for t in tags or ()))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--tag'") from None
    known = [p.number for p in current.policies]
    for number in policies or ():
        if number not in known:
            raise typer.BadParameter(
                f"no policy {number} (expected {', '.join(map(str, known))})",
                param_hint="'--policy'",
            )
    for name in depts or ():
        query.check_department_filter(current, name)
    if only_age and not age_groups:
        raise typer.BadParameter("--only-age needs at least one --age", param_hint="'--only-age'")
    return query.MeasureFilter(
        ages=age_groups,
        only_ages=only_age,
        departments=tuple(depts or ()),
        policies=tuple(policies or ()),
        icons=icons,
        terms=query.split_terms(text) if text is not None else (),
    )


@app.command()
def measures(
    ctx: typer.Context,
    age: AgeOption = None,
    only_age: Annotated[
        bool,
        typer.Option("--only-age", help="Only measures that target exactly the given age groups."),
    ] = False,
    dept: DeptOption = None,
    policy: PolicyOption = None,
    tag: TagOption = None,
    text: Annotated[
        str | None,
        typer.Option(
            "--query",
            metavar="TEXT",
            help="Words that must all appear (as in search).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
    no_bom: NoBomOption = False,
) -> None:
    """List measures (事務事業) in plan order, filtered by age, department, policy, icon, words.

    Example:

    \b
        kouryu measures --age 65+
        kouryu measures --age 18-64 --age 65+ --only-age --dept 高齢
        kouryu measures --tag 運動 -f csv -o 運動.csv
    """
    out = _output(fmt, output, encoding, no_bom)
    current = plan(ctx)
    wanted = _filter(current, age, only_age, dept, policy, tag, text)
    found = query.filter_measures(current, wanted)
    conditions = wanted.describe()
    summary = (
        f"条件: {' / '.join(conditions)} / {len(found)}件" if conditions else f"{len(found)}件"
    )
    if not found:
        note(ctx, f"該当する事務事業はありません（{summary}）")
        raise typer.Exit(EXIT_NOTHING_FOUND)
    note(ctx, summary)
    emit_listing(views.measures_listing(current, found), out)


@app.command()
def dept(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            autocompletion=_complete_departments,
            help="所管課 (part of the name or its reading is enough).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
    no_bom: NoBomOption = False,
) -> None:
    """Departments (所管課): all with their counts, or one department's measures.

    Example:

    \b
        kouryu dept
        kouryu dept 高齢福祉課
        kouryu dept こそだて -f json
    """
    current = plan(ctx)
    out = _output(fmt, output, encoding, no_bom)
    if name is None:
        facets = query.department_facets(current)
        note(ctx, f"{len(facets)}課")
        emit_listing(views.facets_listing(facets), out)
        return
    department = query.resolve_department(current, name)
    found = query.department_measures(current, department)
    note(ctx, f"所管課: {department.name} / {len(found)}件")
    emit_listing(views.measures_listing(current, found), out)


@app.command()
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...",
            help="Words that must all match (width, case, kana and tildes "
            "ignored; readings such as こうれいふくし work).",
        ),
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
    no_bom: NoBomOption = False,
) -> None:
    """Full-text search over measures, sections, policies, vision, departments, indicators.

    Example:

    \b
        kouryu search ボランティア
        kouryu search 子育て 交流
        kouryu search こうれいふくし -f json
    """
    out = _output(fmt, output, encoding, no_bom)
    current = plan(ctx)
    terms = query.split_terms(" ".join(words))
    if not terms:
        raise typer.BadParameter("give at least one word to search for", param_hint="'TEXT...'")
    from kouryu_cli import fulltext

    hits = fulltext.search(current, terms)
    if not hits:
        note(ctx, f"「{' '.join(words)}」に一致するものはありません")
        raise typer.Exit(EXIT_NOTHING_FOUND)
    note(ctx, f"「{' '.join(words)}」: {len(hits)}件")
    emit_listing(views.hits_listing(current, hits), out)


@app.command()
def show(
    ctx: typer.Context,
    measure: Annotated[
        str,
        typer.Argument(
            metavar="ID|NAME", help="Measure id (2-1-07) or name (part of it is enough)."
        ),
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
) -> None:
    """One measure in full: place in the plan, description, departments, ages, icons, neighbours.

    Example:

    \b
        kouryu show 2-1-07
        kouryu show 認知症カフェ
        kouryu show 3-1-14 -f json
    """
    current = plan(ctx)
    found = query.find_measure(current, measure)
    others = query.neighbours(current, found)
    record = views.measure_record(current, found)
    record["neighbours"] = [{"id": m.id, "name": m.name} for m in others]
    emit_document(
        Output(fmt, output, encoding, True),
        record,
        lambda console: _richview().draw_measure(console, current, found, others),
        lambda markdown: views.measure_text(current, found, others, markdown=markdown),
    )


def _richview() -> Any:
    from kouryu_cli.views import terminal as richview

    return richview


@app.command()
def outline(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
) -> None:
    """The chapter as a tree: vision, challenges, 施策 › sections › measures (with ids).

    Example:

    \b
        kouryu outline
        kouryu outline -f markdown -o 交流.md
        kouryu outline -f json
    """
    current = plan(ctx)
    emit_document(
        Output(fmt, output, encoding, True),
        views.outline_record(current),
        lambda console: _richview().draw_outline(console, current),
        lambda markdown: views.outline_text(current, markdown=markdown),
    )


@app.command()
def matrix(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    encoding: EncodingOption = None,
    no_bom: NoBomOption = False,
) -> None:
    """所管課 × 対象年代 (and icons): how many measures each department has for each age group.

    Example:

    \b
        kouryu matrix
        kouryu matrix -f csv -o matrix.csv
        kouryu matrix -o matrix.xlsx
    """
    current = plan(ctx)
    emit_listing(
        views.matrix_listing(query.matrix(current)),
        _output(fmt, output, encoding, no_bom),
        header_in_pipe=True,
    )
