"""Progress files (progress/R6.yaml): read and validated as strictly as the plan, and written back.

Every problem of every file is reported at once with file:line:column. Writing produces the
YAML text (progress_yaml), reads it back, and replaces the file atomically (files.writing).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kouryu_cli.core import era, values
from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.model import EraYear, Measure, Plan, Vocabulary
from kouryu_cli.files import kinds, yamlfile
from kouryu_cli.files.checker import FILE_KINDS, Checker
from kouryu_cli.files.checker import Path as NodePath
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.files.writing import write_file
from kouryu_cli.progress import book as progress
from kouryu_cli.progress.book import Answer, ProgressBook
from kouryu_cli.progress.figures import read_figures

SCHEMA_VERSION = 1
_ANSWER_KEYS = ("measure", "departments", "status", "rating", "direction")
# note (メモ): the office's own note on an answer, kept by collect (docs/progress-format.md).
_OPTIONAL_KEYS = (
    "activities",
    "figures",
    "issues",
    "next_steps",
    "answered_by",
    "answered_on",
    "note",
)


def load_progress(paths: Sequence[Path], plan: Plan) -> ProgressBook:
    """Read, parse and validate progress files of one year into one book.

    Every problem of every file is collected before one DataFileError is raised: unknown
    measures, departments that do not own the measure, values outside the plan's
    vocabularies, missing required fields, two files of different years, and one measure
    answered differently in two files.
    """
    if not paths:
        raise ValueError(_("load_progress needs at least one file"))
    problems: list[Problem] = []
    books: list[tuple[ProgressBook, yamlfile.Document]] = []
    for path in paths:
        try:
            document = _load(Path(path))
        except DataFileError as error:
            problems.extend(error.problems)
            continue
        check = Checker(document)
        book = _Reader(check, plan).read(document.data, Path(path))
        problems.extend(sorted(check.problems, key=lambda p: (p.line or 0, p.column or 0)))
        if book is not None:
            books.append((book, document))
    if not problems:
        problems.extend(_agreement(books))
    if problems:
        raise DataFileError(problems)
    first = books[0][0]
    answers: dict[str, Answer] = {}
    for book, _document in books:
        answers.update(book.by_measure())
    ordered = tuple(answers[m.id] for m in plan.measures if m.id in answers)
    return ProgressBook(first.year, ordered, tuple(Path(p) for p in paths))


def _load(path: Path) -> yamlfile.Document:
    """A progress file's YAML; a folder or a workbook given in its place is called what it is."""
    name = str(path)
    kind = _(FILE_KINDS["progress"][1])
    raw = yamlfile.read_bytes(path, name, kind)
    if (what := kinds.what_it_is(raw)) is not None:  # a workbook, a PDF, a picture …
        raise DataFileError.single(
            name,
            _(
                "{what}, not {kind}: give the YAML file that progress collect "
                "writes (progress/R6.yaml)"
            ).format(what=what, kind=kind),
        )
    return yamlfile.parse(yamlfile.decode(raw, name)[0], name)


def progress_from_text(text: str, name: str, plan: Plan) -> ProgressBook:
    """Validate progress YAML text (what progress_yaml wrote) into a book."""
    document = yamlfile.parse(text, name)
    check = Checker(document)
    book = _Reader(check, plan).read(document.data, Path(name))
    check.raise_if_any()
    assert book is not None  # a None book always comes with problems
    return book


def _agreement(books: list[tuple[ProgressBook, yamlfile.Document]]) -> list[Problem]:
    """Problems between files: another year, or one measure answered differently."""
    out: list[Problem] = []
    if not books:
        return out
    first, first_doc = books[0]
    seen: dict[str, tuple[Answer, yamlfile.Document, int]] = {}
    for book, document in books:
        if book.year.year != first.year.year:
            out.append(
                document.problem(
                    ("year",),
                    _(
                        "year {label} differs from {label2} in {file}; give the files of one year"
                    ).format(label=book.year.label, label2=first.year.label, file=first_doc.file),
                )
            )
            continue  # its answers are another year's: comparing them says nothing
        for index, answer in enumerate(book.answers):
            measure_id = answer.measure_id
            if measure_id in seen:
                other, other_doc, other_index = seen[measure_id]
                if other.content() != answer.content():
                    where = other_doc.problem(("answers", other_index), "")
                    out.append(
                        document.problem(
                            ("answers", index),
                            _(
                                "measure {measure_id} is answered differently in {file}:{line}"
                            ).format(measure_id=measure_id, file=other_doc.file, line=where.line),
                        )
                    )
            else:
                seen[measure_id] = (answer, document, index)
    return out


