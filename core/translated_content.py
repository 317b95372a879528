"""Content written once in each language, as the initial content of every app is."""


def translated_field_values(entry: dict) -> dict:
    """Spread {"title": {"fr": ..., "en": ...}} into the columns title_fr and title_en.

    Fields whose value is not a dict of languages are kept as they are.
    """
    values = {}
    for field, value in entry.items():
        if isinstance(value, dict):
            values.update({f"{field}_{language}": text for language, text in value.items()})
        else:
            values[field] = value
    return values
