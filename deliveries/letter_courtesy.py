"""How a letter greets and takes leave of its recipient, from the recipient's title.

Diplomatic and ministerial correspondence has set forms, in French as in English; a title we
do not recognise gets the neutral ones. Staff may write their own in the petition's letter.
"""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Courtesy:
    salutation: str
    closing: str


# (words of the title, in either language) -> the forms in each language.
_FORMS: list[tuple[tuple[str, ...], dict[str, Courtesy]]] = [
    (
        ("ambassad",),
        {
            "fr": Courtesy(
                "Monsieur l'Ambassadeur,",
                "Nous vous prions d'agréer, Monsieur l'Ambassadeur, l'assurance de notre "
                "très haute considération.",
            ),
            "en": Courtesy(
                "Your Excellency,",
                "Please accept, Your Excellency, the assurances of our highest consideration.",
            ),
        },
    ),
    (
        ("ministr", "minister"),
        {
            "fr": Courtesy(
                "Monsieur le Ministre,",
                "Nous vous prions d'agréer, Monsieur le Ministre, l'expression de notre haute "
                "considération.",
            ),
            "en": Courtesy(
                "Dear Minister,",
                "Yours sincerely,",
            ),
        },
    ),
    (
        ("président", "president"),
        {
            "fr": Courtesy(
                "Monsieur le Président,",
                "Nous vous prions d'agréer, Monsieur le Président, l'expression de notre très "
                "haute considération.",
            ),
            "en": Courtesy(
                "Dear Mr President,",
                "Yours sincerely,",
            ),
        },
    ),
]
_NEUTRAL = {
    "fr": Courtesy(
        "Madame, Monsieur,",
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de notre considération "
        "distinguée.",
    ),
    "en": Courtesy("Dear Sir or Madam,", "Yours faithfully,"),
}


def letter_courtesy(*, title: str, language: str | None = None) -> Courtesy:
    """Return the salutation and close for a recipient of `title`, in `language` (or the active)."""
    language = (language or get_language() or "fr").split("-")[0]
    language = language if language in _NEUTRAL else "en"
    lowered = title.lower()
    for words, forms in _FORMS:
        if any(word in lowered for word in words):
            return forms[language]
    return _NEUTRAL[language]
