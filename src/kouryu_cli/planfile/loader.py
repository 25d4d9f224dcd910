"""Plan files: YAML in, a validated Plan of frozen dataclasses out, every problem named."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kouryu_cli import era
from kouryu_cli.model import (
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
from kouryu_cli.planfile import yamlfile
from kouryu_cli.planfile.checker import Checker
from kouryu_cli.planfile.checker import Path as NodePath

_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")
_AGES = ", ".join(a.value for a in AgeGroup)
_ICONS = ", ".join(i.value for i in Icon)
_KINDS = ", ".join(k.value for k in TargetKind)


def load_plan(path: Path | str, label: str | None = None) -> Plan:
    """Read, parse and validate a plan file; raise PlanError listing every problem."""
    document = yamlfile.load(Path(path), label)
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
        self.department_names: set[str] = set()
        self.measure_ids: dict[str, NodePath] = {}

    def read(self, data: Any) -> Plan | None:
        c = self.check
        top = c.mapping(
            (),
            data,
            ("schema", "program", "chapter", "vision", "challenges", "departments", "policies"),
            ("indicators", "vocabularies"),
        )
        if top is None:
            return None
        if "schema" in top and c.integer(("schema",), top["schema"]) != SCHEMA_VERSION:
            c.fail(("schema",), f"this kouryu reads schema {SCHEMA_VERSION}")
        program = c.mapping(("program",), top.get("program"), ("city", "title")) or {}
        chapter = self.chapter(top.get("chapter"))
        vision = c.mapping(("vision",), top.get("vision"), ("slogan", "text")) or {}
        challenges = c.mapping(("challenges",), top.get("challenges"), ("items",), ("lead",)) or {}
        departments = self.departments(top.get("departments"))
        policies = self.policies(top.get("policies"))
        indicators = self.indicators(top.get("indicators"))
        return Plan(
            city=c.text(("program", "city"), program.get("city")),
            program=c.text(("program", "title"), program.get("title")),
            chapter=chapter,
            vision_slogan=c.text(("vision", "slogan"), vision.get("slogan")),
            vision_text=c.text(("vision", "text"), vision.get("text")),
            challenges_lead=c.text(("challenges", "lead"), challenges.get("lead"), required=False),
            challenges=self.challenges(challenges.get("items")),
            departments=departments,
            policies=policies,
            indicators=indicators,
            vocabularies=self.vocabularies(top.get("vocabularies")),
        )

    def chapter(self, value: Any) -> Chapter:
        c = self.check
        data = c.mapping(("chapter",), value, ("number", "title"), ("intro",)) or {}
        return Chapter(
            number=c.integer(("chapter", "number"), data.get("number")) if data else 0,
            title=c.text(("chapter", "title"), data.get("title")),
            intro=c.text(("chapter", "intro"), data.get("intro"), required=False),
        )

    def challenges(self, value: Any) -> tuple[Challenge, ...]:
        c = self.check
        out = []
        for index, item in enumerate(c.items(("challenges", "items"), value)):
            path: NodePath = ("challenges", "items", index)
            data = c.mapping(path, item, ("title", "text"))
            if data is not None:
                out.append(
                    Challenge(
                        c.text((*path, "title"), data.get("title")),
                        c.text((*path, "text"), data.get("text")),
                    )
                )
        return tuple(out)

    def departments(self, value: Any) -> tuple[Department, ...]:
        c = self.check
        out = []
        for index, item in enumerate(c.items(("departments",), value, allow_empty=False)):
            path: NodePath = ("departments", index)
            data = c.mapping(path, item, ("name",), ("reading",))
            if data is None:
                continue
            name = c.text((*path, "name"), data.get("name"))
            if name in self.department_names:
                c.fail((*path, "name"), f"department '{name}' is listed twice")
            self.department_names.add(name)
            out.append(
                Department(name, c.text((*path, "reading"), data.get("reading"), required=False))
            )
        return tuple(out)

    def policies(self, value: Any) -> tuple[Policy, ...]:
        c = self.check
        out: list[Policy] = []
        numbers: set[int] = set()
        for index, item in enumerate(c.items(("policies",), value, allow_empty=False)):
            path: NodePath = ("policies", index)
            data = c.mapping(path, item, ("number", "title", "sections"), ("text",))
            if data is None:
                continue
            number = c.integer((*path, "number"), data.get("number"))
            if number in numbers:
                c.fail((*path, "number"), f"policy number {number} is used twice")
            numbers.add(number)
            sections = self.sections(path, number, data.get("sections"))
            out.append(
                Policy(
                    number,
                    c.text((*path, "title"), data.get("title")),
                    c.text((*path, "text"), data.get("text"), required=False),
                    sections,
                )
            )
        return tuple(out)

    def sections(self, parent: NodePath, policy: int, value: Any) -> tuple[Section, ...]:
        c = self.check
        out: list[Section] = []
        numbers: set[int] = set()
        for index, item in enumerate(c.items((*parent, "sections"), value)):
            path: NodePath = (*parent, "sections", index)
            data = c.mapping(path, item, ("number", "title", "measures"), ("lead",))
            if data is None:
                continue
            number = c.integer((*path, "number"), data.get("number"))
            if number in numbers:
                c.fail((*path, "number"), f"section number {number} is used twice in this policy")
            numbers.add(number)
            measures = tuple(
                m
                for order, raw in enumerate(c.items((*path, "measures"), data.get("measures")), 1)
                if (m := self.measure((*path, "measures", order - 1), raw, policy, number, order))
            )
            out.append(
                Section(
                    policy,
                    number,
                    c.text((*path, "title"), data.get("title")),
                    c.text((*path, "lead"), data.get("lead"), required=False),
                    measures,
                )
            )
        return tuple(out)

    def measure(
        self, path: NodePath, value: Any, policy: int, section: int, order: int
    ) -> Measure | None:
        c = self.check
        data = c.mapping(
            path,
            value,
            ("id", "name", "departments", "ages", "description"),
            ("icons", "reading", "aliases", "notes"),
        )
        if data is None:
            return None
        measure_id = c.text((*path, "id"), data.get("id"))
        if measure_id and not _ID.fullmatch(measure_id):
            c.fail((*path, "id"), f"id '{measure_id}' may use only letters, digits, '-', '_', '.'")
        elif measure_id in self.measure_ids:
            c.fail((*path, "id"), f"id '{measure_id}' is used twice")
        self.measure_ids.setdefault(measure_id, path)
        departments = []
        for index, raw in enumerate(
            c.items((*path, "departments"), data.get("departments"), allow_empty=False)
        ):
            name = c.text((*path, "departments", index), raw)
            if name and name not in self.department_names:
                c.fail(
                    (*path, "departments", index),
                    f"unknown department '{name}' (not in the departments list)",
                )
            elif name in departments:
                c.fail((*path, "departments", index), f"department '{name}' is given twice")
            departments.append(name)
        ages = self.enum_list((*path, "ages"), data.get("ages"), AgeGroup, "age group", _AGES)
        icons = self.enum_list((*path, "icons"), data.get("icons"), Icon, "icon", _ICONS)
        return Measure(
            id=measure_id,
            name=c.text((*path, "name"), data.get("name")),
            description=c.text((*path, "description"), data.get("description"), required=False),
            policy=policy,
            section=section,
            order=order,
            departments=tuple(departments),
            ages=tuple(a for a in AgeGroup if a in ages),
            icons=tuple(i for i in Icon if i in icons),
            reading=c.text((*path, "reading"), data.get("reading"), required=False),
            aliases=self.texts((*path, "aliases"), data.get("aliases")),
            notes=self.texts((*path, "notes"), data.get("notes")),
        )

    def enum_list(
        self, path: NodePath, value: Any, enum: Any, what: str, expected: str
    ) -> list[Any]:
        c = self.check
        out: list[Any] = []
        for index, raw in enumerate(c.items(path, value)):
            if not isinstance(raw, str):
                c.fail((*path, index), f"expected an {what}, got {raw!r}")
                continue
            try:
                member = enum(raw)
            except ValueError:
                c.fail((*path, index), f"unknown {what} '{raw}' (expected {expected})")
                continue
            if member in out:
                c.fail((*path, index), f"{what} '{raw}' is given twice")
            out.append(member)
        return out

    def texts(self, path: NodePath, value: Any) -> tuple[str, ...]:
        return tuple(
            self.check.text((*path, i), v) for i, v in enumerate(self.check.items(path, value))
        )

    def indicators(self, value: Any) -> tuple[Indicator, ...]:
        c = self.check
        out: list[Indicator] = []
        ids: set[str] = set()
        for index, item in enumerate(c.items(("indicators",), value)):
            path: NodePath = ("indicators", index)
            data = c.mapping(path, item, ("id", "name", "baseline", "target", "series"), ("plan",))
            if data is None:
                continue
            indicator_id = c.text((*path, "id"), data.get("id"))
            if indicator_id in ids:
                c.fail((*path, "id"), f"indicator id '{indicator_id}' is used twice")
            ids.add(indicator_id)
            baseline = (
                c.mapping(
                    (*path, "baseline"),
                    data.get("baseline"),
                    ("year", "western_year"),
                    ("as_written",),
                )
                or {}
            )
            target = (
                c.mapping(
                    (*path, "target"),
                    data.get("target"),
                    ("year", "western_year", "kind"),
                    ("as_written",),
                )
                or {}
            )
            kind = c.choice((*path, "target", "kind"), target.get("kind"), TargetKind, _KINDS)
            series = self.series(path, data.get("series"), kind or TargetKind.REACH)
            out.append(
                Indicator(
                    id=indicator_id,
                    name=c.text((*path, "name"), data.get("name")),
                    plan=c.text((*path, "plan"), data.get("plan"), required=False),
                    baseline_year=self.year_pair((*path, "baseline"), baseline),
                    baseline_written=c.text(
                        (*path, "baseline", "as_written"),
                        baseline.get("as_written"),
                        required=False,
                    ),
                    target_year=self.year_pair((*path, "target"), target),
                    target_kind=kind or TargetKind.REACH,
                    target_written=c.text(
                        (*path, "target", "as_written"), target.get("as_written"), required=False
                    ),
                    series=series,
                )
            )
        return tuple(out)

    def year_pair(self, path: NodePath, data: dict[str, Any]) -> EraYear:
        label = self.check.text((*path, "year"), data.get("year"))
        western = (
            self.check.integer((*path, "western_year"), data["western_year"])
            if "western_year" in data
            else None
        )
        parsed = self.year((*path, "year"), label) if label else None
        if parsed and western is not None and parsed.year != western:
            self.check.fail(
                (*path, "western_year"),
                f"western_year {western} does not match '{label}' (which is {parsed.year})",
            )
        return parsed or EraYear(label, western or 0)

    def year(self, path: NodePath, label: str) -> EraYear | None:
        try:
            return era.parse_year(label)
        except era.EraError as error:
            self.check.fail(path, str(error))
            return None

    def series(self, parent: NodePath, value: Any, kind: TargetKind) -> tuple[Series, ...]:
        c = self.check
        items = c.items((*parent, "series"), value, allow_empty=False)
        out: list[Series] = []
        keys: set[str] = set()
        for index, item in enumerate(items):
            path: NodePath = (*parent, "series", index)
            data = c.mapping(path, item, ("unit", "baseline"), ("id", "label", "target", "actuals"))
            if data is None:
                continue
            key = c.text((*path, "id"), data.get("id"), required=len(items) > 1)
            if key in keys:
                c.fail((*path, "id"), f"series id '{key}' is used twice in this indicator")
            keys.add(key)
            target = None
            if kind.has_value:
                if data.get("target") is None:
                    c.fail(path, f"missing key 'target' (a '{kind.value}' target needs a value)")
                else:
                    target = c.number((*path, "target"), data["target"])
            elif data.get("target") is not None:
                c.fail((*path, "target"), f"a '{kind.value}' target has no value; remove it")
            out.append(
                Series(
                    key=key,
                    label=c.text((*path, "label"), data.get("label"), required=False),
                    unit=c.text((*path, "unit"), data.get("unit"), required=False),
                    baseline=c.number((*path, "baseline"), data.get("baseline")),
                    target=target,
                    actuals=self.observations((*path, "actuals"), data.get("actuals")),
                )
            )
        return tuple(out)

    def observations(self, path: NodePath, value: Any) -> tuple[Observation, ...]:
        """Actual values of one series; each year at most once."""
        c = self.check
        out: list[Observation] = []
        years: dict[int, str] = {}
        for index, item in enumerate(c.items(path, value)):
            here: NodePath = (*path, index)
            data = c.mapping(here, item, ("year", "value"), ("source",))
            if data is None:
                continue
            label = c.text((*here, "year"), data.get("year"))
            year = self.year((*here, "year"), label) if label else None
            number = c.number((*here, "value"), data.get("value"))
            if year is None:
                continue
            if year.year in years:
                c.fail(
                    (*here, "year"),
                    f"year '{label}' ({year.year}) is given twice (first as '{years[year.year]}')",
                )
                continue
            years[year.year] = label
            out.append(
                Observation(
                    year, number, c.text((*here, "source"), data.get("source"), required=False)
                )
            )
        return tuple(sorted(out, key=lambda o: o.year.year))

    def vocabularies(self, value: Any) -> tuple[Vocabulary, ...]:
        """The plan's own progress scales (実施状況, 評価, 今後の方向性), where it defines them."""
        from kouryu_cli.textnorm import fold

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
                    c.fail((*path, "value"), f"value '{text}' is given twice")
                seen.add(fold(text))
                needs = c.boolean((*path, "needs_activities"), term.get("needs_activities"))
                definition = c.text((*path, "definition"), term.get("definition"), required=False)
                terms.append(Term(text, definition, needs))
            if terms:
                out.append(Vocabulary(key, tuple(terms)))
        return tuple(out)
