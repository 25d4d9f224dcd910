"""The report laid out by its templates: one self-contained HTML page, or Markdown.

Jinja2 is imported here only, inside the functions that render, with auto-escaping on: text
from the plan or the data files is never markup. The charts in the `Report` are SVG made
(and escaped) by indicators/charts.py. Rendering reads no data file: only the templates
shipped with the package (report/templates/).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render.listing import markdown_literal

if TYPE_CHECKING:
    from jinja2 import Environment

    from kouryu_cli.report.build import Report

# A space is escaped too: after an escape (\\00005c) CSS takes one space as its end.
_CSS_SAFE = re.compile(r"[0-9A-Za-z\u3000-\u9fff\uff00-\uffef]")


def css_string(text: str) -> Any:
    """Text as a CSS string literal ("…"): anything but letters, digits and kana escaped."""
    from markupsafe import Markup

    body = "".join(c if _CSS_SAFE.fullmatch(c) else f"\\{ord(c):06x}" for c in text)
    return Markup(f'"{body}"')  # noqa: S704 - every character outside the safe set is escaped


def whole_words(parts: Sequence[str]) -> Any:
    """Parts joined by ・, a line breaking only after a ・: 社会福祉課・市民窓口課.

    Each part (a department's name) stays on one line (class "nowrap") and is escaped.
    """
    from markupsafe import Markup, escape

    whole = Markup('<span class="nowrap">%s</span>')
    return Markup("・<wbr>").join(whole % escape(shown(part)) for part in parts)


def age_heading(label: str) -> Any:
    """An age group's heading, breaking only after 歳 or ～: 18歳 / 未満, 18～ / 64歳."""
    from markupsafe import Markup, escape

    parts = re.split(r"(?<=[歳～])(?=.)", shown(label))
    return Markup("<wbr>").join(escape(part) for part in parts)


def shown(value: Any) -> Any:
    """A value for the page: control characters (ESC, BEL, NUL …) as visible escapes (\\x1b).

    Line breaks stay; markup made here (Markup) passes as it is.
    """
    from markupsafe import Markup

    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    return "\n".join(strip_controls(line) for line in value.split("\n"))


def markdown_text(value: Any) -> Any:
    """A value for a Markdown file: shown literally on one line (render.listing's rule).

    Values already marked safe (Markup) pass as they are.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return str(value)
    return "" if value is None else markdown_literal(str(value))


def _environment(markdown: bool) -> Environment:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kouryu_cli.report", "templates"),
        # HTML: every {{ value }} is escaped. Markdown: every value goes through markdown_text.
        autoescape=not markdown,  # noqa: S701 - Markdown escapes every value in finalize
        finalize=markdown_text if markdown else shown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["whole_words"] = whole_words
    env.filters["age_heading"] = age_heading
    # The charts are SVG built (and escaped) by indicators/charts.py.
    env.filters["svg"] = Markup
    return env


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    return _environment(markdown=False).get_template("report.html.j2").render(r=report)


def to_markdown(report: Report) -> str:
    """The report as Markdown (tables; the charts are in the HTML version)."""
    return _environment(markdown=True).get_template("report.md.j2").render(r=report)
