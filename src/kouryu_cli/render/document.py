"""A document (show, outline): one list of lines that text, Markdown and the terminal draw."""

from __future__ import annotations

from dataclasses import dataclass

from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render.listing import markdown_literal


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document (show, outline): the layout every format draws.

    kind is heading (level 1-3), fact (a labelled value), text (a paragraph), caption (a
    paragraph that introduces the items after it) or item (one entry of a list).
    """

    kind: str
    text: str
    level: int = 1
    label: str = ""


Document = list[Line]


def document_text(document: Document, *, markdown: bool) -> str:
    """A document as Markdown (its text literal), or as plain indented text; control characters
    shown escaped."""
    out: list[str] = []
    previous = ""
    for line in document:
        together = (line.kind == "fact" and previous == "fact") or (
            line.kind == "item" and previous in ("item", "caption")
        )
        if out and not together:
            out.append("")
        out.append(_document_line(line, markdown))
        previous = line.kind
    text = "\n".join(strip_controls(part) for line in out for part in line.split("\n"))
    return text + "\n"


def _document_line(line: Line, markdown: bool) -> str:
    text, label = line.text, line.label
    if markdown:
        prefix = {"heading": "#" * line.level + " ", "fact": "- ", "item": "- "}.get(line.kind, "")
        # Text from the plan is shown as written: a line break cannot end a heading or an item.
        text, label = markdown_literal(text), markdown_literal(label)
    elif line.kind == "item":
        prefix = "  " * max(1, line.level - 1)
    else:
        prefix = "  " * max(0, line.level - 2)
    return prefix + (f"{label}: {text}" if line.kind == "fact" else text)
