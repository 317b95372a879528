"""Who may send an update, and when: a second pair of eyes, and one update a week at most.

An update is written (draft), submitted, approved, then sent. Where two or more active staff
hold the approval permission, the approver must be someone other than the author; a lone
approver confirms their own update as a separate, second step. A petition's signers get at
most one update in UPDATE_WEEKLY_DAYS, unless a superuser lifts the limit for one update, and
only once a confirmed signer has asked for news.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions.news import news_subscribers
from updates.models import SupporterUpdate

APPROVE_PERMISSION = "updates.approve_supporterupdate"
SUBMITTED_AGAIN = gettext_lazy(
    "This update was submitted again since you opened it, perhaps changed. "
    "Nothing was approved: read it again, then approve it."
)
NOT_APPROVED = gettext_lazy("Only an approved update can be sent.")


class UpdateNotAllowed(Exception):
    """The step asked for is not allowed now; the message says why, for staff."""


def approvers_count() -> int:
    """Return how many active staff may approve updates."""
    users = get_user_model().objects.with_perm(APPROVE_PERMISSION, is_active=True)  # type: ignore[attr-defined]
    return users.filter(is_staff=True).count()


def update_submit(*, update: SupporterUpdate) -> None:
    """Ask for the update's approval; only a draft can be submitted."""
    changed = SupporterUpdate.objects.filter(
        pk=update.pk, status=SupporterUpdate.Status.DRAFT
    ).update(status=SupporterUpdate.Status.AWAITING_APPROVAL, submitted_at=timezone.now())
    if not changed:
        raise UpdateNotAllowed(_("Only a draft can be submitted for approval."))
    update.refresh_from_db()


def update_approval_refusal(*, update: SupporterUpdate, approver) -> str:
    """Return why `approver` may not approve `update`, or "" if they may."""
    if not approver.has_perm(APPROVE_PERMISSION):
        return str(_("You may not approve updates."))
    if approvers_count() >= 2 and approver.pk == update.created_by_id:
        return str(_("Another staff member must approve this update: you wrote it."))
    return ""


def update_approve(
    *, update: SupporterUpdate, approver, submission_read: datetime | None = None
) -> None:
    """Approve a submitted update, by a second staff member wherever there is one.

    What is approved is the submission the approver read: `submission_read`, the time it was
    submitted (the change page carries it), by default that of `update` as passed. Taken back
    to draft, edited and submitted again meanwhile, the update is not approved unread.
    """
    refusal = update_approval_refusal(update=update, approver=approver)
    if refusal:
        raise UpdateNotAllowed(refusal)
    changed = SupporterUpdate.objects.filter(
        pk=update.pk,
        status=SupporterUpdate.Status.AWAITING_APPROVAL,
        submitted_at=submission_read or update.submitted_at,
    ).update(
        status=SupporterUpdate.Status.APPROVED, approved_by=approver, approved_at=timezone.now()
    )
    update.refresh_from_db()
    if changed:
        return
    if update.status == SupporterUpdate.Status.AWAITING_APPROVAL:
        raise UpdateNotAllowed(SUBMITTED_AGAIN)
    raise UpdateNotAllowed(_("Only an update awaiting approval can be approved."))


def update_back_to_draft(*, update: SupporterUpdate) -> None:
    """Take a submitted or approved update back to a draft: an edit needs a new approval."""
    SupporterUpdate.objects.filter(
        pk=update.pk,
        status__in=[SupporterUpdate.Status.AWAITING_APPROVAL, SupporterUpdate.Status.APPROVED],
    ).update(status=SupporterUpdate.Status.DRAFT, approved_by=None, approved_at=None)
    update.refresh_from_db()


def weekly_limit_lift(*, update: SupporterUpdate, superuser) -> None:
    if not superuser.is_superuser:
        raise UpdateNotAllowed(_("Only an administrator can lift the weekly limit."))
    SupporterUpdate.objects.filter(pk=update.pk).update(weekly_limit_lifted_by=superuser)
    update.refresh_from_db()


def update_sent_recently(*, update: SupporterUpdate) -> SupporterUpdate | None:
    """Return another update of the same petition started within the weekly limit, if any."""
    since = timezone.now() - timedelta(days=settings.UPDATE_WEEKLY_DAYS)
    return (
        SupporterUpdate.objects.filter(petition_id=update.petition_id, started_at__gte=since)
        .exclude(pk=update.pk)
        .order_by("-started_at")
        .first()
    )


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def update_already_sent_refusal(*, update: SupporterUpdate) -> str:
    """Return what staff pressing "Send" again are told: sent, or being sent, and since when.

    Their page may have been opened before a colleague sent it, or the button pressed twice:
    "only an approved update can be sent" would tell them the update was never approved.
    """
    if update.status == SupporterUpdate.Status.SENDING:
        return _(
            "This update is already being sent: sending started on %(when)s. "
            "Its progress shows on this page."
        ) % {"when": _when(update.started_at)}
    if update.status == SupporterUpdate.Status.SENT:
        return _("This update was already sent: its sending ended on %(when)s.") % {
            "when": _when(update.finished_at or update.started_at)
        }
    return ""


def update_sending_check(*, update: SupporterUpdate) -> None:
    """Raise UpdateNotAllowed unless the update may start sending now."""
    if already_sent := update_already_sent_refusal(update=update):
        raise UpdateNotAllowed(already_sent)
    if update.status != SupporterUpdate.Status.APPROVED:
        raise UpdateNotAllowed(NOT_APPROVED)
    # The admin's form checks the texts as staff save them; an update saved before a check
    # existed, or written by other code, is checked again before it reaches anyone.
    try:
        update.clean()
    except ValidationError as error:
        raise UpdateNotAllowed(" ".join(error.messages)) from error
    recent = update_sent_recently(update=update)
    if recent is not None and update.weekly_limit_lifted_by_id is None:
        raise UpdateNotAllowed(
            _(
                "This petition's signers already got an update on %(date)s: one a week at most, "
                "unless an administrator lifts the limit."
            )
            % {"date": date_format(timezone.localtime(recent.started_at), "SHORT_DATE_FORMAT")}
        )
    # Sent to no one, it would still start the week's limit and hold back the first real one.
    if not news_subscribers(petition=update.petition).exists():
        raise UpdateNotAllowed(
            _(
                "No confirmed signer has asked for news yet: this update would reach no one. "
                "It stays approved until some have."
            )
        )


@transaction.atomic
def update_sending_claim(*, update: SupporterUpdate) -> None:
    """Move an approved update to sending, once (a second click changes nothing)."""
    update_sending_check(update=update)
    changed = SupporterUpdate.objects.filter(
        pk=update.pk, status=SupporterUpdate.Status.APPROVED
    ).update(status=SupporterUpdate.Status.SENDING, started_at=timezone.now())
    update.refresh_from_db()
    if not changed:
        # Another request started it (or took it back to draft) since this one read it.
        raise UpdateNotAllowed(update_already_sent_refusal(update=update) or NOT_APPROVED)
