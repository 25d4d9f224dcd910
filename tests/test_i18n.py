"""The language of messages: chosen from the environment in the usual order."""

from __future__ import annotations

import pytest

from kouryu_cli.core.i18n import language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "C"}, "ja"),
        ({"LC_ALL": "C", "LC_MESSAGES": "ja_JP.UTF-8"}, "en"),
        ({"LC_ALL": "ja_JP.eucJP", "LANG": "C"}, "ja"),
        ({"LANGUAGE": "ja:en", "LC_ALL": "C"}, "ja"),
        ({"LANGUAGE": "en:ja", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "ja_JP.UTF-8"}, "ja"),
        ({"KOURYU_LANG": "ja", "LANG": "C"}, "ja"),
        ({"KOURYU_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"KOURYU_LANG": "JA"}, "ja"),
        ({"KOURYU_LANG": "fr", "LANG": "ja_JP.UTF-8"}, "ja"),  # unknown: the usual order
    ],
)
def test_language_follows_the_usual_order(environ: dict[str, str], expected: str) -> None:
    assert language(environ) == expected