class _Reader:
    def __init__(self, check: Checker, plan: Plan) -> None:
        self.check = check
        self.measures = progress.owners(plan)
        self.vocabs = progress.vocabularies(plan)

    def read(self, data: Any, path: Path) -> ProgressBook | None:
        c = self.check
        top = c.top(data, "progress", ("schema", "year", "answers"))
        if top is None:
            return None
        if "schema" in top and c.integer(("schema",), top["schema"]) != SCHEMA_VERSION:
            c.fail(
                ("schema",),
                _("this kouryu reads progress schema {SCHEMA_VERSION}").format(
                    SCHEMA_VERSION=SCHEMA_VERSION
                ),
            )
        year = self.year(top.get("year"))
        answers: dict[str, Answer] = {}
        # Answers are kept in file order: _agreement and messages index them as in the file.
        for index, item in enumerate(c.items(("answers",), top.get("answers"))):
            answer = self.answer(("answers", index), item)
            if answer is None:
                continue
            if answer.measure_id in answers:
                c.fail(
                    ("answers", index, "measure"),
                    _("measure {measure_id} is answered twice in this file").format(
                        measure_id=answer.measure_id
                    ),
                )
                continue
            answers[answer.measure_id] = answer
        return ProgressBook(year or EraYear("", 0), tuple(answers.values()), (path,))

    def year(self, value: Any) -> EraYear | None:
        label = self.check.text(("year",), value)
        if not label:
            return None
        try:
            return era.parse_year(label)
        except era.EraError as error:
            self.check.fail(("year",), str(error))
            return None

    def answer(self, path: NodePath, value: Any) -> Answer | None:
        c = self.check
        data = c.mapping(path, value, _ANSWER_KEYS, _OPTIONAL_KEYS)
        if data is None:
            return None
        measure_id = c.text((*path, "measure"), data.get("measure"))
        measure = self.measures.get(measure_id)
        if measure_id and measure is None:
            c.fail(
                (*path, "measure"),
                _("no measure '{measure_id}' in the plan").format(measure_id=measure_id),
            )
        departments: list[str] = []
        for index, raw in enumerate(
            c.items((*path, "departments"), data.get("departments"), allow_empty=False)
        ):
            name = c.text((*path, "departments", index), raw)
            if measure is not None and name and name not in measure.departments:
                c.fail(
                    (*path, "departments", index),
                    _("'{name}' is not a department of {measure_id} ({value})").format(
                        name=name, measure_id=measure_id, value="・".join(measure.departments)
                    ),
                )
            elif name in departments:
                c.fail(
                    (*path, "departments", index),
                    _("department '{name}' is given twice").format(name=name),
                )
            departments.append(name)
        answer = Answer(
            measure_id=measure_id,
            departments=tuple(departments),
            status=self.term(path, progress.STATUS, data),
            rating=self.term(path, progress.RATING, data),
            direction=self.term(path, progress.DIRECTION, data),
            activities=c.text((*path, "activities"), data.get("activities"), required=False),
            figures=read_figures(c, (*path, "figures"), data.get("figures")),
            issues=c.text((*path, "issues"), data.get("issues"), required=False),
            next_steps=c.text((*path, "next_steps"), data.get("next_steps"), required=False),
            answered_by=c.text((*path, "answered_by"), data.get("answered_by"), required=False),
            answered_on=self.date((*path, "answered_on"), data.get("answered_on")),
            note=c.text((*path, "note"), data.get("note"), required=False),
        )
        for key, message in progress.answer_problems(answer, self.vocabs):
            # A value outside the vocabulary was reported already as unknown.
            unknown = key in progress.KEYS and data.get(key) is not None
            if (*path, key) not in c.missing and not unknown:
                c.fail((*path, key), message)
        return answer if measure is not None else None

    def term(self, path: NodePath, key: str, data: dict[str, Any]) -> str:
        """A vocabulary value in its canonical spelling; '' (and a problem) when unknown."""
        raw = data.get(key)
        if raw is None:
            return ""  # reported by answer_problems, once
        vocabulary: Vocabulary = self.vocabs[key]
        text = self.check.text((*path, key), raw)
        term = progress.read_term(vocabulary, text) if text else None
        if term is None:
            if text:
                self.check.fail(
                    (*path, key),
                    _("unknown {label} '{text}' (expected {expected})").format(
                        label=progress.LABELS[key],
                        text=text,
                        expected=progress.expected(vocabulary),
                    ),
                )
            return ""
        return term.value

    def date(self, path: NodePath, value: Any) -> datetime.date | None:
        text = self.check.text(path, value, required=False)
        if not text:
            return None
        try:
            return progress.parse_date(text)
        except ValueError as error:
            self.check.fail(path, str(error))
            return None


# ------------------------------------------------------------------ writing


def progress_yaml(book: ProgressBook, plan: Plan) -> str:
    """The book as a progress file: answers in plan order, long texts as literal blocks."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def number(dumper: yaml.SafeDumper, value: float) -> Any:
        # Plain digits: the file's reader takes 0.00005, not PyYAML's 5e-05.
        return dumper.represent_scalar("tag:yaml.org,2002:float", values.decimal_text(value))

    _Dumper.add_representer(str, text)
    _Dumper.add_representer(float, number)
    measures = progress.owners(plan)
    order = {m.id: i for i, m in enumerate(plan.measures)}
    answers = sorted(book.answers, key=lambda a: order.get(a.measure_id, len(order)))
    data = {
        "schema": SCHEMA_VERSION,
        "year": book.year.label,
        "answers": [_plain(a, measures.get(a.measure_id)) for a in answers],
    }
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)
    return "".join(f"{line}\n" for line in _header(book.year)) + body


def _header(year: EraYear) -> tuple[str, str]:
    """The file's own comment lines: part of the document (Japanese), not a message."""
    return (
        f"# 進行管理 {year.label}（{year.year}年度）: 所管課の取組状況の回答。",
        "# kouryu progress collect が書き、kouryu progress check が検査する。"
        "書式: docs/progress-format.md",
    )


