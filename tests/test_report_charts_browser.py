"""The report's charts measured in a real browser, and the report checked with axe-core.

Headless Chromium renders a test copy of the report whose Content-Security-Policy is lifted
and which carries a script: the script measures the rendered box of every <text>, badge,
marker, band and line of every chart (or runs axe-core) and writes the result into the page,
which `--dump-dom` hands back. The report itself stays script-free (test_report_browser.py).

axe-core is read from $KOURYU_AXE (the path of axe.min.js; .ci/run installs it with npm).
Without it, or without Chromium, a local run skips; KOURYU_REQUIRE_BROWSER=1 makes it fail.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli import planfile
from tests.test_report import ACTUALS, EXAMPLE
from tests.test_report_browser import HEADLESS, TIMEOUT, browser_tools

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
OUT = re.compile(r'<pre id="measured">(.*?)</pre>', re.S)

# Labels keep this far apart side by side (px), so that two never read as one phrase.
GAP = 4.0
# A rendered <text> box is the font's whole line box, a little taller than its letters.
SLACK = 1.0

MEASURE = r"""
(() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const point = (el, name) => new DOMPoint(
    parseFloat(el.getAttribute('x' + name)), parseFloat(el.getAttribute('y' + name))
  ).matrixTransform(el.getScreenCTM());
  const charts = [];
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement.closest('svg')) continue;  // measured with the chart around it
    const title = svg.querySelector('title');
    const chart = {title: title ? title.textContent : '',
                   labels: [], badges: [], areas: [], segments: []};
    for (const t of svg.querySelectorAll('text')) {
      if (!t.closest('.badge')) chart.labels.push({text: t.textContent, box: box(t)});
    }
    for (const b of svg.querySelectorAll('.badge')) {
      chart.badges.push({text: b.textContent, box: box(b)});
    }
    for (const m of svg.querySelectorAll('.mark')) {
      const what = m.getAttribute('data-what') || m.tagName;
      if (m.tagName === 'line') {
        const a = point(m, '1'), b = point(m, '2');
        chart.segments.push({what, ends: [a.x, a.y, b.x, b.y]});
      } else {
        chart.areas.push({what, box: box(m)});
      }
    }
    charts.push(chart);
  }
  const out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify(charts);
  document.body.appendChild(out);
})();
"""

AXE_RUN = r"""
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then((result) => result, (error) => ({error: String(error)}))
  .then((result) => {
    const out = document.createElement('pre');
    out.id = 'measured';
    out.textContent = JSON.stringify(result.error ? result : {
      passes: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => [n.target.join(' '), n.failureSummary]),
      })),
    });
    document.body.appendChild(out);
  });
"""


@pytest.fixture(scope="module")
def browser() -> str:
    found = browser_tools()
    if isinstance(found, str):
        if os.environ.get("KOURYU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KOURYU_REQUIRE_BROWSER=1 but {found}")
        pytest.skip(found)
    return found[0]


def run_in_page(browser: str, folder: Path, page: str, script: str) -> Any:
    """Open page without its Content-Security-Policy, run script, return what it wrote."""
    lifted, count = CSP.subn("", page)
    assert count <= 1
    path = folder / "page.html"
    path.write_text(lifted.replace("</body>", f"<script>{script}</script></body>"), "utf-8")
    command = [
        browser,
        *HEADLESS,
        f"--user-data-dir={folder / 'profile'}",
        "--window-size=1200,900",
        # Time enough for an asynchronous script (axe.run) before the DOM is dumped.
        "--virtual-time-budget=10000",
        "--dump-dom",
        path.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    found = OUT.search(result.stdout)
    assert found is not None, "the script wrote nothing: " + result.stderr[-2000:]
    return json.loads(html.unescape(found[1]))


def made_up_plan(folder: Path) -> Path:
    """The shipped plan bent into the shapes that crowd a chart.

    A target year equal to the evaluation year, targets at the top and bottom of the frame,
    a figure every year, a short span and long units.
    """
    import yaml

    plan = yaml.safe_load(planfile.default_path().read_text(encoding="utf-8"))
    first, second, third, fourth, fifth = plan["indicators"][:5]
    # Target year = evaluation year (R6), target far above the baseline, an actual near it.
    first["target"] = {**first["target"], "year": "R6", "western_year": 2024}
    first["series"][0].update(
        baseline=2.5, target=98, actuals=[{"year": "R5", "value": 97.5, "source": "架空"}]
    )
    # Falling to the bottom of the frame, with a long unit.
    second["target"] = {**second["target"], "kind": "at-most"}
    second["series"][0].update(
        unit="人（延べ参加者数・年間）",
        baseline=44.5,
        target=1,
        actuals=[{"year": f"R{n}", "value": 44.5 - 8 * n, "source": "架空"} for n in (1, 2, 3, 4)],
    )
    # A figure every year up to the evaluation year.
    third["series"][1]["actuals"] = [
        {"year": f"R{n}", "value": 5480 + 130 * n * (-1) ** n, "source": "架空"}
        for n in range(3, 7)
    ]
    # Target year right after the baseline; evaluated later.
    fourth["target"] = {**fourth["target"], "year": "R2", "western_year": 2020}
    fourth["series"][0]["actuals"] = [{"year": "R6", "value": 18199, "source": "架空"}]
    fifth["series"][0]["actuals"] = [{"year": "R6", "value": 107, "source": "架空"}]
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")
    return path


VARIANTS = {
    "no-actuals": ("report", "--as-of", "R6"),
    "example": EXAMPLE,
    "target-year-is-evaluation-year": ("report", "--as-of", "R7", "--actuals", str(ACTUALS)),
    "crowded": ("--data", "{plan}", "report", "--as-of", "R6"),
}


def report_page(folder: Path, arguments: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    from kouryu_cli.cli import app

    page = folder / "report.html"
    plan = str(made_up_plan(folder))
    arguments = tuple(a.replace("{plan}", plan) for a in arguments)
    result = CliRunner().invoke(app, [*arguments, "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    return page.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def grown(self, dx: float, dy: float) -> Rect:
        return Rect(self.left - dx, self.top - dy, self.right + dx, self.bottom + dy)

    def meets(self, other: Rect) -> bool:
        return min(self.right, other.right) > max(self.left, other.left) and min(
            self.bottom, other.bottom
        ) > max(self.top, other.top)

    def crossed_by(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Whether the segment passes through the inside (Liang–Barsky clipping)."""
        low, high = 0.0, 1.0
        for p, q in (
            (x1 - x2, x1 - self.left),
            (x2 - x1, self.right - x1),
            (y1 - y2, y1 - self.top),
            (y2 - y1, self.bottom - y1),
        ):
            if p == 0:
                if q <= 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
        return low < high


