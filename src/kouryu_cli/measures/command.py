"""Commands that ask about measures: measures, dept, search, show, outline, matrix."""

from collections.abc import Callable
from typing import Annotated

import typer

from kouryu_cli.cli import output
from kouryu_cli.cli.options import (
    DeptOption,
    argument,
    complete_departments,
    note,
    option,
    output_options,
    plan,
    plan_path,
    summary,
    value_option,
)
from kouryu_cli.core.errors import EXIT_NOTHING_FOUND, UsageError
from kouryu_cli.core.i18n import N_, _, ngettext
from kouryu_cli.core.model import AgeGroup, Icon, LabelledEnum, Plan
from kouryu_cli.measures import query, views
from kouryu_cli.render.listing import Listing

LISTING_FORMATS = ("table", "json", "csv", "tsv", "markdown", "xlsx")
DOCUMENT_FORMATS = ("table", "json", "markdown")
listing_options = output_options(LISTING_FORMATS)
document_options = output_options(DOCUMENT_FORMATS)


def _title(current: Plan, what: str, conditions: str) -> str:
    return f"{current.program}「{current.chapter.title}」 {what}（{conditions}）"


def _emit_found(ctx: typer.Context, out: output.Output, listing: Listing, empty: str) -> None:
    """Write the listing; when it is empty, still write it (no stale file) and exit 1."""
    if not output.is_empty(out, listing):
        output.emit_listing(out, listing)
        return
    note(ctx, empty)
    output.emit_listing(out, listing)
    if out.path is not None:
        # What the empty file holds: JSON an empty list, a table nothing, the rest a header.
        if out.format == "json":
            wrote = _("{path}: nothing matched; wrote an empty list")
        elif out.format == "table":
            wrote = _("{path}: nothing matched; wrote an empty file")
        else:
            wrote = _("{path}: nothing matched; wrote the headers only")
        note(ctx, wrote.format(path=out.path))
    raise typer.Exit(EXIT_NOTHING_FOUND)


def _completion(choices: type[LabelledEnum]) -> Callable[[str], list[str]]:
    """Shell completion of an option that takes one of an enum's values."""

    def complete(incomplete: str) -> list[str]:
        return [c.value for c in choices if c.value.startswith(incomplete)]

    return complete


AgeOption = Annotated[
    list[str] | None,
    value_option(
        "--age",
        "-a",
        metavar="AGE",
        autocompletion=_completion(AgeGroup),
        help=N_(
            "Target age group, repeatable: 0-17 (18歳未満), 18-64 (18～64歳), 65+ (65歳以上); "
            "also 65歳以上, 18〜64, u18, senior …"
        ),
    ),
]
PolicyOption = Annotated[
    list[int] | None,
    value_option("--policy", "-p", metavar="N", help=N_("施策 number (1-3), repeatable.")),
]
TagOption = Annotated[
    list[str] | None,
    value_option(
        "--tag",
        "-t",
        metavar="ICON",
        autocompletion=_completion(Icon),
        help=N_("Icon, repeatable: 知守, 食事, 運動."),
    ),
]


def _filter(
    current: Plan,
    ages: list[str] | None,
    only_age: bool,
    depts: list[str] | None,
    policies: list[int] | None,
    tags: list[str] | None,
    queries: list[str] | None,
) -> query.MeasureFilter:
    with option("--age"):
        age_groups = tuple(dict.fromkeys(query.parse_age(a) for a in ages or ()))
    with option("--tag"):
        icons = tuple(dict.fromkeys(query.parse_icon(t) for t in tags or ()))
    known = [p.number for p in current.policies]
    for number in policies or ():
        if number not in known:
            raise UsageError(
                _("--policy: no policy {number} (expected {known})").format(
                    number=number, known=", ".join(map(str, known))
                )
            )
    with option("--dept"):
        for name in depts or ():
            query.check_department_filter(current, name)
    if only_age and not age_groups:
        raise UsageError(_("--only-age: needs at least one --age"))
    with option("--query"):
        if any(not query.split_terms(q) for q in queries or ()):
            # A query of no words would match every measure, silently.
            raise UsageError(_("give at least one word to search for"))
    return query.MeasureFilter(
        ages=age_groups,
        only_ages=only_age,
        departments=tuple(depts or ()),
        policies=tuple(policies or ()),
        icons=icons,
        queries=tuple(queries or ()),
    )


@listing_options
def measures(
    ctx: typer.Context,
    age: AgeOption = None,
    only_age: Annotated[
        bool,
        typer.Option(
            "--only-age", help=N_("Only measures that target exactly the given age groups.")
        ),
    ] = False,
    dept: DeptOption = None,
    policy: PolicyOption = None,
    tag: TagOption = None,
    text: Annotated[
        list[str] | None,
        value_option(
            "--query",
            metavar="TEXT",
            help=N_(
                "Words that must all appear (as in search); repeatable: a measure that has "
                "the words of one --query."
            ),
        ),
    ] = None,
    *,
    request: output.Request,
) -> None:
    """List measures (事務事業) in plan order, filtered by age, department, policy, icon, words.

    Example:

    \b
        kouryu measures --age 65+
        kouryu measures --age 18-64 --age 65+ --only-age --dept 高齢
        kouryu measures --tag 運動 -f csv -o 運動.csv
    """
    out = request.resolve([plan_path(ctx)])
    current = plan(ctx)
    wanted = _filter(current, age, only_age, dept, policy, tag, text)
    found = query.filter_measures(current, wanted)
    conditions = " / ".join(wanted.describe())
    count = ngettext("{count} measure", "{count} measures", len(found)).format(count=len(found))
    counted = (
        _("conditions: {conditions} / {count}").format(conditions=conditions, count=count)
        if conditions
        else count
    )
    listing = views.measures_listing(
        current, found, _title(current, "事務事業一覧", conditions or "すべて")
    )
    if found:
        summary(ctx, counted)
    _emit_found(ctx, out, listing, _("no measure matches ({summary})").format(summary=counted))


