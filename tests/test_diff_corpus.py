"""The corpus of edition pairs (tests/edition_pairs.py) through `kouryu diff -f json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kouryu_cli import pairing
from tests.conftest import SHIPPED, Run
from tests.edition_pairs import CASES, Case
from tests.editions import edition


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_diff_pairs_as_a_person_would(run: Run, tmp_path: Path, case: Case) -> None:
    new = edition(tmp_path, "new.yaml", case.edit)
    result = run("diff", str(SHIPPED), str(new), "-f", "json")
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    added, removed, changed = case.summary
    assert data["summary"] == {"added": added, "removed": removed, "changed": changed}
    measures = data["measures"]
    assert {c["old_id"]: (c["id"], c["matched_by"]) for c in measures["changed"]} == case.measures
    assert tuple(m["id"] for m in measures["added"]) == case.added
    assert tuple(m["id"] for m in measures["removed"]) == case.removed
    indicators = data["indicators"]
    assert {
        c["old_id"]: (c["id"], c["matched_by"]) for c in indicators["changed"]
    } == case.indicators
    assert tuple(i["id"] for i in indicators["added"]) == case.indicators_added
    assert tuple(i["id"] for i in indicators["removed"]) == case.indicators_removed
    for change in (*measures["changed"], *indicators["changed"]):
        # A graded pair carries its score, at or above the threshold; an exact one none.
        if change["matched_by"] in ("similarity", "id"):
            assert pairing.THRESHOLD / 1000 <= change["score"] <= 1
        else:
            assert change["score"] is None


def test_the_corpus_covers_the_issue() -> None:
    assert len(CASES) >= 15
    assert len({c.name for c in CASES}) == len(CASES)
