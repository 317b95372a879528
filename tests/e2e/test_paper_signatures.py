"""A petition manager prints a blank sheet, types it in, fixes a bad row and imports it."""

from pathlib import Path

import pytest
from django.core import mail

from deliveries import runs
from petitions import counter
from petitions.models import Signature
from tests.deliveries.factories import address_approved
from tests.deliveries.helpers import attachments, pdf_text
from tests.e2e.staff_pages import staff_page_open
from tests.factories import PetitionFactory, SignatureFactory, TargetFactory
from tests.petitions.factories_staff import PETITION_MANAGERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED_IN = "Prénom;Nom;Pays;E-mail;Nommer\nAynur;Tursun;France;;oui\nIlham;Dupont;Atlantide;;non\n"


def test_a_stalls_sheet_is_printed_typed_in_fixed_and_counted(browser, live_server, tmp_path):
    target = address_approved(TargetFactory(email="embassy@embassy.test", language="fr"))
    petition = PetitionFactory(slug="liberez-mamat", targets=[target])
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")

    page.goto(f"{live_server.url}/admin/petitions/petition/{petition.pk}/change/")
    page.get_by_role("link", name="Signatures papier").click()
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Imprimer une feuille vierge (PDF)").click()
    text = pdf_text(Path(sheet.value.path()).read_bytes())
    assert "Libérez Mamat immédiatement." in text and "/petition/liberez-mamat/" in text

    typed = tmp_path / "stand.csv"
    typed.write_text(TYPED_IN, encoding="utf-8")
    page.locator("#id_sheet").set_input_files(str(typed))
    page.get_by_role("button", name="Vérifier la feuille").click()
    bad_row = page.locator("#paper-rows tbody tr").nth(1)
    assert "n’est pas un pays" in bad_row.inner_text()

    typed.write_text(TYPED_IN.replace("Atlantide", "Turquie"), encoding="utf-8")
    page.locator("#id_sheet").set_input_files(str(typed))
    page.get_by_role("button", name="Vérifier la feuille").click()
    assert page.locator("#paper-rows .paper-row--error").count() == 0
    page.get_by_role("button", name="Importer 2 signatures").click()
    page.wait_for_url(f"**/admin/petitions/petition/{petition.pk}/change/")

    assert Signature.objects.filter(source="paper").count() == 2
    counter.petition_counts_reconcile()
    page.goto(f"{live_server.url}{petition.get_absolute_url()}count.json")
    assert '"count": 5' in page.content() or '"count":5' in page.content()
    runs.deliveries_run(petition=petition)
    letter = pdf_text(attachments(mail.outbox[-1])["letter.pdf"])
    assert "5 nouvelles signatures" in letter
    context.close()
