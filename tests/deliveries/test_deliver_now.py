"""Staff deliver now: a preview first, nothing sent until they confirm, addresses approved."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Campaign
from deliveries import addresses
from deliveries.models import AddressApproval, Delivery
from petitions.models import Signature, Target
from tests.deliveries.factories import (
    DeliveryScheduleFactory,
    confirmed_signatures_create,
    sender,
)
from tests.deliveries.helpers import pdf_text
from tests.staff_fixtures import login_verified, staff_user_create

EN = {"accept-language": "en"}


@pytest.fixture
def schedule(petition):
    return DeliveryScheduleFactory(petition=petition, every_days=30)


def preview_url(schedule):
    return reverse("admin:deliveries_deliveryschedule_deliver", args=[schedule.pk])


def preview_confirm(client, schedule, form):
    """Tick "I have checked" under the preview whose form is `form`, and confirm."""
    return client.post(
        preview_url(schedule),
        {
            "confirmed_up_to": form.initial["confirmed_up_to"].isoformat(),
            "targets": form.initial["targets"],
            "checked": "on",
        },
    )


def test_deliver_now_shows_a_preview_and_sends_nothing(
    verified_staff_client, schedule, embassy, mailoutbox
):
    confirmed_signatures_create(schedule.petition, 6)

    response = verified_staff_client.post(
        reverse("admin:deliveries_deliveryschedule_changelist"),
        {"action": "deliver_now", "_selected_action": [schedule.pk]},
        follow=True,
        headers=EN,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == preview_url(schedule)
    assert "embassy@embassy.test" in page
    assert '<td class="delivery-preview__count">6</td>' in page
    assert "2 rows" in page
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_confirming_the_preview_delivers_what_it_showed_and_no_more(
    verified_staff_client, schedule, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(schedule.petition, 4)
    preview = verified_staff_client.get(preview_url(schedule))
    form = preview.context["confirm_form"]
    confirmed_signatures_create(schedule.petition, 3)  # confirmed after the preview

    with django_capture_on_commit_callbacks(execute=True):
        response = preview_confirm(verified_staff_client, schedule, form)

    assert (
        reverse("admin:deliveries_deliveryschedule_progress", args=[schedule.pk])
        in (response["Location"])
    )
    assert sorted(Delivery.objects.sent().values_list("total_count", flat=True)) == [4, 4]
    assert len(mailoutbox) == 2
    progress = verified_staff_client.get(response["Location"], headers=EN)
    assert "Done: every delivery above is finished." in progress.content.decode()


def test_the_finished_progress_page_reads_in_french_typography(
    verified_staff_client, schedule, embassy, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(schedule.petition, 4)
    form = verified_staff_client.get(preview_url(schedule)).context["confirm_form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = preview_confirm(verified_staff_client, schedule, form)

    progress = verified_staff_client.get(response["Location"], headers={"accept-language": "fr"})

    item = progress.content.decode().split('class="delivery-progress__item"')[1]
    assert "</a>\u00a0: 4 signatures — Envoyée" in item
    assert progress.context["title"].startswith("Remettre maintenant")


def test_the_preview_warns_when_the_letter_could_name_no_address_to_reply_to(
    verified_staff_client, schedule, embassy
):
    confirmed_signatures_create(schedule.petition, 2)
    campaign = schedule.petition.campaign

    page = verified_staff_client.get(preview_url(schedule), headers=EN).content.decode()

    assert "delivery-preview__no-reply-address" in page
    assert reverse("admin:campaign_campaign_change", args=[campaign.pk]) in page
    Campaign.objects.update(contact_email="contact@liberez-mamat.test")
    page = verified_staff_client.get(preview_url(schedule), headers=EN).content.decode()
    assert "delivery-preview__no-reply-address" not in page


def test_with_nothing_new_the_preview_says_why_nothing_can_go(
    verified_staff_client, schedule, embassy
):
    page = verified_staff_client.get(preview_url(schedule), headers=EN).content.decode()

    assert "no new confirmed signature waits for any recipient" in page
    assert 'class="delivery-preview__confirm"' not in page


def test_confirming_without_ticking_the_check_sends_nothing(
    verified_staff_client, schedule, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(schedule.petition, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = verified_staff_client.post(
            preview_url(schedule),
            {"confirmed_up_to": timezone.now().isoformat(), "targets": [1]},
        )

    assert response.status_code == 200
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_the_letter_preview_is_the_letter_that_would_go(verified_staff_client, schedule, embassy):
    confirmed_signatures_create(schedule.petition, 5)

    response = verified_staff_client.get(
        reverse("admin:deliveries_deliveryschedule_letter_preview", args=[schedule.pk, embassy.pk])
    )

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "5 nouvelles signatures" in text
    assert not Delivery.objects.exists()


def test_a_placeholder_address_is_refused_with_a_clear_message(
    verified_staff_client, schedule, embassy, ministry, mailoutbox
):
    Target.objects.filter(pk=embassy.pk).update(email="ambassade@example.invalid")
    confirmed_signatures_create(schedule.petition, 2)

    page = verified_staff_client.get(preview_url(schedule), headers=EN).content.decode()

    assert "ambassade@example.invalid is a placeholder address, where mail never arrives" in page
    assert verified_staff_client.get(preview_url(schedule)).context["deliverable"] == [ministry.pk]


@pytest.mark.parametrize(
    "email",
    ["x@example.invalid", "x@example.org", "x@example.fr", "x@mail.example", "x@localhost"],
)
def test_addresses_made_for_examples_are_placeholders(email):
    assert addresses.address_is_placeholder(email)


def test_a_real_looking_address_is_no_placeholder():
    assert not addresses.address_is_placeholder("contact@ambassade-chine.fr")


def test_a_new_address_needs_a_second_staff_members_approval(client, schedule, embassy):
    Target.objects.filter(pk=embassy.pk).update(email="new@embassy.test")
    first, second = sender("first"), sender("second")
    login_verified(client, first)

    client.post(
        preview_url(schedule),
        {"step": "approve", "target": embassy.pk, "address": "new@embassy.test"},
    )
    client.post(
        preview_url(schedule),
        {"step": "approve", "target": embassy.pk, "address": "new@embassy.test"},
    )

    assert AddressApproval.objects.filter(email="new@embassy.test").count() == 1
    embassy.refresh_from_db()
    assert addresses.delivery_refusal(target=embassy)

    login_verified(client, second)
    client.post(
        preview_url(schedule),
        {"step": "approve", "target": embassy.pk, "address": "new@embassy.test"},
    )

    assert addresses.delivery_refusal(target=embassy) is None


def test_a_lone_administrator_approves_a_new_address_twice(verified_staff_client, embassy):
    Target.objects.filter(pk=embassy.pk).update(email="new@embassy.test")
    embassy.refresh_from_db()
    admin = staff_user_create("lone", is_superuser=True)

    addresses.target_address_approve(target=embassy, actor=admin)
    assert addresses.delivery_refusal(target=embassy)
    # verified_staff_client's superuser also exists: with a colleague, twice is refused.
    with pytest.raises(addresses.DeliveryRefused):
        addresses.target_address_approve(target=embassy, actor=admin)

    type(admin).objects.exclude(pk=admin.pk).update(is_active=False)
    addresses.target_address_approve(target=embassy, actor=admin)
    assert addresses.delivery_refusal(target=embassy) is None


def test_only_staff_who_may_deliver_approve_an_address(embassy):
    Target.objects.filter(pk=embassy.pk).update(email="new@embassy.test")
    embassy.refresh_from_db()

    with pytest.raises(addresses.DeliveryRefused):
        addresses.target_address_approve(target=embassy, actor=staff_user_create("volunteer"))
    assert not AddressApproval.objects.filter(email="new@embassy.test").exists()


def test_changing_an_approved_address_needs_new_approvals(embassy):
    assert addresses.delivery_refusal(target=embassy) is None

    Target.objects.filter(pk=embassy.pk).update(email="other@embassy.test")
    embassy.refresh_from_db()

    with translation.override("en"):
        assert "has not been approved yet" in addresses.delivery_refusal(target=embassy)


def test_an_address_changed_while_the_approver_read_it_is_not_approved_unread(
    client, schedule, embassy
):
    """A sender reads the new address in the preview; meanwhile a colleague corrects it in
    the target's form. The sender's button approves nothing they have not read."""
    Target.objects.filter(pk=embassy.pk).update(email="new@embassy.test")
    login_verified(client, sender("first"))
    page = client.get(preview_url(schedule), headers=EN)
    form = re.search(
        r'<input type="hidden" name="step" value="approve">.*?</form>',
        page.content.decode(),
        flags=re.DOTALL,
    ).group(0)
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert data["address"] == "new@embassy.test"

    Target.objects.filter(pk=embassy.pk).update(email="consulat@embassy.test")
    refused = client.post(preview_url(schedule), data, headers=EN, follow=True)

    assert not AddressApproval.objects.filter(
        email__in=["new@embassy.test", "consulat@embassy.test"]
    )
    assert "Nothing was approved" in refused.content.decode()
    assert "consulat@embassy.test" in refused.content.decode()


def test_a_lone_administrator_confirms_a_new_address_twice_in_the_preview(
    verified_staff_client, schedule, embassy
):
    Target.objects.filter(pk=embassy.pk).update(email="new@embassy.test")
    embassy.refresh_from_db()

    verified_staff_client.post(
        preview_url(schedule),
        {"step": "approve", "target": embassy.pk, "address": "new@embassy.test"},
    )
    second = verified_staff_client.get(preview_url(schedule), headers=EN).content.decode()
    assert "Give the second approval of this address" in second  # nobody else may deliver
    verified_staff_client.post(
        preview_url(schedule),
        {"step": "approve", "target": embassy.pk, "address": "new@embassy.test"},
    )

    assert addresses.delivery_refusal(target=embassy) is None


def test_the_preview_counts_only_the_names_the_delivery_will_say(
    verified_staff_client, schedule, embassy, django_capture_on_commit_callbacks
):
    # Six signers asked to be named; staff hid one name, and one does not look like a name.
    signatures = confirmed_signatures_create(schedule.petition, 18)
    Signature.objects.filter(pk=signatures[0].pk).update(name_review=Signature.NameReview.HIDDEN)
    Signature.objects.filter(pk=signatures[3].pk).update(name_review=Signature.NameReview.UNLISTED)
    preview = verified_staff_client.get(preview_url(schedule), headers=EN)

    assert "4 rows" in preview.content.decode()
    letter = verified_staff_client.get(
        reverse("admin:deliveries_deliveryschedule_letter_preview", args=[schedule.pk, embassy.pk])
    )
    assert "4 de ces signataires ont demandé à être nommés" in pdf_text(letter.content)
    with django_capture_on_commit_callbacks(execute=True):
        preview_confirm(verified_staff_client, schedule, preview.context["confirm_form"])
    assert Delivery.objects.get(target=embassy).named_count == 4
