"""A data officer exports what the signature list shows them, and is told what it cannot carry."""

import html
import re

import pytest
from django.urls import reverse

from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import csv_rows

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:petitions_signature_export")
CHANGELIST_URL = reverse("admin:petitions_signature_changelist")
NOT_CARRIED_WARNING = "L'export ne reprend pas ces filtres de la liste des signatures"


def _export_link_on(list_page: str) -> str:
    """Return the address the signature list's "Export" button leads to."""
    [link] = re.findall(rf'href="({re.escape(EXPORT_URL)}[^"]*)"', list_page)
    return html.unescape(link)


def _as_the_browser_submits(form) -> dict:
    """Return what the export form posts when the officer clicks "Export" without changing it."""
    submitted = {"format": "csv"}
    for name in ("petition", "status", "country", "signed_from", "signed_until"):
        if form.initial.get(name):
            submitted[name] = form.initial[name]
    if form.initial.get("named_only"):
        submitted["named_only"] = "on"
    return submitted


def _warning_of(response) -> str:
    """Return the export page's warning as read, every space (French's no-break ones too) plain."""
    page = response.content.decode()
    found = re.search(r'<li class="warning" id="filters-not-carried">(.*?)</li>', page, re.S)
    return html.unescape(" ".join(found.group(1).split())) if found else ""


def test_the_export_opened_from_a_list_filtered_by_country_holds_only_that_countrys_signers(
    officer_client,
):
    petition = PetitionFactory()
    SignatureFactory(
        petition=petition, confirmed=True, name_in_delivery=True, first_name="Aline", country="FR"
    )
    SignatureFactory(
        petition=petition, confirmed=True, name_in_delivery=True, first_name="Dieter", country="DE"
    )
    SignatureFactory(petition=petition, confirmed=True, first_name="Unnamed", country="FR")
    list_page = officer_client.get(
        CHANGELIST_URL,
        {"country": "FR", "status__exact": "confirmed", "name_in_delivery__exact": "1"},
    ).content.decode()

    export_link = _export_link_on(list_page)
    export_page = officer_client.get(export_link)
    form = export_page.context["form"]
    download = officer_client.post(export_link, _as_the_browser_submits(form))

    assert "country=FR" in export_link
    assert (form.initial["country"], form.initial["status"], form.initial["named_only"]) == (
        "FR",
        "confirmed",
        True,
    )
    assert _warning_of(export_page) == ""  # every filter of this list was carried
    rows = csv_rows(b"".join(download.streaming_content))[1:]
    assert [(row[0], row[3]) for row in rows] == [("Aline", "FR")]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert (event.query["country"], event.row_count) == ("FR", 1)


def test_the_list_filters_the_export_cannot_apply_are_named_on_the_export_form(officer_client):
    export_page = officer_client.get(
        EXPORT_URL,
        {
            "country": "FR",
            "newsletter_opt_in__exact": "1",
            "email_status__exact": "bounced",
            "name_review__exact": "hidden",
            "q": "Tursun",
            "o": "2",  # the list's order narrows nothing: not named
        },
    )

    warning = _warning_of(export_page)
    assert warning.startswith(NOT_CARRIED_WARNING)
    named = warning.split(" : ", 1)[1].split(". ", 1)[0]
    assert named.split(", ") == [
        "Veut des nouvelles de la campagne",
        "Statut de l'e-mail",
        "Vérification du nom",
        "La recherche dans la liste",
    ]
    assert export_page.context["form"].initial["country"] == "FR"


def test_the_list_of_unnamed_signers_is_named_as_not_carried_rather_than_exported_whole(
    officer_client,
):
    export_page = officer_client.get(EXPORT_URL, {"name_in_delivery__exact": "0"})

    assert export_page.context["form"].initial["named_only"] is False
    assert "Nommé·e dans la remise" in _warning_of(export_page)


def test_a_filter_set_to_all_is_no_filter_and_a_filter_of_two_values_is_not_carried(
    officer_client,
):
    # The country filter's "All" leaves ?country= in the list's address; Django's admin
    # widens a list to every value a filter is given twice.
    export_page = officer_client.get(
        EXPORT_URL + "?country=&status__exact=confirmed&status__exact=pending"
    )

    warning = _warning_of(export_page)
    assert "Pays" not in warning
    assert "Statut" in warning
    assert export_page.context["form"].initial["status"] == ""
