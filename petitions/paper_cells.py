"""What volunteers write in a paper sheet's cells, in any language a sheet is printed in.

A sheet is printed in the staff member's language (French, English or Uyghur) and typed in as
its volunteers filled it: the headings, "yes" or "no" and the country's name all come in that
language. A country's two-letter code (FR) is read whatever the language.
"""

import functools
import unicodedata

from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

# Every language a sheet may be printed in, Uyghur too while the site does not show it yet.
SHEET_LANGUAGES = ("fr", "en", "ug")

COLUMN_HEADINGS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "country": gettext_lazy("Country"),
    "email": gettext_lazy("Email (optional)"),
    "postcode": gettext_lazy("Postcode (optional)"),
    "named": gettext_lazy("Name me to the authorities (yes/no)"),
}
# The first column's heading as a volunteer types it in Uyghur ("name", "her name"), which the
# catalogue does not give until Uyghur is translated.
UYGHUR_FIRST_NAME_HEADINGS = ("ئىسىم", "ئىسمى")

# Yes and no in the "named" column, by language: the words the error names, then others read
# the same way. "x" is a tick; an empty cell is no.
NAMED_YES = {
    "fr": ("oui", "o", "x"),
    "en": ("yes", "y", "x"),
    "ug": ("ھەئە", "ھە", "x"),
}
NAMED_NO = {
    "fr": ("non", "n"),
    "en": ("no", "n"),
    "ug": ("ياق",),
}
NAMED_YES_TOO = ("1", "true", "vrai")
NAMED_NO_TOO = ("", "0", "false", "faux")

# Names volunteers write that the ISO list spells otherwise ("United States of America",
# "États-Unis d'Amérique", "United Kingdom").
COUNTRY_COMMON_NAMES = {
    "usa": "US",
    "united states": "US",
    "etats unis": "US",
    "uk": "GB",
    "grande bretagne": "GB",
}
# Neither django_countries nor Django names countries in Uyghur: the countries where most of
# the diaspora lives, as the Debian iso-codes catalogue spells them in Uyghur (and France,
# Russia and Turkey as they are often written too). Any other country: its two-letter code.
UYGHUR_COUNTRY_NAMES = {
    "قازاقىستان": "KZ",
    "قىرغىزىستان": "KG",
    "ئۆزبېكىستان": "UZ",
    "تۈركىيە": "TR",
    "ئامېرىكا": "US",
    "ئامېرىكا قوشما شتاتلىرى": "US",
    "كانادا": "CA",
    "گېرمانىيە": "DE",
    "گوللاندىيە": "NL",
    "بېلگىيە": "BE",
    "فىرانسىيە": "FR",
    "فرانسىيە": "FR",
    "ئەنگلىيە": "GB",
    "شىۋېتسىيە": "SE",
    "نورۋېگىيە": "NO",
    "فىنلاندىيە": "FI",
    "دانىيە": "DK",
    "شىۋېيىتسارىيە": "CH",
    "ئاۋسترالىيە": "AU",
    "ياپونىيە": "JP",
    "سەئۇدى ئەرەبىستان": "SA",
    "روسىيە": "RU",
    "رۇسىيە": "RU",
}


def _words_fold(text: str) -> str:
    """Return `text` as the comparisons here read it: one spacing, one case, one code point
    per letter (an Arabic letter copied from a PDF comes in its "presentation form")."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _country_fold(text: str) -> str:
    """Return `text` without accents, case or hyphens: "États-Unis" as "etats unis"."""
    letters = unicodedata.normalize("NFKD", text)
    letters = "".join(char for char in letters if not unicodedata.combining(char))
    for separator in "-'’":
        letters = letters.replace(separator, " ")
    return " ".join(letters.casefold().split())


@functools.cache
def _first_name_headings() -> frozenset[str]:
    headings = {"first_name", *UYGHUR_FIRST_NAME_HEADINGS}
    for language in SHEET_LANGUAGES:
        with translation.override(language):
            headings.add(str(COLUMN_HEADINGS["first_name"]))
    return frozenset(_words_fold(heading) for heading in headings)


def sheet_headings_are(cells: list[str]) -> bool:
    """Return whether a sheet's first line is the blank sheet's headings, in any language."""
    return bool(cells) and _words_fold(cells[0]) in _first_name_headings()


def named_answer(text: str) -> bool | None:
    """Return whether the "named" cell says yes, says no, or None: it says neither."""
    word = _words_fold(text)
    if word in {*NAMED_YES_TOO, *(word for words in NAMED_YES.values() for word in words)}:
        return True
    if word in {*NAMED_NO_TOO, *(word for words in NAMED_NO.values() for word in words)}:
        return False
    return None


def named_answer_refusal() -> str:
    """Return the error for a "named" cell read as neither, naming yes and no in the staff
    member's language."""
    language = translation.get_language() or ""
    language = language if language in NAMED_YES else language.split("-")[0]
    language = language if language in NAMED_YES else "en"
    # Translators: a word a volunteer writes, quoted as your language quotes.
    quoted = [_("“%(word)s”") % {"word": word} for word in NAMED_YES[language]]
    yes = get_text_list(quoted)
    no = ", ".join(_("“%(word)s”") % {"word": word} for word in NAMED_NO[language])
    return _("In the last column, write %(yes)s to be named, %(no)s or nothing not to be.") % {
        "yes": yes,
        "no": no,
    }


@functools.cache
def _country_codes_by_name() -> dict[str, str]:
    """Return each country's code under its English, French and Uyghur names, folded."""
    by_name = {_country_fold(name): code for name, code in COUNTRY_COMMON_NAMES.items()}
    by_name.update((_country_fold(name), code) for name, code in UYGHUR_COUNTRY_NAMES.items())
    for language in ("en", "fr"):
        with translation.override(language):
            by_name.update((_country_fold(str(name)), code) for code, name in countries)
    return by_name


def country_code(text: str) -> str:
    """Return the code of the country a volunteer wrote, by its code or its name; or ""."""
    text = text.strip()
    if text.upper() in countries:
        return text.upper()
    return (
        countries.by_name(text)
        or countries.by_name(text, language="fr")
        or _country_codes_by_name().get(_country_fold(text), "")
    )


def country_refusal(text: str) -> str:
    """Return the error for a country's name not known, with the code that always works."""
    return _(
        "“%(country)s” is not a country we know: type its two-letter code instead, such as "
        "FR for France."
    ) % {"country": text}
