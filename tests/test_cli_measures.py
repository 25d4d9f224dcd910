"""`kouryu measures`: filters, formats and messages."""

from __future__ import annotations

import json

from tests.conftest import Run


def test_age_65_plus_lists_the_40_measures_for_seniors(run: Run) -> None:
    result = run("measures", "--age", "65+", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 40
    assert all("65+" in r["ages"] for r in records)
    assert result.stderr == "条件: 65歳以上 / 40件\n"
