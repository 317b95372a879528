"""The sign form's country list, written in one pass, is the markup Django's own select writes."""

import re

import pytest
from django import forms
from django.utils import translation

from petitions.forms import CountrySelect, country_choices


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {"class": "select form-select", "required": True, "id": "id_country"}),
        ("FR", {"class": "select form-select is-invalid", "aria-invalid": "true"}),
        ('"><script>', {"id": "id_country"}),  # a value sent back as typed, never markup
    ],
)
def test_the_country_list_is_the_markup_djangos_select_writes(language, value, attrs):
    with translation.override(language):
        ours = CountrySelect(attrs={"autocomplete": "country"}, choices=country_choices)
        django_select = forms.Select(attrs={"autocomplete": "country"}, choices=country_choices)

        html = ours.render("country", value, attrs)

        assert _tags(html) == _tags(django_select.render("country", value, attrs))
    assert "<script>" not in html
