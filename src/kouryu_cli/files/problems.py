"""What is wrong with a data file, and where: Problem, and DataFileError that lists them.

A plan, actuals, progress file or returned form that cannot be used ends the command with
exit status 3 (core.errors.EXIT_DATA_FILE) and every problem found, each at its place.
"""

from __future__ import annotations

from dataclasses import dataclass

from kouryu_cli.core.errors import EXIT_DATA_FILE, KouryuError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a data file, where it is, and what is expected."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.path}: {self.message}" if self.path else f"{place}: {self.message}"


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
