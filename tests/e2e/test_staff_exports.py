"""A data officer exports a petition's signers for delivery; a campaign editor sees none."""

from pathlib import Path

import pytest
from django.urls import reverse

from staff.models import AccessEvent
from tests.e2e.staff_pages import staff_page_open
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import CAMPAIGN_EDITORS, DATA_OFFICERS, csv_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_data_officer_exports_the_confirmed_signers_and_a_planted_formula_stays_text(
    browser, live_server
):
    petition = PetitionFactory(slug="liberez-mamat")
    SignatureFactory(petition=petition, confirmed=True, first_name="Aynur", last_name="Tursun")
    SignatureFactory(
        petition=petition, confirmed=True, first_name='=HYPERLINK("http://x")', last_name="Evil"
    )
    SignatureFactory(petition=petition, first_name="Pending")  # never confirmed
    other = PetitionFactory(title_fr="Une autre pétition")
    SignatureFactory(petition=other, confirmed=True, first_name="OtherPetition")
    context, page = staff_page_open(browser, live_server, DATA_OFFICERS, "officer")

    page.goto(f"{live_server.url}/admin/petitions/signature/")
    filters = page.locator("#changelist-filter")
    filters.locator(f'a[href*="petition__id__exact={petition.pk}"]').click()
    filters.locator('a[href*="status__exact=confirmed"]').click()
    page.locator('.object-tools a[href^="/admin/petitions/signature/export/"]').click()
    assert page.locator("#id_petition").input_value() == str(petition.pk)
    assert page.locator("#id_status").input_value() == "confirmed"
    with page.expect_download() as download_info:
        page.locator("input[type=submit]").click()
    download = download_info.value

    assert download.suggested_filename.startswith("signatures-liberez-mamat-")
    rows = csv_rows(Path(download.path()).read_bytes())
    names = sorted((row[0], row[1]) for row in rows[1:])
    assert names == [('\'=HYPERLINK("http://x")', "Evil"), ("Aynur", "Tursun")]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert (event.actor_username, event.row_count) == ("officer", 2)
    context.close()


def test_a_campaign_editor_cannot_see_any_signature(browser, live_server):
    signature = SignatureFactory(confirmed=True, first_name="Aynur")
    context, page = staff_page_open(browser, live_server, CAMPAIGN_EDITORS, "editor")

    page.goto(f"{live_server.url}/admin/")
    assert page.get_by_role("link", name="Pages").count() >= 1
    assert page.locator('a[href*="/admin/petitions/signature/"]').count() == 0
    for url in (
        reverse("admin:petitions_signature_changelist"),
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        reverse("admin:petitions_signature_export"),
        reverse("admin:petitions_petition_dashboard", args=[signature.petition_id]),
    ):
        response = page.goto(live_server.url + url)
        assert response.status == 403, url
        assert "Aynur" not in page.content()
    context.close()
