"""The diff library: matching measures, each kind of change, character diffs, the text report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.editions import compare as diff
from kouryu_cli.editions import texts
from kouryu_cli.editions import views as diffview
from kouryu_cli.editions.compare import FieldChange
from kouryu_cli.editions.texts import Segment
from kouryu_cli.planfile.loader import load_plan
from tests.editions import Edit, edition, indicator, measure, section


def compare(tmp_path: Path, edit: Edit, before: Edit | None = None) -> diff.PlanDiff:
    """Diff of the shipped plan (changed by `before`) against the same changed by `edit`."""

    def both(data: dict[str, Any]) -> None:
        if before is not None:
            before(data)
        edit(data)

    old = load_plan(edition(tmp_path, "old.yaml", before))
    new = load_plan(edition(tmp_path, "new.yaml", both))
    return diff.compare(old, new)


def test_the_shipped_plan_survives_a_yaml_round_trip(tmp_path: Path, plan: Plan) -> None:
    dumped = load_plan(edition(tmp_path, "dump.yaml"))
    assert dumped == plan
    result = diff.compare(plan, dumped)
    assert result.same
    assert (result.added, result.removed, result.changed) == (0, 0, 0)


def test_a_plan_compared_with_itself_is_the_same(plan: Plan) -> None:
    assert diff.compare(plan, plan) == diff.PlanDiff()


def _set(key: str, value: Any, measure_id: str = "1-1-01") -> Edit:
    def edit(data: dict[str, Any]) -> None:
        measure(data, measure_id)[key] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "field", "old", "new"),
    [
        (_set("name", "生涯学習推進事業"), "name", "社会教育推進事業", "生涯学習推進事業"),
        (
            _set("description", "各地域交流センター等での講座を充実させます。"),
            "description",
            "各地域交流センター等での学習活動を充実させ、「学び」を通じて「人づくり」を行います。",
            "各地域交流センター等での講座を充実させます。",
        ),
        (
            _set("departments", ["社会教育課", "市民活動推進課"]),
            "departments",
            ("社会教育課",),
            ("社会教育課", "市民活動推進課"),
        ),
        (_set("ages", ["65+"]), "ages", ("0-17", "18-64", "65+"), ("65+",)),
        (_set("icons", ["運動"]), "icons", ("知守", "食事", "運動"), ("運動",)),
        (_set("reading", "しゃかいきょういく"), "reading", "", "しゃかいきょういく"),
        (_set("aliases", ["社会教育事業"]), "aliases", (), ("社会教育事業",)),
        (_set("notes", ["注記"]), "notes", (), ("注記",)),
    ],
    ids=["name", "description", "departments", "ages", "icons", "reading", "aliases", "notes"],
)
def test_each_measure_field_is_reported_with_old_and_new(
    tmp_path: Path, edit: Edit, field: str, old: Any, new: Any
) -> None:
    result = compare(tmp_path, edit)
    assert (result.added, result.removed, result.changed) == (0, 0, 1)
    (change,) = result.measures_changed
    assert change.new.id == "1-1-01"
    # A renamed measure is known by its description; every other change keeps the name.
    assert change.matched_by == ("description" if field == "name" else "name")
    assert change.changes == (FieldChange(field, old, new),)


def test_departments_in_another_order_are_not_a_change(tmp_path: Path) -> None:
    before = _set("departments", ["社会教育課", "市民活動推進課"])
    result = compare(tmp_path, _set("departments", ["市民活動推進課", "社会教育課"]), before)
    assert result.same


def test_a_rename_under_the_same_id_is_one_change(tmp_path: Path) -> None:
    result = compare(tmp_path, _set("name", "生涯学習推進事業"))
    (change,) = result.measures_changed
    assert change.renamed
    assert (change.old.name, change.new.name) == ("社会教育推進事業", "生涯学習推進事業")


def test_a_renumbered_measure_is_matched_by_name(tmp_path: Path) -> None:
    result = compare(tmp_path, _set("id", "1-1-09"))
    assert (result.added, result.removed) == (0, 0)
    (change,) = result.measures_changed
    assert change.matched_by == "name"
    assert change.changes == (FieldChange("id", "1-1-01", "1-1-09"),)


def test_a_recorded_alias_matches_a_renamed_and_renumbered_measure(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        item = measure(data, "2-1-03")
        item["id"] = "2-1-99"
        item["name"] = "パラサイクリングのまち PR 事業"
        del item["aliases"]

    result = compare(tmp_path, edit)
    assert (result.added, result.removed) == (0, 0)
    (change,) = result.measures_changed
    assert change.matched_by == "name"
    assert [c.field for c in change.changes] == ["id", "name", "aliases"]


def test_a_reused_id_for_an_unrelated_measure_is_a_removal_and_an_addition(
    tmp_path: Path,
) -> None:
    def edit(data: dict[str, Any]) -> None:
        item = measure(data, "1-1-01")
        item["name"] = "ハロー体操"
        item["description"] = "朝の体操を行います。"

    result = compare(tmp_path, edit)
    assert [e.measure.name for e in result.measures_removed] == ["社会教育推進事業"]
    assert [e.measure.name for e in result.measures_added] == ["ハロー体操"]
    assert result.measures_changed == ()


def test_added_and_removed_measures_carry_their_place(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        section(data, 1, 2)["measures"].pop(0)
        section(data, 3, 1)["measures"].append(
            {
                "id": "3-1-99",
                "name": "新事業",
                "departments": ["健康増進課"],
                "ages": ["65+"],
                "description": "説明。",
            }
        )

    result = compare(tmp_path, edit)
    assert (result.added, result.removed, result.changed) == (1, 1, 0)
    assert [(e.measure.id, e.place.policy, e.place.section) for e in result.measures_added] == [
        ("3-1-99", 3, 1)
    ]
    (removed,) = result.measures_removed
    assert removed.measure.id == "1-2-01"
    assert removed.place.label == "1.生きがいづくりの推進 ＞ （２）社会参加の促進"


def test_an_insertion_does_not_make_its_neighbours_moved(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        section(data, 1, 2)["measures"].insert(
            0,
            {
                "id": "1-2-00",
                "name": "新事業",
                "departments": ["社会教育課"],
                "ages": ["65+"],
                "description": "説明。",
            },
        )

    result = compare(tmp_path, edit)
    assert (result.added, result.removed, result.changed) == (1, 0, 0)


def test_a_measure_moved_between_sections_reports_its_place(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        moved = section(data, 1, 1)["measures"].pop(1)
        section(data, 2, 1)["measures"].insert(0, moved)

    result = compare(tmp_path, edit)
    (change,) = result.measures_changed
    assert change.new.id == "1-1-02"
    (place,) = change.changes
    assert place.field == "place"
    assert isinstance(place.old, diff.Place)
    assert isinstance(place.new, diff.Place)
    assert (place.old.policy, place.old.section) == (1, 1)
    assert (place.new.policy, place.new.section) == (2, 1)
    assert place.new.label == "2.交流の場と機会の提供 ＞ （１）交流の促進"


def test_a_measure_moved_within_its_section_reports_its_order(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        items = section(data, 1, 2)["measures"]
        items.insert(0, items.pop(3))

    result = compare(tmp_path, edit)
    (change,) = result.measures_changed
    assert change.new.id == "1-2-04"
    assert change.changes == (FieldChange("order", 4, 1),)


def test_departments_added_removed_and_reading_changed(tmp_path: Path) -> None:
    def before(data: dict[str, Any]) -> None:
        data["departments"].append({"name": "旧設課"})

    def edit(data: dict[str, Any]) -> None:
        data["departments"].pop()
        data["departments"].append({"name": "新設課", "reading": "しんせつか"})
        data["departments"][0]["reading"] = "しゃかいきょういく"

    result = compare(tmp_path, edit, before)
    assert [d.name for d in result.departments_added] == ["新設課"]
    assert [d.name for d in result.departments_removed] == ["旧設課"]
    (changed,) = result.departments_changed
    assert changed.name == "社会教育課"
    assert changed.changes == (
        FieldChange("reading", "しゃかいきょういくか", "しゃかいきょういく"),
    )
    assert (result.added, result.removed, result.changed) == (1, 1, 1)


def _text(*keys: str | int, value: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "path", "where"),
    [
        (_text("vision", "text", value="新しい姿。"), "vision.text", "目指す市民の姿（本文）"),
        (_text("vision", "slogan", value="新標語"), "vision.slogan", "目指す市民の姿"),
        (_text("chapter", "intro", value="新しい説明。"), "chapter.intro", "分野の説明"),
        (_text("chapter", "title", value="つながり"), "chapter.title", "分野名"),
        (
            _text("challenges", "lead", value="前文。"),
            "challenges.lead",
            "市民のチャレンジ目標（前文）",
        ),
        (
            _text("challenges", "items", 1, "title", value="年に２回は参加しよう"),
            "challenges.items.2.title",
            "チャレンジ目標2",
        ),
        (_text("policies", 0, "title", value="生きがい"), "policies.1.title", "施策1 見出し"),
        (_text("policies", 1, "text", value="新しい内容。"), "policies.2.text", "施策2 内容"),
        (
            _text("policies", 0, "sections", 1, "title", value="社会参加"),
            "policies.1.sections.2.title",
            "施策1（２） 見出し",
        ),
        (
            _text("policies", 2, "sections", 0, "lead", value="新しい前文。"),
            "policies.3.sections.1.lead",
            "施策3（１） 前文",
        ),
    ],
)
def test_each_chapter_text_is_reported(tmp_path: Path, edit: Edit, path: str, where: str) -> None:
    result = compare(tmp_path, edit)
    (text,) = result.texts
    assert (text.path, text.where) == (path, where)
    assert text.old != text.new
    assert (result.added, result.removed, result.changed) == (0, 0, 1)


def test_a_new_challenge_is_a_text_with_no_old_value(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["challenges"]["items"].append({"title": "笑おう", "text": "毎日笑いましょう。"})

    result = compare(tmp_path, edit)
    assert [(t.path, t.old, t.new) for t in result.texts] == [
        ("challenges.items.4.title", "", "笑おう"),
        ("challenges.items.4.text", "", "毎日笑いましょう。"),
    ]


def _indicator(edit_one: Any, indicator_id: str = "I1") -> Edit:
    def edit(data: dict[str, Any]) -> None:
        edit_one(indicator(data, indicator_id))

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _indicator(lambda i: i["series"][0].update(target=35)),
            [FieldChange("series.target", 30.0, 35.0)],
        ),
        (
            _indicator(lambda i: i["series"][0].update(baseline=26)),
            [FieldChange("series.baseline", 25.6, 26.0)],
        ),
        (
            _indicator(lambda i: i["target"].update(year="R17", western_year=2035)),
            [FieldChange("target_year", "Ｒ12", "R17")],
        ),
        (
            _indicator(lambda i: i["baseline"].update(year="R4", western_year=2022)),
            [FieldChange("baseline_year", "Ｈ29", "R4")],
        ),
        (
            _indicator(lambda i: i["target"].update(kind="at-most")),
            [FieldChange("target_kind", "at-least", "at-most")],
        ),
        (
            _indicator(lambda i: i.update(plan="第３次健康増進計画")),
            [FieldChange("plan", "第２次健康増進計画", "第３次健康増進計画")],
        ),
        (
            _indicator(lambda i: i.update(name="地域とのつながりを感じる市民の割合")),
            [
                FieldChange(
                    "name",
                    "地域とのつながりが強いと思う市民の割合",
                    "地域とのつながりを感じる市民の割合",
                )
            ],
        ),
        (
            _indicator(lambda i: i["series"].pop(), "I3"),
            [FieldChange("series[people]", "人数", None)],
        ),
        (
            _indicator(
                lambda i: i["series"].append(
                    {"id": "youth", "label": "若者", "unit": "人", "baseline": 10, "target": 20}
                ),
                "I3",
            ),
            [FieldChange("series[youth]", None, "若者")],
        ),
    ],
    ids=[
        "target",
        "baseline",
        "target-year",
        "baseline-year",
        "kind",
        "plan",
        "name",
        "series-removed",
        "series-added",
    ],
)
def test_each_indicator_change_is_reported(
    tmp_path: Path, edit: Edit, expected: list[FieldChange]
) -> None:
    result = compare(tmp_path, edit)
    (change,) = result.indicators_changed
    assert list(change.changes) == expected
    assert (result.added, result.removed, result.changed) == (0, 0, 1)


def test_indicators_added_and_removed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        gone = data["indicators"].pop()
        data["indicators"].append({**gone, "id": "I8", "name": "あいさつする市民の割合"})

    result = compare(tmp_path, edit)
    assert [i.id for i in result.indicators_added] == ["I8"]
    assert [i.id for i in result.indicators_removed] == ["I7"]
    assert (result.added, result.removed, result.changed) == (1, 1, 0)


def test_a_renumbered_indicator_is_matched_by_name(tmp_path: Path) -> None:
    result = compare(tmp_path, _indicator(lambda i: i.update(id="I9"), "I7"))
    (change,) = result.indicators_changed
    assert change.changes == (FieldChange("id", "I7", "I9"),)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("同じ", "同じ", [("same", "同じ")]),
        ("", "新しい", [("inserted", "新しい")]),
        ("古い", "", [("deleted", "古い")]),
        (
            "社会教育推進事業",
            "生涯学習推進事業",
            [("deleted", "社会教育"), ("inserted", "生涯学習"), ("same", "推進事業")],
        ),
        # A one-character kept run between two edits joins them.
        (
            "あいうえお",
            "かいくえお",
            [("deleted", "あいう"), ("inserted", "かいく"), ("same", "えお")],
        ),
        (
            "交流を図る",
            "交流を深める",
            [("same", "交流を"), ("deleted", "図"), ("inserted", "深め"), ("same", "る")],
        ),
        # Wholly different texts are one replacement.
        ("あいう", "かきく", [("deleted", "あいう"), ("inserted", "かきく")]),
    ],
)
def test_inline_diff(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    segments = texts.inline_diff(old, new)
    assert [(s.kind, s.text) for s in segments] == expected
    assert "".join(s.text for s in segments if s.kind != "inserted") == old
    assert "".join(s.text for s in segments if s.kind != "deleted") == new


@pytest.mark.parametrize(
    ("segments", "context", "expected"),
    [
        ((Segment("same", "abcdef"),), 2, [("same", "abcdef")]),
        (
            (Segment("same", "abcdefgh"), Segment("deleted", "x")),
            2,
            [("elided", "…"), ("same", "gh"), ("deleted", "x")],
        ),
        (
            (Segment("inserted", "x"), Segment("same", "abcdefgh")),
            2,
            [("inserted", "x"), ("same", "ab"), ("elided", "…")],
        ),
        (
            (Segment("deleted", "x"), Segment("same", "abcdefgh"), Segment("inserted", "y")),
            2,
            [("deleted", "x"), ("same", "ab"), ("elided", "…"), ("same", "gh"), ("inserted", "y")],
        ),
        # Short enough to keep whole: no ellipsis for one hidden character.
        ((Segment("same", "abc"), Segment("deleted", "x")), 2, [("same", "abc"), ("deleted", "x")]),
    ],
)
def test_elide(
    segments: tuple[Segment, ...], context: int, expected: list[tuple[str, str]]
) -> None:
    assert [(s.kind, s.text) for s in texts.elide(segments, context)] == expected


def test_plain_report_reads_old_to_new(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        item = measure(data, "1-1-01")
        item["name"] = "生涯学習推進事業"
        item["departments"] = ["社会教育課", "市民活動推進課"]
        section(data, 1, 2)["measures"].pop(0)
        data["vision"]["text"] = data["vision"]["text"].replace("更に", "さらに")
        indicator(data, "I1")["series"][0]["target"] = 35

    result = compare(tmp_path, edit)
    assert diffview.to_text(result) == (
        "追加 0・削除 1・変更 3\n"
        "\n"
        "事務事業\n"
        "  1.生きがいづくりの推進 ＞ （１）講座開催の充実\n"
        "    ~ 1-1-01 社会教育推進事業 → 生涯学習推進事業（対応: 説明が一致）\n"
        "        所管課: [-社会教育課-] → {+社会教育課・市民活動推進課+}（+市民活動推進課）\n"
        "  1.生きがいづくりの推進 ＞ （２）社会参加の促進\n"
        "    - 1-2-01 観光ボランティアガイド活動支援事業\n"
        "\n"
        "本文\n"
        "  ~ 目指す市民の姿（本文）\n"
        "      「…ることで、交流が生まれ、[-更-]{+さら+}に地域のきずなが深まりま…」\n"
        "\n"
        "指標\n"
        "  ~ I1 地域とのつながりが強いと思う市民の割合\n"
        "      目標値: [-30-] → {+35+}\n"
    )


def test_markdown_report_escapes_data(tmp_path: Path) -> None:
    result = compare(tmp_path, _set("name", "社会*教育*推進事業"))
    assert diffview.to_markdown(result) == (
        "追加 0・削除 0・変更 1\n"
        "\n"
        "## 事務事業\n"
        "\n"
        "### 1.生きがいづくりの推進 ＞ （１）講座開催の充実\n"
        "\n"
        "- **変更** 1-1-01 社会教育推進事業 → 社会\\*教育\\*推進事業（対応: 説明が一致）\n"
    )


def test_the_report_of_the_same_plan_is_one_line(plan: Plan) -> None:
    result = diff.compare(plan, plan)
    assert diffview.to_text(result) == "差分なし\n"
    assert diffview.to_markdown(result) == "差分なし\n"


def test_a_challenge_inserted_is_added_not_every_one_after_it_rewritten(tmp_path: Path) -> None:
    def insert(data: dict[str, Any]) -> None:
        new = {"title": "地域の人と話そう", "text": "近所の人と会話する機会を持ちましょう。"}
        data["challenges"]["items"].insert(1, new)

    old, new = (
        load_plan(edition(tmp_path, "old.yaml")),
        load_plan(edition(tmp_path, "n.yaml", insert)),
    )
    result = diff.compare(old, new)
    assert [(t.path, t.kind) for t in result.texts] == [
        ("challenges.items.2.title", "added"),
        ("challenges.items.2.text", "added"),
    ]
    assert "  + チャレンジ目標2" in diffview.to_text(result).splitlines()


def test_a_section_inserted_renumbers_the_next_without_moving_its_measures(
    tmp_path: Path,
) -> None:
    """取組（２） inserted in 施策1: the old （２） is now （３）, its measures stay in it."""

    def insert(data: dict[str, Any]) -> None:
        policy = data["policies"][0]
        for s in policy["sections"][1:]:
            s["number"] += 1
            for m in s["measures"]:
                m["id"] = f"1-{s['number']}-{m['id'].split('-')[2]}"
        new_measure = {
            "id": "1-2-01",
            "name": "生涯学習情報提供事業",
            "departments": ["社会教育課"],
            "ages": ["0-17", "18-64", "65+"],
            "description": "講座やサークルの情報を冊子とウェブサイトで分かりやすく提供します。",
        }
        policy["sections"].insert(
            1,
            {
                "number": 2,
                "title": "情報提供の充実",
                "lead": "生きがい探しにつながる情報を分かりやすく提供します。",
                "measures": [new_measure],
            },
        )

    old, new = (
        load_plan(edition(tmp_path, "old.yaml")),
        load_plan(edition(tmp_path, "n.yaml", insert)),
    )
    result = diff.compare(old, new)
    assert [m.measure.name for m in result.measures_added] == ["生涯学習情報提供事業"]
    fields = {c.field for change in result.measures_changed for c in change.changes}
    assert fields == {"id"}  # renumbered, not moved: no "place"
    assert [(t.path, t.kind) for t in result.texts] == [
        ("policies.1.sections.2.title", "added"),
        ("policies.1.sections.2.lead", "added"),
    ]
