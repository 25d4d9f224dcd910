"""Broken plan files: one clear message naming the file (and line:column), exit 3, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli import files
from kouryu_cli.files import yamlfile
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import load_plan
from tests.conftest import Run

Write = Callable[[str, str], Path]

# The smallest plan the loader accepts; cases below change one thing in it.
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
  - name: 社会教育課
  - name: 高齢福祉課
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
            icons: [知守]
            description: 学習活動を充実させます。
          - id: 1-1-02
            name: 介護支援ボランティア活動事業
            departments: [高齢福祉課]
            ages: [65+]
            description: ポイントを付与します。
"""


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: width**levels copies of "lol" if it were ever expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def assert_clean_failure(result: object, *needles: str) -> str:
    """Exit 3, nothing on stdout, one message on stderr naming each needle, no traceback."""
    exit_code = result.exit_code  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert exit_code == 3, stderr
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert stderr.startswith("kouryu: ")
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr
    return stderr


def test_the_minimal_plan_is_valid(write: Write) -> None:
    plan = load_plan(write("plan.yaml", MINIMAL))
    assert [m.id for m in plan.measures] == ["1-1-01", "1-1-02"]


# --- files that cannot be read -------------------------------------------------------------


def test_missing_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run("--data", str(missing), "measures")
    assert result.stderr == f"kouryu: {missing}: no such file\n"
    assert_clean_failure(result)


def test_a_folder(run: Run, tmp_path: Path) -> None:
    result = run("--data", str(tmp_path), "measures")
    assert result.stderr == f"kouryu: {tmp_path}: is a folder, not a plan file\n"
    assert_clean_failure(result)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads files whatever their mode; see the monkeypatched test below",
)
def test_unreadable_permissions(run: Run, write: Write) -> None:
    path = write("plan.yaml", MINIMAL)
    path.chmod(0)
    try:
        result = run("--data", str(path), "measures")
    finally:
        path.chmod(0o644)
    assert_clean_failure(result, str(path), "permission denied")


