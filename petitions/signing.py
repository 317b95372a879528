"""A signer's path: sign, confirm through the emailed link, or withdraw and be forgotten."""

import contextlib
import enum
import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, Value, When
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone

from core.client_address import address_fingerprint
from core.email_sending import message_id_make
from core.prepared_statements import prepared_cursor
from core.rotating_keys import daily_key
from petitions import confirmation_emails, counter, rate_limits, recent_signers
from petitions.agent_families import agent_family
from petitions.email_domains import email_domain_of, email_domain_verdict
from petitions.erasure import signatures_anonymise
from petitions.erasure_journal import JournalKind
from petitions.mailboxes import email_normalize, mailbox_hash
from petitions.models import Petition, Signature
from petitions.name_review import name_review_at_signing
from petitions.names import name_clean
from petitions.sealing import signature_seal
from petitions.share_codes import share_code_draw
from petitions.signature_links import signature_for_confirmation, signature_for_withdrawal


class PetitionNotOpen(Exception):
    """The petition does not take signatures (draft, closed, not yet open)."""


@dataclass(frozen=True)
class SignatureCreateResult:
    signature: Signature | None
    created: bool


def signer_ip_fingerprint(*, ip: str) -> str:
    """Return the fingerprint of a signer's address that rate limits and review compare.

    Its key is drawn each day and gone once the day and the rate-limit window are over: a
    fingerprint can be matched with those of the same day, never traced back to the address.
    The key is mixed with SIGNER_MAILBOX_KEY, so that the cache's half is not enough.
    """
    key = daily_key(
        "signer-ip",
        kept_after=timedelta(seconds=settings.SIGNATURE_RATE_LIMIT_WINDOW),
        site_key=settings.SIGNER_MAILBOX_KEY,
    )
    return address_fingerprint(ip, key=key)


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
    user_agent: str = "",
) -> SignatureCreateResult:
    """Record a signature awaiting confirmation, its confirmation email due in the same row.

    A second signature with the same address creates nothing: a pending one is sent its email
    again (up to SIGNATURE_CONFIRMATION_SEND_CAP), and the caller shows the same page either way.
    Over a rate limit, or from a blocked or disposable email domain, the signature is kept but
    flagged for review instead of counted. Of the browser, only its coarse family is kept.
    """
    if not petition.is_open_for_signing():
        raise PetitionNotOpen
    mailbox = mailbox_hash(email)
    domain = email_domain_of(email_normalize(email))
    verdict = email_domain_verdict(domain)
    # No look-up first: the unique constraint tells a repeat, and saves a query per signature.
    limit_reason = rate_limits.signature_rate_limit_reason(
        petition=petition, ip_hash=ip_hash, email_domain=domain, domain_exempt=verdict.allowed
    )
    # A blocked or disposable domain is held for review like a signature over a limit.
    flag_reason = verdict.flag_reason or limit_reason
    over_limit = bool(flag_reason)
    now = timezone.now()
    # A flagged signer is emailed once staff approve them, or after the petition's delay.
    email_due_at = now + timedelta(hours=petition.flagged_email_delay_hours) if over_limit else now
    first_name, last_name = name_clean(first_name), name_clean(last_name)
    values = {
        "petition": petition,
        "first_name": first_name,
        "last_name": last_name,
        # Counted and emailed either way; named, in public or to the authorities, only if so.
        "name_review": name_review_at_signing(
            first_name=first_name, last_name=last_name, name_in_delivery=name_in_delivery
        ),
        "email": email.strip(),
        "mailbox_hash": mailbox,
        "country": country,
        "postcode": postcode if petition.asks_postcode else "",
        "comment": comment if petition.allows_comment else "",
        "language": language,
        "status": Signature.Status.FLAGGED if over_limit else Signature.Status.PENDING,
        "status_reason": flag_reason,
        "email_domain": domain,
        "agent_family": agent_family(user_agent),
        "created_at": now,
        "ip_hash": ip_hash,
        "referral_code": referral_code,
        "privacy_notice_version": settings.SIGNATURE_PRIVACY_NOTICE_VERSION,
        "consented_at": now,
        "newsletter_opt_in": newsletter_opt_in,
        "show_first_name": show_first_name,
        "name_in_delivery": name_in_delivery,
        "confirmation_due_at": email_due_at,
        "confirmation_owed_at": email_due_at,
        "confirmation_message_id": message_id_make(),
    }
    for _attempt in range(3):
        signature = Signature(share_code=share_code_draw(), **values)
        try:
            with _savepoint_if_in_transaction():
                outcome = _signature_insert_or_owe_again(signature)
        except IntegrityError:
            continue  # two share codes collided: draw again
        if outcome is not _Outcome.NOTHING_OWED:
            confirmation_emails.confirmation_email_queue()
        if outcome is _Outcome.CREATED:
            return SignatureCreateResult(signature=signature, created=True)
        return SignatureCreateResult(signature=None, created=False)
    raise RuntimeError("Could not draw a unique share code.")


