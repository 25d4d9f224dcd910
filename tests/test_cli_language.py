"""What a person reads is in their language: help, usage errors and data-file errors.

Under LANG=ja_JP.UTF-8 no English sentence; under LANG=C no Japanese sentence outside the
plan's own terms (所管課, 対象年代, department names …) and what the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from kouryu_cli.cli import NAMES, app, command
from kouryu_cli.core import i18n
from kouryu_cli.core.model import Plan

JAPANESE = {"LANG": "ja_JP.UTF-8", "KOURYU_LANG": None, "LANGUAGE": None, "LC_ALL": None}
C_LOCALE = {"LANG": "C", "KOURYU_LANG": None, "LANGUAGE": None, "LC_ALL": None}

# Words that are names, not English: formats, values an option takes, units of the CLI.
_NAMES = {
    "table", "json", "csv", "tsv", "markdown", "xlsx", "svg", "html",
    "indicator", "component", "year", "value", "source",
    "dept", "policy", "baseline", "only", "senior", "child", "adult", "kouryu", "ok",
    "template", "check", "true", "false", "Excel", "UTF", "BOM", "ENCODING", "YAML",
}  # fmt: skip
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(=\S*)?")
_PATH = re.compile(r"\S*(?:/|\\|\.[A-Za-z0-9]|_)\S*")
_METAVAR = re.compile(r"\b[A-Z][A-Z.|\[\]]+\b|\[[A-Z. |]+\]")
_EXAMPLE = re.compile(r"^\s+kouryu\b.*?(?=\s{2,}|$)", re.M)
_ENGLISH = re.compile(r"[A-Za-z][a-z']+(?:[ ,;:]+[A-Za-z][a-z']+){2,}")
# Typer's own words, too short for a sentence but English all the same.
_TYPER_WORDS = re.compile(
    r"env var:|default:|\brequired\b|^(Usage|Options|Commands|Arguments)\b", re.M
)


# The keys a data file may have, listed by name (使えるのは challenges, chapter, …).
_KEY_LIST = re.compile(r"(?<=使えるのは )[a-z_]+(?:, [a-z_]+)*")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words, once names, options, paths, examples are gone."""
    text = _KEY_LIST.sub(" ", _EXAMPLE.sub(" ", text))
    text = _OPTION.sub(" ", text)
    text = _PATH.sub(" ", text)
    text = _METAVAR.sub(" ", text)
    names = "|".join(sorted(_NAMES, key=len, reverse=True))
    text = re.sub(rf"(?<![A-Za-z])(?:{names})(?![A-Za-z])", " ・ ", text)
    return _ENGLISH.findall(text)


_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e、。「」（）・：]+")
_QUOTED = re.compile(r"'[^']*'|「[^」]*」|\"[^\"]*\"")


def japanese_outside(text: str, terms: set[str]) -> list[str]:
    """Japanese runs that are neither quoted (what the user typed) nor terms of the plan."""
    text = _EXAMPLE.sub(" ", _QUOTED.sub(" ", text))
    for term in sorted(terms, key=len, reverse=True):
        text = text.replace(term, " ")
    return [run for run in _KANA_KANJI.findall(text) if run.strip("、・（）()「」：")]


def _terms(plan: Plan) -> set[str]:
    from kouryu_cli.core.model import AgeGroup, Icon

    words = {d.name for d in plan.departments} | {"所管課", "対象年代", "施策", "アイコン"}
    words |= {a.label for a in AgeGroup} | {i.value for i in Icon} | {"のみ", "語"}
    words |= {"知る・守る", "18未満", "65歳以上", "18～64歳", "18歳未満", "令和5年度"}
    return words


@pytest.fixture
def run_in() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(env: dict[str, str | None], *args: str) -> Result:
        try:
            return runner.invoke(app, list(args), prog_name="kouryu", env=env)
        finally:
            i18n.use("en")

    return invoke


