"""kouryu's message catalogs, one step at a time, with Babel.

    python tools/catalogs.py extract   # the source → src/kouryu_cli/locale/kouryu.pot
    python tools/catalogs.py update    # kouryu.pot → ja/LC_MESSAGES/kouryu.po (new entries empty)
    python tools/catalogs.py compile   # every .po → .mo (kouryu's and Typer's `messages`)

Translate in between update and compile (an editor such as Poedit, or the .po by hand);
tests/test_catalogs.py fails while a message lacks its translation or a .mo is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "kouryu_cli" / "locale"
TEMPLATE = LOCALE / "kouryu.pot"
DOMAINS = ("kouryu", "messages")


def babel(*arguments: str) -> None:
    """Run one pybabel command from the repository's root (the mapping names tools.…)."""
    import os

    from babel.messages.frontend import CommandLineInterface

    os.chdir(ROOT)  # paths in the template are relative to the repository
    sys.path.insert(0, str(ROOT))
    CommandLineInterface().run(["pybabel", *arguments])


def main(step: str) -> None:
    """Run one step of the workflow."""
    if step == "extract":
        babel(
            "extract",
            "--mapping-file",
            str(ROOT / "babel.cfg"),
            "--output-file",
            str(TEMPLATE),
            "--project",
            "kouryu",
            "--add-location",
            "file",
            "--sort-by-file",
            "--no-wrap",
            "--omit-header",
            "src/kouryu_cli",
        )
    elif step == "update":
        babel(
            "update",
            "--input-file",
            str(TEMPLATE),
            "--output-dir",
            str(LOCALE),
            "--domain",
            "kouryu",
            "--no-wrap",
            "--ignore-obsolete",
            "--no-fuzzy-matching",
        )
    elif step == "compile":
        for domain in DOMAINS:
            babel("compile", "--directory", str(LOCALE), "--domain", domain)
    else:
        raise SystemExit(f"usage: python {sys.argv[0]} extract|update|compile")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) == 2 else "")
