"""SVG charts: text widths, label placement, accessibility, the chart of `indicators -o x.svg`."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kouryu_cli.core.model import EraYear, Observation, Plan, TargetKind
from kouryu_cli.indicators import charts, evaluation
from kouryu_cli.indicators.actuals import load_actuals
from kouryu_cli.render import svg
from tests.conftest import Run

EXAMPLE_CSV = Path(__file__).parent / "fixtures" / "actuals-example.csv"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def graded(plan: Plan) -> list[evaluation.Evaluation]:
    """Every grade appears: the example actuals at R7."""
    return evaluation.evaluate_plan(load_actuals(EXAMPLE_CSV, plan), evaluation.as_of_year("R7"))


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", 0),
        ("A", 1),
        ("2024", 4),
        ("交流", 4),
        ("ＡＢ", 4),  # full-width letters: F
        ("ｱｲ", 2),  # half-width katakana: H, narrow
        ("○", 2),  # ambiguous: wide in Japanese fonts
        ("基準値 25.6%", 6 + 1 + 5),
        ("か\u3099", 2),  # a combining mark takes no width
    ],
)
def test_text_units_count_wide_characters_twice(text: str, units: int) -> None:
    assert svg.text_units(text) == units


def test_text_width_follows_the_units() -> None:
    assert svg.text_width("交流", 10) == 2 * svg.text_width("ab", 10)


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("交流交流", 100, ["交流交流"]),
        ("交流交流", svg.text_width("交流", 10), ["交流", "交流"]),
        ("", 50, [""]),
    ],
)
def test_wrap_breaks_japanese_between_characters(text: str, width: float, lines: list[str]) -> None:
    assert svg.wrap(text, width, 10) == lines


@pytest.mark.parametrize(
    ("low", "high", "first", "last"),
    [
        (25.6, 30, 24, 30),
        (61, 80, 60, 80),
        (146828, 154170, 146000, 156000),
        (5, 5, 5, 6),
        (4e-43, 4e-43, 0, 1),
    ],
)
def test_nice_ticks_cover_the_values_with_round_steps(
    low: float, high: float, first: float, last: float
) -> None:
    ticks = svg.nice_ticks(low, high)
    assert ticks[0] == first
    assert ticks[-1] == last
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def text_boxes(root: ET.Element, size: float) -> list[tuple[str, svg.Box]]:
    """The boxes of the labels at one font size, from their position, anchor and width."""
    out = []
    for node in root.iter(f"{SVG}text"):
        if float(node.get("font-size", "0")) != size:
            continue
        content = node.text or ""
        x, y = float(node.get("x", "0")), float(node.get("y", "0"))
        box = svg.label_box(
            content, size, x, y + size * 0.22 - 0.05, node.get("text-anchor", "start")
        )
        out.append((content, box))
    return out


def test_a_grade_is_named_once_in_the_title(plan: Plan) -> None:
    """ベースラインのみ says its name already: not ベースラインのみ（ベースラインのみ（…））."""
    found = evaluation.evaluate_plan(plan, evaluation.as_of_year("R6"))
    title = parse(charts.series_chart(found[0], "t")).find(f"{SVG}title")
    assert title is not None
    assert title.text is not None
    assert title.text.endswith("評価 ベースラインのみ（実績値がまだない）")


def test_every_series_chart_is_an_image_with_its_data_in_the_title(
    graded: list[evaluation.Evaluation],
) -> None:
    for number, item in enumerate(graded, 1):
        svg = charts.series_chart(item, f"c{number}")
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("width") == str(charts.SERIES_WIDTH)
        assert root.get("height") == str(charts.SERIES_HEIGHT)
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text is not None
        assert f"評価 {item.grade.short}" in title.text
        assert f"{item.indicator.baseline_year.year}年度" in title.text
        for observation in item.series.actuals:
            if observation.year.year <= item.as_of.year:
                assert f"{observation.year.year}年度" in title.text
        assert "textLength" not in svg


def test_point_and_year_labels_never_overlap(graded: list[evaluation.Evaluation]) -> None:
    for number, item in enumerate(graded, 1):
        root = parse(charts.series_chart(item, f"c{number}"))
        # Point labels (12 px) and the year marks' labels (11 px; the legend has the bare words).
        labels = text_boxes(root, charts.LABEL_SIZE) + [
            (t, b) for t, b in text_boxes(root, charts.LABEL_SIZE - 1) if "年度 " in t or "・" in t
        ]
        assert len(labels) >= 3
        for (first, a), (second, b) in itertools.combinations(labels, 2):
            assert a.overlap(b) == 0, f"{item.indicator.id}: '{first}' overlaps '{second}'"


def test_point_labels_keep_off_the_lines(graded: list[evaluation.Evaluation]) -> None:
    for number, item in enumerate(graded, 1):
        root = parse(charts.series_chart(item, f"c{number}"))
        labels = text_boxes(root, charts.LABEL_SIZE)
        # The straight line, the actuals' segments and the target year's dotted line.
        lines = [
            line
            for line in root.iter(f"{SVG}line")
            if line.get("stroke") in (charts.LINE, charts.ACTUAL)
            or line.get("stroke-dasharray") == "2 3"
        ]
        lines = [line for line in lines if float(line.get("y1", 0)) < charts.SERIES_HEIGHT - 60]
        assert lines
        for line in lines:
            x1, y1, x2, y2 = (float(line.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
            for step in range(101):
                x, y = x1 + (x2 - x1) * step / 100, y1 + (y2 - y1) * step / 100
                for content, box in labels:
                    inside = box.x + 1 < x < box.x + box.width - 1 and box.y + 1 < y < (
                        box.y + box.height - 1
                    )
                    assert not inside, f"{item.indicator.id}: a line crosses '{content}'"


def marker_centres(root: ET.Element) -> list[tuple[float, float]]:
    """The centre of each point's marker (square, diamond, circle), in drawing order."""
    out = []
    for node in root.iter():
        if node.get("data-what") != "marker":
            continue
        if node.tag == f"{SVG}circle":
            out.append((float(node.get("cx", "0")), float(node.get("cy", "0"))))
        elif node.tag == f"{SVG}rect":
            half = float(node.get("width", "0")) / 2
            out.append((float(node.get("x", "0")) + half, float(node.get("y", "0")) + half))
        else:
            corners = [tuple(map(float, p.split(","))) for p in node.get("points", "").split()]
            out.append((corners[0][0], corners[1][1]))
    return out


