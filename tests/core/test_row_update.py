"""core.prepared_statements.row_update: QuerySet.update's statement, compiled once and prepared.

It records every confirmation email sent (petitions/confirmation_emails.py): what it writes
must be exactly what the ORM would have written.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from core import prepared_statements
from core.prepared_statements import row_update
from petitions.models import Signature
from tests.factories import PetitionFactory, SignatureFactory
from tests.query_plans import statements_prepared

# The record of a confirmation email sent, as pg_prepared_statements shows it.
EMAIL_SENT_STATEMENT = "UPDATE %petitions_signature%confirmation_sent_at%"


@pytest.fixture
def petition(db):
    return PetitionFactory()


def _email_sent_values(*, reminder: bytes | None) -> dict:
    now = timezone.now()
    return {
        "confirmation_sent_at": now,
        "confirmation_send_count": F("confirmation_send_count") + 1,
        "email_message_id": "<sent.1@mamat.test>",
        "email_status": Signature.EmailStatus.SENT,
        "email_error": "",
        "email": "",
        "first_name": "Aynur",
        "reminder_address": reminder,
        "reminder_due_at": now + timedelta(hours=48) if reminder else None,
        "sealed_data": b"\x00sealed\xff",
    }


def _stored(signature: Signature) -> dict:
    stored = Signature.objects.filter(pk=signature.pk).values().get()
    return {name: value for name, value in stored.items() if name not in ("id", "public_id")}


def test_the_row_is_written_as_queryset_update_writes_it(petition):
    """Two rows alike: one written by the ORM, the other by row_update, twice each, with a
    value then NULL in the same column. The columns written end the same; no other changes."""
    by_orm = SignatureFactory(petition=petition, email="a@example.org", share_code="a")
    by_row_update = SignatureFactory(petition=petition, email="b@example.org", share_code="b")
    before = _stored(by_row_update)

    for reminder in (b"\x01box\x02", None):
        values = _email_sent_values(reminder=reminder)
        Signature.objects.filter(pk=by_orm.pk).update(**values)
        assert row_update(Signature, pk=by_row_update.pk, values=values) == 1

    orm_row, after = _stored(by_orm), _stored(by_row_update)
    written = set(_email_sent_values(reminder=None))
    assert {name: after[name] for name in written} == {name: orm_row[name] for name in written}
    assert {name: value for name, value in after.items() if name not in written} == {
        name: value for name, value in before.items() if name not in written
    }
    assert after["confirmation_send_count"] == 2
    assert after["reminder_address"] is None
    assert bytes(after["sealed_data"]) == b"\x00sealed\xff"


def test_the_statement_is_django_s_own_text_for_that_shape_of_values(petition):
    signature = SignatureFactory(petition=petition)
    values = _email_sent_values(reminder=None)
    row_update(Signature, pk=signature.pk, values=values)

    query = UpdateQuery(Signature)
    query.add_update_values(values)
    query.add_filter("pk", signature.pk)
    orm_sql, orm_params = query.get_compiler(connection.alias).as_sql()
    statement = prepared_statements._row_updates[
        (Signature, connection.alias, prepared_statements._update_shape(values))
    ]

    assert statement.sql == orm_sql
    params = statement.params(values, signature.pk, connection)
    assert [getattr(param, "obj", param) for param in params] == [
        getattr(param, "obj", param) for param in orm_params
    ]


def test_a_row_no_longer_there_is_counted_as_not_written(petition):
    signature = SignatureFactory(petition=petition)
    signature_id = signature.pk
    signature.delete()

    assert row_update(Signature, pk=signature_id, values={"email_error": "gone"}) == 0


def test_postgresql_parses_and_plans_it_once_for_every_email_sent(petition):
    signatures = SignatureFactory.create_batch(3, petition=petition)

    for signature in signatures:
        row_update(Signature, pk=signature.pk, values=_email_sent_values(reminder=b"box"))

    ((_statement, executions),) = statements_prepared(EMAIL_SENT_STATEMENT)
    assert executions == 3
