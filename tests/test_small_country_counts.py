"""A country with a handful of signers is never named: not to the embassy, not to staff, not
to the public. In a small diaspora, "Turkey: 3" points at three families."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from deliveries import runs
from deliveries.models import Delivery
from petitions.country_counts import OTHER_COUNTRIES, country_counts_merged
from petitions.models import Petition, Target
from tests.deliveries.factories import address_approved
from tests.deliveries.helpers import attachments, pdf_text
from tests.factories import SignatureFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

TURKEY_NAMES = ("Turquie", "Turkey", "Türkiye")


def test_countries_below_the_threshold_are_merged_into_other_countries():
    merged = country_counts_merged([("TR", 3), ("FR", 12), ("KZ", 9), ("DE", 10)], threshold=10)

    assert merged == {"FR": 12, "DE": 10, OTHER_COUNTRIES: 12}
    assert list(merged)[-1] == OTHER_COUNTRIES  # last, whatever its size


def test_merging_again_changes_nothing_and_nothing_small_means_no_other_line():
    merged = country_counts_merged([("TR", 3), ("FR", 12)], threshold=10)

    assert country_counts_merged(merged.items(), threshold=10) == merged
    assert country_counts_merged([("FR", 12)], threshold=10) == {"FR": 12}


@pytest.fixture
def three_turkish_signers(mamat_campaign, settings, tmp_path, django_capture_on_commit_callbacks):
    """The campaign's petition with 12 signers in France and 3 in Turkey, delivered once."""
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    petition = Petition.objects.get(slug="liberez-mamat")
    petition.targets.set(
        [address_approved(Target.objects.create(name="Embassy", email="embassy@embassy.test"))]
    )
    SignatureFactory.create_batch(12, petition=petition, confirmed=True, country="FR")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True, country="TR")
    with django_capture_on_commit_callbacks(execute=True):
        runs.deliveries_run(petition=petition)
    return petition


def _names_turkey(text: str) -> bool:
    # The sign form's list of every country to choose from is not a count.
    text = re.sub(r"<select.*?</select>", "", text, flags=re.DOTALL)
    return any(name in text for name in TURKEY_NAMES)


def test_the_letter_and_its_email_count_them_among_other_countries(
    three_turkish_signers, mailoutbox
):
    [message] = mailoutbox
    letter = pdf_text(attachments(message)["letter.pdf"])

    assert "France 12" in letter and "Autres pays 3" in letter
    assert not _names_turkey(letter) and not _names_turkey(message.body)
    assert Delivery.objects.get().counts_by_country == {"FR": 12, OTHER_COUNTRIES: 3}


def test_the_staff_dashboard_and_the_delivery_record_do_not_name_the_country(
    client, three_turkish_signers
):
    logged_in_as(client, PETITION_MANAGERS)
    user = logged_in_as(client, PETITION_MANAGERS, username="manager-2")
    user.user_permissions.add(Permission.objects.get(codename="view_signer_contact"))
    pages = [
        reverse("admin:petitions_petition_dashboard", args=[three_turkish_signers.pk]),
        reverse("admin:deliveries_delivery_change", args=[Delivery.objects.get().pk]),
        reverse("admin:deliveries_delivery_changelist"),
    ]

    for url in pages:
        html = client.get(url).content.decode()
        assert "Autres pays" in html or url.endswith("/delivery/"), url
        assert not _names_turkey(html), url


@pytest.mark.parametrize("language", ["", "/en"])
def test_no_public_page_or_api_names_the_country(client, three_turkish_signers, language):
    slug = three_turkish_signers.slug
    urls = ["/", f"/petition/{slug}/", f"/petition/{slug}/signed/", f"/petition/{slug}/count.json"]

    for url in urls:
        response = client.get(language + url)
        assert response.status_code == 200, url
        assert not _names_turkey(response.content.decode()), url
