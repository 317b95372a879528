"""Statements PostgreSQL parses and plans once per connection, not at every execution.

Django binds a query's values into its text on the client, so PostgreSQL parses and plans
every statement it receives afresh. For the one statement every signature runs, that was
about two fifths of what PostgreSQL spent on its INSERT. A cursor from `prepared_cursor`
sends the values apart from the text instead, and psycopg prepares the statement on the
connection the first time (OPTIONS["prepare_threshold"] in the settings); each later
signature sends only its values. Django's own cursors are left as they are: binding on the
server is stricter about the types of values, and no other statement is run often enough to
be worth it.

A rollback on the connection makes psycopg deallocate what it prepared there (it cannot tell
what the rolled-back transaction changed): the statement is prepared again at its next use.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


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
