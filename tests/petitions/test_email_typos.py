"""A signer who slips on their email's domain is asked once, before their link is lost."""

import re

import pytest
from django.urls import reverse

from petitions.email_typos import email_domain_suggestion
from petitions.models import Signature


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("aynur@gmial.com", "aynur@gmail.com"),  # two letters swapped
        ("aynur@gmail.con", "aynur@gmail.com"),  # one wrong
        ("aynur@gmai.com", "aynur@gmail.com"),  # one missing
        ("aynur@gmailcom", "aynur@gmail.com"),  # the dot missing
        ("aynur@hotmaill.fr", "aynur@hotmail.fr"),  # one too many
        ("Aynur.Tursun@Orang.FR", "Aynur.Tursun@orange.fr"),
        ("aynur@yaho.fr", "aynur@yahoo.fr"),
    ],
)
def test_a_domain_one_keystroke_from_a_common_provider_is_taken_for_a_slip(typed, meant):
    assert email_domain_suggestion(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "aynur@gmail.com",  # the provider itself
        "aynur@yahoo.de",  # a real provider two keystrokes from another
        "aynur@gmx.net",
        "aynur@uyghur-congress.example",  # a domain near no provider
        "aynur@univ-paris.fr",
        "aynur@hotmail.co.uk",
    ],
)
def test_a_domain_that_is_no_slip_asks_nothing(typed):
    assert email_domain_suggestion(typed) == ""


@pytest.fixture
def sign(client, petition, django_capture_on_commit_callbacks):
    def post(**values):
        data = {
            "first_name": "Aynur",
            "last_name": "Tursun",
            "email": "aynur@yaho.fr",
            "country": "FR",
            "show_first_name": "on",
            **values,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), data)

    return post


def _kept(html: str) -> str:
    return re.search(r'name="email_kept" value="([^"]*)"', html).group(1)


def test_the_form_asks_once_and_keeps_everything_typed(sign, mailoutbox):
    response = sign()

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vouliez-vous écrire aynur@yahoo.fr" in " ".join(html.split())
    # What to correct is named: "corrigez-la" left "la" with nothing to stand for.
    assert (
        "Si oui, corrigez votre adresse\u00a0; si elle est juste telle quelle, appuyez à nouveau "
        "sur «\u00a0Signer la pétition\u00a0»."
    ) in html
    assert 'name="email" value="aynur@yaho.fr"' in html
    assert 'name="first_name" value="Aynur"' in html and "checked" in html
    assert not Signature.objects.exists() and mailoutbox == []


def test_sent_again_unchanged_the_address_stands_as_typed(sign, mailoutbox):
    asked = sign().content.decode()

    response = sign(email_kept=_kept(asked))

    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert mailoutbox[0].to == ["aynur@yaho.fr"]


def test_corrected_the_address_signs_at_once(sign, mailoutbox):
    asked = sign().content.decode()

    response = sign(email="aynur@yahoo.fr", email_kept=_kept(asked))

    assert response.status_code == 302
    assert mailoutbox[0].to == ["aynur@yahoo.fr"]


def test_changed_to_another_slip_the_form_asks_about_that_one(sign):
    asked = sign().content.decode()

    again = sign(email="aynur@hotmial.fr", email_kept=_kept(asked)).content.decode()

    assert "Vouliez-vous écrire aynur@hotmail.fr" in " ".join(again.split())
    assert not Signature.objects.exists()
