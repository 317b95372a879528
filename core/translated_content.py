"""Content written once in each language, as the initial content of every app is."""

from django.db import models

from core.french_typography import french_values_typeset


def translated_field_values(entry: dict, *, model: type[models.Model]) -> dict:
    """Spread {"title": {"fr": ..., "en": ...}} into the columns title_fr and title_en of `model`.

    Fields whose value is not a dict of languages are kept as they are. The French texts take
    their typography as staff's do when saved in the admin (core/french_typography.py).
    """
    values = {}
    for field, value in entry.items():
        if isinstance(value, dict):
            values.update({f"{field}_{language}": text for language, text in value.items()})
        else:
            values[field] = value
    return french_values_typeset(model, values)