def test_unreadable_permissions_message(
    run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("plan.yaml", MINIMAL)

    def refuse(_self: Path, *_args: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    result = run("--data", str(path), "measures")
    assert result.stderr == f"kouryu: {path}: permission denied: the file cannot be read\n"
    assert_clean_failure(result)


def test_other_os_error_is_one_line(
    run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("plan.yaml", MINIMAL)

    def fail(_self: Path, *_args: object) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", fail)
    result = run("--data", str(path), "measures")
    assert result.stderr == f"kouryu: {path}: cannot be read: Input/output error\n"
    assert_clean_failure(result)


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "# one\n\n# two\n   \n", "---\n", "--- # nothing\n...\n"],
    ids=["empty", "blank-lines", "comment", "comments", "document-marker", "marker-and-end"],
)
def test_empty_or_only_comments(run: Run, write: Write, text: str) -> None:
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    assert result.stderr == f"kouryu: {path}: the file is empty (or holds only comments)\n"
    assert_clean_failure(result)


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp932", "utf-16", "utf-8-sig"])
def test_a_plan_saved_by_windows_editors_is_read(run: Run, tmp_path: Path, encoding: str) -> None:
    """Notepad's ANSI (Shift_JIS) and "Unicode" (UTF-16 with a BOM), and UTF-8 with a BOM."""
    path = tmp_path / "plan.yaml"
    path.write_bytes(MINIMAL.encode(encoding))
    result = run("--data", str(path), "measures", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("1-1-01\t社会教育推進事業\t")


def test_a_damaged_byte_in_a_utf8_plan_is_shown_where_it_is(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    # One byte of 山陽小野田市 (line 3, after "  city: ") lost: the rest is good UTF-8.
    raw = MINIMAL.encode()
    place = raw.index("陽".encode())
    path.write_bytes(raw[:place] + raw[place + 1 :])
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result, "UTF-8 text but for byte 0x99", "damaged")
    # Column in characters: "  city: 山" is 9 characters, the damaged one is the 10th.
    assert stderr.startswith(f"kouryu: {path}:3:10: ")
    assert "Shift_JIS" not in stderr
    assert stderr.count("\n") == 1


def test_latin1_file_is_not_called_shift_jis(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"schema: 1\nprogram:\n  city: caf\xe9\x00\xff\n")
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result, "not UTF-8", "0xe9", "iconv -f ENCODING -t UTF-8")
    assert stderr.startswith(f"kouryu: {path}:3:12: ")
    assert "looks like" not in stderr


def test_euc_jp_file_is_named_with_its_conversion(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(MINIMAL.encode("euc_jp"))
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, "looks like EUC-JP", "iconv -f EUC-JP -t UTF-8")


def test_utf8_bom_is_accepted(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    result = run("--data", str(path), "measures", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("1-1-01\t社会教育推進事業\t")


# --- YAML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "needle"),
    [
        ("a: [1, 2\nb: 3\n", "2:2", "YAML syntax error"),
        ("a: 'unclosed\n", "2:1", "YAML syntax error"),
        ("a:\n\tb: 1\n", "2:1", "tabs cannot indent YAML: use spaces"),
        ("a:\n  b: 1\n\tc: 2\n", "3:1", "tabs cannot indent YAML: use spaces"),
        ("a: 1\n b: 2\n", "2:3", "YAML syntax error"),
        ("- a\nb: 1\n", "2:1", "YAML syntax error"),
        ("a: 1\n---\nb: 2\n", "2:1", "YAML"),
    ],
    ids=[
        "unclosed-bracket",
        "unclosed-quote",
        "tab-indent",
        "tab-indent-deeper",
        "bad-indent",
        "list-then-map",
        "two-documents",
    ],
)
def test_yaml_syntax_errors_give_line_and_column(
    run: Run, write: Write, text: str, place: str, needle: str
) -> None:
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result, needle)
    assert stderr.startswith(f"kouryu: {path}:{place}: ")


@pytest.mark.parametrize("character", ["\x0c", "\x00", "\x08", "\x7f", "\x1b", "\x9b"])
@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_a_control_character_is_one_line_at_its_place(
    run: Run, write: Write, monkeypatch: pytest.MonkeyPatch, character: str, parser: str
) -> None:
    import yaml

    if parser == "python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    # After Japanese text on its line: libyaml counts bytes, the message characters.
    path = write("plan.yaml", MINIMAL.replace("学習活動を充実", f"学習活動を{character}充実"))
    result = run("--data", str(path), "validate")
    assert_clean_failure(result)
    assert result.stderr == (
        f"kouryu: {path}:30:31: the character U+{ord(character):04X} is not allowed in YAML "
        "(a control character, pasted or typed by mistake): delete it\n"
    )


@pytest.mark.parametrize(
    ("text", "place", "field"),
    [
        ("a: 1\na: 2\n", "2:1", "a"),
        ("a:\n  b: 1\n  b: 2\n", "3:3", "a.b"),
        ("a:\n  - b:\n      c: 1\n      c: 1\n", "4:7", "a[0].b.c"),
        (
            MINIMAL.replace("    title: 生きがいづくりの推進\n", "    title: x\n    title: y\n"),
            "21:5",
            "policies[0].title",
        ),
    ],
    ids=["top", "depth-2", "depth-4", "in-a-plan"],
)
def test_duplicate_keys_at_any_depth(
    run: Run, write: Write, text: str, place: str, field: str
) -> None:
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result, f"{field}: duplicate key")
    assert f"{path}:{place}: {field}: duplicate key" in stderr


