"""Campaign staff deliver the petition: a preview, a confirmation, and addresses approved first."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from deliveries.models import Delivery
from petitions.models import Target
from tests.deliveries.factories import (
    DeliveryScheduleFactory,
    address_approved,
    confirmed_signatures_create,
)
from tests.e2e.staff_pages import staff_browser_page
from tests.factories import PetitionFactory, TargetFactory
from tests.staff_fixtures import staff_user_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _delivery_files_in_tmp(settings, tmp_path):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"


def _sender_page(browser, live_server, username: str, **fields):
    """A browser page of a staff member who may deliver, past the second factor."""
    user = staff_user_create(username, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="deliveries",
            codename__in=["send_delivery", "view_deliveryschedule", "view_delivery"],
        )
    )
    return staff_browser_page(browser, live_server, user)


def _deliver_now(page, live_server, schedule) -> None:
    page.goto(f"{live_server.url}/admin/deliveries/deliveryschedule/")
    page.locator(f'input[name=_selected_action][value="{schedule.pk}"]').check()
    page.select_option("select[name=action]", "deliver_now")
    page.locator("button[name=index]").click()
    page.wait_for_url(f"**/deliveryschedule/{schedule.pk}/deliver/")


def test_staff_see_the_preview_and_one_email_leaves_only_once_they_confirm(browser, live_server):
    embassy = address_approved(
        TargetFactory(name="Ambassador", email="ambassador@embassy.test", language="en")
    )
    petition = PetitionFactory(slug="liberez-mamat", targets=[embassy])
    schedule = DeliveryScheduleFactory(petition=petition, every_days=30)
    confirmed_signatures_create(petition, 7)
    context, page = _sender_page(browser, live_server, "clerk")

    _deliver_now(page, live_server, schedule)

    preview = page.locator(f'[data-target="{embassy.pk}"]')
    assert preview.locator(".delivery-preview__address").inner_text() == "ambassador@embassy.test"
    assert preview.locator(".delivery-preview__count").inner_text() == "7"
    assert preview.locator(".delivery-preview__csv-rows").inner_text() == "3 rows"
    href = preview.locator(".delivery-preview__letter").get_attribute("href")
    letter = page.request.get(live_server.url + href)
    assert letter.headers["content-type"] == "application/pdf"
    assert mail.outbox == []
    assert not Delivery.objects.exists()

    page.get_by_role("button", name="Confirm and deliver").click()  # not ticked: refused
    assert mail.outbox == []
    page.get_by_label("I have checked the recipient, the letter and the counts.").check()
    page.get_by_role("button", name="Confirm and deliver").click()

    page.locator(".delivery-progress__done").wait_for()
    assert page.locator(".delivery-progress__item").get_attribute("data-status") == "sent"
    assert [message.to for message in mail.outbox] == [["ambassador@embassy.test"]]
    context.close()


def test_a_delivery_to_a_placeholder_address_is_refused_with_a_clear_message(
    browser, live_server, mamat_campaign
):
    petition = mamat_campaign.petitions.get()
    schedule = petition.delivery_schedule  # load_campaign's, waiting for a real address
    confirmed_signatures_create(petition, 3)
    context, page = _sender_page(browser, live_server, "clerk")

    _deliver_now(page, live_server, schedule)

    refusal = page.locator(".delivery-preview__refusal").inner_text()
    assert "delivery-target@example.invalid is a placeholder address" in refusal
    assert page.locator(".delivery-preview__confirm").count() == 0
    assert page.locator(".delivery-preview__approve").count() == 0
    assert mail.outbox == []
    context.close()


def test_a_second_staff_member_approves_a_new_address(browser, live_server):
    embassy = TargetFactory(name="Ambassador", email="new@embassy.test", language="en")
    petition = PetitionFactory(slug="liberez-mamat", targets=[embassy])
    schedule = DeliveryScheduleFactory(petition=petition, every_days=30)
    confirmed_signatures_create(petition, 2)
    first_context, first = _sender_page(browser, live_server, "first")
    second_context, second = _sender_page(browser, live_server, "second")

    _deliver_now(first, live_server, schedule)
    assert "has not been approved yet" in first.locator(".delivery-preview__refusal").inner_text()
    first.get_by_role("button", name="I have checked this address: approve it").click()
    assert "a second one is needed" in first.locator(".messagelist .success").inner_text()
    assert first.locator(".delivery-preview__approve").count() == 0  # not twice by the same
    assert first.locator(".delivery-preview__confirm").count() == 0

    _deliver_now(second, live_server, schedule)
    second.get_by_role("button", name="Give the second approval of this address").click()

    assert "is approved" in second.locator(".messagelist .success").inner_text()
    assert second.locator(".delivery-preview__refusal").count() == 0
    assert second.locator(".delivery-preview__confirm").count() == 1
    assert Target.objects.get(pk=embassy.pk).address_approvals.count() == 2
    first_context.close()
    second_context.close()
