"""The message catalogs: every message translated, placeholders kept, .mo files current.

The template is extracted afresh from the source (tools/babel_extract.py, as
`python tools/catalogs.py extract` does), so a message marked today and not yet in the
catalogs fails here, not in front of a user.
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.core

babel = pytest.importorskip("babel")
from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract, extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).parents[1]
LOCALE = ROOT / "src" / "kouryu_cli" / "locale"
JA = LOCALE / "ja" / "LC_MESSAGES"
pytestmark = pytest.mark.skipif(
    not (ROOT / "babel.cfg").is_file(), reason="the sources are not beside the tests"
)


def _extracted() -> dict[Any, str]:
    """Every message in the source now: msgid (a tuple for plurals) → where it is."""
    sys.path.insert(0, str(ROOT))
    try:
        with (ROOT / "babel.cfg").open(encoding="utf-8") as mapping:
            method_map, options_map = parse_mapping_cfg(mapping)
        found = {}
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "src" / "kouryu_cli"), method_map, options_map
        ):
            found.setdefault(message, f"{filename}:{lineno}")
        return found
    finally:
        sys.path.remove(str(ROOT))


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream)


def fields(text: str) -> list[tuple[str, str, str]]:
    """The placeholders of a str.format text: (name, conversion, spec), sorted.

    A text that is not a format (a lone '}', used without .format) keeps its braces.
    """
    try:
        return sorted(
            (name, conversion or "", spec or "")
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        )
    except ValueError:
        return [("{", str(text.count("{")), str(text.count("}")))]


def _problems(catalog: Catalog, wanted: dict[Any, str]) -> list[str]:
    problems = []
    for msgid, where in wanted.items():
        message = catalog.get(msgid)
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        if message is None:
            problems.append(f"{where}: no Japanese translation of {ids[0]!r}")
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(translations):
            problems.append(f"{where}: fuzzy or empty translation of {ids[0]!r}")
            continue
        for translation in translations:
            if fields(translation) != fields(ids[-1]):
                problems.append(
                    f"{where}: placeholders differ in {ids[0]!r}: "
                    f"{fields(ids[-1])} != {fields(translation)}"
                )
            # Click's \b keeps the block after it as written (a table, the examples).
            if translation.count("\b") != ids[-1].count("\b"):
                problems.append(f"{where}: the \\b marks of {ids[0][:40]!r} are not kept")
    return problems


def test_every_message_has_a_japanese_translation() -> None:
    wanted = _extracted()
    assert len(wanted) > 250  # the extractor found kouryu's messages (and docstrings)
    assert _problems(_catalog(JA / "kouryu.po"), wanted) == []


def test_every_word_of_typer_has_a_japanese_translation() -> None:
    """Typer's own help words (Options, default: …), from the Typer installed now."""
    with Path(typer.core.__file__).open("rb") as source:
        wanted = {m[1]: "typer/core.py" for m in extract("python", source)}
    assert {"Options", "default: {default}", "Aborted!"} <= set(wanted)
    assert _problems(_catalog(JA / "messages.po"), wanted) == []


def test_the_template_holds_the_messages_of_the_source() -> None:
    template = {m.id for m in _catalog(LOCALE / "kouryu.pot") if m.id}
    assert set(_extracted()) == template, "run: python tools/catalogs.py extract"


def test_the_catalog_holds_no_message_the_source_dropped() -> None:
    stale = {m.id for m in _catalog(JA / "kouryu.po") if m.id} - set(_extracted())
    assert stale == set(), "run: python tools/catalogs.py update"


@pytest.mark.parametrize("domain", ["kouryu", "messages"])
def test_compiled_catalogs_are_up_to_date(domain: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(JA / f"{domain}.po"))
    assert (JA / f"{domain}.mo").read_bytes() == compiled.getvalue(), (
        "run: python tools/catalogs.py compile"
    )


@pytest.mark.parametrize(
    ("msgid", "translation", "ok"),
    [
        ("{count} measures", "{count}件", True),
        ("{count} measures", "{number}件", False),
        ("{path}: {reason}", "{path}: 読めません", False),
        ("U+{code:04X}", "U+{code}", False),
        ("{label!r}", "{label}", False),
        ("{{literal}} {x}", "{x} {{literal}}", True),
    ],
)
def test_the_placeholder_check_sees_a_difference(msgid: str, translation: str, ok: bool) -> None:
    assert (fields(msgid) == fields(translation)) is ok