@listing_options
def dept(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        argument(
            "[NAME]",
            N_("所管課 (part of the name or its reading is enough)."),
            autocompletion=complete_departments,
        ),
    ] = None,
    *,
    request: output.Request,
) -> None:
    """Departments (所管課): all with their counts, or one department's measures.

    Example:

    \b
        kouryu dept
        kouryu dept 高齢福祉課
        kouryu dept こそだて -f json
    """
    out = request.resolve([plan_path(ctx)])
    current = plan(ctx)
    if name is None:
        from kouryu_cli.measures import tallies as counted

        tallies = counted.department_tallies(current)
        summary(
            ctx,
            ngettext("{count} department", "{count} departments", len(tallies)).format(
                count=len(tallies)
            ),
        )
        title = _title(current, "所管課別の事業数", f"{len(tallies)}課")
        output.emit_listing(out, views.departments_listing(tallies, title))
        return
    department = query.resolve_department(current, name)
    found = query.department_measures(current, department)
    title = f"所管課: {department.name} / {len(found)}件"
    shown = _("所管課: {department} / {count}").format(
        department=department.name,
        count=ngettext("{count} measure", "{count} measures", len(found)).format(count=len(found)),
    )
    if found:
        summary(ctx, shown)
    listing = views.measures_listing(current, found, _title(current, "事務事業一覧", title))
    _emit_found(ctx, out, listing, _("no measure matches ({summary})").format(summary=shown))


@listing_options
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        argument(
            "TEXT...",
            N_(
                "Words that must all match (width, case, kana and tildes "
                "ignored; readings such as こうれいふくし work)."
            ),
        ),
    ],
    *,
    request: output.Request,
) -> None:
    """Full-text search over measures, sections, policies, vision, departments, indicators.

    Example:

    \b
        kouryu search ボランティア
        kouryu search 子育て 交流
        kouryu search こうれいふくし -f json
    """
    out = request.resolve([plan_path(ctx)])
    terms = query.split_terms(" ".join(words))
    if not terms:
        raise UsageError(_("give at least one word to search for"))
    current = plan(ctx)
    from kouryu_cli.measures import fulltext  # only this command searches the whole text

    hits = fulltext.search(current, terms)
    asked = " ".join(words)
    if hits:
        summary(
            ctx,
            ngettext("「{words}」: {count} hit", "「{words}」: {count} hits", len(hits)).format(
                words=asked, count=len(hits)
            ),
        )
    listing = views.hits_listing(current, hits, _title(current, "検索結果", f"「{asked}」"))
    _emit_found(ctx, out, listing, _("nothing matches 「{words}」").format(words=asked))


@document_options
def show(
    ctx: typer.Context,
    measure: Annotated[
        str,
        argument("ID|NAME", N_("Measure id (2-1-07) or name (part of it is enough).")),
    ],
    *,
    request: output.Request,
) -> None:
    """One measure in full: place in the plan, description, departments, ages, icons, neighbours.

    Example:

    \b
        kouryu show 2-1-07
        kouryu show 認知症カフェ
        kouryu show 3-1-14 -f json
    """
    out = request.resolve([plan_path(ctx)])
    current = plan(ctx)
    found = query.find_measure(current, measure)
    others = query.neighbours(current, found)
    record = views.measure_record(current, found)
    record["neighbours"] = [{"id": m.id, "name": m.name} for m in others]
    from kouryu_cli.measures import documents

    output.emit_document(out, record, documents.measure_document(current, found, others))


@document_options
def outline(
    ctx: typer.Context,
    *,
    request: output.Request,
) -> None:
    """The chapter as a tree: vision, challenges, 施策 › sections › measures (with ids).

    Example:

    \b
        kouryu outline
        kouryu outline -f markdown -o 交流.md
        kouryu outline -f json
    """
    out = request.resolve([plan_path(ctx)])
    current = plan(ctx)
    from kouryu_cli.measures import documents

    output.emit_document(
        out, documents.outline_record(current), documents.outline_document(current)
    )


@listing_options
def matrix(
    ctx: typer.Context,
    *,
    request: output.Request,
) -> None:
    """所管課 × 対象年代 (and icons): how many measures each department has for each age group.

    Example:

    \b
        kouryu matrix
        kouryu matrix -f csv -o matrix.csv
        kouryu matrix -o matrix.xlsx
    """
    out = request.resolve([plan_path(ctx)])
    current = plan(ctx)
    title = _title(current, "所管課 × 対象年代", f"{len(current.measures)}事業")
    from kouryu_cli.measures import tallies

    listing = views.matrix_listing(tallies.matrix(current), title)
    if out.format == "plain":  # a grid, not records: its columns need their names
        from kouryu_cli.render.listing import to_plain

        output.emit_text(out, to_plain(listing, header=True))
    else:
        output.emit_listing(out, listing)
    if note_text := views.total_note(current):
        note(ctx, note_text)