def collisions(chart: dict[str, Any]) -> Iterator[str]:
    """Every label that meets another label, a badge, a marker, a band or a line."""
    labels = [(label["text"], Rect(*label["box"])) for label in chart["labels"] if label["text"]]
    # Side by side a gap; one above the other the line boxes' spare height may touch.
    spaced = [(text, box.grown(GAP / 2, -SLACK)) for text, box in labels]
    for (first, a), (second, b) in itertools.combinations(spaced, 2):
        if a.meets(b):
            yield f"「{first}」 meets 「{second}」"
    for text, box in spaced:
        for badge in chart["badges"]:
            if box.meets(Rect(*badge["box"])):
                yield f"「{text}」 meets the badge 「{badge['text']}」"
    for text, box in labels:
        inner = box.grown(-SLACK / 2, -SLACK)
        for area in chart["areas"]:
            if inner.meets(Rect(*area["box"])):
                yield f"「{text}」 meets a {area['what']}"
        for segment in chart["segments"]:
            if inner.crossed_by(*segment["ends"]):
                yield f"「{text}」 is crossed by a {segment['what']}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_chart_label_meets_another_label_a_badge_or_a_line(
    browser: str, tmp_path: Path, variant: str
) -> None:
    page = report_page(tmp_path, VARIANTS[variant])
    charts = run_in_page(browser, tmp_path, page, MEASURE)
    series = [c for c in charts if not c["title"].startswith("評価区分ごとの系列数")]
    assert len(charts) == len(series) + 1  # and the grade counts
    assert all(chart["badges"] for chart in series)
    assert all(len(chart["labels"]) > 10 and chart["segments"] for chart in charts)
    problems = [f"{c['title'][:30]}: {p}" for c in charts for p in collisions(c)]
    assert problems == []


def test_no_label_meets_another_in_the_chart_of_every_series(browser: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kouryu_cli.cli import app

    plan = made_up_plan(tmp_path)
    for arguments in (
        ("indicators", "--actuals", str(ACTUALS), "--as-of", "R7", "-f", "svg"),
        ("--data", str(plan), "indicators", "--as-of", "R6", "-f", "svg"),
    ):
        result = CliRunner().invoke(app, list(arguments))
        assert result.exit_code == 0, result.stderr
        chart = result.stdout.split("\n", 1)[1]  # without the XML declaration
        page = f'<!DOCTYPE html><html lang="ja"><body>{chart}</body></html>'
        (measured,) = run_in_page(browser, tmp_path, page, MEASURE)
        assert len(measured["badges"]) == 8
        assert list(collisions(measured)) == []


@pytest.mark.parametrize(
    ("label", "other", "found"),
    [
        ((0, 0, 50, 12), (50 + GAP - 1, 0, 90, 12), True),  # side by side, too close
        ((0, 0, 50, 12), (50 + GAP + 1, 0, 90, 12), False),
        ((0, 0, 50, 12), (0, 12 - SLACK, 50, 24), False),  # stacked line boxes touch
        ((0, 0, 50, 12), (0, 9, 50, 21), True),
    ],
)
def test_collisions_tell_close_labels_from_apart_ones(
    label: tuple[float, ...], other: tuple[float, ...], found: bool
) -> None:
    chart = {
        "labels": [{"text": "a", "box": label}, {"text": "b", "box": other}],
        "badges": [],
        "areas": [],
        "segments": [{"what": "line", "ends": [200, -5, 200, 30]}],
    }
    assert bool(list(collisions(chart))) is found


def test_collisions_see_a_line_through_a_label() -> None:
    chart = {
        "labels": [{"text": "a", "box": [0, 0, 50, 12]}],
        "badges": [],
        "areas": [],
        "segments": [{"what": "line", "ends": [25, -5, 25, 30]}],
    }
    assert list(collisions(chart)) == ["「a」 is crossed by a line"]


def axe_script() -> str | None:
    path = os.environ.get("KOURYU_AXE")
    return Path(path).read_text(encoding="utf-8") if path and Path(path).is_file() else None


@pytest.mark.parametrize("variant", ["no-actuals", "example"])
def test_axe_core_finds_no_wcag_21_aa_violation(browser: str, tmp_path: Path, variant: str) -> None:
    axe = axe_script()
    if axe is None:
        reason = "axe-core not found: set KOURYU_AXE to node_modules/axe-core/axe.min.js"
        if os.environ.get("KOURYU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KOURYU_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    page = report_page(tmp_path, VARIANTS[variant])
    result = run_in_page(browser, tmp_path, page, axe + "\n" + AXE_RUN)
    assert "error" not in result
    assert result["passes"] > 10  # axe ran and checked the page
    assert result["violations"] == []
