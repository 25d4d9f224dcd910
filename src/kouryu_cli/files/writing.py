"""Writing a result without losing data: to stdout, or into the file the user named.

write_file() never replaces a link, a pipe or a device and replaces a regular file
atomically; write_stdout() turns a full, closed or read-only stream into an OutputError
(exit 74). Every command and every feature that writes a file goes through here. locked()
holds a file's lock (filelock) while a command reads, merges and replaces it, so that two
runs at once lose nothing (progress collect).
"""

from __future__ import annotations

import math
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kouryu_cli.core.errors import OutputError, UsageError
from kouryu_cli.core.i18n import _


def require_stdout() -> None:
    """An OutputError when there is no standard output to write to."""
    if sys.stdout is None:
        raise OutputError(None, _("standard output is closed"))


def write_stdout(data: bytes) -> None:
    """Bytes to stdout; a full, closed or read-only stream is an OutputError (exit 74)."""
    require_stdout()
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise  # the reader went away: the CLI exits quietly
    except (OSError, ValueError) as error:
        raise OutputError(None, error) from None


def write_file(path: Path, data: bytes) -> None:
    """Write data to the file the user named, the way that keeps every other file intact.

    - A regular file is replaced atomically (a failure leaves the old one as it was) and
      keeps its permission bits (and, as root, its owner); a new file gets the umask's.
    - A symbolic link is followed: its target is replaced, the link stays a link.
    - A FIFO, a device or a descriptor path (/dev/stdout) is opened and written into.
    """
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputError(path, error) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(path, _("is a folder"))
    if (info is not None and not stat.S_ISREG(info.st_mode)) or _is_descriptor(path):
        _write_into(path, data)
    else:
        _replace(path, Path(os.path.realpath(path)), data, info)


def replaces(path: Path) -> bool:
    """Whether write_file(path) would replace a file that exists (not write into a stream)."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False  # a new file (or one the write will report on)
    return regular and not _is_descriptor(path)


def _is_descriptor(path: Path) -> bool:
    """Whether path reaches an open descriptor (/dev/stdout → /proc/self/fd/1): never replace."""
    current = Path.cwd() / path
    for _step in range(40):
        if str(current).startswith(("/proc/", "/dev/fd/")):
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.normpath(current.parent / current.readlink()))
    return False


def _write_into(path: Path, data: bytes) -> None:
    # O_APPEND: a descriptor path may stand for a file the shell opened with >> .
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError as error:
        raise OutputError(path, error) from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(path, error) from None
    finally:
        os.close(handle)


def _replace(shown: Path, target: Path, data: bytes, info: os.stat_result | None) -> None:
    import tempfile  # only when writing a file: a query that prints never needs it

    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(shown, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if info is not None:
            temp.chmod(stat.S_IMODE(info.st_mode))
            if getattr(os, "geteuid", lambda: -1)() == 0:
                os.chown(temp, info.st_uid, info.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            temp.chmod(0o666 & ~umask)
        temp.replace(target)
    except OSError as error:
        # A full disk, a locked file, a vanished folder: the old file is still there, untouched.
        temp.unlink(missing_ok=True)
        raise OutputError(shown, error) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ one writer at a time

LOCK_TIMEOUT_VARIABLE = "KOURYU_LOCK_TIMEOUT"
LOCK_TIMEOUT = 30.0  # seconds a collect waits for another one writing the same file


def lock_path(path: Path) -> Path:
    """The lock beside the real progress file: progress/R6.yaml → progress/R6.yaml.lock.

    A symbolic link is followed (as write_file follows it), so that collects through the link
    and through the file take one lock. A hard link cannot be: its other names are unknown
    (and the atomic write separates them: the other names keep the old file).
    """
    current = path
    for _step in range(40):  # the system's own limit on a chain of links
        if not current.is_symlink():
            if current.name not in ("", ".", ".."):
                return current.with_name(current.name + ".lock")
            break
        current = current.parent / current.readlink()
    # A loop of links, or a link to a folder's '.': the system will refuse to use it anyway.
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + ".lock")


def lock_timeout() -> float:
    """How long to wait for the lock: KOURYU_LOCK_TIMEOUT seconds when set, else 30.

    A value that is not a number of seconds (abc, -1, inf) is a UsageError: waiting 30 s, or
    for ever, in silence would be a surprise.
    """
    raw = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < math.inf:
        raise UsageError(
            _(
                "{variable}: '{raw}' is not a number of seconds (such as 30, or 0 not to wait)"
            ).format(variable=LOCK_TIMEOUT_VARIABLE, raw=raw)
        )
    return seconds


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the progress file's lock while reading, merging and writing it.

    Two collects into one file (two people on a shared drive, a loop ending in &) would
    each read the file, add their answers and write it back, the last one losing the
    other's. Under the lock each reads the file as the other left it. A run that cannot
    get the lock in time writes nothing: OutputError (exit 74) naming the file.
    """
    from filelock import FileLock, Timeout

    seconds = lock_timeout()
    try:
        where = lock_path(path)
    except OSError as error:  # a link that cannot be read
        raise OutputError(path, error) from None
    lock = FileLock(where, timeout=seconds)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(
            path,
            _(
                "another kouryu is writing this file (it holds {lock}); nothing was "
                "written after waiting {seconds:g} seconds: run the command again "
                "when the other one has finished"
            ).format(lock=where, seconds=seconds),
        ) from None
    except OSError as error:
        raise OutputError(where, error) from None
    try:
        yield
    finally:
        lock.release()