def _help_invocations() -> list[tuple[str, ...]]:
    """kouryu alone, kouryu --help, and --help of every command and sub-command."""
    found: list[tuple[str, ...]] = [(), ("--help",)]
    for name in NAMES:
        found.append((name, "--help"))
        group = command(name)
        if isinstance(group, typer.core.TyperGroup):
            found.append((name,))
            found += [(name, sub, "--help") for sub in group.commands]
    return found


HELP = _help_invocations()


def test_every_group_and_sub_command_is_in_the_help_runs() -> None:
    assert ("actuals", "template", "--help") in HELP
    assert ("progress", "collect", "--help") in HELP
    assert len(HELP) > len(NAMES) + 6


@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a) or "kouryu")
def test_help_in_japanese_has_no_english_sentence(
    run_in: Callable[..., Result], args: tuple[str, ...]
) -> None:
    result = run_in(JAPANESE, *args)
    assert result.exit_code == 0, result.output
    assert re.search(r"[\u3040-\u30ff]", result.stdout)
    assert english_sentences(result.stdout) == []
    assert _TYPER_WORDS.findall(result.stdout) == []


@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a) or "kouryu")
def test_help_in_english_has_no_japanese_sentence(
    run_in: Callable[..., Result], args: tuple[str, ...], plan: Plan
) -> None:
    result = run_in(C_LOCALE, *args)
    assert result.exit_code == 0, result.output
    # The English help does have sentences: the check above can see them.
    assert english_sentences(result.stdout)
    assert japanese_outside(result.stdout, _terms(plan) | _HELP_TERMS) == []


# The plan's terms and sample values that English help names on purpose.
_HELP_TERMS = {
    "山陽小野田市", "スマイルエイジング", "チャレンジプログラム", "交流", "事務事業", "実績値",
    "指標ID", "指標名", "内訳", "単位", "基準値", "目標値", "出典", "備考", "令和7年度",
    "令和6年度", "健康日本21（第二次）最終評価", "目標値に達した", "増加", "減少", "改善傾向",
    "変わらない", "悪化している", "評価困難", "ベースラインのみ", "総合", "五捨六入",
    "期限超過", "追加", "削除", "変更", "差分なし", "区分", "取組", "事業名", "項目", "変更前",
    "変更後", "進行管理", "実施状況", "未実施", "休止", "評価", "こうれいふくし", "18〜64",
    "取組状況", "高齢福祉課", "ボランティア", "×", "年度", "有意差", "改善", "変化なし", "悪化",
    "暫定", "評価期間内の実績値なし",
}  # fmt: skip


def _usage_errors(tmp: Path) -> list[tuple[str, ...]]:
    bad_yaml = tmp / "bad.yaml"
    bad_yaml.write_text("schema: 1\ncity: [unclosed\n", encoding="utf-8")
    keys = tmp / "keys.yaml"
    keys.write_text("schema: 1\ncity: x\nunknown: 1\n", encoding="utf-8")
    actuals = tmp / "actuals.csv"
    actuals.write_text("指標ID,年度,実績値\nI99,R6,abc\n", encoding="utf-8")
    utf16 = tmp / "u16.csv"  # UTF-16 without a BOM: named, with an iconv command
    utf16.write_bytes("indicator,year,value\nI1,R6,27\n".encode("utf-16-le"))
    pdf = tmp / "figures.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    return [
        ("actuals", "check", str(utf16)),
        ("actuals", "check", str(pdf)),
        ("measures", "--bogus"),
        ("measures", "--data", "x.yaml"),
        ("nosuch",),
        ("show",),
        ("measures", "--policy", "x"),
        ("measures", "--policy", "9"),
        ("measures", "--age", "70+"),
        ("measures", "--tag", "x"),
        ("measures", "--only-age"),
        ("measures", "-f", "pdf"),
        ("measures", "-o", "out.unknown"),
        ("measures", "--encoding", "nonesuch"),
        ("indicators", "--threshold", "5%"),
        ("indicators", "--threshold", "500"),
        ("indicators", "--as-of", "Q7"),
        ("indicators", "--status", "Z"),
        ("dept", "zzzz"),
        ("show", "9-9-99"),
        ("search", " "),
        ("progress", "nosuch"),
        ("progress", "status", "--by", "x", "x.yaml"),
        ("diff", "only-one.yaml"),
        ("--data", str(tmp / "missing.yaml"), "measures"),
        ("--data", str(tmp), "measures"),
        ("validate", str(bad_yaml)),
        ("validate", str(keys)),
        ("actuals", "check", str(actuals)),
        ("actuals", "check", str(tmp / "missing.csv")),
        ("actuals", "check", str(tmp)),
        ("indicators", "--actuals", str(tmp)),
        ("report", "-f", "pdf"),
    ]


