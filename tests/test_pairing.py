"""pairing.pair: exact evidence first, then the best assignment over graded evidence."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouryu_cli.core.model import Plan
from kouryu_cli.editions import compare as diff
from kouryu_cli.editions import pairing
from kouryu_cli.editions.pairing import Traits


def _pairs(old: list[Traits], new: list[Traits]) -> list[tuple[str, str, str]]:
    result = pairing.pair(old, new, lambda t: t)
    return [(p.old.id, p.new.id, p.reason) for p in result.pairs]


def test_no_two_measures_of_the_shipped_plan_would_be_paired(plan: Plan) -> None:
    traits = [diff.measure_traits(m) for m in plan.measures]
    for a, b in itertools.permutations(traits, 2):
        _, without_id = pairing.score(a, b)
        assert without_id < pairing.THRESHOLD, (a.name, b.name)


def test_no_two_indicators_of_the_shipped_plan_would_be_paired(plan: Plan) -> None:
    traits = [diff.indicator_traits(i) for i in plan.indicators]
    for a, b in itertools.permutations(traits, 2):
        # Even under one id: an indicator has nothing but its name to go by.
        assert pairing.score(a, b._replace(id=a.id))[0] < pairing.THRESHOLD, (a.name, b.name)


@pytest.mark.parametrize(
    ("old_name", "new_name", "same_id", "expected"),
    [
        # Five of eight characters kept: 2 × 5 / 16 = 0.625 of 800 is the threshold, 500.
        ("abcdefgh", "abcdexyz", False, "similarity"),
        # Four kept: 400, and the same id adds 50: still below.
        ("abcdefgh", "abcdwxyz", True, None),
        ("abcdefgh", "abcdwxyz", False, None),
        # 2 × 5 / 17 × 800 = 470, with the id 520: the id decides.
        ("abcdefgh", "abcdexyzw", True, "id"),
        ("abcdefgh", "abcdexyzw", False, None),
    ],
)
def test_the_threshold(old_name: str, new_name: str, same_id: bool, expected: str | None) -> None:
    old = Traits("A", old_name)
    new = Traits("A" if same_id else "B", new_name)
    result = pairing.pair([old], [new], lambda t: t)
    assert [p.reason for p in result.pairs] == ([expected] if expected else [])
    if expected:
        (found,) = result.pairs
        assert found.score is not None
        assert found.score >= pairing.THRESHOLD / 1000
    else:
        assert (result.removed, result.added) == ((old,), (new,))


def test_a_name_wins_over_an_identical_description() -> None:
    old = [Traits("1", "甲", description="同じ説明です。"), Traits("2", "乙", description="別。")]
    new = [Traits("9", "甲", description="別。"), Traits("8", "丙", description="同じ説明です。")]
    result = pairing.pair(old, new, lambda t: t)
    assert [(p.old.id, p.new.id, p.reason) for p in result.pairs] == [("1", "9", "name")]
    assert ([t.id for t in result.removed], [t.id for t in result.added]) == (["2"], ["8"])


def test_an_alias_pairs_in_either_direction() -> None:
    old = [Traits("1", "旧名"), Traits("2", "二番", aliases=("別名",))]
    new = [Traits("3", "新名", aliases=("旧名",)), Traits("4", "別名")]
    assert _pairs(old, new) == [("1", "3", "alias"), ("2", "4", "alias")]


def test_a_description_two_items_share_is_no_exact_evidence() -> None:
    boiler = "各種事業を実施します。"
    old = [Traits("1", "交流事業", description=boiler), Traits("2", "講座事業", description=boiler)]
    new = [
        Traits("1", "交流推進事業", description=boiler),
        Traits("2", "講座開催事業", description=boiler),
    ]
    result = pairing.pair(old, new, lambda t: t)
    assert [(p.old.id, p.new.id, p.reason) for p in result.pairs] == [
        ("1", "1", "similarity"),
        ("2", "2", "similarity"),
    ]


def test_the_assignment_is_global_not_greedy() -> None:
    # x resembles b most (700) and a less (600); y resembles only b (600). Taken greedily,
    # x would grab b and leave y unpaired; the best assignment pairs both.
    old = [Traits("x", "abcdefgh"), Traits("y", "zzcdefgz")]
    new = [Traits("a", "abcdefxy"), Traits("b", "abcdefgz")]
    assert pairing.score(old[0], new[1])[0] > pairing.score(old[0], new[0])[0]
    assert pairing.score(old[1], new[0])[0] < pairing.THRESHOLD
    assert sorted(_pairs(old, new)) == [("x", "a", "similarity"), ("y", "b", "similarity")]


def _measure(index: int, section: int, renamed: bool) -> Traits:
    name = f"第{index}番目の施策事業{'（改）' if renamed else ''}"
    return Traits(
        id=f"{section}-{index:03d}",
        name=name,
        description=f"事業{index}では、地域の{index}丁目で交流の場を開きます{'。' * (index % 3)}",
        place=(1, section),
        order=index,
    )


def test_large_leftovers_are_solved_in_bounded_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[tuple[int, int]] = []
    real = pairing.assign

    def recording(cost: list[list[int]]) -> list[int]:
        sizes.append((len(cost), len(cost[0]) if cost else 0))
        return real(cost)

    monkeypatch.setattr(pairing, "assign", recording)
    count = 3 * pairing.BLOCK
    old = [_measure(i, 1 + i % 2, renamed=False) for i in range(count)]
    # Every measure renamed and its description shared with none: nothing exact. A third
    # move to another section.
    new = [
        t._replace(
            name=t.name + "（改）",
            description=t.description.replace("開きます", "設けます"),
            place=(1, 3) if i % 3 == 0 else t.place,
        )
        for i, t in enumerate(old)
    ]
    result = pairing.pair(old, new, lambda t: t)
    assert [(p.old.id, p.new.id) for p in result.pairs] == [(t.id, t.id) for t in old]
    assert {p.reason for p in result.pairs} == {"similarity"}
    assert sizes
    assert max(max(s) for s in sizes) <= pairing.BLOCK


def _lcs_table(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            keep = row[j]
            row[j] = previous + 1 if x == y else max(row[j], row[j - 1])
            previous = keep
    return row[-1]


@given(st.text("abc市民文化祭", max_size=14), st.text("abc市民文化祭", max_size=14))
def test_common_length_is_the_longest_common_subsequence(a: str, b: str) -> None:
    assert pairing.common_length(a, b) == _lcs_table(a, b)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("市民文化祭", "市民文化祭", 1.0),
        ("市民文化祭", "市民音楽祭", 0.6),
        ("社会教育推進事業", "生涯学習推進事業", 0.5),
        ("あ", "い", 0.0),
    ],
)
def test_name_similarity(a: str, b: str, expected: float) -> None:
    assert pairing.name_similarity(Traits("1", a), Traits("2", b)) == pytest.approx(expected)
