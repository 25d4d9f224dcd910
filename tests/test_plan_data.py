"""The shipped plan agrees with the seed: every measure, department, age mark, icon, indicator."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from kouryu_cli.core.model import AgeGroup, Plan, TargetKind

DATA = Path(__file__).parent / "data"
# The seed (the PDF's text) lives beside the repository in the project's shared folder.
SEED = Path(__file__).parents[2] / "shared" / "seed" / "000_0d117098170df850.txt"
AGES = (AgeGroup.UNDER_18, AgeGroup.WORKING_AGE, AgeGroup.SENIOR)


def _transcription() -> list[dict[str, str]]:
    """An independent hand transcription of the seed (body and 施策事業一覧), one row a measure."""
    with (DATA / "seed_measures.tsv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream, delimiter="\t"))


def test_plan_has_49_measures_in_3_policies_and_4_sections(plan: Plan) -> None:
    assert len(plan.measures) == 49
    assert [p.title for p in plan.policies] == [
        "生きがいづくりの推進",
        "交流の場と機会の提供",
        "つながり合う地域づくりの推進",
    ]
    assert [
        (s.policy, s.number, s.title, len(s.measures)) for p in plan.policies for s in p.sections
    ] == [
        (1, 1, "講座開催の充実", 2),
        (1, 2, "社会参加の促進", 9),
        (2, 1, "交流の促進", 24),
        (3, 1, "地域の支え合い支援", 14),
    ]


def test_every_measure_matches_the_independent_transcription(plan: Plan) -> None:
    rows = _transcription()
    assert len(rows) == len(plan.measures)
    for row, measure in zip(rows, plan.measures, strict=True):
        where = f"{measure.id} {measure.name}"
        assert measure.id == f"{row['policy']}-{row['section']}-{int(row['order_in_section']):02d}"
        assert measure.name == row["name_as_in_body"], where
        if row["name_as_in_table"] != row["name_as_in_body"]:
            assert row["name_as_in_table"] in measure.aliases, where
            assert measure.notes, where
        assert "・".join(measure.departments) == row["departments_body"], where
        assert row["departments_body"] == row["departments_table"], where
        marks = (row["age_0_17"], row["age_18_64"], row["age_65plus"])
        assert measure.ages == tuple(a for a, m in zip(AGES, marks, strict=True) if m == "1"), where
        assert " ".join(i.value for i in measure.icons) == row["icons"], where


def test_counts_per_age_group_agree_with_the_table(plan: Plan) -> None:
    counts = Counter(a for m in plan.measures for a in m.ages)
    assert counts == {AgeGroup.UNDER_18: 33, AgeGroup.WORKING_AGE: 44, AgeGroup.SENIOR: 40}


def test_counts_per_department_agree_with_the_table(plan: Plan) -> None:
    counts = Counter(d for m in plan.measures for d in m.departments)
    assert counts == {
        "市民活動推進課": 8,
        "高齢福祉課": 8,
        "文化スポーツ推進課": 8,
        "子育て支援課": 8,
        "社会教育課": 6,
        "シティセールス課": 4,
        "学校教育課": 2,
        "健康増進課": 2,
        "商工労働課": 1,
        "障害福祉課": 1,
        "社会福祉課": 1,
        "市民窓口課": 1,
    }
    assert [d.name for d in plan.departments] == list(
        dict.fromkeys(d for m in plan.measures for d in m.departments)
    )
    assert all(re.fullmatch(r"[ぁ-ゖー]+か", d.reading) for d in plan.departments)


def test_only_one_measure_has_two_departments(plan: Plan) -> None:
    shared = [(m.id, m.departments) for m in plan.measures if len(m.departments) > 1]
    assert shared == [("3-1-14", ("社会福祉課", "市民窓口課"))]


def test_seed_slips_are_recorded_not_silently_fixed(plan: Plan) -> None:
    by_name = {m.name: m for m in plan.measures}
    assert "地域介護活動予防支援事業" in by_name["地域介護予防活動支援事業"].aliases
    assert "児童祉" in by_name["地域組織活動育成事業"].description
    assert any("児童祉" in n for n in by_name["地域組織活動育成事業"].notes)
    glass = by_name["きららガラス未来館管理運営事業"]
    assert glass.description.startswith("本市の特色")
    assert any('"' in n for n in glass.notes)
    assert "介護予防活動支援事業（介護予防応援隊養成）" in by_name


INDICATORS = [
    # id, name, plan, series (unit, baseline, target), baseline label/year, target label/year, kind
    (
        "I1",
        "地域とのつながりが強いと思う市民の割合",
        "第２次健康増進計画",
        [("%", 25.6, 30)],
        ("Ｈ29", 2017),
        ("Ｒ12", 2030),
        TargetKind.AT_LEAST,
    ),
    (
        "I2",
        "ボランティア活動や地域行事に参加する市民の割合",
        "第２次健康増進計画",
        [("%", 44.5, 50)],
        ("Ｈ29", 2017),
        ("Ｒ12", 2030),
        TargetKind.AT_LEAST,
    ),
    (
        "I3",
        "福祉活動ボランティア団体登録数及び人数",
        "第二次地域福祉計画・地域福祉活動計画",
        [("団体", 61, 80), ("人", 5480, 6000)],
        ("R2", 2020),
        ("Ｒ7", 2025),
        TargetKind.REACH,
    ),
    (
        "I4",
        "生涯学習主催講座の参加者数",
        "第 2 次総合計画（中期計画）",
        [("人", 16961, 18200)],
        ("R1", 2019),
        ("R7", 2025),
        TargetKind.REACH,
    ),
    (
        "I5",
        "住民運営通いの場の設置数",
        "第 8 期高齢福祉計画",
        [("か所", 90, 107)],
        ("R3", 2021),
        ("Ｒ5", 2023),
        TargetKind.REACH,
    ),
    (
        "I6",
        "ふれあい・いきいきサロンの設置数",
        "第二次地域福祉計画・地域福祉活動計画",
        [("か所", 66, 70)],
        ("R2", 2020),
        ("Ｒ7", 2025),
        TargetKind.REACH,
    ),
    (
        "I7",
        "地域交流センターの利用者数",
        "第二次地域福祉計画・地域福祉活動計画",
        [("人/年", 146828, None)],
        ("R2", 2020),
        ("Ｒ7", 2025),
        TargetKind.INCREASE,
    ),
]


@pytest.mark.parametrize("expected", INDICATORS, ids=[i[0] for i in INDICATORS])
def test_indicator_matches_the_seed(plan: Plan, expected: tuple) -> None:  # type: ignore[type-arg]
    indicator_id, name, source, series, baseline, target, kind = expected
    indicator = next(i for i in plan.indicators if i.id == indicator_id)
    assert indicator.name == name
    assert indicator.plan == source
    assert [(s.unit, s.baseline, s.target) for s in indicator.series] == series
    assert (indicator.baseline_year.label, indicator.baseline_year.year) == baseline
    assert (indicator.target_year.label, indicator.target_year.year) == target
    assert indicator.target_kind is kind
    assert indicator.series[0].actuals == ()  # the shipped plan has baselines only


def _seed_table() -> list[tuple[str, tuple[str, ...], tuple[bool, bool, bool]]]:
    """Rows of the seed's 施策事業一覧: name, departments, age marks (○ and 〇 alike)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "（施策事業一覧）" in line)
    end = next(i for i, line in enumerate(lines) if "（関連計画における参考となる指標）" in line)
    row = re.compile(r"\s*(?P<name>\S.*?)(?P<marks>(?: [○〇]| ){3}) (?P<dept>\S+)\s*")
    out: list[tuple[str, tuple[str, ...], tuple[bool, bool, bool]]] = []
    for line in lines[start:end]:
        match = row.fullmatch(line)
        if match:
            marks = re.findall(r" [○〇]| ", match["marks"])
            assert len(marks) == 3, line
            flags = tuple(len(m) == 2 for m in marks)
            out.append((match["name"], (match["dept"],), (flags[0], flags[1], flags[2])))
        elif line.strip().endswith("課") and out and " " not in line.strip():
            name, depts, flags3 = out[-1]
            out[-1] = (name, (*depts, line.strip()), flags3)
    return out


