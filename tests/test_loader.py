"""The loader: a small valid plan, and one test per kind of problem with its message and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.core.model import AgeGroup, Icon, TargetKind
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import load_plan
from tests.conftest import SHIPPED

Write = Callable[[str, str], Path]

MINIMAL = """\
schema: 1
program:
  city: 山陽小野田市
  title: スマイルエイジング チャレンジプログラム
chapter:
  number: 4
  title: 交流
vision:
  slogan: つながろうやぁ！
  text: 人と人がつながる。
challenges:
  items:
    - title: あいさつを交わそう
      text: あいさつを交わしましょう。
departments:
  - name: 高齢福祉課
    reading: こうれいふくしか
  - name: 社会教育課
policies:
  - number: 1
    title: 生きがいづくりの推進
    sections:
      - number: 1
        title: 講座開催の充実
        measures:
          - id: 1-1-01
            name: 社会教育推進事業
            departments: [社会教育課]
            ages: [0-17, 18-64, 65+]
            icons: [知守, 運動]
            description: 学びの充実。
          - id: 1-1-02
            name: no
            departments: [高齢福祉課, 社会教育課]
            ages: [65+]
            description: 010
indicators:
  - id: I1
    name: 通いの場の設置数
    baseline: {year: R3, western_year: 2021}
    target: {year: Ｒ5, western_year: 2023, kind: reach}
    series:
      - unit: か所
        baseline: 90
        target: 107
        actuals:
          - {year: 令和4年度, value: 95}