def test_billion_laughs_is_refused_without_expanding(write: Write) -> None:
    path = write("bomb.yaml", billion_laughs(levels=12, width=10))  # 10**12 "lol"s
    tracemalloc.start()
    try:
        with pytest.raises(DataFileError) as caught:
            yamlfile.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Expanding even one level more than the file holds would take far more than this.
    assert peak < 20 * 1024 * 1024
    problems = caught.value.problems
    assert problems[0].path == "a1[0]"
    assert "alias" in problems[0].message
    # One problem per alias in the file at most: the message is bounded by the file, too.
    assert len(problems) <= 12 * 10 + 1


def test_billion_laughs_through_the_cli(run: Run, write: Write) -> None:
    path = write("bomb.yaml", billion_laughs())
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, f"{path}:", "a1[0]", "alias")


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nother:\n  <<: *b\n",
        "a: &x hello\nb: *x\n",
    ],
    ids=["merge-key", "scalar-alias"],
)
def test_aliases_and_merge_keys_are_refused(run: Run, write: Write, text: str) -> None:
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, str(path))


# --- size and depth --------------------------------------------------------------------------


def test_file_over_the_size_limit(run: Run, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("plan.yaml", MINIMAL)
    size = path.stat().st_size
    monkeypatch.setenv("KOURYU_MAX_BYTES", str(size - 1))
    result = run("--data", str(path), "measures")
    assert result.stderr == (
        f"kouryu: {path}: file is {size:,} bytes, over the limit of {size - 1:,} bytes "
        "(raise it with the environment variable KOURYU_MAX_BYTES)\n"
    )
    assert_clean_failure(result)
    monkeypatch.setenv("KOURYU_MAX_BYTES", str(size))
    assert run("--data", str(path), "measures").exit_code == 0


@pytest.mark.parametrize("value", ["", "0", "-5", "lots", "1e9"])
def test_a_nonsense_size_limit_falls_back_to_the_default(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KOURYU_MAX_BYTES", value)
    assert files.max_bytes() == files.DEFAULT_MAX_BYTES


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000 + "\n",
        "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "".join("  " * i + "- \n" for i in range(2_000)),
        "".join("  " * i + f"k{i}:\n" for i in range(2_000)) + "  " * 2_000 + "x\n",
        "- " * 5_000 + "x\n",
        "[" * 40 + "]" * 40 + "\n",
    ],
    ids=[
        "10000-flow-lists",
        "10000-flow-maps",
        "2000-block-lists",
        "2000-block-maps",
        "5000-compact-lists",
        "40-levels",
    ],
)
def test_very_deep_nesting_is_a_clean_plan_error(run: Run, write: Write, text: str) -> None:
    path = write("plan.yaml", text)
    with pytest.raises(DataFileError) as caught:
        load_plan(path)
    assert "nesting" in str(caught.value)
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, str(path), "nesting")


def test_deep_nesting_with_the_pure_python_parser(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    # Without libyaml the parser recurses in Python; the RecursionError must not leak.
    monkeypatch.delattr(yaml, "CSafeLoader")
    path = write("plan.yaml", "[" * 10_000 + "]" * 10_000 + "\n")
    with pytest.raises(DataFileError) as caught:
        yamlfile.load(path)
    assert "nesting is too deep" in str(caught.value)


# --- YAML 1.1 surprises ----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No", "TRUE", "y", "n", "null"])
def test_unquoted_yaml11_words_are_read_as_the_text_written(write: Write, word: str) -> None:
    text = MINIMAL.replace("name: 社会教育推進事業", f"name: {word}")
    text = text.replace("slogan: つながろうやぁ！", f"slogan: {word}")
    if word == "null":
        # null is the one word YAML reserves for "nothing": a name cannot be nothing.
        with pytest.raises(DataFileError, match="must not be empty"):
            load_plan(write("plan.yaml", text))
        return
    plan = load_plan(write("plan.yaml", text))
    assert plan.measures[0].name == word
    assert plan.vision_slogan == word


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("010", "'010'"),
        ("1:30", "'1:30'"),
        ("0x10", "'0x10'"),
        ("4.0", "'4.0'"),
        ("yes", "'yes'"),
        ("1_000", "'1_000'"),
        ("+4", "'+4'"),
    ],
)
def test_octal_or_base60_in_an_integer_field_is_rejected_with_the_path(
    run: Run, write: Write, value: str, shown: str
) -> None:
    path = write("plan.yaml", MINIMAL.replace("number: 4", f"number: {value}"))
    result = run("--data", str(path), "measures")
    assert result.stderr == (
        f"kouryu: {path}:6:11: chapter.number: expected a whole number, got {shown}\n"
    )
    assert_clean_failure(result)


