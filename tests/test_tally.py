"""The one tally: counts of a group per value of a scale, read like a dict, hashable."""

from __future__ import annotations

import pytest

from kouryu_cli.core.tally import Counts


def _has(word: str, letter: str) -> bool:
    return letter in word


@pytest.mark.parametrize(
    ("scale", "items", "expected"),
    [
        ("abc", ["ab", "b", "bc"], {"a": 1, "b": 3, "c": 1}),
        ("cba", ["ab"], {"c": 0, "b": 1, "a": 1}),
        ("ab", [], {"a": 0, "b": 0}),
        ("", ["ab"], {}),
    ],
)
def test_counts_each_value_of_the_scale_in_its_order(
    scale: str, items: list[str], expected: dict[str, int]
) -> None:
    counts = Counts.of(scale, items, _has)
    assert counts == expected
    assert list(counts) == list(scale)
    assert dict(counts) == expected


def test_counts_read_like_a_dict() -> None:
    counts = Counts.of("ab", iter(["a", "ab"]), _has)  # items read once, even an iterator
    assert (counts["a"], counts["b"], counts.get("z", 0)) == (2, 1, 0)
    with pytest.raises(KeyError):
        counts["z"]


def test_counts_are_hashable_and_equal_by_their_counts() -> None:
    one = Counts.of("ab", ["a"], _has)
    assert hash(one) == hash(Counts.of("ab", ["a"], _has))
    assert {one, Counts.of("ab", ["a"], _has)} == {one}
    assert one != Counts.of("ab", ["b"], _has)
