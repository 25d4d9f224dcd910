"""A corpus of edits to the shipped plan, each with the pairing a person would make, by hand.

Each Case edits a copy of the shipped plan (the old edition is the shipped plan itself) and
says which old measure (or indicator) became which new one and why (matched_by), what was
added and removed, and the summary counts that `kouryu diff` must print. Ids that shift
because of an insertion or a deletion are written out with `shifted`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.editions import Edit, indicator, measure, section

Pairs = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Case:
    """One edition pair and its expected reading."""

    name: str
    edit: Edit
    # Old id → (new id, matched_by) of every measure reported as changed.
    measures: Pairs
    summary: tuple[int, int, int]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    indicators: Pairs = field(default_factory=dict)
    indicators_added: tuple[str, ...] = ()
    indicators_removed: tuple[str, ...] = ()


def shifted(prefix: str, numbers: Iterable[int], by: int) -> Pairs:
    """Measures renumbered by `by` and otherwise kept: prefix-NN → prefix-(NN+by), by name."""
    return {f"{prefix}-{n:02d}": (f"{prefix}-{n + by:02d}", "name") for n in numbers}


def _renumber(data: dict[str, Any], policy: int, number: int, first: int = 1) -> None:
    """Number a section's measures from `first`, in their order (as the printed plan does)."""
    for n, item in enumerate(section(data, policy, number)["measures"], first):
        item["id"] = f"{policy}-{number}-{n:02d}"


def _new_measure(name: str, description: str, department: str = "市民活動推進課") -> dict[str, Any]:
    return {
        "id": "new",
        "name": name,
        "departments": [department],
        "ages": ["18-64", "65+"],
        "description": description,
    }


# --- the recipes ------------------------------------------------------------------------------


def insert_and_rename(data: dict[str, Any]) -> None:
    """The issue's first case: a measure inserted as 2-1-02, and 市民文化祭 renamed."""
    items = section(data, 2, 1)["measures"]
    items.insert(1, _new_measure("市民音楽ひろば事業", "市民が気軽に音楽を楽しめる場を設けます。"))
    _renumber(data, 2, 1)
    measure(data, "2-1-06")["name"] = "市民音楽祭"


def delete_rename_renumber(data: dict[str, Any]) -> None:
    """The issue's second case: 1-2-03 deleted, its neighbour renamed and renumbered."""
    section(data, 1, 2)["measures"].pop(2)
    measure(data, "1-2-04")["name"] = "社会教育士養成事業"
    _renumber(data, 1, 2)


def names_swapped(data: dict[str, Any]) -> None:
    """Two names swapped between two rows; ids and descriptions stay where they were."""
    first, second = measure(data, "2-1-10"), measure(data, "2-1-11")
    first["name"], second["name"] = second["name"], first["name"]


def measures_swapped(data: dict[str, Any]) -> None:
    """Two measures change places, and the ids follow the places."""
    items = section(data, 2, 1)["measures"]
    items[9], items[10] = items[10], items[9]
    _renumber(data, 2, 1)


def moved_and_renamed(data: dict[str, Any]) -> None:
    """石丸総合館 moves to 2-1 under a shorter name, its description touched up."""
    item = section(data, 1, 1)["measures"].pop(1)
    item["id"] = "2-1-25"
    item["name"] = "石丸総合館運営事業"
    item["description"] = item["description"].replace("各種事業を行います", "事業を行います")
    section(data, 2, 1)["measures"].append(item)


def split(data: dict[str, Any]) -> None:
    """生活支援体制整備事業 split in two: the 協議体 part keeps most of it, a new part is added."""
    items = section(data, 3, 1)["measures"]
    old = measure(data, "3-1-12")
    index = items.index(old)
    first = dict(
        copy.deepcopy(old),
        name="生活支援体制整備事業（協議体）",
        description="高齢者が安心して生活ができるよう小学校区ごとに第二層協議体を設置し、"
        "協議体同士の情報交換を図るなどの支援を行います。",
    )
    second = dict(
        copy.deepcopy(old),
        id="3-1-15",
        name="生活支援コーディネーター配置事業",
        description="生活支援サービス提供体制を整えるために生活支援コーディネーターを配置します。",
    )
    items[index : index + 1] = [first]
    items.append(second)


def merge(data: dict[str, Any]) -> None:
    """地域振興 and 商業振興 merged into one measure (mostly the former's words)."""
    items = section(data, 2, 1)["measures"]
    first = measure(data, "2-1-10")
    items.remove(measure(data, "2-1-11"))
    first["name"] = "地域・商業振興諸行事支援事業"
    first["departments"] = ["市民活動推進課", "商工労働課"]
    first["description"] = (
        "地域振興と交流促進を目的に、商店街等が実施するイベントに関わる経費の一部を補助します。"
    )


def section_renumbered(data: dict[str, Any]) -> None:
    """Every measure of 1-2 numbered from 11, nothing else changed."""
    _renumber(data, 1, 2, first=11)


def one_character_renamed(data: dict[str, Any]) -> None:
    """市民文化祭 → 市民文化展, its description kept."""
    measure(data, "2-1-05")["name"] = "市民文化展"


def one_character_renamed_and_rewritten(data: dict[str, Any]) -> None:
    """市民文化祭 → 市民文化展 with a new description: only the kept id tips the balance."""
    item = measure(data, "2-1-05")
    item["name"] = "市民文化展"
    item["description"] = "絵画や書道の作品展を開く。"


def description_rewritten(data: dict[str, Any]) -> None:
    """A new description under the same name."""
    measure(data, "3-1-04")["description"] = "自治会の加入促進と役員の負担軽減に取り組みます。"


