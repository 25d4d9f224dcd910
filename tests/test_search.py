"""Full-text search: what matches, which field, and where in its text."""

from __future__ import annotations

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.measures.fulltext import search, snippet
from kouryu_cli.measures.query import split_terms


def test_search_volunteer_finds_policy_measures_and_indicators(plan: Plan) -> None:
    hits = search(plan, split_terms("ボランティア"))
    assert [(h.kind, h.id) for h in hits] == [
        ("policy", "1"),
        ("measure", "1-2-01"),
        ("measure", "1-2-08"),
        ("measure", "1-2-09"),
        ("indicator", "I2"),
        ("indicator", "I3"),
    ]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("かるた", "2-1-08"),
        ("カルタ", "2-1-08"),
        ("ＰＲ", "2-1-01"),
        ("pr", "2-1-01"),
        ("ﾊﾛｳｨﾝ", "2-1-01"),
        ("パラサイクリングのまちPR事業", "2-1-03"),
        ("地域介護活動予防支援事業", "2-1-20"),
    ],
)
def test_search_ignores_width_case_kana_and_spaces(plan: Plan, query: str, first: str) -> None:
    hits = [h for h in search(plan, split_terms(query)) if h.kind == "measure"]
    assert hits[0].id == first


def test_search_by_reading_finds_the_departments_measures(plan: Plan) -> None:
    hits = search(plan, split_terms("こうれいふくし"))
    assert [h.id for h in hits if h.kind == "measure"] == [
        "1-2-08",
        "1-2-09",
        "2-1-20",
        "2-1-21",
        "2-1-22",
        "2-1-23",
        "3-1-12",
        "3-1-13",
    ]
    assert hits[0].where == "reading"


def test_search_span_points_at_the_match(plan: Plan) -> None:
    (hit,) = [h for h in search(plan, split_terms("ＳＯＳ")) if h.kind == "measure"]
    start, end = hit.spans[0]
    assert hit.text[start:end] == "ＳＯＳ"


def test_snippet_windows_around_the_first_match() -> None:
    text = "あ" * 50 + "ボランティア" + "い" * 50
    shown, spans = snippet(text, [(50, 56)], width=20)
    assert shown.startswith("…")
    assert shown.endswith("…")
    start, end = spans[0]
    assert shown[start:end] == "ボランティア"
    assert snippet("短い", [(0, 1)]) == ("短い", ((0, 1),))


def test_search_finds_the_lead_of_the_challenges(plan: Plan) -> None:
    (hit,) = search(plan, split_terms("心の健康"))
    assert (hit.kind, hit.id, hit.title, hit.where) == (
        "challenge",
        "challenges",
        "市民のチャレンジ目標",
        "lead",
    )
    assert hit.text == plan.challenges_lead
    start, end = hit.spans[0]
    assert hit.text[start:end] == "心の健康"


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k != "id" for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_every_text_of_the_chapter_is_searched(plan: Plan) -> None:
    from kouryu_cli.measures.documents import outline_record

    chapter = outline_record(plan)
    # The program's name and the chapter's (交流): every record is of them.
    del chapter["city"], chapter["program"], chapter["chapter"]["title"]
    for text in _texts(chapter):
        assert any(h.text == text for h in search(plan, split_terms(text))), text
