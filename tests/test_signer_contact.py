"""Petition managers review and deliver without ever meeting an address or a named list."""

import pytest
from django.urls import reverse

from deliveries import batches
from petitions.models import Signature
from tests.deliveries.factories import address_approved, confirmed_signatures_create
from tests.factories import PetitionFactory, SignatureFactory, TargetFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as

pytestmark = pytest.mark.django_db
SIGNATURES_URL = reverse("admin:petitions_signature_changelist")
ADDRESS = "kept-for-news@example.org"


@pytest.fixture(autouse=True)
def _delivery_files_in_tmp(settings, tmp_path):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"


@pytest.fixture
def news_signer():
    """A confirmed signer who asked for news and to be named: address and name stay readable."""
    return SignatureFactory(
        confirmed=True,
        email=ADDRESS,
        first_name="Aynur",
        last_name="Tursunova",
        newsletter_opt_in=True,
        name_in_delivery=True,
    )


@pytest.fixture
def delivery():
    petition = PetitionFactory()
    confirmed_signatures_create(petition, 6)
    return batches.delivery_batch_create(
        petition=petition,
        target=address_approved(TargetFactory(email="embassy@embassy.test")),
        queue_send=False,
    )


def _as(client, role):
    logged_in_as(client, role)
    return client


def test_a_petition_manager_sees_no_address_or_last_name_in_the_signature_list(client, news_signer):
    html = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL).content.decode()

    assert "Aynur" in html  # the first name, which review needs
    assert ADDRESS not in html and "Tursunova" not in html


def test_a_petition_manager_sees_no_address_on_a_signature(client, news_signer):
    url = reverse("admin:petitions_signature_change", args=[news_signer.pk])

    html = _as(client, PETITION_MANAGERS).get(url).content.decode()

    assert ADDRESS not in html and "Tursunova" not in html


@pytest.mark.parametrize("term", [ADDRESS, "Tursunova"])
def test_a_petition_manager_cannot_find_a_signer_by_address_or_last_name(client, news_signer, term):
    response = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL, {"q": term})

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "lookup",
    [
        {"email": ADDRESS},
        {"last_name__istartswith": "Tursun"},
        {"postcode": "75011"},
        {"email_domain": "example.org"},
    ],
)
def test_a_petition_manager_cannot_find_a_signer_by_a_filter_typed_in_the_address(
    client, news_signer, lookup
):
    news_signer.postcode, news_signer.email_domain = "75011", "example.org"
    news_signer.save(update_fields=["postcode", "email_domain"])

    response = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL, lookup)

    assert response.status_code == 400
    assert "Aynur" not in response.content.decode()


def test_a_petition_manager_gets_403_on_the_named_list_and_every_export(client, delivery):
    _as(client, PETITION_MANAGERS)
    named_list = reverse("admin:deliveries_delivery_signatures", args=[delivery.pk])
    detail = client.get(reverse("admin:deliveries_delivery_change", args=[delivery.pk]))

    assert client.get(named_list).status_code == 403
    assert named_list not in detail.content.decode()  # no link to it either
    assert client.get(reverse("admin:petitions_signature_export")).status_code == 403
    assert client.get(reverse("admin:petitions_signatureexport_changelist")).status_code == 403
    # The letter, which counts and names no one, stays theirs.
    letter = client.get(reverse("admin:deliveries_delivery_letter", args=[delivery.pk]))
    assert letter.status_code == 200


def test_a_data_officer_sees_addresses_and_downloads_the_named_list(client, news_signer, delivery):
    _as(client, DATA_OFFICERS)

    found = client.get(SIGNATURES_URL, {"q": ADDRESS})
    named_list = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    assert [s.pk for s in found.context["cl"].result_list] == [news_signer.pk]
    assert ADDRESS in found.content.decode()
    assert named_list.status_code == 200


def test_the_admin_log_never_keeps_a_name(news_signer):
    assert "Aynur" not in str(news_signer) and "Tursunova" not in str(news_signer)
    assert str(Signature.objects.get()) == f"Signature {news_signer.pk}"


def test_a_petition_manager_who_searches_an_address_is_told_nothing_was_searched(
    client, news_signer
):
    # "0 results" alone would read as "this person never signed".
    response = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL, {"q": ADDRESS})

    assert [str(message) for message in response.context["messages"]] == [
        "Votre rôle ne permet pas de chercher un signataire par son adresse e-mail\u00a0: rien "
        "n'a été cherché. Un délégué à la protection des données peut le faire."
    ]


def test_a_petition_manager_who_searches_a_last_name_is_told_only_first_names_were_searched(
    client, news_signer
):
    # Their search looks at first names alone: "0 results" for "Tursunova" is no answer.
    response = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL, {"q": "Tursunova"})

    assert [str(message) for message in response.context["messages"]] == [
        "Votre rôle ne permet pas de chercher un signataire par son nom de famille\u00a0: seuls "
        "les prénoms ont été cherchés. Un délégué à la protection des données peut le faire."
    ]


def test_a_petition_manager_is_told_the_same_whether_anyone_has_that_name_or_not(
    client, news_signer
):
    _as(client, PETITION_MANAGERS)

    found = client.get(SIGNATURES_URL, {"q": "Aynur"})
    not_found = client.get(SIGNATURES_URL, {"q": "Nobody"})

    assert [s.pk for s in found.context["cl"].result_list] == [news_signer.pk]
    told = [[str(m) for m in r.context["messages"]] for r in (found, not_found)]
    assert told[0] == told[1] and len(told[0]) == 1


def test_a_petition_manager_who_flags_signers_found_by_first_name_is_told_once(client, news_signer):
    # The action searches the list again before the page after it searches it once more.
    response = _as(client, PETITION_MANAGERS).post(
        f"{SIGNATURES_URL}?q=Aynur",
        {"action": "flag", "_selected_action": [news_signer.pk], "reason": "checking"},
        follow=True,
    )

    told = [str(message) for message in response.context["messages"]]
    assert told == [
        "1 signature signalée.",
        "Votre rôle ne permet pas de chercher un signataire par son nom de famille\u00a0: seuls "
        "les prénoms ont été cherchés. Un délégué à la protection des données peut le faire.",
    ]


def test_a_data_officer_finds_a_signer_by_last_name_and_is_told_nothing(client, news_signer):
    response = _as(client, DATA_OFFICERS).get(SIGNATURES_URL, {"q": "Tursunova"})

    assert [s.pk for s in response.context["cl"].result_list] == [news_signer.pk]
    assert list(response.context["messages"]) == []


def test_a_petition_manager_is_offered_the_search_their_role_can_make(client, news_signer):
    html = _as(client, PETITION_MANAGERS).get(SIGNATURES_URL).content.decode()

    assert (
        "Le début d'un prénom. Votre rôle ne permet pas de chercher par adresse e-mail ni par "
        "nom de famille." in html.replace("&#x27;", "'")
    )
    assert "Une adresse e-mail (correspondance exacte)" not in html


def test_a_data_officer_is_offered_search_by_address_and_last_name(client, news_signer):
    html = _as(client, DATA_OFFICERS).get(SIGNATURES_URL).content.decode()

    assert "Une adresse e-mail (correspondance exacte), ou le début d'un nom ou d'un prénom." in (
        html.replace("&#x27;", "'")
    )
