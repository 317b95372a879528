"""The form fields copied cheaply: copied as Django copies its own, and used by the form every
signature builds."""

import copy

import pytest
from django import forms

from core import form_fields
from core.form_fields import CopiedCheaply
from petitions.forms import SignatureForm
from tests.factories import PetitionFactory

FIELD_AND_WIDGET_CLASSES = [
    value
    for value in vars(form_fields).values()
    if isinstance(value, type)
    and issubclass(value, CopiedCheaply)
    and issubclass(value, forms.Field | forms.Widget)
]


def _copied_by_pythons_default(instance):
    """What copy.copy makes of the instance without a __copy__: the pickle protocol's copy."""
    return copy._reconstruct(instance, None, *instance.__reduce_ex__(4))


@pytest.mark.parametrize("cls", FIELD_AND_WIDGET_CLASSES, ids=lambda cls: cls.__name__)
def test_a_copy_is_what_pythons_default_copy_makes(cls):
    original = cls(attrs={"dir": "auto"}) if issubclass(cls, forms.Widget) else cls(label="Nom")

    cheap, default = copy.copy(original), _copied_by_pythons_default(original)

    assert type(cheap) is type(default) is cls
    assert cheap is not original
    assert vars(cheap) == vars(default)


@pytest.mark.django_db
def test_two_signature_forms_share_no_field_or_widget():
    petition = PetitionFactory.build(asks_postcode=True, allows_comment=True)
    first, second = SignatureForm(petition=petition), SignatureForm(petition=petition)

    first.fields["first_name"].widget.attrs["placeholder"] = "Aynur"
    first.fields["email"].validators.append(lambda value: None)
    first.fields["email"].error_messages["required"] = "changed"
    first.fields["country"].required = False

    for form in (second, SignatureForm):
        fields = form.base_fields if form is SignatureForm else form.fields
        assert "placeholder" not in fields["first_name"].widget.attrs
        assert len(fields["email"].validators) == len(forms.EmailField().validators)
        assert fields["email"].error_messages["required"] != "changed"
        assert fields["country"].required is True


def test_every_field_and_widget_of_the_signature_form_is_copied_cheaply():
    """The form is built for each signature of a surge: a field of Django's own class there
    would bring back the cost (docs/performance.md)."""
    for name, field in SignatureForm.base_fields.items():
        assert isinstance(field, CopiedCheaply), name
        assert isinstance(field.widget, CopiedCheaply), name
