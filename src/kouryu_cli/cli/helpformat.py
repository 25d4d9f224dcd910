"""Help text wrapped by display width: a Japanese character takes two columns.

Click wraps help by counting characters, so a Japanese line comes out twice as wide as the
terminal, and it joins the lines of a paragraph with spaces. This formatter measures each
character's width and breaks a Japanese paragraph between any two characters (never before
、。）」 nor after （「), both by render/textwidth.py, the rule of every other screen; an
English one breaks between words, and Japanese lines join without a space. Everything else
is Click's layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import typer

from kouryu_cli.render import textwidth
from kouryu_cli.render.textwidth import width


def _wide(char: str) -> bool:
    return textwidth.char_width(char) == 2


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between (textwidth's units), each with the spaces after it."""
    tokens: list[str] = []
    for start, end in textwidth.prose_units(text):
        if tokens and text[start] in textwidth.SPACES:
            tokens[-1] += text[start:end]  # spaces stay with what comes before
        else:
            tokens.append(text[start:end])
    return tokens


def fill(text: str, columns: int, first: str = "", rest: str = "") -> str:
    """One paragraph in lines of at most columns (a word longer than that stays whole)."""
    lines: list[str] = []
    line = first
    # In an English paragraph a Japanese term (施策, 18～64歳) is a word: it is not broken.
    japanese = sum(map(_wide, text)) >= sum(c.isascii() and c.isalpha() for c in text) / 2
    for token in _tokens(text) if japanese else re.findall(r"\S+\s*", text):
        if width(line) + width(token.rstrip()) > columns and line.strip():
            lines.append(line.rstrip())
            line = rest
        line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def _join(lines: Sequence[str]) -> str:
    """The lines of one paragraph as one: no space between two Japanese characters."""
    text = lines[0] if lines else ""
    for line in lines[1:]:
        text += line if (text[-1:] and _wide(text[-1]) and _wide(line[0])) else " " + line
    return text


def wrap(text: str, columns: int, first: str = "", rest: str = "") -> str:
    """Click's wrap_text(preserve_paragraphs=True) by display width: \\b blocks stay as written."""
    paragraphs: list[tuple[int, bool, list[str]]] = []
    block: list[str] = []
    indent = 0

    def flush() -> None:
        if block:
            raw = block[0].strip() == "\b"
            paragraphs.append((indent, raw, block[1:] if raw else list(block)))
            block.clear()

    for line in text.expandtabs().splitlines():
        if not line:
            flush()
            continue
        if not block:
            indent = len(line) - len(line.lstrip())
        block.append(line.lstrip() if not block or block[0].strip() != "\b" else line)
    flush()
    out = []
    for extra, raw, lines in paragraphs:
        head, tail = first + " " * extra, rest + " " * extra
        if raw:
            out.append("\n".join((head if i == 0 else tail) + ln for i, ln in enumerate(lines)))
        else:
            out.append(fill(_join(lines), columns, head, tail))
    return "\n\n".join(out)


_ClickFormatter: Any = typer.Context.formatter_class  # Click's, reached without its module


class HelpFormatter(_ClickFormatter):  # type: ignore[misc]
    """Click's help layout, wrapped by display width."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _second in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")
