"""Which addresses may receive a delivery: never a placeholder, only one that staff approved.

Approving an address also starts a schedule that was waiting for one (load_campaign's).

A delivery cannot be taken back, so the first one to a new address waits for two approvals of
that address: two staff members' where two or more hold the delivery permission, or the lone
one's given twice. `delivery_refusal` is asked by the one function that records a batch
(deliveries.batches), so no entry point can skip it.
"""

import enum
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliveries.models import AddressApproval, DeliverySchedule
from petitions.models import Target

SEND_PERMISSION = "deliveries.send_delivery"
APPROVALS_NEEDED = 2
# Domains reserved for examples and tests (RFC 2606, RFC 6761): mail there never arrives.
PLACEHOLDER_TOP_LEVEL_DOMAINS = frozenset({"invalid", "example", "localhost"})
PLACEHOLDER_SECOND_LEVEL_LABELS = frozenset({"example"})


class DeliveryRefused(Exception):
    """A delivery that must not go: the message says why, in the staff member's language."""


class ApprovalState(enum.Enum):
    PLACEHOLDER = "placeholder"
    UNAPPROVED = "unapproved"
    AWAITING_SECOND = "awaiting_second"
    APPROVED = "approved"


@dataclass(frozen=True)
class AddressStatus:
    state: ApprovalState
    approvals: list[AddressApproval]

    @property
    def approved(self) -> bool:
        return self.state is ApprovalState.APPROVED

    @property
    def first_approver(self) -> User | None:
        return self.approvals[0].approved_by if self.approvals else None


def address_is_placeholder(email: str) -> bool:
    """Tell whether an address is one that examples use (`…@x.invalid`, `…@example.org`)."""
    labels = email.rpartition("@")[2].strip().rstrip(".").lower().split(".")
    if not labels or labels == [""]:
        return True
    return labels[-1] in PLACEHOLDER_TOP_LEVEL_DOMAINS or (
        len(labels) >= 2 and labels[-2] in PLACEHOLDER_SECOND_LEVEL_LABELS
    )


def delivery_senders() -> QuerySet[User]:
    """Return the active staff who may deliver (superusers included)."""
    return User.objects.with_perm(SEND_PERMISSION, include_superusers=True).filter(
        is_active=True, is_staff=True
    )


def target_address_status(*, target: Target) -> AddressStatus:
    """Say how far the target's current address is from receiving deliveries."""
    if address_is_placeholder(target.email):
        return AddressStatus(ApprovalState.PLACEHOLDER, [])
    approvals = list(
        AddressApproval.objects.filter(target=target, email=target.email).select_related(
            "approved_by"
        )
    )
    if len(approvals) >= APPROVALS_NEEDED:
        state = ApprovalState.APPROVED
    elif approvals:
        state = ApprovalState.AWAITING_SECOND
    else:
        state = ApprovalState.UNAPPROVED
    return AddressStatus(state, approvals)


def delivery_refusal(*, target: Target) -> str | None:
    """Return why nothing may be delivered to the target now, or None if it may."""
    state = target_address_status(target=target).state
    if state is ApprovalState.PLACEHOLDER:
        return _(
            "%(address)s is a placeholder address, where mail never arrives. Enter the "
            "recipient's real address on the target, then have it approved."
        ) % {"address": target.email}
    if state is ApprovalState.UNAPPROVED:
        return _(
            "The address %(address)s has not been approved yet: approve it before the first "
            "delivery."
        ) % {"address": target.email}
    if state is ApprovalState.AWAITING_SECOND:
        return _("The address %(address)s needs a second approval before the first delivery.") % {
            "address": target.email
        }
    return None


def second_approver_needed(*, actor: User) -> bool:
    """Tell whether someone other than `actor` may deliver, and so must give the 2nd approval."""
    return delivery_senders().exclude(pk=actor.pk).exists()


@transaction.atomic
def target_address_approve(
    *, target: Target, actor: User, address_read: str | None = None
) -> AddressStatus:
    """Record `actor`'s approval of the address they read; return where it stands.

    `address_read` is the address the approver was shown (the preview's button carries it),
    by default that of `target` as passed: changed since, it is not approved unread.
    Raise DeliveryRefused for that, for a placeholder, for an address already approved, and
    for a second approval by the first approver while another staff member could give it.
    """
    if not actor.has_perm(SEND_PERMISSION):
        raise DeliveryRefused(_("Only staff who may deliver can approve an address."))
    address_read = target.email if address_read is None else address_read
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.email != address_read:
        raise DeliveryRefused(
            _(
                "The address changed while you were reading it: it is now %(address)s. "
                "Nothing was approved: check the new address, then approve it."
            )
            % {"address": target.email}
        )
    status = target_address_status(target=target)
    if status.state is ApprovalState.PLACEHOLDER:
        raise DeliveryRefused(delivery_refusal(target=target))
    if status.state is ApprovalState.APPROVED:
        raise DeliveryRefused(_("This address is already approved."))
    if (
        status.state is ApprovalState.AWAITING_SECOND
        and status.first_approver == actor
        and second_approver_needed(actor=actor)
    ):
        raise DeliveryRefused(
            _(
                "You approved this address already: another staff member must give the "
                "second approval."
            )
        )
    AddressApproval.objects.create(target=target, email=target.email, approved_by=actor)
    status = target_address_status(target=target)
    if status.approved:
        # The schedule load_campaign made waited for a real address: it has one now.
        DeliverySchedule.objects.filter(waits_for_address=True, petition__targets=target).update(
            is_active=True, waits_for_address=False
        )
    return status