@pytest.mark.parametrize("value", ["2024-01-01", "2001-12-14t21:59:43.10-05:00", "1:30", "R1"])
def test_date_or_time_looking_text_is_read_as_written(write: Write, value: str) -> None:
    text = MINIMAL.replace("title: 講座開催の充実", f"title: {value}")
    plan = load_plan(write("plan.yaml", text))
    assert plan.policies[0].sections[0].title == value


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("!!python/object/apply:os.system ['touch pwned']", "expected text, got a list"),
        ("!!python/name:os.system ''", "must not be empty"),
    ],
)
def test_python_tags_are_never_constructed(
    run: Run, write: Write, tmp_path: Path, value: str, needle: str
) -> None:
    path = write("plan.yaml", MINIMAL.replace("  city: 山陽小野田市", f"  city: {value}"))
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, "program.city", needle)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("empty", ["", " ~", " null", " Null", " NULL"])
def test_an_empty_value_means_nothing(write: Write, empty: str) -> None:
    # libyaml marks plain scalars with style '' (the Python parser with None): both are plain.
    text = MINIMAL.replace("icons: [知守]", f"icons:{empty}")
    assert load_plan(write("plan.yaml", text)).measures[0].icons == ()


@pytest.mark.parametrize("empty", ["''", '""'])
def test_quoted_empty_text_is_text(run: Run, write: Write, empty: str) -> None:
    path = write("plan.yaml", MINIMAL.replace("icons: [知守]", f"icons: {empty}"))
    result = run("--data", str(path), "measures")
    assert_clean_failure(result, "policies[0].sections[0].measures[0].icons: expected a list")


def test_quoted_text_is_read_as_written(write: Write) -> None:
    text = MINIMAL.replace("name: 社会教育推進事業", 'name: "no"')
    assert load_plan(write("plan.yaml", text)).measures[0].name == "no"


# --- schema errors ---------------------------------------------------------------------------


