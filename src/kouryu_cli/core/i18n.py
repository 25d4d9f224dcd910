"""The language of every sentence a person reads: Japanese or English, chosen once per run.

Messages are written in English in the code and translated with gettext (standard library)
from the catalogs in ``locale/`` (made with Babel: see docs/development.md, Translations).
The plan's own terms (所管課, 対象年代, grade labels) are data and stay Japanese in both
languages; JSON keys never change.

The language follows the usual order: ``KOURYU_LANG`` (``ja`` or ``en``) overrides; then
the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set (``ja…``
gives Japanese, ``C`` and ``POSIX`` English); on Windows with none of them set, the
user's UI language.
"""

from __future__ import annotations

import gettext as _gettext
import inspect
import os
import sys
from pathlib import Path

DOMAIN = "kouryu"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
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
_chosen = "en"


def translation() -> _gettext.NullTranslations:
    """The catalog of this run's language (loaded once; English is the messages as written)."""
    if _translation is None:
        use(language())
    assert _translation is not None  # use() sets it
    return _translation


def use(lang: str) -> None:
    """Switch the language of this process (the CLI sets it once per run; tests switch it)."""
    global _translation, _chosen  # noqa: PLW0603 - one catalog per process
    _chosen = lang if lang in LANGUAGES else "en"
    _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[_chosen], fallback=True)


def current() -> str:
    """The language this process speaks now: 'ja' or 'en'."""
    translation()
    return _chosen


def _(message: str) -> str:
    """message in this run's language."""
    return translation().gettext(message)


# Texts marked with N_ that have fields: the text as shown in English → (message, fields).
_DEFERRED: dict[str, tuple[str, dict[str, object]]] = {}


def N_(message: str, **fields: object) -> str:  # noqa: N802 - the gettext convention
    """Mark message for translation when it is shown, not now (help text built at import).

    Returns the English text with fields filled in; localized() translates it later, in the
    language of the run that shows it.
    """
    if not fields:
        return message
    text = message.format(**fields)
    _DEFERRED[text] = (message, fields)
    return text


def localized(text: str) -> str:
    """A text marked with N_ (or a command's docstring) in this run's language."""
    deferred = _DEFERRED.get(text)
    if deferred is not None:
        return _(deferred[0]).format(**deferred[1])
    return _(inspect.cleandoc(text))


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for count, in this run's language."""
    return translation().ngettext(singular, plural, count)
