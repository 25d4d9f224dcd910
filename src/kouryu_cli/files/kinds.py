"""What a file is, from its first bytes: a workbook kouryu reads, or one it cannot, or no table.

Every reader of tables (actuals, returned forms, progress files) asks here first, so that a
file of one kind gets the same message whichever command meets it: an old .xls or an .ods
says how to save it as .xlsx; a PDF, a picture or a compressed file says what it is.
"""

from __future__ import annotations

from kouryu_cli.core.i18n import _
from kouryu_cli.files.problems import DataFileError

ZIP = b"PK\x03\x04"
# An OLE2 compound file: an old .xls workbook, or an .xlsx saved with a password.
OLE2 = b"\xd0\xcf\x11\xe0"  # of D0 CF 11 E0 A1 B1 1A E1: the first four suffice
_OPENDOCUMENT = "application/vnd.oasis.opendocument"


def is_workbook(raw: bytes) -> bool:
    """Whether the bytes are a zip archive (an .xlsx workbook)."""
    return raw.startswith(ZIP)


def _not_tables() -> dict[bytes, str]:
    """Files sent in place of a table, by their first bytes, with what they are."""
    return {
        b"%PDF-": _("a PDF document"),
        b"\xff\xd8\xff": _("a JPEG picture"),
        b"\x89PNG\r\n\x1a\n": _("a PNG picture"),
        b"GIF87a": _("a GIF picture"),
        b"GIF89a": _("a GIF picture"),
        b"II*\x00": _("a TIFF picture (a scan)"),
        b"MM\x00*": _("a TIFF picture (a scan)"),
        b"\x1f\x8b": _("a gzip-compressed file"),
        b"\xfd7zXZ\x00": _("an xz-compressed file"),
        b"7z\xbc\xaf\x27\x1c": _("a 7-Zip archive"),
        b"Rar!\x1a\x07": _("a RAR archive"),
    }


def what_it_is(raw: bytes) -> str | None:
    """What a file that holds no text is: a workbook, a PDF, a picture, an archive; None for
    text (or a kind not known here, left for the decoder to name)."""
    if raw.startswith(OLE2) or (is_workbook(raw) and "xl/workbook.xml" in _members(raw)):
        return _("a workbook")
    if is_workbook(raw):
        return _other_archive(raw) or _("a zip archive")
    if raw.startswith(b"BZh") and raw[4:10] == b"1AY&SY":
        return _("a bzip2-compressed file")
    return next((what for start, what in _not_tables().items() if raw.startswith(start)), None)


def refuse_other_workbooks(raw: bytes, name: str) -> None:
    """A DataFileError for a file that holds no table kouryu reads, saying what to send instead.

    An old .xls (and an .xlsx saved with a password) is an OLE2 compound file; an .ods is a
    zip archive like an .xlsx, told apart by its first member, mimetype.
    """
    if raw.startswith(OLE2):
        raise DataFileError.single(
            name,
            _(
                "an old .xls workbook or a password-protected one: save it as"
                " .xlsx (Excel ブック) without a password"
            ),
        )
    if is_workbook(raw) and _mimetype(raw).startswith(_OPENDOCUMENT):
        raise DataFileError.single(
            name,
            _(
                "an OpenDocument spreadsheet (.ods, LibreOffice's own format): save it as"
                " .xlsx (Excel 2007-365)"
            ),
        )
    what = next((what for start, what in _not_tables().items() if raw.startswith(start)), None)
    if raw.startswith(b"BZh") and raw[4:10] == b"1AY&SY":  # bzip2: BZh9, then a block's mark
        what = _("a bzip2-compressed file")
    if is_workbook(raw):
        what = _other_archive(raw)
    if what is not None:
        raise DataFileError.single(
            name,
            _("{what}, not a table: send the workbook (.xlsx) or a CSV file").format(what=what),
        )
    if _blank(raw):
        raise DataFileError.single(name, _("the file is empty"))


def _blank(raw: bytes) -> bool:
    """Whether the file holds nothing but a byte-order mark and white space."""
    for bom in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: every other byte is 0
        if raw.startswith(bom):
            raw = raw[2:].replace(b"\x00", b"")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    return not raw or raw.isspace()


def _other_archive(raw: bytes) -> str | None:
    """What a zip archive is when it is no workbook (a .docx, a zip of files); None for a
    workbook, or a damaged archive the reader will call damaged."""
    names = _members(raw)
    if not names or "xl/workbook.xml" in names:
        return None
    if "word/document.xml" in names:
        return _("a Word document (.docx)")
    if any(n.startswith("ppt/") for n in names):
        return _("a PowerPoint file (.pptx)")
    return _("a zip archive")


def unreadable(error: Exception) -> str:
    """Why a workbook could not be opened, in the reader's language where it is known."""
    import zipfile

    if isinstance(error, zipfile.BadZipFile):
        return _("damaged: it is not a complete zip archive")
    if isinstance(error, KeyError):
        return _("a zip archive, but not an Excel workbook")
    return str(error)


def _mimetype(raw: bytes) -> str:
    """The mimetype member of an OpenDocument zip ('' for an .xlsx or a broken archive)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "mimetype" not in archive.namelist():
                return ""
            return archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return ""


def _members(raw: bytes) -> list[str]:
    """The names in a zip archive ([] for a damaged one)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