def _plain(answer: Answer, measure: Measure | None) -> dict[str, Any]:
    # Departments in the plan's order: the file does not depend on the order forms came in.
    rank = {name: i for i, name in enumerate(measure.departments if measure else ())}
    out: dict[str, Any] = {
        "measure": answer.measure_id,
        "departments": sorted(answer.departments, key=lambda d: rank.get(d, len(rank))),
        "status": answer.status,
        "rating": answer.rating,
    }
    if answer.activities:
        out["activities"] = answer.activities
    if answer.figures:
        out["figures"] = [
            {"name": f.name, "value": f.value, **({"unit": f.unit} if f.unit else {})}
            for f in answer.figures
        ]
    if answer.issues:
        out["issues"] = answer.issues
    out["direction"] = answer.direction
    if answer.next_steps:
        out["next_steps"] = answer.next_steps
    if answer.answered_by:
        out["answered_by"] = answer.answered_by
    if answer.answered_on:
        out["answered_on"] = answer.answered_on.isoformat()
    if answer.note:
        out["note"] = answer.note
    return out


def save_progress(path: Path, book: ProgressBook, plan: Plan) -> str:
    """Write the book to path, replacing the file atomically; returns the text written.

    The text is read back through the validator first: a file kouryu writes is always one
    kouryu can read.
    """
    text = progress_yaml(book, plan)
    progress_from_text(text, str(path), plan)
    refuse_to_drop_comments(path, book.year)
    write_file(path, text.encode("utf-8"))
    return text


def refuse_to_drop_comments(path: Path, year: EraYear) -> None:
    """A DataFileError at the first comment a person wrote in the file, which a write would drop.

    kouryu writes the file anew from its answers, and YAML comments are not answers: rather
    than lose one, nothing is written. Its own header is not a person's comment.
    """
    try:
        if not path.is_file():
            return
    except OSError:
        return  # the write will say what is wrong with the path
    text = yamlfile.read_text(path)
    theirs = [c for c in comments(text) if c[2] not in _header(year)]
    if not theirs:
        return
    line, column, comment = theirs[0]
    raise DataFileError.single(
        str(path),
        ngettext(
            "a comment ({comment}): kouryu writes this file anew and cannot keep comments, so "
            "nothing was written: move what it says into a note: of its answer, or delete it, "
            "and run the command again",
            "a comment ({comment}), the first of {count}: kouryu writes this file anew and "
            "cannot keep comments, so nothing was written: move what they say into a note: "
            "of their answer, or delete them, and run the command again",
            len(theirs),
        ).format(comment=comment, count=len(theirs)),
        line,
        column,
    )


# A comment: '#' to the end of its line (YAML's line breaks).
_COMMENT = re.compile("#[^\r\n\x85\u2028\u2029]*")
# A block scalar's header ending in a comment: activities: |  # …
_BLOCK_HEADER = re.compile("[|>][-+0-9]*[ \t]*(?=#)")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def comments(text: str) -> list[tuple[int, int, str]]:
    """Every comment in YAML text: (line, column, the comment), in order.

    PyYAML's scanner skips comments without a word. Between its tokens there is only
    whitespace and comments, so a '#' there starts one; a block scalar's header line may end
    in one too. A '#' inside a quoted or block scalar, or inside plain text (a#b), is text.
    """
    import yaml

    # The scanner of the loader that read the file (libyaml's when installed): Python's own
    # refuses a tab after a value (rating: A⇥) that libyaml reads.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        tokens = list(yaml.scan(text, Loader=loader))
    except yaml.YAMLError:  # read once already; if not now, every '#' after a space counts
        return [
            (number, match.start() + 1, match.group().rstrip())
            for number, line in enumerate(text.splitlines(), 1)
            if (match := re.search(r"(?:^|(?<=\s))#.*", line))
        ]
    starts: list[int] = []
    end = 0
    for token in tokens:
        start = token.start_mark.index
        starts.extend(m.start() for m in _COMMENT.finditer(text, end, max(start, end)))
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            header = _BLOCK_HEADER.match(text, start)
            if header is not None:
                starts.append(header.end())
        end = max(end, token.end_mark.index)
    starts.extend(m.start() for m in _COMMENT.finditer(text, end))
    out = []
    for start in starts:
        before = _LINE_BREAK.split(text[:start])
        comment = _COMMENT.match(text, start)
        assert comment is not None  # every start is a '#'
        out.append((len(before), len(before[-1]) + 1, comment.group().rstrip()))
    return out
