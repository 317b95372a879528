import functools

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core import form_fields
from petitions.email_typos import email_domain_suggestion
from petitions.models import Petition
from petitions.names import name_clean, name_looks_like_a_name
from petitions.share_codes import share_code_or_blank


@functools.cache
def _country_choices_in(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [("", "—"), *((code, str(name)) for code, name in countries)]


def country_choices() -> list[tuple[str, str]]:
    """Return the countries sorted in the visitor's language, sorted once per language."""
    return _country_choices_in(translation.get_language() or settings.LANGUAGE_CODE)


COUNTRY_CODES = frozenset(code for code, _name in countries)


class CountryChoiceField(form_fields.ChoiceField):
    """A country select that checks a code against a set, not by walking ~250 choices.

    ChoiceField normalises and scans its whole list of choices for every value it validates;
    on the signature form that was the costliest step of validating a signature.
    """

    def valid_value(self, value: str) -> bool:
        return value in COUNTRY_CODES


class CountrySelect(form_fields.Select):
    """The list of countries, its options written in one pass.

    Django draws each option through a template of its own: the ~250 countries were most of
    what drawing the sign form cost (about 20 ms a page). The markup is Django's own.
    """

    template_name = "petitions/widgets/country_select.html"

    def get_context(self, name: str, value, attrs) -> dict:
        # The base widget's context: ChoiceWidget's would build a dict for every option.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options"] = mark_safe(  # noqa: S308 - each value and label escaped
            "".join(
                f"\n  {start}{' selected' if code in selected else ''}{end}"
                for code, start, end in _escaped_options(tuple(self.choices))
            )
        )
        return context


@functools.cache
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """Each option's value, and its markup before and after where "selected" may go."""
    return tuple(
        (str(code), f'<option value="{escape(code)}"', f">{escape(label)}</option>")
        for code, label in choices
    )


class MultilineCharField(form_fields.CharField):
    """Text over several lines, its length counted as the browser's `maxlength` counts it.

    A browser sends each line break as two characters (CRLF) but counts it as one: a comment
    the page let through would be refused for a length the signer cannot see.
    """

    def to_python(self, value) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


# Bots fill every field; people never see this one (hidden, out of the tab order).
HONEYPOT_FIELD = "website"


class SignatureForm(forms.Form):
    first_name = form_fields.CharField(
        label=_("First name"),
        max_length=100,
        widget=form_fields.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
    )
    last_name = form_fields.CharField(
        label=_("Last name"),
        max_length=100,
        widget=form_fields.TextInput(attrs={"autocomplete": "family-name", "dir": "auto"}),
    )
    email = form_fields.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature."),
        # Its own words: Django's French says "courriel" where the whole site says "e-mail".
        error_messages={
            "invalid": _("Enter a valid email address, such as name@example.org."),
        },
        # Left to right on a right-to-left page too: "2024@mail.com" otherwise shows as
        # "mail.com@2024", and the signer cannot check what they typed.
        widget=form_fields.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    country = CountryChoiceField(
        label=_("Country"),
        choices=country_choices,
        widget=CountrySelect(attrs={"autocomplete": "country"}),
    )
    postcode = form_fields.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        help_text=_("Optional. Never passed on to the authorities."),
        widget=form_fields.TextInput(attrs={"autocomplete": "postal-code", "dir": "auto"}),
    )
    comment = MultilineCharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        help_text=_("Optional. Seen only by the campaign team."),
        widget=form_fields.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    show_first_name = form_fields.BooleanField(
        label=_("Show my first name and country among the latest signers"),
        required=False,
    )
    name_in_delivery = form_fields.BooleanField(
        label=_("Give my name and country to the authorities with the petition"),
        required=False,
        help_text=_("Otherwise you are counted, not named."),
    )
    newsletter_opt_in = form_fields.BooleanField(
        label=_("Email me news of the campaign"),
        required=False,
    )
    referral_code = form_fields.CharField(required=False, widget=form_fields.HiddenInput)
    # The address the form asked about once ("did you mean…?"): sent again, it stands.
    email_kept = form_fields.CharField(
        required=False, max_length=254, widget=form_fields.HiddenInput
    )
    website = form_fields.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=form_fields.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        if not petition.asks_postcode:
            del self.fields["postcode"]
        if not petition.allows_comment:
            del self.fields["comment"]

    def clean_referral_code(self) -> str:
        # A broken share link must not stop anyone from signing: ignore it instead.
        return share_code_or_blank(self.cleaned_data["referral_code"])

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def _check_names_may_be_said(self, cleaned: dict) -> None:
        """A signer who asks to be named hears now if their name cannot be (names.py), rather
        than being counted unnamed without a word.

        The public list shows the first name alone: the last name, said only to the
        authorities, is checked only when the signer asks to be named to them.
        """
        said = []
        if cleaned.get("show_first_name") or cleaned.get("name_in_delivery"):
            said.append("first_name")
        if cleaned.get("name_in_delivery"):
            said.append("last_name")
        for field in said:
            name = name_clean(cleaned.get(field) or "")
            if name and not name_looks_like_a_name(name):
                self.add_error(
                    field,
                    forms.ValidationError(
                        _(
                            "To be named, write this name in letters only, without digits, "
                            "dots or other signs; or untick the boxes that would name you."
                        ),
                        code="not_a_name",
                    ),
                )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self._check_names_may_be_said(cleaned)
        email: str = cleaned.get("email") or ""
        suggestion = email_domain_suggestion(email) if email else ""
        if suggestion and cleaned.get("email_kept", "").strip().lower() != email.lower():
            # The reply carries the address as typed: the same address sent again stands.
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data[self.add_prefix("email_kept")] = email
            self.data = data
            self.add_error(
                "email",
                forms.ValidationError(
                    _(
                        "Did you mean %(address)s? If so, correct it; if your address is right "
                        "as typed, press “Sign the petition” again."
                    ),
                    code="likely_typo",
                    params={"address": suggestion},
                ),
            )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))

    def signature_values(self) -> dict:
        """Return what the signer entered, as `signature_create` takes it."""
        values = dict(self.cleaned_data)
        values.pop(HONEYPOT_FIELD, None)
        values.pop("email_kept", None)
        return values

    def visible_signer_fields(self) -> list:
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]


class WithdrawalLinksForm(forms.Form):
    """The address a signer asks fresh withdrawal links for: the only thing asked."""

    email = form_fields.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address you signed with."),
        error_messages={
            "invalid": _("Enter a valid email address, such as name@example.org."),
        },
        # Left to right on a right-to-left page too, as on the sign form.
        widget=form_fields.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