@pytest.mark.parametrize(
    "rows",
    [
        "I7,R3,80000\nI7,R4,150000\nI7,R5,154000\nI7,R6,154170\n",  # two close at the top
        "I4,R4,18300\nI4,R5,18250\nI4,R6,18199\n",  # three in a row near the target
        "I6,R3,67\nI6,R4,69\nI6,R5,70\nI6,R6,69\n",
    ],
)
def test_each_point_label_is_nearest_its_own_point(plan: Plan, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text("indicator,year,value\n" + rows, encoding="utf-8")
    ident = rows[:2]
    item = next(
        e
        for e in evaluation.evaluate_plan(load_actuals(path, plan), evaluation.as_of_year("R6"))
        if e.indicator.id == ident
    )
    root = parse(charts.series_chart(item, "c"))
    labels = text_boxes(root, charts.LABEL_SIZE)
    # One label a point, in the order of the points' markers; the legend's swatches follow.
    centres = marker_centres(root)[: len(labels)]
    assert len(centres) == len(labels) == len(item.series.actuals) + 2
    for (content, box), own in zip(labels, centres, strict=True):
        nearest = min(box.distance(*c) for c in centres)
        assert box.distance(*own) == nearest, f"{ident}: '{content}' is nearer another point"


def test_each_actual_up_to_the_evaluation_year_is_a_labelled_point(
    graded: list[evaluation.Evaluation],
) -> None:
    i4 = next(e for e in graded if e.indicator.id == "I4")
    root = parse(charts.series_chart(i4, "i4"))
    assert len(list(root.iter(f"{SVG}circle"))) == 2 + 1  # R5, R6 and the legend's circle
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "17,000 人" in texts
    assert "15,000 人" in texts
    assert "評価 D" in texts
    i7 = next(e for e in graded if e.indicator.id == "I7")
    later = parse(charts.series_chart(i7, "i7"))
    # The R8 actual is after the evaluation year R7: not drawn.
    assert "160,000 人/年" not in [t for t, _ in text_boxes(later, charts.LABEL_SIZE)]
    assert "154,170 人/年" in [t for t, _ in text_boxes(later, charts.LABEL_SIZE)]


def test_text_from_the_data_is_escaped(graded: list[evaluation.Evaluation]) -> None:
    item = graded[0]
    hostile = replace(item.indicator, name="<script>alert(1)</script> & 〈交流〉")
    svg = charts.series_chart(replace(item, indicator=hostile), "x")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 〈交流〉" in svg
    parse(svg)  # still well-formed


def test_grade_counts_chart_lists_every_grade_with_its_count(
    graded: list[evaluation.Evaluation],
) -> None:
    counts = evaluation.tally(graded)
    root = parse(charts.grade_counts_chart(counts, "g"))
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == (
        "評価区分ごとの系列数（全8系列）: A 2、B 1、B* 1、C 1、D 1、E 1、ベースラインのみ 1"
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("1 系列") == 6
    assert "2 系列" in texts
    # Each grade's bar has its own pattern, not only its own colour.
    fills = {
        r.get("fill") for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url")
    }
    assert len(fills) == 7
    patterns = {p.get("id"): ET.tostring(p) for p in root.iter(f"{SVG}pattern")}
    assert len({re.sub(rb'fill="#[0-9A-F]+"', b"", v) for v in patterns.values()}) >= 6


def test_ids_are_unique_when_charts_share_a_page(graded: list[evaluation.Evaluation]) -> None:
    page = "".join(charts.series_chart(e, f"c{n}") for n, e in enumerate(graded, 1))
    page += charts.grade_counts_chart(evaluation.tally(graded), "counts")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_indicators_svg_is_the_chart_of_every_series(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "indicators.svg"
    result = run("indicators", "--actuals", str(EXAMPLE_CSV), "--as-of", "R7", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    root = parse(svg)
    assert root.get("role") == "img"
    nested = root.findall(f"{SVG}svg")
    assert len(nested) == 8
    headings = [t.text for t in root.findall(f"{SVG}text")]
    assert "I3 福祉活動ボランティア団体登録数及び人数（団体数）" in headings
    assert "textLength" not in svg
    # -f svg to stdout writes the same chart.
    piped = run("indicators", "--actuals", str(EXAMPLE_CSV), "--as-of", "R7", "-f", "svg")
    assert piped.exit_code == 0
    assert piped.stdout == svg


@settings(max_examples=60, deadline=None)
@given(
    baseline=st.floats(min_value=0, max_value=1e7, allow_nan=False),
    target=st.one_of(st.none(), st.floats(min_value=0, max_value=1e7, allow_nan=False)),
    actuals=st.lists(
        st.tuples(
            st.integers(min_value=2015, max_value=2032),
            st.floats(min_value=0, max_value=1e7, allow_nan=False),
        ),
        max_size=8,
        unique_by=lambda pair: pair[0],
    ),
    as_of=st.integers(min_value=2018, max_value=2032),
)
def test_any_series_draws_a_well_formed_chart_within_its_bounds(
    plan: Plan,
    baseline: float,
    target: float | None,
    actuals: list[tuple[int, float]],
    as_of: int,
) -> None:
    indicator = plan.indicators[0]
    kind = TargetKind.INCREASE if target is None else TargetKind.REACH
    series = replace(
        indicator.series[0],
        baseline=baseline,
        target=target,
        actuals=tuple(
            Observation(EraYear(str(year), year), value) for year, value in sorted(actuals)
        ),
    )
    indicator = replace(indicator, target_kind=kind, series=(series,))
    item = evaluation.evaluate(indicator, series, EraYear(str(as_of), as_of))
    root = parse(charts.series_chart(item, "p"))
    for content, box in text_boxes(root, charts.LABEL_SIZE):
        assert box.x >= 0, content
        assert box.x + box.width <= charts.SERIES_WIDTH + 1, content
        assert box.y >= 0, content


@pytest.fixture(scope="module")
def at_r6(plan: Plan) -> dict[str, evaluation.Evaluation]:
    """The example actuals at R6, by indicator id and component."""
    found = evaluation.evaluate_plan(load_actuals(EXAMPLE_CSV, plan), evaluation.as_of_year("R6"))
    return {f"{e.indicator.id}{e.series.key or ''}": e for e in found}


@pytest.mark.parametrize(
    ("key", "sentence"),
    [
        (
            "I1",
            "I1 地域とのつながりが強いと思う市民の割合: 基準値 25.6%（Ｈ29）から 最新 30.5%（R6）"
            "へ増加、目標 30%以上（Ｒ12）に向けて 評価 A（目標値に達した）",
        ),
        (
            "I4",
            "I4 生涯学習主催講座の参加者数: 基準値 16,961 人（R1）から 最新 15,000 人（R6）へ減少、"
            "目標 18,200 人（R7）に向けて 評価 D（悪化している）",
        ),
        (
            "I3people",
            "I3 福祉活動ボランティア団体登録数及び人数（人数）: 基準値 5,480 人（R2）から "
            "最新 5,500 人（R6）へ増加、目標 6,000 人（Ｒ7）に向けて 評価 C（変わらない）。"
            "指標全体の総合評価は C",
        ),
        # The only actual is older than the baseline; the target year is past.
        (
            "I5",
            "I5 住民運営通いの場の設置数: 基準値 90 か所（R3）、基準値より後の実績値はありません、"
            "目標 107 か所（Ｒ5）に向けて 評価 E（評価困難）、目標年度を過ぎています",
        ),
        (
            "I6",
            "I6 ふれあい・いきいきサロンの設置数: 基準値 66 か所（R2）、実績値はまだありません、"
            "目標 70 か所（Ｒ7）に向けて 評価 ベースラインのみ（実績値がまだない）",
        ),
        (
            "I7",
            "I7 地域交流センターの利用者数: 基準値 146,828 人/年（R2）から 最新 154,170 人/年（R6）"
            "へ増加、目標 増加（Ｒ7）に向けて 評価 A（目標値に達した）",
        ),
    ],
)
def test_a_chart_states_its_finding_in_one_sentence(
    at_r6: dict[str, evaluation.Evaluation], key: str, sentence: str
) -> None:
    assert charts.finding(at_r6[key]) == sentence


def test_the_finding_is_the_start_of_the_charts_accessible_name(
    at_r6: dict[str, evaluation.Evaluation],
) -> None:
    item = at_r6["I4"]
    root = parse(charts.series_chart(item, "c4"))
    assert root.get("aria-labelledby") == "c4-title c4-desc"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.get("id") == "c4-title"
    assert (title.text or "").startswith(charts.finding(item) + "。")


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("first", "second", "ratio"), [("#FFFFFF", "#000000", 21), ("#777777", "#FFFFFF", 4.48)]
)
def test_contrast_follows_wcag(first: str, second: str, ratio: float) -> None:
    assert contrast(first, second) == pytest.approx(ratio, abs=0.01)


def test_chart_text_has_aa_contrast_on_its_background(
    graded: list[evaluation.Evaluation],
) -> None:
    # axe-core cannot tell the background of SVG text; the charts' text is checked here.
    seen = set()
    for number, item in enumerate(graded, 1):
        root = parse(charts.series_chart(item, f"c{number}"))
        badges = list(root.iter(f"{SVG}g"))
        assert badges
        for badge in badges:
            rect, text = badge.find(f"{SVG}rect"), badge.find(f"{SVG}text")
            assert rect is not None
            assert text is not None
            seen.add(item.grade)
            assert contrast(rect.get("fill", ""), text.get("fill", "")) >= 4.5, item.grade
        for text in root.iter(f"{SVG}text"):  # on the chart's white
            assert contrast("#FFFFFF", text.get("fill", "")) >= 4.5
    assert len(seen) == len(evaluation.GRADE_ORDER)
