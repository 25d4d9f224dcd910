"""The best one-to-one assignment of rows to columns (the Hungarian method), exact, pure Python.

The potentials version (Kuhn-Munkres with Jonker-Volgenant's shortest augmenting paths) in
O(n² m) for n rows and m ≥ n columns. Costs are integers, so the optimum is found exactly and
the same input always gives the same assignment. scipy's linear_sum_assignment does the same
in C, but importing scipy takes longer than kouryu's whole diff of two editions.
"""

from __future__ import annotations

from collections.abc import Sequence


def assign(cost: Sequence[Sequence[int]]) -> list[int]:
    """For each row, its column in an assignment of least total cost (every row gets one).

    With more rows than columns, rows left over get -1. A matrix is a list of equally long
    rows; an empty matrix (or one without columns) assigns nothing.
    """
    rows = len(cost)
    columns = len(cost[0]) if rows else 0
    if rows == 0 or columns == 0:
        return [-1] * rows
    if rows > columns:
        transposed = [[cost[i][j] for i in range(rows)] for j in range(columns)]
        out = [-1] * rows
        for j, i in enumerate(assign(transposed)):
            out[i] = j
        return out
    return _solve(cost, rows, columns)


def _solve(cost: Sequence[Sequence[int]], n: int, m: int) -> list[int]:
    # 1-based indices; column 0 is a virtual start. u and v are the row and column
    # potentials (u[i] + v[j] <= cost[i][j] throughout), p[j] the row assigned to column j.
    u = [0] * (n + 1)
    v = [0] * (m + 1)
    p = [0] * (m + 1)
    for i in range(1, n + 1):
        _add_row(cost, i, u, v, p)
    out = [-1] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


def _add_row(
    cost: Sequence[Sequence[int]], i: int, u: list[int], v: list[int], p: list[int]
) -> None:
    """Assign row i along a shortest augmenting path, keeping the potentials feasible."""
    m = len(v) - 1
    columns = range(1, m + 1)
    # way[j]: the column before j on the shortest path found so far.
    way = [0] * (m + 1)
    minv: list[int | float] = [float("inf")] * (m + 1)
    used = [False] * (m + 1)
    p[0] = i
    j0 = 0
    while True:
        used[j0] = True
        i0 = p[j0]
        row = cost[i0 - 1]
        base = u[i0]
        delta: int | float = float("inf")
        j1 = 0
        for j in columns:
            if not used[j]:
                reduced = row[j - 1] - base - v[j]
                if reduced < minv[j]:
                    minv[j] = reduced
                    way[j] = j0
                if minv[j] < delta:
                    delta = minv[j]
                    j1 = j
        step = int(delta)
        for j in range(m + 1):
            if used[j]:
                u[p[j]] += step
                v[j] -= step
            else:
                minv[j] -= step
        j0 = j1
        if p[j0] == 0:
            break
    while j0:
        j1 = way[j0]
        p[j0] = p[j1]
        j0 = j1