def test_the_usage_errors_fail(run_in: Callable[..., Result], tmp_path: Path) -> None:
    for args in _usage_errors(tmp_path):
        result = run_in(C_LOCALE, *args)
        assert result.exit_code in (1, 2, 3), (args, result.output)
        assert result.stderr.startswith("kouryu: ") or ": " in result.stderr, args


def test_an_encoding_is_named_in_japanese(run_in: Callable[..., Result], tmp_path: Path) -> None:
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("indicator,year,value\n".encode("utf-16-le"))
    result = run_in(JAPANESE, "actuals", "check", str(utf16))
    assert "BOM なしの UTF-16（リトルエンディアン）" in result.stderr
    assert "endian" not in result.stderr


def test_errors_in_japanese_have_no_english_sentence(
    run_in: Callable[..., Result], tmp_path: Path
) -> None:
    found = {}
    for args in _usage_errors(tmp_path):
        result = run_in(JAPANESE, *args)
        assert result.exit_code != 0, args
        if english_sentences(result.stderr):
            found[" ".join(args)] = (english_sentences(result.stderr), result.stderr)
    assert found == {}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("nosuch",),
            "kouryu: そのようなコマンドはありません: nosuch（kouryu --help で一覧を表示）",
        ),
        (("progress", "nosuch"), "kouryu: そのようなコマンドはありません: nosuch（kouryu --help"),
    ],
)
def test_an_unknown_command_in_japanese_points_to_the_list(
    run_in: Callable[..., Result], args: tuple[str, ...], said: str
) -> None:
    """Typer translates its own 'No such command' first: kouryu still recognises it."""
    assert run_in(JAPANESE, *args).stderr.startswith(said)


def test_errors_in_english_have_no_japanese_sentence(
    run_in: Callable[..., Result], tmp_path: Path, plan: Plan
) -> None:
    found = {}
    for args in _usage_errors(tmp_path):
        result = run_in(C_LOCALE, *args)
        assert result.exit_code != 0, args
        assert re.search(r"[a-z]+[ ,]+[a-z]{2,}", result.stderr), (args, result.stderr)
        if japanese_outside(result.stderr, _terms(plan)):
            found[" ".join(args)] = (japanese_outside(result.stderr, _terms(plan)), result.stderr)
    assert found == {}


def test_a_data_file_error_keeps_its_place_and_translates_the_message(
    run_in: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    path = write("plan.yaml", "schema: 1\ncity: [unclosed\n")
    english = run_in(C_LOCALE, "validate", str(path)).stderr
    japanese = run_in(JAPANESE, "validate", str(path)).stderr
    place = f"kouryu: {path}:3:1: "
    assert english.startswith(place + "YAML syntax error: ")
    assert japanese.startswith(place + "YAML の構文エラー: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("所管課（繰り返し可）。名前の一部でよい。", False),
        ("  -d, --dept NAME  所管課", False),
        ("  kouryu measures --age 65+ --dept 高齢", False),
        ("  kouryu dept 高齢福祉課             所管課の事業", False),
        ("  kouryu dept 高齢福祉課             the measures of one department", True),
        ("table, json, csv, xlsx (-o)。既定", False),
        ("出力（plan.yaml、R6_取組状況.xlsx）", False),
        ("Show this message and exit.", True),
        ("no such option: --bogus", True),
        ("[env var: KOURYU_DATA; default: x]", True),
    ],
)
def test_the_english_check_sees_english(text: str, expected: bool) -> None:
    assert bool(english_sentences(text)) is expected
