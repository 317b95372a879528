"""Statements PostgreSQL parses and plans once per connection, not at every execution.

Django binds a query's values into its text on the client, so PostgreSQL parses and plans
every statement it receives afresh. For the one statement every signature runs, that was
about two fifths of what PostgreSQL spent on its INSERT. A cursor from `prepared_cursor`
sends the values apart from the text instead, and psycopg prepares the statement on the
connection the first time (OPTIONS["prepare_threshold"] in the settings); each later
signature sends only its values. Django's own cursors are left as they are: binding on the
server is stricter about the types of values, and no other statement is run often enough to
be worth it. `row_update` does the same for the UPDATE of one row each email sent records.

A rollback on the connection makes psycopg deallocate what it prepared there (it cannot tell
what the rolled-back transaction changed): the statement is prepared again at its next use.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model, Q
from django.db.models.sql import UpdateQuery


def prepared_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """Return a cursor whose statements PostgreSQL keeps prepared; elsewhere, Django's own.

    Like `connection.cursor()`, it is Django's wrapper: database errors come as Django's, and
    a broken transaction is refused. Where queries are logged (DEBUG, a test that reads
    them), it is Django's own cursor: psycopg does not say what a prepared statement ran with,
    and the log would show nothing.
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    # psycopg's own cursor binds on the server; Django's binds on the client.
    return CursorWrapper(psycopg.Cursor(connection.connection), connection)


@dataclass(frozen=True)
class _RowUpdate:
    """An UPDATE of one row by primary key, as Django compiles it for one shape of values."""

    sql: str
    # Each column in order: its field, and the parameters of what is written there when that
    # is fixed by the shape (an expression's, or none for NULL); None where the column's value
    # is itself the parameter.
    columns: tuple[tuple[Field, tuple | None], ...]
    pk_field: Field

    def params(self, values: Mapping[str, object], pk: object, connection) -> tuple:
        """The statement's parameters for these values, as Django's compiler prepares them."""
        params: list = []
        for field, fixed in self.columns:
            if fixed is None:
                params.append(field.get_db_prep_save(values[field.name], connection=connection))
            else:
                params.extend(fixed)
        params.append(self.pk_field.get_db_prep_value(pk, connection))
        return tuple(params)


def _update_shape(values: Mapping[str, object]) -> tuple:
    """What of `values` is in the statement's text: the columns, expressions and NULLs."""
    return tuple(
        (name, value if hasattr(value, "resolve_expression") else value is None)
        for name, value in values.items()
    )


def _row_update_compile(
    model: type[Model], alias: str, values: Mapping[str, object], pk
) -> _RowUpdate:
    query = UpdateQuery(model)
    query.add_update_values(dict(values))
    query.add_q(Q(pk=pk))
    compiler = query.get_compiler(alias)
    sql, _params = compiler.as_sql()
    columns: list[tuple[Field, tuple | None]] = []
    for field, _model, value in query.values:
        if hasattr(value, "resolve_expression"):
            resolved = value.resolve_expression(query, allow_joins=False, for_save=True)
            columns.append((field, tuple(compiler.compile(resolved)[1])))
        else:
            columns.append((field, () if value is None else None))
    return _RowUpdate(sql=sql, columns=tuple(columns), pk_field=model._meta.pk)


# Compiled statements, by model, database and shape: a handful, each written by the code.
_row_updates: dict[tuple, _RowUpdate] = {}


def row_update(model: type[Model], *, pk: object, values: Mapping[str, object]) -> int:
    """UPDATE the row of `model` whose primary key is `pk`; return how many rows changed (0 or 1).

    The same as `model.objects.filter(pk=pk).update(**values)`, the statement compiled once per
    shape of `values` (which columns, which expressions, which NULLs) and kept prepared by
    PostgreSQL: for a statement run for every email sent, compiling it cost more than the
    database's work on it.
    """
    alias = router.db_for_write(model)
    key = (model, alias, _update_shape(values))
    statement = _row_updates.get(key)
    if statement is None:
        statement = _row_updates[key] = _row_update_compile(model, alias, values, pk)
    connection = connections[alias]
    with (
        transaction.mark_for_rollback_on_error(using=alias),
        prepared_cursor(connection) as cursor,
    ):
        cursor.execute(statement.sql, statement.params(values, pk, connection))
        return cursor.rowcount
