"""The progress file as the round meets it: links, shared measures, hand edits, wrong files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kouryu_cli.core.model import EraYear, Plan
from kouryu_cli.files.writing import lock_path
from kouryu_cli.progress import book as progress
from kouryu_cli.progress.book import Answer, ProgressBook
from kouryu_cli.progress.store import comments, load_progress
from tests.conftest import Run
from tests.test_progress_returns import HOLD, answers_in, form, measures_of
from tests.test_progress_round import GOOD, fill

openpyxl = pytest.importorskip("openpyxl")

DEPARTMENTS = sorted(
    {"高齢福祉課", "文化スポーツ推進課", "子育て支援課", "市民活動推進課", "社会教育課"}
    | {"シティセールス課", "学校教育課", "健康増進課", "商工労働課", "障害福祉課"}
    | {"社会福祉課", "市民窓口課"}
)


COMMAND = (sys.executable, "-m", "kouryu_cli", "progress", "collect")


def collect(run: Run, into: Path, *forms: Path, more: tuple[str, ...] = ()) -> tuple[int, str]:
    result = run("progress", "collect", *map(str, forms), "--into", str(into), *more)
    return result.exit_code, result.stderr


# ------------------------------------------------------------------ one lock for one file


@pytest.mark.parametrize("value", ["abc", "-1", "inf", "30s"])
def test_a_lock_timeout_that_is_not_seconds_is_said_before_any_work(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """It waited 30 s for abc, and for ever for inf, in silence."""
    monkeypatch.setenv("KOURYU_LOCK_TIMEOUT", value)
    status, stderr = collect(run, tmp_path / "R6.yaml", tmp_path / "missing.xlsx")
    assert (status, stderr) == (
        2,
        f"kouryu: KOURYU_LOCK_TIMEOUT: '{value}' is not a number of seconds "
        "(such as 30, or 0 not to wait)\n",
    )


def test_a_symbolic_link_takes_the_lock_of_the_file_it_names(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "R6.yaml").symlink_to("real/R6.yaml")  # the file need not exist yet
    (tmp_path / "via.yaml").symlink_to("R6.yaml")  # a link to a link
    (tmp_path / "linked").symlink_to("real")  # a linked folder: the same folder
    assert lock_path(real / "R6.yaml") == real / "R6.yaml.lock"
    assert lock_path(tmp_path / "R6.yaml") == tmp_path / "real" / "R6.yaml.lock"
    assert lock_path(tmp_path / "via.yaml") == tmp_path / "real" / "R6.yaml.lock"
    assert os.path.realpath(lock_path(tmp_path / "linked" / "R6.yaml")) == os.path.realpath(
        real / "R6.yaml.lock"
    )


def test_a_collect_through_a_link_waits_for_the_lock_on_the_real_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD})
    (tmp_path / "real").mkdir()
    link = tmp_path / "R6.yaml"
    link.symlink_to("real/R6.yaml")
    held = tmp_path / "real" / "R6.yaml.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(held)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        monkeypatch.setenv("KOURYU_LOCK_TIMEOUT", "0.5")
        status, stderr = collect(run, link, path)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert status == 74, stderr
    assert f"(it holds {held})" in stderr.splitlines()[-1]
    assert not (tmp_path / "real" / "R6.yaml").exists()
    assert not (tmp_path / "R6.yaml.lock").exists()


def test_parallel_collects_through_a_link_and_the_file_keep_every_answer(
    run: Run, plan: Plan, tmp_path: Path
) -> None:
    """Half the runs name the link, half the file: one lock, so no run loses another's."""
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "R6.yaml"
    link = tmp_path / "R6.yaml"
    link.symlink_to("real/R6.yaml")
    returned = [
        fill(
            form(run, tmp_path / "forms", department),
            dict.fromkeys(measures_of(plan, department), GOOD),
            save_as=tmp_path / f"{department}.xlsx",
        )
        for department in DEPARTMENTS
    ]
    env = {**os.environ, "KOURYU_LOCK_TIMEOUT": "120"}
    # One process per department, every other one through the link, all started at once.
    runs = [
        subprocess.Popen(
            [*COMMAND, str(path), "--into", str(link if index % 2 else real)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for index, path in enumerate(returned)
    ]
    outcomes = []
    for process in runs:
        _out, err = process.communicate(timeout=300)
        outcomes.append((process.returncode, err.decode()))
    assert [status for status, _err in outcomes] == [0] * len(runs), outcomes
    assert set(answers_in(real)) == {m.id for m in plan.measures}
    assert link.is_symlink()
    assert not (tmp_path / "R6.yaml.lock").exists()


# ------------------------------------------------------------------ a shared measure


def _answer(departments: tuple[str, ...], rating: str = "B", note: str = "") -> Answer:
    return Answer("3-1-14", departments, "実施", rating, "継続", "やった", note=note)


def test_merge_adds_the_second_department_of_the_same_answer() -> None:
    kept = ProgressBook(EraYear("R6", 2024), (_answer(("社会福祉課",), note="電話で確認"),))
    merged = progress.merge(kept, [_answer(("市民窓口課",))], replace=False)
    assert merged.added == merged.unchanged == merged.conflicts == ()
    assert [a.departments for a in merged.changed] == [("社会福祉課", "市民窓口課")]
    only = merged.book.answers[0]
    assert only.departments == ("社会福祉課", "市民窓口課")
    assert only.note == "電話で確認"
    # The same department again: nothing new.
    again = progress.merge(merged.book, [_answer(("市民窓口課",))], replace=False)
    assert again.changed == ()
    assert len(again.unchanged) == 1
    # A replaced answer keeps the office's note.
    replaced = progress.merge(again.book, [_answer(("市民窓口課",), rating="C")], replace=True)
    assert replaced.book.answers[0].note == "電話で確認"
    assert replaced.book.answers[0].departments == ("市民窓口課",)
    # … and says whose answer it replaced: 社会福祉課 shared it.
    assert [(r.measure_id, r.kept_from) for r in replaced.replaced] == [
        ("3-1-14", ("社会福祉課", "市民窓口課"))
    ]


def test_a_conflict_with_another_departments_answer_says_whose_it_is() -> None:
    kept = ProgressBook(EraYear("R6", 2024), (_answer(("社会福祉課",)),))
    other = progress.merge(kept, [_answer(("市民窓口課",), rating="C")], replace=False)
    assert [c.kept_from for c in other.conflicts] == [("社会福祉課",)]
    again = progress.merge(kept, [_answer(("社会福祉課",), rating="C")], replace=False)
    assert [c.kept_from for c in again.conflicts] == [()]  # its own answer, sent again


def test_a_shared_measure_is_kept_with_both_departments_however_forms_are_batched(
    run: Run, tmp_path: Path
) -> None:
    welfare = fill(form(run, tmp_path / "f", "社会福祉課"), {"3-1-14": GOOD}, person="社福")
    counter = fill(form(run, tmp_path / "f", "市民窓口課"), {"3-1-14": GOOD}, person="窓口")
    together, apart, reversed_ = (tmp_path / n / "R6.yaml" for n in ("one", "two", "three"))
    for into in (together, apart, reversed_):
        into.parent.mkdir()
    assert collect(run, together, welfare, counter)[0] == 0
    assert collect(run, apart, welfare)[0] == 0
    result = run("progress", "collect", str(counter), "--into", str(apart))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "市民窓口課\t0 added, 1 changed (3-1-14), 0 unchanged\n"
    assert result.stderr.splitlines()[-1] == f"{apart}: 1 answer for R6"
    assert apart.read_bytes() == together.read_bytes()
    assert answers_in(apart)["3-1-14"]["departments"] == ["社会福祉課", "市民窓口課"]
    # The other way round: the plan's order of departments, the first answerer's name.
    assert collect(run, reversed_, counter)[0] == 0
    assert collect(run, reversed_, welfare)[0] == 0
    kept = answers_in(reversed_)["3-1-14"]
    assert kept["departments"] == ["社会福祉課", "市民窓口課"]
    assert kept["answered_by"] == "窓口"


# ------------------------------------------------------------------ conflicts on one line


def test_a_conflict_with_the_file_over_several_lines_is_one_line(run: Run, tmp_path: Path) -> None:
    sent = form(run, tmp_path / "f", "高齢福祉課")
    first = fill(sent, {"1-2-08": {**GOOD, "activities": "市内3か所で\n認知症カフェを開いた。"}})
    into = tmp_path / "R6.yaml"
    assert collect(run, into, first)[0] == 0
    second = fill(
        sent,
        {"1-2-08": {**GOOD, "activities": "市内4か所で\n認知症カフェを開いた。"}},
        save_as=tmp_path / "again.xlsx",
    )
    status, stderr = collect(run, into, second)
    assert status == 3
    assert stderr.splitlines() == [
        f"kouryu: {second}:取組状況!H5: 1-2-08: 取組内容・実績 is '市内4か所で\\n認知症カフェ"
        f"を開いた。' here but '市内3か所で\\n認知症カフェを開いた。' in {into} "
        "(--replace takes the form's answer)"
    ]


# ------------------------------------------------------------------ comments written by hand


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: 1  # one\n", [(1, 7, "# one")]),
        ("# top\na: 1\n", [(1, 1, "# top")]),
        ("a: 'x # no'   # yes\n", [(1, 15, "# yes")]),
        ('a: "x # no"\n', []),
        ("a: x#no\n", []),
        ("a: |  # header\n  text # no\n  # no\n# after\n", [(1, 7, "# header"), (4, 1, "# after")]),
        ("a: >-\n  folded # no\nb: [x, y]  # flow\n", [(3, 12, "# flow")]),
        ("a:\n  - x  # item\n  # between\n  - y\n", [(2, 8, "# item"), (3, 3, "# between")]),
        ("a: 1\n# end", [(2, 1, "# end")]),
        # A tab after a value, or inside one, as Notepad and a paste from Excel leave them:
        # read as the loader reads them (Python's own scanner refuses the first).
        ("rating: A\t\nby: 担当\t一郎\n", []),
        ("rating: A\t# tab\n", [(1, 11, "# tab")]),
    ],
)
def test_comments_are_found_where_yaml_has_them(
    text: str, found: list[tuple[int, int, str]]
) -> None:
    assert comments(text) == found