# Returned with the id, it tells the row this INSERT made from one it found (a new uuid4 each).
_PUBLIC_ID_FIELD = Signature._meta.get_field("public_id")


class _Outcome(enum.Enum):
    CREATED = "created"
    OWED_AGAIN = "owed again"  # the mailbox had signed, and is emailed again
    NOTHING_OWED = "nothing owed"  # the mailbox had signed, confirmed or past the cap


# The INSERT's columns, and what the ON CONFLICT clause names: the same for every signature.
_INSERTED_FIELDS = [field for field in Signature._meta.concrete_fields if not field.primary_key]
_MAILBOX_FIELDS = [Signature._meta.get_field(name) for name in ("petition", "mailbox_hash")]
_OWED_AGAIN_FIELDS = [
    Signature._meta.get_field(name) for name in confirmation_emails.OWED_AGAIN_FIELDS
]


@functools.lru_cache(maxsize=4)
def _signature_insert_statement(
    alias: str, _send_cap: int, _resend_after_seconds: int
) -> tuple[str, tuple]:
    """Return the SQL of _signature_insert_or_owe_again's statement, and its parameters after
    the row's.

    Django compiles the INSERT and its ON CONFLICT ... DO UPDATE SET clause as
    bulk_create(update_conflicts=True) does; the due time is set too, then comes the condition
    of confirmation_emails.signatures_owed_again, and the columns returned. Compiled once per
    database, cap of sends and resend interval: the text is the same for every signature (each
    value a "%s"), and compiling it cost a signature more than the database's work on it.
    """
    connection = connections[alias]
    meta, quote = Signature._meta, connection.ops.quote_name
    insert = InsertQuery(
        Signature,
        on_conflict=OnConflict.UPDATE,
        update_fields=_OWED_AGAIN_FIELDS,
        unique_fields=_MAILBOX_FIELDS,
    )
    insert.insert_values(_INSERTED_FIELDS, [Signature()])
    ((insert_sql, _row_params),) = insert.get_compiler(connection=connection).as_sql()
    owed_again = confirmation_emails.signatures_owed_again().query
    where_sql, where_params = owed_again.get_compiler(using=alias).compile(owed_again.where)
    if connection.vendor == "postgresql":
        # The condition's values are constants: written in, they leave the row's 45 values
        # alone, and psycopg parses a statement of at most 50 parameters once, not each time.
        written_in = connection.ops.compose_sql(where_sql, where_params)  # type: ignore[attr-defined]
        where_sql, where_params = written_in.replace("%", "%%"), []
    due = quote(meta.get_field("confirmation_due_at").column)
    owed = quote(meta.get_field("confirmation_owed_at").column)
    created = quote(meta.get_field("created_at").column)
    returned = ", ".join(
        f"{quote(meta.db_table)}.{quote(field.column)}" for field in (meta.pk, _PUBLIC_ID_FIELD)
    )
    # Django's clause ends with the columns it SETs, so it goes on with two more: owed again,
    # the email is due at once, as a new signer's (the new row's created_at is this now), and
    # its retries count from now, not from the first signing.
    sql = (
        f"{insert_sql}, {due} = EXCLUDED.{created}, {owed} = EXCLUDED.{created}"
        f" WHERE {where_sql} RETURNING {returned}"
    )
    return sql, tuple(where_params)