"""


def load(write: Write, text: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_plan(write("plan.yaml", text))
    return caught.value


def messages(error: DataFileError) -> list[str]:
    return [str(p).split("/", 1)[-1].split("plan.yaml", 1)[-1] for p in error.problems]


def test_minimal_plan_loads(write: Write) -> None:
    plan = load_plan(write("plan.yaml", MINIMAL))
    first, second = plan.measures
    assert first.ages == (AgeGroup.UNDER_18, AgeGroup.WORKING_AGE, AgeGroup.SENIOR)
    assert first.icons == (Icon.KNOW_PROTECT, Icon.EXERCISE)
    # YAML 1.1 would read these as a boolean and an octal number: they stay text.
    assert second.name == "no"
    assert second.description == "010"
    assert second.departments == ("高齢福祉課", "社会教育課")
    indicator = plan.indicators[0]
    assert indicator.target_kind is TargetKind.REACH
    assert indicator.target_year.year == 2023
    assert indicator.series[0].actuals[0].year.year == 2022


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "ages: [65+]",
            "ages: [65歳以下]",
            ":35:20: policies[0].sections[0].measures[1].ages[0]: "
            "unknown age group '65歳以下' (expected 0-17, 18-64, 65+)",
        ),
        (
            "icons: [知守, 運動]",
            "icons: [知守, 散歩]",
            ":30:25: policies[0].sections[0].measures[0].icons[1]: "
            "unknown icon '散歩' (expected 知守, 食事, 運動)",
        ),
        (
            "departments: [社会教育課]",
            "departments: [社会教育部]",
            ":28:27: policies[0].sections[0].measures[0].departments[0]: "
            "unknown department '社会教育部' (not in the departments list)",
        ),
        (
            "id: 1-1-02",
            "id: 1-1-01",
            ":32:17: policies[0].sections[0].measures[1].id: "
            "id '1-1-01' is used twice (first at line 26)",
        ),
        (
            "id: 1-1-02",
            'id: "-1-1-02"',
            ":32:17: policies[0].sections[0].measures[1].id: "
            "id '-1-1-02' must start with a letter or a digit",
        ),
        (
            "id: 1-1-02",
            'id: "_1-1 02"',
            ":32:17: policies[0].sections[0].measures[1].id: "
            "id '_1-1 02' may use only letters, digits, '-', '_', '.'",
        ),
        (
            "western_year: 2021",
            "western_year: 2020",
            ":40:40: indicators[0].baseline.western_year: "
            "western_year 2020 does not match 'R3' (which is 2021)",
        ),
        ("number: 4", "number: 010", ":6:11: chapter.number: expected a whole number, got '010'"),
        ("number: 4", "number: 1:30", ":6:11: chapter.number: expected a whole number, got '1:30'"),
        (
            "        target: 107",
            "        target: lots",
            ":45:17: indicators[0].series[0].target: expected a number, got 'lots'",
        ),
        (
            "kind: reach",
            "kind: more",
            ":41:50: indicators[0].target.kind: unknown value 'more' "
            "(expected at-least, at-most, increase, decrease, reach)",
        ),
        (
            "{year: 令和4年度, value: 95}",
            "{year: 平成99年, value: 95}",
            ":47:20: indicators[0].series[0].actuals[0].year: year '平成99年' is 2087, "
            "more than 20 years after the plan's last target year 2023 (a typo?)",
        ),
        (
            "            description: 学びの充実。\n",
            "            description: 学びの充実。\n            colour: red\n",
            ":32:13: policies[0].sections[0].measures[0].colour: "
            "unknown key 'colour' (allowed: ages, aliases, departments, description, icons, id, "
            "name, notes, reading)",
        ),
        (
            "            name: 社会教育推進事業\n",
            "",
            ":26:13: policies[0].sections[0].measures[0]: missing key 'name'",
        ),
        (
            "  - name: 社会教育課\n",
            "  - name: 社会教育課\n  - name: 社会教育課\n",
            ":19:11: departments[2].name: "
            "department '社会教育課' is listed twice (first at line 18)",
        ),
    ],
)
def test_schema_problem(write: Write, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL
    error = load(write, MINIMAL.replace(old, new, 1))
    assert messages(error) == [expected]
    assert error.exit_code == 3


def test_an_indicator_without_series_is_a_problem_not_a_crash(write: Write) -> None:
    # The plan's last target year is taken over its indicators' series: none is no year.
    start = MINIMAL.index("    series:\n      - unit: か所")
    text = MINIMAL[:start] + "    series: []\n"
    error = load(write, text)
    assert messages(error) == [":42:13: indicators[0].series: must not be empty"]


def test_duplicate_key_is_an_error_not_a_silent_overwrite(write: Write) -> None:
    text = MINIMAL.replace(
        "            name: no\n", "            name: no\n            name: yes\n"
    )
    assert messages(load(write, text)) == [
        ":34:13: policies[0].sections[0].measures[1].name: "
        "duplicate key 'name' (first given on line 33)"
    ]


def test_every_problem_is_reported_at_once_in_file_order(write: Write) -> None:
    text = MINIMAL.replace("ages: [65+]", "ages: [old]").replace(
        "icons: [知守, 運動]", "icons: [x]"
    )
    text = text.replace("number: 4", "number: four")
    lines = [m.split(":")[1] for m in messages(load(write, text))]
    assert lines == ["6", "30", "35"]


def test_yaml_syntax_error_has_line_and_column(write: Write) -> None:
    error = load(write, "schema: 1\nprogram: [unclosed\n")
    (problem,) = error.problems
    assert (problem.line, problem.column) == (3, 1)
    assert problem.message.startswith("YAML syntax error:")


def test_tab_indentation_says_so(write: Write) -> None:
    error = load(write, "schema: 1\nprogram:\n\tcity: x\n")
    assert "tabs cannot indent YAML" in str(error)
    assert error.problems[0].line == 3


def test_aliases_are_rejected(write: Write) -> None:
    text = MINIMAL.replace("departments: [社会教育課]", "departments: &d [社会教育課]").replace(
        "departments: [高齢福祉課, 社会教育課]", "departments: *d"
    )
    assert messages(load(write, text)) == [
        ":34:13: policies[0].sections[0].measures[1].departments: "
        "repeats the value of line 28 through a YAML alias; "
        "aliases (*name) are not allowed in kouryu's data files, write the value out"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty (or holds only comments)"),
        (b"# only a comment\n", "the file is empty (or holds only comments)"),
        ("schema: 1\nname: 高齢福祉課\n".encode("euc_jp"), "the file looks like EUC-JP"),
    ],
)
def test_file_level_problems(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_plan(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(DataFileError, match="is a folder"):
        load_plan(tmp_path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert len(load_plan(path).measures) == 2


def _shipped_with(old: str, new: str) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "here", "there", "message"),
    [
        (
            "name: 市民文化祭",
            "name: 社会教育推進事業",
            ("            name: 社会教育推進事業", "社会教育推進事業", 1),
            ("            name: 社会教育推進事業", "社会教育推進事業", 0),
            "name '社会教育推進事業' is already the name of measure 1-1-01",
        ),
        # Names are compared folded: full-width letters and spaces do not make a new name.
        (
            "name: 市民文化祭",
            "name: パラサイクリングのまち　ＰＲ事業",
            ("            name: パラサイクリングのまち　ＰＲ事業", "パ", 0),
            ("            name: パラサイクリングのまち PR事業", "パ", 0),
            "name 'パラサイクリングのまち　ＰＲ事業' is already the name of measure 2-1-03",
        ),
        (
            "name: 市民文化祭",
            "name: 市民文化祭\n            aliases: [社会教育推進事業]",
            ("            aliases: [社会教育推進事業]", "社会教育推進事業", 0),
            ("            name: 社会教育推進事業", "社会教育推進事業", 0),
            "alias '社会教育推進事業' is already the name of measure 1-1-01",
        ),
        (
            "name: 社会教育推進事業",
            "name: 社会教育推進事業\n            aliases: [市民文化祭]",
            ("            name: 市民文化祭", "市民文化祭", 0),
            ("            aliases: [市民文化祭]", "市民文化祭", 0),
            "name '市民文化祭' is already an alias of measure 1-1-01",
        ),
    ],
    ids=["name-name", "name-name-folded", "alias-name", "name-alias"],
)
def test_a_name_names_one_measure(
    write: Write,
    old: str,
    new: str,
    here: tuple[str, str, int],
    there: tuple[str, str, int],
    message: str,
) -> None:
    text = _shipped_with(old, new)
    path = write("plan.yaml", text)

    def at(line_text: str, value: str, nth: int) -> str:
        lines = [i for i, line in enumerate(text.splitlines()) if line == line_text]
        line = lines[nth]
        return f"{line + 1}:{text.splitlines()[line].index(value) + 1}"

    with pytest.raises(DataFileError) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{path}:{at(*here)}: {problem.path}: {message} at {path}:{at(*there)}: "
        "a name must name one measure"
    )


def test_an_alias_equal_to_its_own_name_is_allowed(write: Write) -> None:
    text = _shipped_with("name: 市民文化祭", "name: 市民文化祭\n            aliases: [市民文化祭]")
    names = [m.name for m in load_plan(write("plan.yaml", text)).measures]
    assert names.count("市民文化祭") == 1
