import contextlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import rotating_keys
from petitions import (
    counter,
    recent_signers,
    signature_links,
    signing,
)
from petitions.mailboxes import mailbox_hash
from petitions.models import Petition, Signature
from tests.query_plans import statements_prepared
from tests.sealing_keys import sealed_data_of

# The signing statement, as pg_prepared_statements shows it.
SIGNING_STATEMENT = "INSERT INTO %petitions_signature%ON CONFLICT%"


def test_signing_records_a_pending_signature_and_sends_one_confirmation_email(
    sign, petition, mailoutbox
):
    result = sign(show_first_name=True)

    signature = result.signature
    assert result.created
    assert signature.status == Signature.Status.PENDING
    assert signature.privacy_notice_version == "2025-1"
    assert signature.consented_at is not None
    assert signature.show_first_name and not signature.name_in_delivery
    assert not signature.newsletter_opt_in
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["aynur@example.org"]
    signature.refresh_from_db()
    assert signature.confirmation_sent_at is not None
    assert signature.email_status == Signature.EmailStatus.SENT
    assert signature.email_message_id


def test_the_raw_ip_address_is_never_stored(sign):
    signature = sign().signature

    stored = " ".join(
        str(value) for value in Signature.objects.filter(pk=signature.pk).values()[0].values()
    )
    assert "203.0.113.7" not in stored
    assert signature.ip_hash == signing.signer_ip_fingerprint(ip="203.0.113.7")
    assert len(signature.ip_hash) == 64


def test_an_address_fingerprint_cannot_be_recomputed_the_next_day(monkeypatch):
    today = signing.signer_ip_fingerprint(ip="203.0.113.7")
    assert signing.signer_ip_fingerprint(ip="203.0.113.7") == today  # same day: they match

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(rotating_keys.timezone, "localdate", lambda: tomorrow)

    assert signing.signer_ip_fingerprint(ip="203.0.113.7") != today


def test_second_signature_with_same_email_in_other_case_is_not_counted_twice(
    sign, petition, mailoutbox, confirm
):
    first = sign(email="aynur@example.org").signature
    confirm(first)

    again = sign(email="AYNUR@Example.org", first_name="Someone else")

    assert not again.created
    assert petition.signatures.count() == 1
    assert sealed_data_of(petition.signatures.get())["first_name"] == "Aynur"
    assert counter.petition_signature_count(petition=petition) == 1
    assert len(mailoutbox) == 1  # a confirmed signer is not emailed again


_INSERT_OR_OWE_AGAIN = "INSERT … ON CONFLICT … DO UPDATE"


def _signature_statements(petition, email: str) -> list[str]:
    """Sign `petition` with `email`; return the kind of each SQL statement it ran (savepoints
    aside: tests run inside a transaction, production's INSERT commits by itself)."""
    with CaptureQueriesContext(connection) as queries:
        signing.signature_create(
            petition=petition,
            first_name="Aynur",
            last_name="Tursun",
            email=email,
            country="FR",
            language="fr",
        )
    return [
        _INSERT_OR_OWE_AGAIN if " ON CONFLICT" in query["sql"] else query["sql"].split()[0]
        for query in queries.captured_queries
        if "SAVEPOINT" not in query["sql"]
    ]


def test_signing_again_looks_alike_whether_the_first_signature_was_confirmed_or_not(
    sign, confirm, petition
):
    """Someone who types a person's address must not learn from how long the answer takes
    whether that person had signed: a new signature and a repeat run the same one statement,
    whatever the first signature became."""
    confirm(sign(email="confirmed@example.org").signature)
    pending = sign(email="pending@example.org").signature
    Signature.objects.filter(pk=pending.pk).update(confirmation_sent_at=timezone.now())

    anew = _signature_statements(petition, "new@example.org")
    again_confirmed = _signature_statements(petition, "confirmed@example.org")
    again_pending = _signature_statements(petition, "pending@example.org")

    assert anew == again_confirmed == again_pending == [_INSERT_OR_OWE_AGAIN]


