"""The corpus of edition pairs (tests/edition_pairs.py) through `kouryu diff -f json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kouryu_cli.editions import pairing
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


def _text(run: Run, tmp_path: Path, name: str) -> list[str]:
    (case,) = (c for c in CASES if c.name == name)
    result = run("diff", str(SHIPPED), str(edition(tmp_path, "new.yaml", case.edit)))
    assert result.exit_code == 1
    return result.stdout.splitlines()


def test_an_insertion_and_a_rename_read_as_such(run: Run, tmp_path: Path) -> None:
    lines = _text(run, tmp_path, "insert-and-rename")
    assert lines[0] == "追加 1・削除 0・変更 23"
    assert "    + 2-1-02 市民音楽ひろば事業（市民活動推進課）" in lines
    assert "    ~ 2-1-05 → 2-1-06 市民文化祭 → 市民音楽祭（対応: 説明が一致）" in lines
    # The renumbered neighbours keep their names: one line says how it was paired.
    assert [line for line in lines if "対応" in line] == [
        "    ~ 2-1-05 → 2-1-06 市民文化祭 → 市民音楽祭（対応: 説明が一致）"
    ]


def test_a_deletion_beside_a_rename_reads_as_such(run: Run, tmp_path: Path) -> None:
    lines = _text(run, tmp_path, "delete-rename-renumber")
    assert lines[0] == "追加 0・削除 1・変更 6"
    assert "    - 1-2-03 女性団体連絡協議会等支援事業" in lines
    assert (
        "    ~ 1-2-04 → 1-2-03 社会教育士育成事業 → 社会教育士養成事業（対応: 説明が一致）" in lines
    )