def _signature_row_params(signature: Signature, connection: BaseDatabaseWrapper) -> list:
    """The row's values as the INSERT's compiler prepares them, in _INSERTED_FIELDS' order."""
    return [
        field.get_db_prep_save(field.pre_save(signature, add=True), connection=connection)
        for field in _INSERTED_FIELDS
    ]


def _signature_insert_or_owe_again(signature: Signature) -> _Outcome:
    """INSERT `signature`; if its mailbox has signed the petition already, owe that signature
    its email again instead, if it is one of confirmation_emails.signatures_owed_again.

    One statement, INSERT ... ON CONFLICT DO UPDATE ... WHERE, the same for a new address and
    for one that signed, whatever its signature became: how long the form takes to answer
    must not tell who has signed.
    """
    connection = connections[router.db_for_write(Signature)]
    sql, clause_params = _signature_insert_statement(
        connection.alias,
        settings.SIGNATURE_CONFIRMATION_SEND_CAP,
        settings.SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS,
    )
    row_params = _signature_row_params(signature, connection)
    # The same text for every signature: PostgreSQL parses and plans it once per connection.
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, (*row_params, *clause_params))
        row = cursor.fetchone()
    if row is None:
        return _Outcome.NOTHING_OWED
    signature_id, public_id = row
    if _PUBLIC_ID_FIELD.to_python(public_id) != signature.public_id:
        return _Outcome.OWED_AGAIN
    signature.pk = signature_id
    signature._state.adding, signature._state.db = False, connection.alias
    return _Outcome.CREATED


def signature_confirm(*, token: str) -> Signature:
    """Confirm the signature a link is for; confirming again changes nothing.

    A flagged signature records the confirmation but stays out of the count until staff
    approve it. So does one an invalidation set aside while it awaited confirmation: if
    staff undo the invalidation, it comes back confirmed and counted.
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
            transaction.on_commit(
                lambda: counter.petition_count_add(petition_id=petition_id, delta=1)
            )
        else:
            # Flagged or invalidated: the click is kept. An invalidated signature that awaited
            # it is one to restore as confirmed (a flagged one has no status before).
            Signature.objects.filter(
                pk=signature.pk,
                status__in=[Signature.Status.FLAGGED, Signature.Status.INVALIDATED],
                confirmed_at__isnull=True,
            ).update(
                confirmed_at=now,
                status_before_invalidation=Case(
                    When(
                        status_before_invalidation=Signature.Status.PENDING,
                        then=Value(Signature.Status.CONFIRMED),
                    ),
                    default=F("status_before_invalidation"),
                ),
            )
        signature.refresh_from_db()
        # Confirmed: the site no longer needs to read what the signer gave.
        signature_seal(signature=signature)
    return signature


def signature_withdraw(*, token: str) -> None:
    """Withdraw a signature and erase everything the signer gave, copies included.

    It is erased as staff erase a person (a delivery's list of names on file is written
    again without it), then deleted.
    """
    signature = signature_for_withdrawal(token=token)
    petition_id = signature.petition_id
    with transaction.atomic():
        # First, while the row still says which deliveries carried it: once deleted, nothing
        # can tell which lists on file still name the signer.
        # Journaled as a withdrawal: after a restore the row is deleted again, not just erased.
        signatures_anonymise(
            signatures=Signature.objects.filter(pk=signature.pk), journal_as=JournalKind.WITHDRAWN
        )
        deleted = Signature.objects.filter(pk=signature.pk).delete()[0]
        if deleted and signature.status == Signature.Status.CONFIRMED:
            transaction.on_commit(
                lambda: counter.petition_count_add(petition_id=petition_id, delta=-1)
            )
        transaction.on_commit(lambda: recent_signers.signers_recent_forget(petition_id=petition_id))