def renamed_with_alias(data: dict[str, Any]) -> None:
    """Renamed, renumbered and rewritten, the old name kept as an alias."""
    item = measure(data, "2-1-21")
    item["id"] = "2-1-99"
    item["name"] = "オレンジカフェ事業"
    item["aliases"] = ["認知症カフェ事業"]
    item["description"] = "認知症の人と家族が集う場を設けます。"


def id_reused(data: dict[str, Any]) -> None:
    """1-1-01 replaced by an unrelated measure that takes its id."""
    section(data, 1, 1)["measures"][0] = dict(
        _new_measure("ハロー体操普及事業", "朝の体操を各地で行います。", "社会教育課"),
        id="1-1-01",
    )


def inserted_first(data: dict[str, Any]) -> None:
    """A new first measure of 1-1; both old measures renumbered."""
    section(data, 1, 1)["measures"].insert(
        0, _new_measure("生涯学習フェスタ開催事業", "学びの成果を発表する催しを開きます。")
    )
    _renumber(data, 1, 1)


def renamed_and_edited_across_ids(data: dict[str, Any]) -> None:
    """Two measures renamed and edited, then put in each other's place (ids swapped too)."""
    items = section(data, 3, 1)["measures"]
    concierge, helper = measure(data, "3-1-06"), measure(data, "3-1-07")
    concierge["name"] = "子育てコンシェルジュ配置事業"
    concierge["description"] = concierge["description"].replace("積極的に", "")
    helper["name"] = "母子保健推進員活動支援事業"
    helper["description"] = helper["description"].replace("積極的な", "")
    items[5], items[6] = items[6], items[5]
    _renumber(data, 3, 1)


def indicator_renamed(data: dict[str, Any]) -> None:
    """I1's name reworded."""
    indicator(data, "I1")["name"] = "地域とのつながりを感じる市民の割合"


def indicator_renumbered_and_renamed(data: dict[str, Any]) -> None:
    """I7 becomes I8 under a slightly longer name."""
    item = indicator(data, "I7")
    item["id"] = "I8"
    item["name"] = "地域交流センターの年間利用者数"


def indicator_replaced(data: dict[str, Any]) -> None:
    """I6 dropped and an unrelated indicator added under a new id."""
    gone = data["indicators"].pop(5)
    data["indicators"].append(dict(gone, id="I9", name="あいさつをする市民の割合"))


CASES = (
    Case(
        "insert-and-rename",
        insert_and_rename,
        {"2-1-05": ("2-1-06", "description"), **shifted("2-1", [2, 3, 4, *range(6, 25)], 1)},
        (1, 0, 23),
        added=("2-1-02",),
    ),
    Case(
        "delete-rename-renumber",
        delete_rename_renumber,
        {"1-2-04": ("1-2-03", "description"), **shifted("1-2", range(5, 10), -1)},
        (0, 1, 6),
        removed=("1-2-03",),
    ),
    Case(
        "names-swapped",
        names_swapped,
        {"2-1-10": ("2-1-11", "name"), "2-1-11": ("2-1-10", "name")},
        (0, 0, 2),
    ),
    Case(
        "measures-swapped",
        measures_swapped,
        {"2-1-10": ("2-1-11", "name"), "2-1-11": ("2-1-10", "name")},
        (0, 0, 2),
    ),
    Case("moved-and-renamed", moved_and_renamed, {"1-1-02": ("2-1-25", "similarity")}, (0, 0, 1)),
    Case("split", split, {"3-1-12": ("3-1-12", "similarity")}, (1, 0, 1), added=("3-1-15",)),
    Case("merge", merge, {"2-1-10": ("2-1-10", "similarity")}, (0, 1, 1), removed=("2-1-11",)),
    Case("section-renumbered", section_renumbered, shifted("1-2", range(1, 10), 10), (0, 0, 9)),
    Case(
        "one-character-renamed",
        one_character_renamed,
        {"2-1-05": ("2-1-05", "description")},
        (0, 0, 1),
    ),
    Case(
        "one-character-renamed-and-rewritten",
        one_character_renamed_and_rewritten,
        {"2-1-05": ("2-1-05", "id")},
        (0, 0, 1),
    ),
    Case(
        "description-rewritten",
        description_rewritten,
        {"3-1-04": ("3-1-04", "name")},
        (0, 0, 1),
    ),
    Case("renamed-with-alias", renamed_with_alias, {"2-1-21": ("2-1-99", "alias")}, (0, 0, 1)),
    Case("id-reused", id_reused, {}, (1, 1, 0), added=("1-1-01",), removed=("1-1-01",)),
    Case("inserted-first", inserted_first, shifted("1-1", [1, 2], 1), (1, 0, 2), added=("1-1-01",)),
    Case(
        "renamed-and-edited-across-ids",
        renamed_and_edited_across_ids,
        {"3-1-06": ("3-1-07", "similarity"), "3-1-07": ("3-1-06", "similarity")},
        (0, 0, 2),
    ),
    Case(
        "indicator-renamed",
        indicator_renamed,
        {},
        (0, 0, 1),
        indicators={"I1": ("I1", "similarity")},
    ),
    Case(
        "indicator-renumbered-and-renamed",
        indicator_renumbered_and_renamed,
        {},
        (0, 0, 1),
        indicators={"I7": ("I8", "similarity")},
    ),
    Case(
        "indicator-replaced",
        indicator_replaced,
        {},
        (1, 1, 0),
        indicators_added=("I9",),
        indicators_removed=("I6",),
    ),
)