def test_every_schema_error_is_reported_at_once(run: Run, write: Write) -> None:
    text = (
        MINIMAL.replace("number: 4", "number: four")
        .replace("    title: 講座開催の充実\n", "    title: 講座開催の充実\n        colour: red\n")
        .replace("ages: [65+]", "ages: [70+]")
        .replace("departments: [高齢福祉課]", "departments: [福祉課]")
        .replace("icons: [知守]", "icons: [知守, 知守]")
    )
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result)
    lines = stderr.splitlines()
    assert len(lines) == 5, stderr
    assert lines[0] == f"kouryu: {path}:6:11: chapter.number: expected a whole number, got 'four'"
    assert lines[1].startswith(f"{path}:24:9: policies[0].sections[0].colour: unknown key 'colour'")
    assert lines[2].startswith(
        f"{path}:30:25: policies[0].sections[0].measures[0].icons[1]: icon '知守' is given twice"
    )
    assert lines[3] == (
        f"{path}:34:27: policies[0].sections[0].measures[1].departments[0]: "
        "unknown department '福祉課' (not in the departments list)"
    )
    assert lines[4].startswith(
        f"{path}:35:20: policies[0].sections[0].measures[1].ages[0]: unknown age group '70+'"
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("just text\n", "expected a mapping"),
        ("schema: 1\n", "missing key 'program'"),
        (MINIMAL.replace("schema: 1", "schema: 2"), "this kouryu reads schema 1"),
        (MINIMAL.replace("departments: [社会教育課]", "departments: []"), "must not be empty"),
        (MINIMAL.replace("id: 1-1-02", "id: 1-1-01"), "id '1-1-01' is used twice"),
        (MINIMAL.replace("id: 1-1-02", "id: 'a b'"), "may use only letters"),
        (MINIMAL.replace("{", "").replace("ages: [65+]", "ages: 65+"), "expected a list"),
        (MINIMAL.replace("ages: [65+]", "ages: [{a: 1}]"), "expected an age group"),
        (MINIMAL.replace("  city: 山陽小野田市", "  city: [a]"), "expected text"),
        (MINIMAL.replace("  city: 山陽小野田市", "  city: ''"), "must not be empty"),
        ("? [a, b]\n: 1\n", "a key must be plain text"),
        (
            MINIMAL.replace(
                "  city: 山陽小野田市\n  title: スマイルエイジング チャレンジプログラム\n",
                "  - null\n",
            ),
            "program: expected a mapping",
        ),
        (MINIMAL.replace("    sections:\n", "    sections: [[1], 2]\n    x:\n"), "sections[0]"),
    ],
    ids=[
        "top-list",
        "top-text",
        "missing-keys",
        "future-schema",
        "empty-departments",
        "duplicate-id",
        "bad-id",
        "ages-not-a-list",
        "age-not-text",
        "city-a-list",
        "city-empty",
        "complex-key",
        "list-for-a-mapping",
        "nested-lists-for-mappings",
    ],
)
def test_schema_errors_are_one_clean_message(
    run: Run, write: Write, text: str, needle: str
) -> None:
    path = write("plan.yaml", text)
    result = run("--data", str(path), "measures")
    stderr = assert_clean_failure(result, needle)
    assert stderr.startswith(f"kouryu: {path}:")


def test_validate_reports_the_same_problems_as_a_query(run: Run, write: Write) -> None:
    path = write("plan.yaml", MINIMAL.replace("number: 4", "number: 010"))
    validated = run("validate", str(path))
    queried = run("--data", str(path), "measures")
    assert validated.exit_code == queried.exit_code == 3
    assert validated.stderr == queried.stderr


def test_nothing_is_written_when_the_plan_is_broken(run: Run, write: Write, tmp_path: Path) -> None:
    path = write("plan.yaml", "a: [\n")
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    result = run("--data", str(path), "measures", "-o", str(target))
    assert_clean_failure(result)
    assert target.read_text(encoding="utf-8") == "old\n"
    fresh = tmp_path / "new.csv"
    run("--data", str(path), "measures", "-o", str(fresh))
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "plan.yaml"]


def test_another_schema_version_is_the_one_message(run: Run, write: Write) -> None:
    """A file of schema 2 with other keys: not seventeen key errors, only the version."""
    text = MINIMAL.replace("schema: 1", "schema: 2").replace("program:", "programme:")
    path = write("future.yaml", text + "extra: 1\n")
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {path}:1:9: schema: this file is schema 2; this kouryu reads schema 1\n"
    )


# --- workbooks kouryu does not read, met by every reader --------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
XLS_SAID = (
    "an old .xls workbook or a password-protected one: save it as .xlsx (Excel ブック) "
    "without a password"
)
ODS_SAID = (
    "an OpenDocument spreadsheet (.ods, LibreOffice's own format): save it as .xlsx "
    "(Excel 2007-365)"
)


def synthetic_xls(path: Path) -> Path:
    """An OLE2 compound file as an old .xls is: its magic, then sectors (zeros suffice)."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096 - 8))
    return path


def synthetic_ods(path: Path) -> Path:
    """A zip whose first member, stored, is mimetype: what every OpenDocument file is."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def said_by_every_reader(run: Run, path: Path) -> list[str]:
    """What actuals check, indicators --actuals and progress collect say of the file."""
    into = path.parent / "R6.yaml"
    said = []
    for args in (
        ("actuals", "check", str(path)),
        ("indicators", "--actuals", str(path)),
        ("progress", "collect", str(path), "--into", str(into)),
    ):
        result = run(*args)
        assert result.exit_code == 3, (args, result.stderr)
        said.append(result.stderr)
    assert not into.exists()
    return said


