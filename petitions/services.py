"""Writes to petitions and signatures: views, admin, tasks and commands all come through here."""

import contextlib
import hashlib
import hmac
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Campaign
from petitions import content, rate_limits, selectors
from petitions.email_connection import email_send
from petitions.models import Petition, Signature, Target
from petitions.selectors import (
    cache_errors,
    petition_count_cache_key,
    signers_recent_cache_key,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "petitions.signature.confirm"
WITHDRAW_SALT = "petitions.signature.withdraw"
# An ESP or SMTP server that is down or refuses for now: retry later. Anything else (a
# refused recipient, a template bug) would fail the same way again.
EMAIL_TRANSIENT_ERRORS = (AnymailAPIError, smtplib.SMTPException, OSError)
EMAIL_PERMANENT_ERRORS = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
    smtplib.SMTPRecipientsRefused,
)
# Publish to the broker once more on a fresh connection (Redis restarted), then give up at once:
# the signature is saved and the sweep sends its email.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
EMAIL_DEAD_STATUSES = [
    Signature.EmailStatus.BOUNCED,
    Signature.EmailStatus.REJECTED,
    Signature.EmailStatus.FAILED,
    Signature.EmailStatus.COMPLAINED,
]
# Plus addressing and dots are the same mailbox at these providers: one signature per person.
EMAIL_DOMAINS_IGNORING_DOTS = {"gmail.com", "googlemail.com"}
EMAIL_DOMAINS_WITH_PLUS_TAGS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "fastmail.com",
}


class SignatureLinkInvalid(Exception):
    """The link was altered, or its signature no longer exists."""


class SignatureLinkExpired(SignatureLinkInvalid):
    """The confirmation link is older than SIGNATURE_CONFIRMATION_MAX_AGE."""


class PetitionNotOpen(Exception):
    """The petition does not take signatures (draft, closed, not yet open)."""


@dataclass(frozen=True)
class SignatureCreateResult:
    signature: Signature | None
    created: bool


@dataclass(frozen=True)
class PetitionLoadReport:
    petition_created: bool
    targets_created: int