def test_a_file_the_scanner_refuses_still_has_its_comments_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should the scanner fail, every '#' after a space counts: a write stops rather than
    drop what might be a comment."""
    import yaml

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise yaml.scanner.ScannerError("", None, "no", None)

    monkeypatch.setattr(yaml, "scan", refuse)
    assert comments("a: 1  # one\nb: x#y\n# two\n") == [(1, 7, "# one"), (3, 1, "# two")]


HAND_EDITED = """\
# 進行管理 R6（2024年度）: 所管課の取組状況の回答。
# kouryu progress collect が書き、kouryu progress check が検査する。書式: docs/progress-format.md
schema: 1
year: R6
answers:
- measure: 1-2-08
  departments:
  - 高齢福祉課
  status: 実施
  rating: A   # 課長確認済み
  activities: |
    やった # (text, not a comment)
  direction: 継続
# 6/3 電話で確認済み（鈴木）
"""


@pytest.mark.parametrize("more", [(), ("--replace",)])
def test_a_collect_does_not_drop_comments_written_by_hand(
    run: Run, tmp_path: Path, more: tuple[str, ...]
) -> None:
    into = tmp_path / "R6.yaml"
    into.write_text(HAND_EDITED, encoding="utf-8")
    new = fill(form(run, tmp_path / "f", "高齢福祉課"), {"1-2-09": GOOD})
    status, stderr = collect(run, into, new, more=more)
    assert status == 3
    assert stderr.splitlines()[-1] == (
        f"kouryu: {into}:10:15: a comment (# 課長確認済み), the first of 2: kouryu writes this "
        "file anew and cannot keep comments, so nothing was written: move what they say into "
        "a note: of their answer, or delete them, and run the command again"
    )
    assert into.read_text(encoding="utf-8") == HAND_EDITED


def test_a_note_keeps_what_a_comment_said(run: Run, plan: Plan, tmp_path: Path) -> None:
    into = tmp_path / "R6.yaml"
    into.write_text(
        HAND_EDITED.replace(
            "   # 課長確認済み", "\n  note: |\n    課長確認済み\n    6/3 電話で確認"
        )
        .replace(" # (text, not a comment)", " # 本文")
        .replace("# 6/3 電話で確認済み（鈴木）\n", ""),
        encoding="utf-8",
    )
    sent = form(run, tmp_path / "f", "高齢福祉課")
    status, stderr = collect(run, into, fill(sent, {"1-2-09": GOOD}))
    assert status == 0, stderr
    changed = {**GOOD, "rating": "C"}
    again = fill(sent, {"1-2-08": changed}, save_as=tmp_path / "again.xlsx")
    status, stderr = collect(run, into, again, more=("--replace",))
    assert status == 0, stderr
    kept = answers_in(into)["1-2-08"]
    assert kept["note"] == "課長確認済み\n6/3 電話で確認\n"
    assert kept["rating"] == "C"
    assert load_progress([into], plan).answer("1-2-08") is not None
    # kouryu's own header is no one's comment: the file it wrote is written again.
    status, stderr = collect(run, into, fill(sent, {"2-1-20": GOOD}, save_as=tmp_path / "3.xlsx"))
    assert status == 0, stderr


# ------------------------------------------------------------------ a wrong file given


def test_a_folder_given_as_the_progress_file_is_called_a_folder(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "R6.yaml"
    folder.mkdir()
    path = fill(form(run, tmp_path / "f", "健康増進課"), {"3-1-07": GOOD})
    status, stderr = collect(run, folder, path)
    assert status == 3
    assert stderr.splitlines() == [f"kouryu: {folder}: is a folder, not a progress file (進行管理)"]


@pytest.mark.parametrize("how", ["itself", "symlink", "hardlink"])
def test_a_workbook_given_as_the_progress_file_is_called_a_workbook(
    run: Run, tmp_path: Path, how: str
) -> None:
    path = fill(form(run, tmp_path / "f", "健康増進課"), {"3-1-07": GOOD})
    given = tmp_path / "R6.yaml"
    if how == "symlink":
        given.symlink_to(path)
    elif how == "hardlink":
        os.link(path, given)
    else:
        given = path
    before = path.read_bytes()
    workbook = (
        "a workbook, not a progress file (進行管理): give the YAML file that progress "
        "collect writes (progress/R6.yaml)"
    )
    if how != "itself":
        other = fill(form(run, tmp_path / "g", "健康増進課"), {"3-1-07": GOOD})
        status, stderr = collect(run, given, other)
        assert (status, stderr.splitlines()) == (3, [f"kouryu: {given}: {workbook}"])
    result = run("progress", "form", "-y", "R7", "--from", str(given), "-o", str(tmp_path / "o"))
    assert (result.exit_code, result.stderr.splitlines()) == (3, [f"kouryu: {given}: {workbook}"])
    result = run("progress", "status", str(given))
    assert (result.exit_code, result.stderr.splitlines()) == (3, [f"kouryu: {given}: {workbook}"])
    assert path.read_bytes() == before