@pytest.mark.parametrize(
    ("make", "said"), [(synthetic_xls, XLS_SAID), (synthetic_ods, ODS_SAID)], ids=["xls", "ods"]
)
def test_an_old_xls_or_an_ods_gets_one_diagnosis(
    run: Run, tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    path = make(tmp_path / "実績値_R6")
    assert said_by_every_reader(run, path) == [f"kouryu: {path}: {said}\n"] * 3


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_an_xls_and_an_ods_saved_by_libreoffice(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["指標ID", "年度", "実績値"])
    book.active.append(["I1", "R6", 27.3])
    book.save(tmp_path / "実績値.xlsx")
    for kind in ("xls", "ods"):
        subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                "--headless",
                "--convert-to",
                kind,
                "--outdir",
                str(tmp_path / kind),
                str(tmp_path / "実績値.xlsx"),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    for kind, said in (("xls", XLS_SAID), ("ods", ODS_SAID)):
        path = tmp_path / kind / f"実績値.{kind}"
        assert said_by_every_reader(run, path) == [f"kouryu: {path}: {said}\n"] * 3


# --- YAML aliases in data files other than plans -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "actuals:\n  - &a {indicator: I1, year: R6, value: 30}\n  - *a\n",
            "repeats the value of line 2 through a YAML alias; aliases (*name) are not "
            "allowed in kouryu's data files, write the value out",
        ),
        (
            "actuals:\n  - &a {indicator: I1, year: R6, value: 30}\n  - {<<: *a, year: R5}\n",
            "YAML merge keys (<<) are not allowed in kouryu's data files",
        ),
    ],
    ids=["alias", "merge-key"],
)
def test_aliases_in_an_actuals_file_do_not_speak_of_plan_files(
    run: Run, write: Write, text: str, said: str
) -> None:
    path = write("実績値.yaml", text)
    result = run("actuals", "check", str(path))
    assert result.exit_code == 3
    assert said in result.stderr
    assert "plan file" not in result.stderr


def test_a_percentage_typed_on_a_returned_form_is_the_percentage(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from kouryu_cli.progress import forms

    made = run("progress", "form", "-y", "R6", "-d", "学校教育課", "-o", str(tmp_path / "f"))
    assert made.exit_code == 0, made.stderr
    (form,) = (tmp_path / "f").glob("*.xlsx")
    book = openpyxl.load_workbook(form)
    sheet = book[forms.MAIN_SHEET]
    row = forms.HEADER_ROW + 1
    keys = [c.key for c in forms.COLUMNS]
    sheet[forms.PERSON_CELL] = "担当 一郎"
    sheet[forms.DATE_CELL] = "2025/5/12"
    answers = {"status": "実施", "rating": "A", "activities": "教室を開いた", "direction": "継続"}
    for key, value in answers.items():
        sheet.cell(row, keys.index(key) + 1).value = value
    # 27.3% typed into the 活動実績（数値） cell: Excel keeps 0.273, shown as a percentage.
    figures = sheet.cell(row, keys.index("figures") + 1)
    figures.value, figures.number_format = 0.273, "0.0%"
    book.save(tmp_path / "学校教育課.xlsx")
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(tmp_path / "学校教育課.xlsx"), "--into", str(into))
    # A figure needs a name: the message quotes what the department typed, not 0.273.
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {tmp_path / '学校教育課.xlsx'}:取組状況!I{row}: '27.3%' is not a figure: "
        "write a name, a number and a unit, one a line (開催回数 12回)\n"
    )
