"""What is wrong with a data file, and where: Problem, and DataFileError that lists them.

A plan, actuals, progress file or returned form that cannot be used ends the command with
exit status 3 (core.errors.EXIT_DATA_FILE) and every problem found, each at its place, on
one line: a line break in a value (a quoted CSV field, Alt+Enter in a cell) is shown as \\n.
"""

from __future__ import annotations

from dataclasses import dataclass

from kouryu_cli.core.errors import EXIT_DATA_FILE, KouryuError

# Characters that would break or garble a message's line: the line breaks that editors and
# str.splitlines() know, the other control characters (a terminal's escape sequences among
# them) and DEL, each shown as Python writes it in a literal (\n, \x0c, \u2028). A tab stays.
_UNPRINTABLE = {
    code: repr(chr(code))[1:-1]
    for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
    if code != 0x09
}


def one_line(text: str) -> str:
    """The text on one line: line breaks and other control characters shown escaped."""
    return text.translate(_UNPRINTABLE)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: as a spreadsheet names its columns.

    The one helper for every place that names a cell. openpyxl's get_column_letter does the
    same, but openpyxl is optional (the `excel` extra) and a CSV form's problems name cells
    too; writers that have loaded openpyxl use its own.
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a data file, where it is, and what is expected.

    In a workbook, sheet names the sheet and line is the row: the place is file:sheet!C5
    (file:sheet!5:5 for a whole row), while file stays the file, as JSON gives it.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    sheet: str = ""

    @property
    def place(self) -> str:
        """file:line:column, or file:sheet!C5 in a workbook."""
        if self.sheet:
            if self.line is None:
                return f"{self.file}:{self.sheet}"
            cell = (
                f"{column_letter(self.column)}{self.line}"
                if self.column is not None
                else f"{self.line}:{self.line}"
            )
            return f"{self.file}:{self.sheet}!{cell}"
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        parts = (self.place, self.path, self.message) if self.path else (self.place, self.message)
        return one_line(": ".join(parts))


class DataFileError(KouryuError):
    """A data file (plan, actuals, progress file, returned form) that cannot be used, with every
    problem found in it."""

    exit_code = EXIT_DATA_FILE

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, file: str, message: str, line: int | None = None, column: int | None = None
    ) -> DataFileError:
        """A file-level problem (missing, unreadable, not UTF-8 …)."""
        return cls([Problem(file, line, column, "", message)])
