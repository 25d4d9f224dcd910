"""The exact assignment (Hungarian method) against brute force on small matrices."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouryu_cli.editions.assignment import assign


def _brute_force(cost: list[list[int]]) -> int:
    """The least total cost over every one-to-one choice of min(rows, columns) pairs."""
    rows, columns = len(cost), len(cost[0]) if cost else 0
    size = min(rows, columns)
    if size == 0:
        return 0
    return min(
        sum(cost[i][j] for i, j in zip(chosen, targets, strict=True))
        for chosen in itertools.combinations(range(rows), size)
        for targets in itertools.permutations(range(columns), size)
    )


def _check(cost: list[list[int]], result: list[int]) -> int:
    """The assignment's total, after checking that it is one-to-one and as large as it can be."""
    rows, columns = len(cost), len(cost[0]) if cost else 0
    assert len(result) == rows
    used = [j for j in result if j >= 0]
    assert len(used) == len(set(used)) == min(rows, columns)
    assert all(0 <= j < columns for j in used)
    return sum(cost[i][j] for i, j in enumerate(result) if j >= 0)


@st.composite
def matrices(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(0, 6))
    columns = draw(st.integers(1, 6))
    cell = st.integers(-50, 50)
    return [draw(st.lists(cell, min_size=columns, max_size=columns)) for _ in range(rows)]


@given(matrices())
def test_the_assignment_is_as_cheap_as_brute_force(cost: list[list[int]]) -> None:
    assert _check(cost, assign(cost)) == _brute_force(cost)


@given(matrices())
def test_the_same_matrix_gives_the_same_assignment(cost: list[list[int]]) -> None:
    assert assign(cost) == assign([list(row) for row in cost])


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        ([], []),
        ([[5]], [0]),
        # The greedy choice (row 0 takes its cheapest, column 0) is not the best.
        ([[1, 2], [1, 9]], [1, 0]),
        # More rows than columns: the row left over gets -1.
        ([[3], [1], [2]], [-1, 0, -1]),
        # More columns than rows.
        ([[4, 1, 3], [2, 0, 5]], [1, 0]),
        # Two cells below zero on the diagonal: both are taken, the rest fills in.
        ([[0, 0, 0], [0, -7, 0], [0, 0, -1]], [0, 1, 2]),
    ],
)
def test_small_assignments(cost: list[list[int]], expected: list[int]) -> None:
    assert assign(cost) == expected


def test_a_row_of_columns_without_columns_assigns_nothing() -> None:
    assert assign([[], []]) == [-1, -1]
