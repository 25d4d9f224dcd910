"""The plan as immutable records: the chapter, its 施策, sections, measures and indicators.

The annotations are evaluated as the classes are made (no `from __future__ import
annotations`): the cache reads the field types from them, with no eval at every run.
"""

import enum
from dataclasses import dataclass, field
from typing import TypeVar

from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import fold, fullwidth_digits

# The version of the plan file's format (its `schema:` key); also part of the cache's key.
SCHEMA_VERSION = 1


_Member = TypeVar("_Member", bound="LabelledEnum")


class LabelledEnum(enum.Enum):
    """An enum whose members carry the words the plan prints: MEMBER = (value, label)."""

    label: str

    def __new__(cls, value: str, label: str) -> "LabelledEnum":
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def of(cls: type[_Member], value: str) -> _Member:
        """The member with this value; ValueError when there is none."""
        return cls(value)  # type: ignore[call-arg]  # Enum's lookup, not __new__


class AgeGroup(LabelledEnum):
    """対象年代: one of the three age columns of the 施策事業一覧 table (label: its heading)."""

    UNDER_18 = ("0-17", "18歳未満")
    WORKING_AGE = ("18-64", "18～64歳")
    SENIOR = ("65+", "65歳以上")


AGE_ORDER: tuple[AgeGroup, ...] = tuple(AgeGroup)


class Icon(LabelledEnum):
    """The icons printed after a measure's name (label: what the icon stands for)."""

    KNOW_PROTECT = ("知守", "知る・守る")
    DIET = ("食事", "食事")
    EXERCISE = ("運動", "運動")


class TargetKind(LabelledEnum):
    """How a target is phrased (label: 以上, 以下, 増加, 減少, or '' for a bare number)."""

    AT_LEAST = ("at-least", "以上")
    AT_MOST = ("at-most", "以下")
    INCREASE = ("increase", "増加")
    DECREASE = ("decrease", "減少")
    REACH = ("reach", "")

    @property
    def has_value(self) -> bool:
        """Whether the target names a number (増加/減少 do not)."""
        return self not in (TargetKind.INCREASE, TargetKind.DECREASE)


class Significance(LabelledEnum):
    """有意差: a significance test of an actual against the baseline (label: as a sheet says it).

    Sample surveys (国民健康・栄養調査, a city's 市民アンケート) are graded by such a test in
    健康日本21（第二次）最終評価, not by the 5 % guide.
    """

    IMPROVED = ("improved", "改善")
    UNCHANGED = ("unchanged", "変化なし")
    WORSENED = ("worsened", "悪化")

    @classmethod
    def parse(cls, text: str) -> "Significance | None":
        """The result a clerk wrote (改善, 有意に改善, 有意差なし, improved …); None if unknown."""
        return _SIGNIFICANCE_WORDS.get(fold(text).lower())


# Every spelling a sheet or a clerk uses for each result; compared folded (全角/半角, case).
_SIGNIFICANCE_SPELLINGS = (
    (Significance.IMPROVED, ("改善", "有意に改善", "improved")),
    (Significance.UNCHANGED, ("変化なし", "有意差なし", "unchanged")),
    (Significance.WORSENED, ("悪化", "有意に悪化", "worsened")),
)
SIGNIFICANCE_WORDS: tuple[str, ...] = tuple(
    w for _, words in _SIGNIFICANCE_SPELLINGS for w in words
)
_SIGNIFICANCE_WORDS = {
    fold(word).lower(): member for member, words in _SIGNIFICANCE_SPELLINGS for word in words
}


@dataclass(frozen=True, slots=True)
class EraYear:
    """A fiscal year as the plan writes it (Ｈ29, R7, 令和5年度) and its Western year."""

    label: str
    year: int

    @property
    def shown(self) -> str:
        """The year as a message names it: R7 (2025); in Japanese R7（2025年度）."""
        return _("{label} ({year})").format(label=self.label, year=self.year)


@dataclass(frozen=True, slots=True)
class Department:
    """所管課: a department responsible for measures."""

    name: str
    reading: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    """事務事業: one measure of the plan."""

    id: str
    name: str
    description: str
    policy: int
    section: int
    order: int
    departments: tuple[str, ...]
    ages: tuple[AgeGroup, ...]
    icons: tuple[Icon, ...] = ()
    reading: str = ""
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """取組内容: a numbered section under a 施策, with its lead sentence and measures."""

    policy: int
    number: int
    title: str
    lead: str
    measures: tuple[Measure, ...]

    @property
    def label(self) -> str:
        """The section as the plan numbers it: （１）講座開催の充実."""
        return f"（{fullwidth_digits(self.number)}）{self.title}"