def test_the_signing_statement_compiled_once_writes_what_django_compiles_for_each_signature(
    petition,
):
    """The statement is compiled once, with a blank signature, and reused: it must be, word for
    word, what Django's compiler makes of a real signer's row, and every value be stored (as
    signed: the email that would seal the row waits for the commit)."""
    Petition.objects.filter(pk=petition.pk).update(asks_postcode=True, allows_comment=True)
    petition.refresh_from_db()
    signature = signing.signature_create(
        petition=petition,
        first_name="Aynur",
        last_name="Tursun",
        email="Aynur.Tursun@example.org",
        country="FR",
        language="fr",
        ip_hash=signing.signer_ip_fingerprint(ip="203.0.113.7"),
        postcode="75011",
        comment="Courage",
        newsletter_opt_in=True,
        show_first_name=True,
    ).signature
    insert = InsertQuery(
        Signature,
        on_conflict=OnConflict.UPDATE,
        update_fields=signing._OWED_AGAIN_FIELDS,
        unique_fields=signing._MAILBOX_FIELDS,
    )
    insert.insert_values(signing._INSERTED_FIELDS, [signature])
    ((compiled_sql, compiled_params),) = insert.get_compiler(connection=connection).as_sql()

    statement, _condition_params = signing._signature_insert_statement(
        connection.alias,
        settings.SIGNATURE_CONFIRMATION_SEND_CAP,
        settings.SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS,
    )

    assert statement.startswith(compiled_sql + ", ")
    assert tuple(signing._signature_row_params(signature, connection)) == compiled_params
    stored = Signature.objects.get(pk=signature.pk)
    for field in signing._INSERTED_FIELDS:
        assert getattr(stored, field.attname) == getattr(signature, field.attname), field.name
    # psycopg parses a statement of more than 50 parameters again at every execution.
    assert statement.count("%s") <= 50


def test_postgresql_parses_and_plans_the_signing_statement_once_per_connection(sign, petition):
    """Every signature runs the same statement: the database keeps it prepared, and each
    signature after the first sends only its values."""
    sign(email="first@example.org")
    sign(email="second@example.org")
    sign(email="first@example.org")  # signing again runs the same statement

    prepared = statements_prepared(SIGNING_STATEMENT)

    assert len(prepared) == 1
    statement, executions = prepared[0]
    assert "RETURNING" in statement
    assert executions == 3
    assert petition.signatures.count() == 2


def test_after_a_rollback_the_signing_statement_is_prepared_again_and_signing_goes_on(
    sign, petition
):
    """psycopg deallocates what it prepared when the connection rolls back: the next signer
    must not meet a statement the server no longer has."""
    sign(email="first@example.org")
    assert len(statements_prepared(SIGNING_STATEMENT)) == 1

    with contextlib.suppress(RuntimeError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(goal=F("goal") + 1)
        raise RuntimeError("a request that failed half-way")
    assert statements_prepared(SIGNING_STATEMENT) == []

    assert sign(email="second@example.org").created
    ((_statement, executions),) = statements_prepared(SIGNING_STATEMENT)
    assert executions == 1
    assert petition.signatures.count() == 2


def test_a_share_code_drawn_twice_is_drawn_again_and_the_signature_kept(
    sign, petition, monkeypatch
):
    first = sign(email="first@example.org").signature
    draws = iter([first.share_code, "Zz9Zz9Zz9Zz9Zz9z"])
    monkeypatch.setattr(signing, "share_code_draw", lambda: next(draws))

    second = sign(email="second@example.org")

    assert second.created
    assert second.signature.share_code == "Zz9Zz9Zz9Zz9Zz9z"
    assert petition.signatures.count() == 2


def test_confirming_counts_the_signature_once_even_when_confirmed_twice(sign, confirm, petition):
    signature = sign().signature

    confirm(signature)
    confirm(signature)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.confirmed_at is not None
    assert counter.petition_signature_count(petition=petition) == 1
    assert counter.petition_count_reconcile(petition_id=petition.pk) == 1


def test_withdrawing_erases_the_signature_and_takes_it_out_of_the_count(
    sign, confirm, petition, django_capture_on_commit_callbacks
):
    signature = sign(show_first_name=True).signature
    confirm(signature)
    assert [signer.first_name for signer in recent_signers.signers_recent(petition=petition)] == [
        "Aynur"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_withdraw(token=signature_links.withdrawal_token_make(signature=signature))

    assert not Signature.objects.filter(mailbox_hash=mailbox_hash("aynur@example.org")).exists()
    assert counter.petition_signature_count(petition=petition) == 0
    assert recent_signers.signers_recent(petition=petition) == []


def test_a_closed_petition_takes_no_signature(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    petition.refresh_from_db()

    with pytest.raises(signing.PetitionNotOpen):
        sign()
    assert not Signature.objects.exists()


def test_optional_fields_are_kept_only_where_the_petition_asks_for_them(sign, petition):
    signature = sign(postcode="75011", comment="Courage").signature
    assert (signature.postcode, signature.comment) == ("", "")

    Petition.objects.filter(pk=petition.pk).update(asks_postcode=True, allows_comment=True)
    petition.refresh_from_db()
    signature = sign(email="other@example.org", postcode="75011", comment="Courage").signature
    assert (signature.postcode, signature.comment) == ("75011", "Courage")
