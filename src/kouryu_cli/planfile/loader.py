"""Plan files: YAML in, a validated Plan of frozen dataclasses out, every problem named."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kouryu_cli.core import era
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import (
    SCHEMA_VERSION,
    AgeGroup,
    Challenge,
    Chapter,
    Department,
    EraYear,
    Icon,
    Indicator,
    Measure,
    Observation,
    Plan,
    Policy,
    Section,
    Series,
    TargetKind,
    Term,
    Vocabulary,
)
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files import yamlfile
from kouryu_cli.files.checker import Checker, Node
from kouryu_cli.files.checker import Path as NodePath
from kouryu_cli.planfile import targets

_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")
_AGES = ", ".join(a.value for a in AgeGroup)
_ICONS = ", ".join(i.value for i in Icon)
_KINDS = ", ".join(k.value for k in TargetKind)
# Keys of an indicator and of a series beyond the basic ones (docs/plan-format.md).
_OPTIONAL = ("tested", "history")
_SERIES_OPTIONAL = ("baseline_year", "target_year", "tested")


def load_plan(path: Path | str, label: str | None = None, notes: list[str] | None = None) -> Plan:
    """Read, parse and validate a plan file; raise DataFileError listing every problem.

    notes, when given, gets how the file was read (encoding), for -v.
    """
    document = yamlfile.load(Path(path), label, notes)
    return plan_from_document(document)


def plan_from_document(document: yamlfile.Document) -> Plan:
    """Validate a parsed plan document into a Plan."""
    check = Checker(document)
    plan = _PlanReader(check).read(document.data)
    check.raise_if_any()
    assert plan is not None  # a None plan always comes with problems
    return plan


class _PlanReader:
    def __init__(self, check: Checker) -> None:
        self.check = check
        self.department_names: dict[str, NodePath] = {}
        self.measure_ids: dict[str, NodePath] = {}
        self.actual_years: list[tuple[NodePath, EraYear]] = []
        # Folded name or alias → (what it is of which measure, where it is written).
        self.measure_names: dict[str, tuple[str, str, NodePath]] = {}

    def read(self, data: Any) -> Plan | None:
        c = self.check
        required = ("schema", "program", "chapter", "vision", "challenges", "departments")
        optional = ("indicators", "vocabularies", "evaluation")
        checked = c.top(data, "plan", (*required, "policies"), optional)
        if checked is None:
            return None
        top = Node(c, (), checked)
        if top.has("schema") and top.integer("schema") != SCHEMA_VERSION:
            # Another version's keys would each be reported as missing or unknown: say the
            # one thing that explains them all, and nothing else.
            c.problems[:] = [
                c.document.problem(
                    top.at("schema"),
                    _(
                        "this file is schema {value}; this kouryu reads schema {SCHEMA_VERSION}"
                    ).format(value=top.get("schema"), SCHEMA_VERSION=SCHEMA_VERSION),
                )
            ]
            return None
        program = top.child("program", ("city", "title"))
        chapter = top.child("chapter", ("number", "title"), ("intro",))
        vision = top.child("vision", ("slogan", "text"))
        challenges = top.child("challenges", ("items",), ("lead",))
        departments = self.departments(top)
        policies = self.policies(top)
        indicators = self.indicators(top)
        return Plan(
            city=program.text("city"),
            program=program.text("title"),
            chapter=Chapter(
                number=chapter.integer("number") if chapter.data else 0,
                title=chapter.text("title"),
                intro=chapter.text("intro", required=False),
            ),
            vision_slogan=vision.text("slogan"),
            vision_text=vision.text("text"),
            challenges_lead=challenges.text("lead", required=False),
            challenges=tuple(
                Challenge(item.text("title"), item.text("text"))
                for item in challenges.nodes("items", ("title", "text"))
            ),
            departments=departments,
            policies=policies,
            indicators=indicators,
            vocabularies=self.vocabularies(top.get("vocabularies")),
            since=self.since(top),
        )

    def since(self, top: Node) -> EraYear | None:
        """The evaluation period's first year (`evaluation: {since: …}`), if the plan sets one."""
        if not top.has("evaluation"):
            return None
        evaluation = top.child("evaluation", ("since",))
        return self.year_pair(evaluation.child("since", ("year", "western_year")))

    def departments(self, top: Node) -> tuple[Department, ...]:
        out = []
        for item in top.nodes("departments", ("name",), ("reading",), allow_empty=False):
            name = item.text("name")
            self.check.unique(
                self.department_names,
                name,
                item.at("name"),
                _("department '{name}' is listed twice").format(name=name),
            )
            out.append(Department(name, item.text("reading", required=False)))
        return tuple(out)

    def number(self, item: Node, seen: dict[int, NodePath], twice: str) -> int:
        """The item's number, noted in seen; twice ({number}) names a number used again."""
        number = item.integer("number")
        self.check.unique(seen, number, item.at("number"), twice.format(number=number))
        return number

    def policies(self, top: Node) -> tuple[Policy, ...]:
        out: list[Policy] = []
        numbers: dict[int, NodePath] = {}
        for item in top.nodes(
            "policies", ("number", "title", "sections"), ("text",), allow_empty=False
        ):
            number = self.number(item, numbers, _("policy number {number} is used twice"))
            sections = self.sections(item, number)
            out.append(
                Policy(number, item.text("title"), item.text("text", required=False), sections)
            )
        return tuple(out)

    def sections(self, policy: Node, policy_number: int) -> tuple[Section, ...]:
        out: list[Section] = []
        numbers: dict[int, NodePath] = {}
        for item in policy.nodes("sections", ("number", "title", "measures"), ("lead",)):
            number = self.number(
                item, numbers, _("section number {number} is used twice in this policy")
            )
            measures = tuple(
                m
                for order, (path, raw) in enumerate(item.items("measures"), 1)
                if (m := self.measure(path, raw, policy_number, number, order))
            )
            out.append(
                Section(
                    policy_number,
                    number,
                    item.text("title"),
                    item.text("lead", required=False),
                    measures,
                )
            )
        return tuple(out)

    def measure(
        self, path: NodePath, value: Any, policy: int, section: int, order: int
    ) -> Measure | None:
        c = self.check
        node = c.node(
            path,
            value,
            ("id", "name", "departments", "ages", "description"),
            ("icons", "reading", "aliases", "notes"),
        )
        if node is None:
            return None
        measure_id = node.text("id")
        if measure_id and not _ID.fullmatch(measure_id):
            # '-', '_' and '.' are allowed after the first character only.
            message = (
                _("id '{measure_id}' must start with a letter or a digit")
                if _ID.fullmatch("0" + measure_id[1:])
                else _("id '{measure_id}' may use only letters, digits, '-', '_', '.'")
            )
            c.fail(node.at("id"), message.format(measure_id=measure_id))
        else:
            c.unique(
                self.measure_ids,
                measure_id,
                node.at("id"),
                _("id '{measure_id}' is used twice").format(measure_id=measure_id),
            )
        departments: dict[str, NodePath] = {}
        for where, raw in node.items("departments", allow_empty=False):
            name = c.text(where, raw)
            if name and name not in self.department_names:
                c.fail(
                    where,
                    _("unknown department '{name}' (not in the departments list)").format(
                        name=name
                    ),
                )
            else:
                c.unique(
                    departments,
                    name,
                    where,
                    _("department '{name}' is given twice").format(name=name),
                )
        ages = self.enum_list(
            node,
            "ages",
            AgeGroup,
            _("expected an age group, got {raw!r}"),
            _("unknown age group '{raw}' (expected {expected})").format(
                raw="{raw}", expected=_AGES
            ),
            _("age group '{raw}' is given twice"),
        )
        icons = self.enum_list(
            node,
            "icons",
            Icon,
            _("expected an icon, got {raw!r}"),
            _("unknown icon '{raw}' (expected {expected})").format(raw="{raw}", expected=_ICONS),
            _("icon '{raw}' is given twice"),
        )
        name = node.text("name")
        aliases = node.texts("aliases")
        self.claim_names(node, measure_id, name, aliases)
        return Measure(
            id=measure_id,
            name=name,
            description=node.text("description", required=False),
            policy=policy,
            section=section,
            order=order,
            departments=tuple(departments),
            ages=tuple(a for a in AgeGroup if a in ages),
            icons=tuple(i for i in Icon if i in icons),
            reading=node.text("reading", required=False),
            aliases=aliases,
            notes=node.texts("notes"),
        )

    def claim_names(self, node: Node, measure_id: str, name: str, aliases: tuple[str, ...]) -> None:
        """A name or alias names one measure only: `show NAME` and diff rely on it.

        Names are compared folded (ＰＲ = PR, spaces ignored), as search and diff see them.
        The problem names both places in full, file:line:column, as the two may be far apart.
        """
        written: list[tuple[str, str, NodePath]] = [("name", name, node.at("name"))]
        written += [("alias", a, node.at("aliases", i)) for i, a in enumerate(aliases)]
        mine: set[str] = set()
        for kind, text, here in written:
            key = fold(text)
            if not key or key in mine:
                continue
            mine.add(key)
            if key in self.measure_names:
                other_kind, other_id, there = self.measure_names[key]
                what = _("the name") if other_kind == "name" else _("an alias")
                self.check.fail(
                    here,
                    _(
                        "{kind} '{text}' is already {what} of measure {other_id} at "
                        "{value}: a name must name one measure"
                    ).format(
                        kind=kind,
                        text=text,
                        what=what,
                        other_id=other_id,
                        value=self.check.where(there),
                    ),
                )
            else:
                self.measure_names[key] = (kind, measure_id, here)

    def enum_list(
        self, node: Node, key: str, enum: Any, not_text: str, unknown: str, twice: str
    ) -> list[Any]:
        """The members of enum a list names; the messages say what is wrong with {raw}."""
        c = self.check
        out: dict[Any, NodePath] = {}
        for path, raw in node.items(key):
            if not isinstance(raw, str):
                c.fail(path, not_text.format(raw=raw))
                continue
            try:
                member = enum(raw)
            except ValueError:
                c.fail(path, unknown.format(raw=raw))
                continue
            c.unique(out, member, path, twice.format(raw=raw))
        return list(out)

    def indicators(self, top: Node) -> tuple[Indicator, ...]:
        out: list[Indicator] = []
        ids: dict[str, NodePath] = {}
        for item in top.nodes(
            "indicators", ("id", "name", "baseline", "target", "series"), ("plan", *_OPTIONAL)
        ):
            indicator_id = item.text("id")
            self.check.unique(
                ids,
                indicator_id,
                item.at("id"),
                _("indicator id '{indicator_id}' is used twice").format(indicator_id=indicator_id),
            )
            baseline = item.child("baseline", ("year", "western_year"), ("as_written",))
            target = item.child("target", ("year", "western_year", "kind"), ("as_written",))
            kind = target.choice("kind", TargetKind.of, _KINDS) or TargetKind.REACH
            series = self.series(
                item, kind, item.check.boolean(item.at("tested"), item.get("tested"))
            )
            keys = {s.key for s in series if s.key}
            out.append(
                Indicator(
                    id=indicator_id,
                    name=item.text("name"),
                    plan=item.text("plan", required=False),
                    baseline_year=self.year_pair(baseline),
                    baseline_written=baseline.text("as_written", required=False),
                    target_year=self.year_pair(target),
                    target_kind=kind,
                    target_written=target.text("as_written", required=False),
                    series=series,
                    history=targets.history(item, keys, self.year_pair)
                    if item.has("history")
                    else (),
                )
            )
        if out:
            last = max(i.last_target_year for i in out)
            for where, year in self.actual_years:
                if (why := era.beyond_plan(year, last)) is not None:
                    self.check.fail(where, why)
        return tuple(out)

    def year_pair(self, node: Node) -> EraYear:
        label = node.text("year")
        western = node.integer("western_year") if "western_year" in node.data else None
        parsed = self.year(node.at("year"), label) if label else None
        if parsed and western is not None and parsed.year != western:
            self.check.fail(
                node.at("western_year"),
                _("western_year {western} does not match '{label}' (which is {year})").format(
                    western=western, label=label, year=parsed.year
                ),
            )
        return parsed or EraYear(label, western or 0)

    def year(self, path: NodePath, label: str) -> EraYear | None:
        try:
            return era.parse_year(label)
        except era.EraError as error:
            self.check.fail(path, str(error))
            return None

    def series(self, indicator: Node, kind: TargetKind, tested: bool) -> tuple[Series, ...]:
        c = self.check
        items = indicator.nodes(
            "series",
            ("unit", "baseline"),
            ("id", "label", "target", "actuals", *_SERIES_OPTIONAL),
            allow_empty=False,
        )
        several = len(indicator.get("series") or ()) > 1
        out: list[Series] = []
        keys: dict[str, NodePath] = {}
        for item in items:
            key = item.text("id", required=several)
            c.unique(
                keys,
                key,
                item.at("id"),
                _("series id '{key}' is used twice in this indicator").format(key=key),
            )
            unit = item.text("unit", required=False)
            baseline = item.number("baseline", unit)
            target = None
            change = targets.relative_change(item.get("target"))
            if kind.has_value:
                if not item.has("target"):
                    c.fail(
                        item.path,
                        _("missing key 'target' (a '{value}' target needs a value)").format(
                            value=kind.value
                        ),
                    )
                elif change is not None:
                    # Rounded: 25.6 × 1.1 is 28.16, not the float 28.160000000000004.
                    target = round(baseline * (1 + change / 100), 10)
                else:
                    target = item.number("target", unit)
            elif item.has("target"):
                c.fail(
                    item.at("target"),
                    _("a '{value}' target has no value; remove it").format(value=kind.value),
                )
            out.append(
                Series(
                    key=key,
                    label=item.text("label", required=False),
                    unit=unit,
                    baseline=baseline,
                    target=target,
                    actuals=self.observations(item, unit),
                    baseline_year=self.own_year(item, "baseline_year"),
                    target_year=self.own_year(item, "target_year"),
                    tested=c.boolean(item.at("tested"), item.get("tested"))
                    if item.has("tested")
                    else tested,
                    target_change=change,
                )
            )
        return tuple(out)

    def own_year(self, series: Node, key: str) -> EraYear | None:
        """A series' own baseline or target year, when it has one."""
        if not series.has(key):
            return None
        return self.year_pair(series.child(key, ("year", "western_year")))

    def observations(self, series: Node, unit: str) -> tuple[Observation, ...]:
        """Actual values of one series; each year at most once."""
        out: list[Observation] = []
        years: dict[int, NodePath] = {}
        for item in series.nodes("actuals", ("year", "value"), ("source", "significance")):
            label = item.text("year")
            year = self.year(item.at("year"), label) if label else None
            number = item.number("value", unit)
            if year is not None:
                self.actual_years.append((item.at("year"), year))
            if year is None or not self.check.unique(
                years,
                year.year,
                item.at("year"),
                _("year '{label}' ({year}) is given twice").format(label=label, year=year.year),
            ):
                continue
            tested = None
            if item.has("significance"):
                tested = item.choice("significance", targets.significance, targets.SIGNIFICANCE)
            out.append(Observation(year, number, item.text("source", required=False), tested))
        return tuple(sorted(out, key=lambda o: o.year.year))

    def vocabularies(self, value: Any) -> tuple[Vocabulary, ...]:
        """The plan's own progress scales (実施状況, 評価, 今後の方向性), where it defines them."""
        from kouryu_cli.core.textnorm import fold

        c = self.check
        if value is None:
            return ()
        data = c.mapping(("vocabularies",), value, (), ("status", "rating", "direction")) or {}
        out = []
        for key, items in data.items():
            terms: list[Term] = []
            seen: set[str] = set()
            for index, item in enumerate(c.items(("vocabularies", key), items, allow_empty=False)):
                path: NodePath = ("vocabularies", key, index)
                extra = ("definition", "needs_activities") if key == "status" else ("definition",)
                term = c.mapping(path, item, ("value",), extra)
                if term is None:
                    continue
                text = c.text((*path, "value"), term.get("value"))
                if fold(text) in seen:
                    c.fail((*path, "value"), _("value '{text}' is given twice").format(text=text))
                seen.add(fold(text))
                needs = c.boolean((*path, "needs_activities"), term.get("needs_activities"))
                definition = c.text((*path, "definition"), term.get("definition"), required=False)
                terms.append(Term(text, definition, needs))
            if terms:
                out.append(Vocabulary(key, tuple(terms)))
        return tuple(out)
