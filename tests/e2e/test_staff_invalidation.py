"""A petition manager meets a bot: previews an invalidation, gives a reason, watches it run,
sees the public count fall, then undoes it and the count comes back."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from petitions import counter
from petitions.models import Invalidation, Signature
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, roles_ensure
from tests.staff_fixtures import login_verified, staff_user_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _manager_page(browser, live_server):
    roles_ensure()
    user = staff_user_create("manager")
    user.groups.add(Group.objects.get(name=PETITION_MANAGERS))
    client = Client()
    login_verified(client, user)
    context = browser.new_context(locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_a_manager_previews_invalidates_with_a_reason_watches_progress_and_undoes(
    browser, live_server
):
    petition = PetitionFactory(slug="liberez-mamat", goal=100)
    SignatureFactory.create_batch(4, petition=petition, confirmed=True, email_domain="gmail.com")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True, email_domain="bot.example")
    counter.petition_count_reconcile(petition_id=petition.pk)
    context, page = _manager_page(browser, live_server)

    page.goto(f"{live_server.url}/admin/petitions/petition/{petition.pk}/dashboard/")
    page.get_by_role("link", name="Invalidate by criteria").click()
    assert page.locator("#id_petition").input_value() == str(petition.pk)
    page.locator("#id_email_domain").fill("bot.example")
    page.get_by_role("button", name="Preview").click()

    assert page.locator("#preview-count").inner_text().strip() == "3 signatures match"
    assert page.locator(".invalidation-preview tbody tr").count() == 3
    assert "the public count falls by 3" in page.locator("#preview-public-count").inner_text()
    page.get_by_role("button", name="Invalidate these 3 signatures").click()
    # No reason given: nothing happens but a request for one.
    assert page.get_by_text("Give a reason to invalidate.").count() == 2
    assert not Invalidation.objects.exists()
    page.locator("#id_reason_category").select_option("automated")
    page.locator("#id_reason").fill("Three signatures in one second from a new domain")
    page.get_by_role("button", name="Invalidate these 3 signatures").click()

    page.wait_for_selector("#invalidation-status:has-text('Done')")
    assert "Invalidated: 3 of 3" in page.locator("#invalidation-progress").inner_text()
    assert page.locator("progress").get_attribute("value") == "100"
    public = page.context.new_page()
    public.goto(f"{live_server.url}{petition.get_absolute_url()}count.json")
    assert '"count": 4' in public.content()
    assert set(
        Signature.objects.filter(email_domain="bot.example").values_list("status", "status_reason")
    ) == {("invalidated", "Three signatures in one second from a new domain")}

    page.get_by_role("button", name="Undo: restore every signature it invalidated").click()
    page.wait_for_selector("#invalidation-status:has-text('Undone')")
    assert "Restored: 3" in page.locator("#invalidation-progress").inner_text()
    public.reload()
    assert '"count": 7' in public.content()
    context.close()


def test_a_keyboard_user_keeps_the_cancel_button_while_the_page_follows_the_job(
    browser, live_server
):
    petition = PetitionFactory(slug="liberez-mamat", goal=100)
    last = SignatureFactory.create_batch(3, petition=petition, email_domain="bot.example")[-1]
    context, page = _manager_page(browser, live_server)
    # A job no worker has taken yet: the page asks for news every two seconds.
    invalidation = Invalidation.objects.create(
        petition=petition,
        criteria={"email_domain": "bot.example"},
        reason_category=Invalidation.Reason.AUTOMATED,
        reason="A wrong domain typed in",
        preview_count=3,
        up_to_signature_id=last.pk,
    )
    page.goto(f"{live_server.url}/admin/petitions/invalidation/{invalidation.pk}/change/")
    page.locator("input[name=cancel]").focus()

    Invalidation.objects.filter(pk=invalidation.pk).update(status=Invalidation.Status.RUNNING)

    # A screen reader hears the new status; the focus has stayed through the refreshes.
    expect(page.locator("#job-status-announcer")).to_have_text("Running", timeout=8_000)
    page.wait_for_timeout(2_500)
    assert page.evaluate("document.activeElement.name") == "cancel"
    page.keyboard.press("Enter")

    page.get_by_text("Cancelled: it stops after the current batch.").wait_for()
    invalidation.refresh_from_db()
    assert invalidation.cancel_requested_at is not None
    context.close()
