"""Text folding for matching: width, case, tildes and dashes, spaces, katakana → hiragana."""

from __future__ import annotations

import unicodedata

# Every character that people type for "from … to" or a hyphen folds to "-":
# the wave dash 〜 (U+301C) survives NFKC, the full-width tilde ～ does not.
_DASHES = "~〜〰‐‑‒–—―−﹘﹣-"
_SPACES = " \t\r\n\u3000\u00a0\u200b"
_TABLE: dict[int, int | None] = {ord(c): ord("-") for c in _DASHES}
_TABLE.update({ord(c): None for c in _SPACES})
# Katakana ァ..ヶ sit 0x60 above hiragana ぁ..ゖ; ヽヾ likewise.
_TABLE.update({code: code - 0x60 for code in range(0x30A1, 0x30F7)})
_TABLE.update({0x30FD: 0x309D, 0x30FE: 0x309E})
_COMBINING_VOICE = "\u3099\u309a"
# Zero-width joiner keeps emoji sequences whole; tab is harmless.
_SAFE_INVISIBLE = "\u200d\t"


def fold(text: str) -> str:
    """The form two texts are compared in: ＰＲ = PR, カルタ = かるた, 18～64 = 18〜64 = 18-64."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold text one character at a time, with the index in text of each folded character.

    Used to highlight a match in the original text; half-width kana with a separate
    voicing mark (ﾊﾞ) are recombined so that they match バ.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in fold(char):
            if folded in _COMBINING_VOICE and out:
                combined = unicodedata.normalize("NFC", out[-1] + folded)
                if len(combined) == 1:
                    out[-1] = combined
                    continue
            out.append(folded)
            origin.append(index)
    return "".join(out), origin


def find_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each folded term occurs in text, as (start, end) indexes into the original."""
    folded, origin = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def strip_controls(text: str) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, C1 …) shown as visible escapes."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable() or char in _SAFE_INVISIBLE or unicodedata.category(char) == "Zs"
        else f"\\x{ord(char):02x}"
        if ord(char) < 0x100
        else f"\\u{ord(char):04x}"
        for char in text
    )


def format_number(value: float | None) -> str:
    """A number as people read it: 1234 → 1,234; 25.6; 0.00005, never 5e-05; None → ''.

    Fifteen significant digits, all a figure may have (values.py refuses more): every digit
    a clerk wrote is shown, and a computed 0.30000000000000004 reads 0.3.
    """
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    from decimal import Decimal  # a fraction only: the commands' start does not pay for it

    return f"{Decimal(f'{value:.15g}'):,f}"


# How a list (departments, icons) is joined in one cell or line.
JOIN = "・"


# What Japanese Windows and its users call Shift_JIS is Microsoft's cp932: it has the
# characters (～, ①, 髙) that strict Shift_JIS lacks, and the tool's own header 18～64歳.
_CP932_NAMES = {
    "shift_jis",
    "shift-jis",
    "shiftjis",
    "sjis",
    "s_jis",
    "ms932",
    "ms_kanji",
    "windows-31j",
    "cp932",
}


def codec_name(name: str) -> str:
    """The Python codec for an encoding name as people give it: shift_jis, sjis → cp932."""
    cleaned = name.strip()
    return "cp932" if cleaned.lower() in _CP932_NAMES else cleaned


_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth_digits(number: int) -> str:
    """12 → １２, as the plan numbers its sections: （１）."""
    return str(number).translate(_FULLWIDTH_DIGITS)