@dataclass(frozen=True, slots=True)
class Policy:
    """施策: one of the chapter's policies (項目 and 内容)."""

    number: int
    title: str
    text: str
    sections: tuple[Section, ...]

    @property
    def label(self) -> str:
        """The policy as the plan numbers it: 1.生きがいづくりの推進."""
        return f"{self.number}.{self.title}"


@dataclass(frozen=True, slots=True)
class Challenge:
    """市民のチャレンジ目標: a goal for citizens, with its sentence."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Observation:
    """実績値: one actual value of a series in one year."""

    year: EraYear
    value: float
    source: str = ""
    # 有意差: the result of a test against the baseline, where one was made.
    significance: Significance | None = None
    # Decimals as written (26.0% → 1), so that a figure is shown as the clerk wrote it;
    # None when the value came as a number without its text (an .xlsx cell). How a value
    # was written does not make it another value: left out of == and hash.
    decimals: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Series:
    """One number an indicator tracks; a compound indicator has several."""

    key: str
    label: str
    unit: str
    baseline: float
    target: float | None
    actuals: tuple[Observation, ...] = ()
    # Years of this series when they differ from its indicator's (児童精神科医 H21 beside H22).
    baseline_year: EraYear | None = None
    target_year: EraYear | None = None
    # Survey-based: its grades are decided by a significance test; without one, provisional.
    tested: bool = False
    # A target written as a change from the baseline (10% 減少 = -10.0); target is then derived.
    target_change: float | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    """見直し: a baseline or target as it stood before a revision (中間評価), as written."""

    revised: EraYear
    series: str = ""  # the series it concerns, or '' for the whole indicator
    baseline: str = ""
    baseline_year: str = ""
    target: str = ""
    target_year: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """関連計画における参考となる指標: an indicator with baseline and target."""

    id: str
    name: str
    plan: str
    baseline_year: EraYear
    baseline_written: str
    target_year: EraYear
    target_kind: TargetKind
    target_written: str
    series: tuple[Series, ...]
    history: tuple[Revision, ...] = ()

    def baseline_year_of(self, series: Series) -> EraYear:
        """The baseline year of one series: its own, or the indicator's."""
        return series.baseline_year or self.baseline_year

    def target_year_of(self, series: Series) -> EraYear:
        """The target year of one series: its own, or the indicator's."""
        return series.target_year or self.target_year

    @property
    def last_target_year(self) -> int:
        """The latest target year (Western) of the indicator and its series."""
        return max((self.target_year.year, *(self.target_year_of(s).year for s in self.series)))


@dataclass(frozen=True, slots=True)
class Chapter:
    """The field (分野) this plan file encodes."""

    number: int
    title: str
    intro: str

    @property
    def label(self) -> str:
        """The field as the plan's readers call it: 第4分野「交流」 (the plan heads it ４ 交流)."""
        return f"第{self.number}分野「{self.title}」"


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a progress vocabulary, with its definition (評価 A: 計画どおり…)."""

    value: str
    definition: str = ""
    # 実施状況 only: an answer with this status must say what was done (取組内容・実績).
    needs_activities: bool = False


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """選択肢: the scale one progress field is answered in (実施状況, 評価 or 今後の方向性)."""

    key: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A whole plan file: the chapter, its vision, policies, measures and indicators."""

    city: str
    program: str
    chapter: Chapter
    vision_slogan: str
    vision_text: str
    challenges_lead: str
    challenges: tuple[Challenge, ...]
    departments: tuple[Department, ...]
    policies: tuple[Policy, ...]
    indicators: tuple[Indicator, ...] = ()
    # Only the scales the plan file defines itself; progress.vocabularies() adds the defaults.
    vocabularies: tuple[Vocabulary, ...] = ()
    # 評価期間: figures before this year are not used (the plan's default for --since).
    since: EraYear | None = None
    # Every measure in plan order: derived from the policies once, not an argument.
    measures: tuple[Measure, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        measures = tuple(m for p in self.policies for s in p.sections for m in s.measures)
        object.__setattr__(self, "measures", measures)  # the documented way in a frozen class

    def policy(self, number: int) -> Policy:
        """The 施策 with this number."""
        return next(p for p in self.policies if p.number == number)

    def section(self, policy: int, number: int) -> Section:
        """The section (取組) with this number in this 施策."""
        return next(s for s in self.policy(policy).sections if s.number == number)

    def section_of(self, measure: Measure) -> Section:
        """The section a measure stands in."""
        return self.section(measure.policy, measure.section)
