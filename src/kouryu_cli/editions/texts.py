"""Chapter texts of two editions: lined up by title, and compared character by character.

The challenges and the sections of a 施策 are lined up by their titles (difflib), not by
their numbers, so that one inserted is added and the ones after it are renumbered, not
rewritten; a changed text is shown as one character diff, which reads well in Japanese.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kouryu_cli.core.model import Plan
from kouryu_cli.core.textnorm import fullwidth_digits

# An unchanged run this short between two changes is folded into them: 「[-社会教育-]{+生涯学習+}」
# reads better than 「[-社-]{+生+}会[-教-]{+涯学+}…」 in a language without spaces.
_SHORT_EQUAL = 2
# Below this similarity a text is shown as wholly replaced rather than as scattered edits.
_REWRITE = 0.3


@dataclass(frozen=True, slots=True)
class TextChange:
    """A chapter text that changed: `path` for programs, `where` for people; '' when absent."""

    path: str
    where: str
    old: str
    new: str

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        """Added (a new challenge or section), removed, or changed: how its line is marked."""
        return "added" if not self.old else "removed" if not self.new else "changed"


def aligned(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Index pairs of two lists of titles as a person lines them up (difflib's opcodes).

    Equal titles pair in order; a run replaced by another pairs one to one; the rest are
    removed (old, None) or added (None, new): a challenge inserted in the middle is added,
    not every one after it rewritten.
    """
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        both = min(i2 - i1, j2 - j1)
        pairs += [(i1 + k, j1 + k) for k in range(both)]
        pairs += [(i, None) for i in range(i1 + both, i2)]
        pairs += [(None, j) for j in range(j1 + both, j2)]
    return pairs


def text_changes(old: Plan, new: Plan) -> list[TextChange]:
    """Chapter texts that differ: program, chapter, vision, challenges, 施策 and sections."""
    out: list[TextChange] = []

    def check(path: str, where: str, before: str, after: str) -> None:
        if before != after:
            out.append(TextChange(path, where, before, after))

    check("program.city", "市", old.city, new.city)
    check("program.title", "プログラム名", old.program, new.program)
    check("chapter.number", "分野番号", str(old.chapter.number), str(new.chapter.number))
    check("chapter.title", "分野名", old.chapter.title, new.chapter.title)
    check("chapter.intro", "分野の説明", old.chapter.intro, new.chapter.intro)
    check("vision.slogan", "目指す市民の姿", old.vision_slogan, new.vision_slogan)
    check("vision.text", "目指す市民の姿（本文）", old.vision_text, new.vision_text)
    check(
        "challenges.lead", "市民のチャレンジ目標（前文）", old.challenges_lead, new.challenges_lead
    )
    titles = [c.title for c in old.challenges], [c.title for c in new.challenges]
    for i, j in aligned(*titles):
        a = old.challenges[i] if i is not None else None
        b = new.challenges[j] if j is not None else None
        index = j if j is not None else i
        assert index is not None  # aligned never pairs two absences
        path, where = f"challenges.items.{index + 1}", f"チャレンジ目標{index + 1}"
        check(f"{path}.title", where, a.title if a else "", b.title if b else "")
        check(f"{path}.text", f"{where}（本文）", a.text if a else "", b.text if b else "")
    old_policies = {p.number: p for p in old.policies}
    new_policies = {p.number: p for p in new.policies}
    for number in sorted(old_policies.keys() | new_policies.keys()):
        p = old_policies.get(number)
        q = new_policies.get(number)
        path, where = f"policies.{number}", f"施策{number}"
        check(f"{path}.title", f"{where} 見出し", p.title if p else "", q.title if q else "")
        check(f"{path}.text", f"{where} 内容", p.text if p else "", q.text if q else "")
        old_sections = p.sections if p else ()
        new_sections = q.sections if q else ()
        titles = [x.title for x in old_sections], [x.title for x in new_sections]
        for i, j in aligned(*titles):
            s = old_sections[i] if i is not None else None
            t = new_sections[j] if j is not None else None
            either = t if t is not None else s
            assert either is not None  # aligned never pairs two absences
            section = either.number
            spath = f"{path}.sections.{section}"
            swhere = f"{where}（{fullwidth_digits(section)}）"
            check(f"{spath}.title", f"{swhere} 見出し", s.title if s else "", t.title if t else "")
            check(f"{spath}.lead", f"{swhere} 前文", s.lead if s else "", t.lead if t else "")
    return out


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a character diff: kept, deleted (only in the old text) or inserted (new)."""

    kind: Literal["same", "deleted", "inserted", "elided"]
    text: str


def inline_diff(old: str, new: str) -> tuple[Segment, ...]:
    """A character-level diff that reads well in Japanese: short kept runs between edits merge."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if old and new and matcher.ratio() < _REWRITE:
        return (Segment("deleted", old), Segment("inserted", new))
    # Runs as (kept?, old start, old end, new start, new end); short kept runs between
    # edits become part of the edit around them.
    runs: list[tuple[bool, int, int, int, int]] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        kept = tag == "equal" and not (0 < index < len(opcodes) - 1 and i2 - i1 <= _SHORT_EQUAL)
        if runs and not kept and not runs[-1][0]:
            runs[-1] = (False, runs[-1][1], i2, runs[-1][3], j2)
        else:
            runs.append((kept, i1, i2, j1, j2))
    out: list[Segment] = []
    for kept, i1, i2, j1, j2 in runs:
        if kept:
            out.append(Segment("same", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(Segment("deleted", old[i1:i2]))
        if j2 > j1:
            out.append(Segment("inserted", new[j1:j2]))
    return tuple(out)


def elide(segments: tuple[Segment, ...], context: int) -> tuple[Segment, ...]:
    """Long kept runs shortened to `context` characters beside each edit, the rest as 'elided'."""
    out: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        text = segment.text
        # The first and last runs need context on one side only.
        room = context * (int(index > 0) + int(index < last))
        if segment.kind != "same" or room == 0 or len(text) <= room + 1:
            out.append(segment)
            continue
        head = text[:context] if index > 0 else ""
        tail = text[len(text) - context :] if index < last else ""
        if head:
            out.append(Segment("same", head))
        out.append(Segment("elided", "…"))
        if tail:
            out.append(Segment("same", tail))
    return tuple(out)