def email_normalize(email: str) -> str:
    """Return the form of an address that identifies a mailbox, whatever its letter case."""
    local, _, domain = email.strip().rpartition("@")
    local, domain = local.lower(), domain.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in EMAIL_DOMAINS_WITH_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in EMAIL_DOMAINS_IGNORING_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def client_ip_hash(*, ip: str) -> str:
    """Return a keyed fingerprint of an IP address, from which the address cannot be recovered."""
    if not ip:
        return ""
    key = settings.SIGNATURE_IP_HMAC_KEY or f"petitions.ip-hash:{settings.SECRET_KEY}"
    return hmac.new(key.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _over_rate_limit(*, petition: Petition, ip_hash: str, email_domain: str) -> bool:
    """Count this signature against its limits; return whether one of them is now exceeded."""
    limits = {}
    if ip_hash and settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH > 0:
        limits[f"petitions:rate:ip:{petition.pk}:{ip_hash}"] = (
            settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH
        )
    if (
        email_domain not in settings.SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS
        and settings.SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN > 0
    ):
        limits[f"petitions:rate:domain:{petition.pk}:{email_domain}"] = (
            settings.SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN
        )
    if not limits:
        return False
    try:
        counts = rate_limits.hits_count(
            list(limits), window_seconds=settings.SIGNATURE_RATE_LIMIT_WINDOW
        )
    except cache_errors():
        # Redis is down: take the signature unflagged rather than lose or refuse it.
        logger.warning("Rate limits skipped: the cache is unreachable.", exc_info=True)
        return False
    return any(count > limit for count, limit in zip(counts, limits.values(), strict=True))


def _savepoint_if_in_transaction() -> contextlib.AbstractContextManager:
    """Guard one INSERT that may break a unique constraint.

    Alone, the INSERT commits by itself: one round trip to the database, the cheapest a
    signature can be. Inside a caller's transaction, a savepoint keeps a refused INSERT from
    aborting the caller's work.
    """
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()


def signature_create(
    *,
    petition: Petition,
    first_name: str,
    last_name: str,
    email: str,
    country: str,
    language: str,
    ip_hash: str = "",
    postcode: str = "",
    comment: str = "",
    referral_code: str = "",
    newsletter_opt_in: bool = False,
    show_first_name: bool = False,
    name_in_delivery: bool = False,
) -> SignatureCreateResult:
    """Record a signature awaiting confirmation and queue its confirmation email.

    A second signature with the same address creates nothing: a pending one is sent its email
    again (up to SIGNATURE_CONFIRMATION_SEND_CAP), and the caller shows the same page either way.
    Over a rate limit, the signature is kept but flagged for review instead of counted.
    """
    if not petition.is_open_for_signing():
        raise PetitionNotOpen
    email_normalized = email_normalize(email)
    # No look-up first: the unique constraint tells a repeat, and saves a query per signature.
    over_limit = _over_rate_limit(
        petition=petition, ip_hash=ip_hash, email_domain=email_normalized.rpartition("@")[2]
    )
    now = timezone.now()
    values = {
        "petition": petition,
        "first_name": first_name,
        "last_name": last_name,
        "email": email.strip(),
        "email_normalized": email_normalized,
        "country": country,
        "postcode": postcode if petition.asks_postcode else "",
        "comment": comment if petition.allows_comment else "",
        "language": language,
        "status": Signature.Status.FLAGGED if over_limit else Signature.Status.PENDING,
        "created_at": now,
        "ip_hash": ip_hash,
        "referral_code": referral_code,
        "privacy_notice_version": settings.SIGNATURE_PRIVACY_NOTICE_VERSION,
        "consented_at": now,
        "newsletter_opt_in": newsletter_opt_in,
        "show_first_name": show_first_name,
        "name_in_delivery": name_in_delivery,
    }
    for _attempt in range(3):
        try:
            with _savepoint_if_in_transaction():
                signature = Signature.objects.create(share_code=secrets.token_urlsafe(6), **values)
            confirmation_email_queue(signature_id=signature.pk)
            return SignatureCreateResult(signature=signature, created=True)
        except IntegrityError:
            # This mailbox has signed already (or at this very moment): a repeat.
            existing = petition.signatures.filter(email_normalized=email_normalized).first()
            if existing is not None:
                confirmation_email_resend(signature=existing)
                return SignatureCreateResult(signature=existing, created=False)
            # Otherwise two share codes collided: draw again.
    raise RuntimeError("Could not draw a unique share code.")


def confirmation_email_queue(*, signature_id: int) -> None:
    """Send the confirmation email once the transaction commits, by a worker if there is one.

    If the broker cannot be reached the signature is already saved: log it and let the sweep
    (`confirmations_owed_send`) send what is owed once the broker is back.
    """
    from petitions.tasks import confirmation_email_send_task

    def publish() -> None:
        try:
            confirmation_email_send_task.apply_async(
                args=[signature_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY
            )
        except Exception:
            logger.warning(
                "Confirmation email for signature %s not queued; the sweep will send it.",
                signature_id,
                exc_info=True,
            )

    transaction.on_commit(publish)


def confirmation_email_resend(*, signature: Signature) -> bool:
    """Owe a pending signer their confirmation email again, unless the cap is reached."""
    owed_again = (
        Signature.objects.awaiting_confirmation()
        .filter(
            pk=signature.pk,
            confirmation_sent_at__isnull=False,
            confirmation_send_count__lt=settings.SIGNATURE_CONFIRMATION_SEND_CAP,
        )
        .exclude(email_status__in=EMAIL_DEAD_STATUSES)
        .update(confirmation_sent_at=None)
    )
    if owed_again:
        confirmation_email_queue(signature_id=signature.pk)
    return bool(owed_again)


def confirmation_token_make(*, signature: Signature) -> str:
    return signing.dumps(str(signature.public_id), salt=CONFIRM_SALT)


def withdrawal_token_make(*, signature: Signature) -> str:
    return signing.dumps(str(signature.public_id), salt=WITHDRAW_SALT)


def _absolute_url(*, language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _confirmation_message(*, signature: Signature) -> EmailMultiAlternatives:
    language = signature.language
    context = {
        "signature": signature,
        "petition": signature.petition,
        "confirm_url": _absolute_url(
            language=language,
            name="petitions:confirm",
            token=confirmation_token_make(signature=signature),
        ),
        "withdraw_url": _absolute_url(
            language=language,
            name="petitions:withdraw",
            token=withdrawal_token_make(signature=signature),
        ),
        "expiry_days": max(settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400, 1),
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = render_to_string("petitions/email/confirmation_subject.txt", context)
        text = render_to_string("petitions/email/confirmation.txt", context)
        html = render_to_string("petitions/email/confirmation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[signature.email],
        headers={
            "Message-ID": make_msgid(
                domain=parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
            ),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmations_claimable(*, now: datetime) -> QuerySet[Signature]:
    """Confirmation emails owed that no sender holds now and whose address still takes mail."""
    return (
        Signature.objects.confirmation_owed()
        .filter(Q(confirmation_claimed_until__isnull=True) | Q(confirmation_claimed_until__lt=now))
        .exclude(email_status__in=EMAIL_DEAD_STATUSES)
    )


# confirmations_claimable() for one signature, claimed and read in one statement: the worker's
# busiest query, in SQL so that it is one round trip with nothing to compile
# (tests/petitions/test_services.py holds it to the queryset).
CONFIRMATION_CLAIM_SQL = """
    UPDATE petitions_signature SET confirmation_claimed_until = %(claimed_until)s
    WHERE id = %(signature_id)s
        AND status IN (%(pending)s, %(flagged)s) AND confirmed_at IS NULL
        AND confirmation_sent_at IS NULL
        AND (confirmation_claimed_until IS NULL OR confirmation_claimed_until < %(now)s)
        AND email_status NOT IN (%(bounced)s, %(rejected)s, %(failed)s, %(complained)s)
    RETURNING *
"""
CONFIRMATION_CLAIM_PARAMS = {
    "pending": Signature.Status.PENDING.value,
    "flagged": Signature.Status.FLAGGED.value,
    **{status.value: status.value for status in EMAIL_DEAD_STATUSES},
}
# Recorded once the ESP accepted the message: never sent again. In SQL for the same reason
# (a third of the ORM's cost for this UPDATE went to compiling it).
CONFIRMATION_SENT_SQL = """
    UPDATE petitions_signature
    SET confirmation_sent_at = %(sent_at)s, confirmation_claimed_until = NULL,
        confirmation_send_count = confirmation_send_count + 1,
        email_message_id = %(message_id)s, email_status = %(sent)s
    WHERE id = %(signature_id)s
"""


def _confirmation_claim(*, signature_id: int) -> Signature | None:
    """Claim a signature's confirmation email for this sender; return it, or None if not owed.

    A claim lasts SIGNATURE_CONFIRMATION_CLAIM_SECONDS: a sender that died holding it leaves
    the email to the next one.
    """
    now = timezone.now()
    claimed = Signature.objects.raw(
        CONFIRMATION_CLAIM_SQL,
        {
            **CONFIRMATION_CLAIM_PARAMS,
            "claimed_until": now + timedelta(seconds=settings.SIGNATURE_CONFIRMATION_CLAIM_SECONDS),
            "signature_id": signature_id,
            "now": now,
        },
    )
    signature = next(iter(claimed), None)
    if signature is not None:
        # The petition from this worker's memory, as when signing: no join per email.
        signature.petition = selectors.petition_by_id(petition_id=signature.petition_id)
    return signature


def confirmation_email_send(*, signature_id: int) -> bool:
    """Send a signature's confirmation email if it is still owed; return whether this call did.

    Safe to run twice or at once on two workers: a claim (a conditional UPDATE) lets one sender
    through, and once the ESP has accepted the message `confirmation_sent_at` is set and nothing
    sends it again. Transient ESP errors are raised for the task to retry.
    """
    signature = _confirmation_claim(signature_id=signature_id)
    if signature is None:
        return False
    message = _confirmation_message(signature=signature)
    claim = Signature.objects.filter(pk=signature_id)
    try:
        email_send(message)
    except EMAIL_PERMANENT_ERRORS:
        logger.warning("Confirmation email for signature %s refused.", signature_id)
        claim.update(confirmation_claimed_until=None, email_status=Signature.EmailStatus.REJECTED)
        return False
    except BaseException:
        claim.update(confirmation_claimed_until=None)
        raise
    # An anymail ESP gives its own id (its webhooks quote it); SMTP keeps our Message-ID.
    esp_message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    message_id = message.extra_headers["Message-ID"] if esp_message_id is None else esp_message_id
    with connection.cursor() as cursor:
        cursor.execute(
            CONFIRMATION_SENT_SQL,
            {
                "sent_at": timezone.now(),
                "message_id": str(message_id)[:200],
                "sent": Signature.EmailStatus.SENT.value,
                "signature_id": signature_id,
            },
        )
    return True


def confirmations_owed_queue(*, limit: int = 500) -> int:
    """Queue every confirmation email still owed a while after signing; return how many."""
    now = timezone.now()
    owed = (
        confirmations_claimable(now=now)
        .filter(
            created_at__lt=now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_SWEEP_AFTER),
            created_at__gt=now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    from petitions.tasks import confirmation_email_send_task

    queued = 0
    for signature_id in owed:
        confirmation_email_send_task.apply_async(
            args=[signature_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
        queued += 1
    return queued


def _signature_by_token(*, token: str, salt: str, max_age: int | None) -> Signature:
    try:
        public_id = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise SignatureLinkExpired from error
    except signing.BadSignature as error:
        raise SignatureLinkInvalid from error
    signature = Signature.objects.select_related("petition").filter(public_id=public_id).first()
    if signature is None:
        raise SignatureLinkInvalid
    return signature


def signature_for_confirmation(*, token: str) -> Signature:
    """Return the signature a confirmation link is for, changing nothing (GET is safe)."""
    return _signature_by_token(
        token=token, salt=CONFIRM_SALT, max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE
    )


def signature_for_withdrawal(*, token: str) -> Signature:
    return _signature_by_token(token=token, salt=WITHDRAW_SALT, max_age=None)


def signature_confirm(*, token: str) -> Signature:
    """Confirm the signature a link is for; confirming again changes nothing.

    A flagged signature records the confirmation but stays out of the count until staff
    approve it.
    """
    signature = signature_for_confirmation(token=token)
    if not signature.petition.is_open_for_signing():
        raise PetitionNotOpen
    now = timezone.now()
    with transaction.atomic():
        confirmed = Signature.objects.filter(
            pk=signature.pk, status=Signature.Status.PENDING
        ).update(status=Signature.Status.CONFIRMED, confirmed_at=now)
        if confirmed:
            petition_id = signature.petition_id
            transaction.on_commit(lambda: _count_add(petition_id=petition_id, delta=1))
        else:
            Signature.objects.filter(
                pk=signature.pk, status=Signature.Status.FLAGGED, confirmed_at__isnull=True
            ).update(confirmed_at=now)
    signature.refresh_from_db()
    return signature


def signature_withdraw(*, token: str) -> None:
    """Withdraw a signature and erase everything the signer gave."""
    signature = signature_for_withdrawal(token=token)
    petition_id = signature.petition_id
    with transaction.atomic():
        deleted = Signature.objects.filter(pk=signature.pk).delete()[0]
        if deleted and signature.status == Signature.Status.CONFIRMED:
            transaction.on_commit(lambda: _count_add(petition_id=petition_id, delta=-1))
        transaction.on_commit(lambda: _signers_recent_forget(petition_id=petition_id))


def _count_add(*, petition_id: int, delta: int) -> None:
    """Move the cached count; when nothing is cached the next read counts afresh."""
    try:
        cache.incr(petition_count_cache_key(petition_id), delta)
    except ValueError:
        pass
    except cache_errors():
        logger.warning("Counter not moved: the cache is unreachable.", exc_info=True)


def _signers_recent_forget(*, petition_id: int) -> None:
    try:
        cache.delete(signers_recent_cache_key(petition_id))
    except cache_errors():
        logger.warning("Recent signers not refreshed: the cache is unreachable.", exc_info=True)


def petition_count_reconcile(*, petition_id: int) -> int:
    """Count the confirmed signatures and make the cached and stored counts say so."""
    count = Signature.objects.confirmed().filter(petition_id=petition_id).count()
    Petition.objects.filter(pk=petition_id).update(
        confirmed_count=count, confirmed_count_at=timezone.now()
    )
    try:
        cache.set(petition_count_cache_key(petition_id), count, timeout=None)
    except cache_errors():
        logger.warning("Count not cached: the cache is unreachable.", exc_info=True)
    return count


def petition_counts_reconcile() -> int:
    """Reconcile every petition still taking or lately taking signatures; return how many."""
    recently = timezone.now() - timedelta(days=7)
    petition_ids = Petition.objects.filter(
        Q(status=Petition.Status.OPEN) | Q(updated_at__gte=recently)
    ).values_list("pk", flat=True)
    for petition_id in petition_ids:
        petition_count_reconcile(petition_id=petition_id)
    return len(petition_ids)


def _after_review(*, petition_ids: set[int]) -> None:
    for petition_id in petition_ids:
        petition_count_reconcile(petition_id=petition_id)
        _signers_recent_forget(petition_id=petition_id)


def _reviewed(reason: str) -> dict:
    """Return what a review by staff writes beside the new status."""
    return {"status_reason": reason.strip()[:200], "status_changed_at": timezone.now()}


@transaction.atomic
def signatures_approve(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Count flagged signatures after review: confirmed ones at once, others once confirmed."""
    flagged = signatures.filter(status=Signature.Status.FLAGGED)
    petition_ids = set(flagged.values_list("petition_id", flat=True))
    approved = flagged.filter(confirmed_at__isnull=False).update(
        status=Signature.Status.CONFIRMED, **_reviewed(reason)
    )
    approved += flagged.filter(confirmed_at__isnull=True).update(
        status=Signature.Status.PENDING, **_reviewed(reason)
    )
    transaction.on_commit(lambda: _after_review(petition_ids=petition_ids))
    return approved


@transaction.atomic
def signatures_flag(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Hold signatures out of the count until staff approve them (they look suspicious)."""
    held = signatures.filter(
        status__in=[Signature.Status.PENDING, Signature.Status.CONFIRMED], erased_at__isnull=True
    )
    petition_ids = set(held.values_list("petition_id", flat=True))
    flagged = held.update(status=Signature.Status.FLAGGED, **_reviewed(reason))
    transaction.on_commit(lambda: _after_review(petition_ids=petition_ids))
    return flagged


@transaction.atomic
def signatures_invalidate(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Take signatures out of the count for good (staff found them fake)."""
    valid = signatures.exclude(status=Signature.Status.INVALIDATED)
    petition_ids = set(valid.values_list("petition_id", flat=True))
    invalidated = valid.update(status=Signature.Status.INVALIDATED, **_reviewed(reason))
    transaction.on_commit(lambda: _after_review(petition_ids=petition_ids))
    return invalidated


# Tracking events from the ESP's webhooks, and the email status each one leaves.
EMAIL_STATUS_BY_EVENT = {
    "delivered": Signature.EmailStatus.DELIVERED,
    "deferred": Signature.EmailStatus.DEFERRED,
    "bounced": Signature.EmailStatus.BOUNCED,
    "rejected": Signature.EmailStatus.REJECTED,
    "failed": Signature.EmailStatus.FAILED,
    "complained": Signature.EmailStatus.COMPLAINED,
}
# A later "delivered" must not hide an earlier bounce or complaint.
EMAIL_STATUS_FINAL = [*EMAIL_DEAD_STATUSES]


def signature_email_status_record(*, message_id: str, event_type: str) -> int:
    """Record what the ESP reports about a confirmation email; return how many rows changed."""
    status = EMAIL_STATUS_BY_EVENT.get(event_type)
    if status is None or not message_id:
        return 0
    signatures = Signature.objects.filter(email_message_id=message_id)
    if status not in EMAIL_STATUS_FINAL:
        signatures = signatures.exclude(email_status__in=EMAIL_STATUS_FINAL)
    return signatures.update(email_status=status)


def _translated_values(entry: dict) -> dict:
    """Spread {"title": {"fr": ..., "en": ...}} into title_fr and title_en."""
    values = {}
    for field, value in entry.items():
        if isinstance(value, dict):
            values.update({f"{field}_{language}": text for language, text in value.items()})
        else:
            values[field] = value
    return values


@transaction.atomic
def petition_load_initial() -> PetitionLoadReport:
    """Create the Mamat petition and its placeholder target if they do not exist yet.

    Idempotent, and never overwrites what staff have edited: targets are only attached when the
    petition is created, so a target staff replaced does not come back.
    """
    campaign = Campaign.objects.filter(slug=content.CAMPAIGN_SLUG).first()
    if campaign is None:
        return PetitionLoadReport(petition_created=False, targets_created=0)
    values = _translated_values(content.PETITION)
    petition, created = Petition.objects.get_or_create(
        slug=values.pop("slug"), defaults={**values, "campaign": campaign}
    )
    targets_created = 0
    if created:
        for entry in content.TARGETS:
            target, target_created = Target.objects.get_or_create(
                email=entry["email"], defaults=entry
            )
            petition.targets.add(target)
            targets_created += target_created
    return PetitionLoadReport(petition_created=created, targets_created=targets_created)