@pytest.mark.skipif(not SEED.is_file(), reason="the seed text is not beside this checkout")
def test_plan_matches_the_seed_table_directly(plan: Plan) -> None:
    table = _seed_table()
    assert len(table) == 49
    for (name, depts, flags), measure in zip(table, plan.measures, strict=True):
        assert name == measure.name or name in measure.aliases, (name, measure.name)
        assert depts == measure.departments, name
        assert flags == tuple(a in measure.ages for a in AGES), name


@pytest.mark.skipif(not SEED.is_file(), reason="the seed text is not beside this checkout")
def test_every_text_is_verbatim_in_the_seed(plan: Plan) -> None:
    # The PDF's text wraps lines and interleaves the 所管課 column; drop both and every
    # sentence of the plan must stand in it letter for letter.
    departments = {d.name for d in plan.departments}
    seed = "".join(
        line.strip()
        for line in SEED.read_text(encoding="utf-8").split("\n")
        if line.strip() not in departments
    )
    texts = [plan.chapter.intro, plan.vision_slogan, plan.vision_text, plan.challenges_lead]
    texts += [t for c in plan.challenges for t in (c.title, c.text)]
    for policy in plan.policies:
        texts += [policy.title, policy.text]
        for section in policy.sections:
            texts += [section.title, section.lead]
            texts += [t for m in section.measures for t in (m.name, m.description, *m.aliases)]
    texts += [t for i in plan.indicators for t in (i.name, i.plan)]
    missing = [t for t in texts if t not in seed]
    assert missing == []
