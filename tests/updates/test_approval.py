"""An update needs a second pair of eyes, and a petition's signers get one a week at most."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from tests.updates.conftest import approver_create, news_signer
from updates import approval, sending
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def test_with_two_approvers_the_author_cannot_approve_their_own_update(update, writer):
    other = approver_create("dilnur")
    approval.update_submit(update=update)

    with pytest.raises(approval.UpdateNotAllowed, match="Un autre membre"):
        approval.update_approve(update=update, approver=writer)
    approval.update_approve(update=update, approver=other)

    assert update.status == SupporterUpdate.Status.APPROVED
    assert update.approved_by == other


def test_a_lone_approver_confirms_their_own_update_as_a_second_step(update, writer):
    with pytest.raises(approval.UpdateNotAllowed):
        approval.update_approve(update=update, approver=writer)  # not submitted yet

    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)

    assert update.status == SupporterUpdate.Status.APPROVED


def test_an_update_that_was_not_approved_cannot_be_sent(update, writer):
    approval.update_submit(update=update)

    with pytest.raises(approval.UpdateNotAllowed, match="approuvée"):
        sending.update_send_start(update=update, actor=writer)
    assert not update.recipients.exists()


def test_one_update_a_week_unless_an_administrator_lifts_the_limit(update, writer, petition):
    SupporterUpdate.objects.create(
        petition=petition,
        subject_fr="La semaine dernière",
        body_fr="<p>…</p>",
        status=SupporterUpdate.Status.SENT,
        started_at=timezone.now() - timedelta(days=3),
    )
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)

    with pytest.raises(approval.UpdateNotAllowed, match="une par semaine"):
        approval.update_sending_check(update=update)
    with pytest.raises(approval.UpdateNotAllowed, match="administrateur"):
        approval.weekly_limit_lift(update=update, superuser=writer)
    admin = approver_create("root", is_superuser=True)
    approval.weekly_limit_lift(update=update, superuser=admin)
    news_signer(petition, "aynur@example.org")

    approval.update_sending_check(update=update)  # now allowed


def test_an_update_that_would_reach_no_one_is_not_sent_and_stays_approved(update, writer, petition):
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)

    with pytest.raises(approval.UpdateNotAllowed, match="n’atteindrait personne"):
        sending.update_send_start(update=update, actor=writer)

    update.refresh_from_db()
    # Not started, so the week's limit still waits for the first update that reaches someone.
    assert update.status == SupporterUpdate.Status.APPROVED and update.started_at is None
    news_signer(petition, "aynur@example.org")
    approval.update_sending_check(update=update)  # now allowed


def test_an_approved_update_whose_text_has_no_words_is_not_sent(update, writer, petition):
    """Saved before the admin's form checked its text (or by other code): checked again."""
    news_signer(petition, "aynur@example.org")
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    SupporterUpdate.objects.filter(pk=update.pk).update(body_fr="<p></p>")
    update.refresh_from_db()

    with pytest.raises(approval.UpdateNotAllowed, match="un e-mail vide"):
        sending.update_send_start(update=update, actor=writer)

    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.APPROVED and update.started_at is None
    assert not update.recipients.exists()


def test_pressing_send_again_while_it_goes_out_says_it_is_being_sent_and_since_when(
    update, writer, petition
):
    news_signer(petition, "aynur@example.org")
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)  # its sender has not finished
    SupporterUpdate.objects.filter(pk=update.pk).update(
        started_at=datetime(2026, 5, 12, 12, 30, tzinfo=UTC)
    )
    update.refresh_from_db()

    with pytest.raises(approval.UpdateNotAllowed) as refusal:
        sending.update_send_start(update=update, actor=writer)

    told = str(refusal.value)
    assert "déjà en cours d’envoi" in told and "12 mai 2026 14:30" in told  # Paris time
    assert "approuvée" not in told  # it was approved: nothing says it was not


def test_pressing_send_on_a_page_opened_before_a_colleague_sent_it_says_when_it_went(
    update, writer, petition
):
    news_signer(petition, "aynur@example.org")
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    update_as_the_page_shows_it = SupporterUpdate.objects.get(pk=update.pk)
    sending.update_send_start(update=update, actor=writer)
    SupporterUpdate.objects.filter(pk=update.pk).update(
        status=SupporterUpdate.Status.SENT,
        finished_at=datetime(2026, 5, 12, 12, 45, tzinfo=UTC),
    )

    with pytest.raises(approval.UpdateNotAllowed) as refusal:
        sending.update_send_start(update=update_as_the_page_shows_it, actor=writer)

    told = str(refusal.value)
    assert "a déjà été envoyée" in told and "12 mai 2026 14:45" in told
    assert "approuvée" not in told
