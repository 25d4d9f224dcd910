"""The language of every sentence a person reads: Japanese or English, chosen once per run.

Messages are written in English in the code and translated with gettext (standard library)
from the catalogs in ``locale/`` (made with Babel: see the README). The plan's own terms
(所管課, 対象年代, grade labels) are data and stay Japanese in both languages; JSON keys
never change.

The language follows the usual order: ``KOURYU_LANG`` (``ja`` or ``en``) overrides; then
the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set (``ja…``
gives Japanese, ``C`` and ``POSIX`` English); on Windows with none of them set, the
user's UI language.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from pathlib import Path

DOMAIN = "kouryu"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ja", "en")


def language(environ: dict[str, str] | None = None) -> str:
    """'ja' or 'en', from the environment (see the module's docstring)."""
    env = os.environ if environ is None else environ
    chosen = env.get("KOURYU_LANG", "").strip().lower()[:2]
    if chosen in LANGUAGES:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            # LANGUAGE is a list (ja:en); the first entry decides.
            first = value.split(":")[0].strip().lower()
            return "ja" if first.startswith("ja") else "en"
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_language()
    return "en"


def _windows_language() -> str:  # pragma: no cover - Windows only
    try:
        import ctypes

        ui = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return "en"
    return "ja" if ui & 0x3FF == 0x11 else "en"  # LANG_JAPANESE


_translation: _gettext.NullTranslations | None = None


def translation() -> _gettext.NullTranslations:
    """The catalog of this run's language (loaded once; English is the messages as written)."""
    global _translation  # noqa: PLW0603 - one catalog per process, loaded on first use
    if _translation is None:
        _translation = _gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[language()], fallback=True
        )
    return _translation


def use(lang: str) -> None:
    """Switch the language of this process (the CLI sets it once; tests switch it)."""
    global _translation  # noqa: PLW0603
    _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """message in this run's language."""
    return translation().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for count, in this run's language."""
    return translation().ngettext(singular, plural, count)
