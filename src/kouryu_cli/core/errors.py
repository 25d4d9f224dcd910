"""The one exception family of the library, and the exit statuses the CLI maps it to.

DataFileError, with the Problems it lists, is one of the family; it lives with the readers of
data files (files/problems.py), since only a run that reads and checks a file makes one.
"""

from __future__ import annotations

from kouryu_cli.core import i18n
from kouryu_cli.core.i18n import _

EXIT_OK = 0
EXIT_NOTHING_FOUND = 1  # also: two editions differ
EXIT_USAGE = 2
EXIT_DATA_FILE = 3  # a plan, actuals, progress file or returned form that cannot be used
EXIT_INTERNAL = 70  # a bug: unexpected exceptions
EXIT_OUTPUT = 74  # EX_IOERR: the output could not be written
EXIT_INTERRUPTED = 130

__all__ = [
    "EXIT_DATA_FILE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NOTHING_FOUND",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "KouryuError",
    "OutputError",
    "UsageError",
    "os_reason",
]


class KouryuError(Exception):
    """An expected failure, with the exit status the CLI gives it."""

    exit_code = EXIT_USAGE


class UsageError(KouryuError):
    """The user asked for something that does not exist (an unknown department, a bad value)."""


def os_reason(error: OSError) -> str:
    """Why the system refused, in the user's language (strerror is always English)."""
    import errno

    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("operation not permitted"),
        errno.ENOSPC: _("no space left on the device"),
        errno.EROFS: _("read-only file system"),
        errno.EISDIR: _("is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.EEXIST: _("already exists"),
        errno.EBUSY: _("the file is in use"),
        errno.EIO: _("input/output error"),
        errno.ENAMETOOLONG: _("the name is too long"),
    }
    reason = reasons.get(error.errno or 0)
    if reason is None or i18n.current() == "en":  # English: the system's own words
        return str(error.strerror or error)
    return reason


class OutputError(KouryuError):
    """The result could not be written: a full disk, a closed stream, a locked file."""

    exit_code = EXIT_OUTPUT

    def __init__(self, where: object | None, reason: object) -> None:
        if isinstance(reason, OSError):
            reason = os_reason(reason)
        place = f"{where}: " if where is not None else ""
        super().__init__(
            _("cannot write output: {place}{reason}").format(place=place, reason=reason)
        )
