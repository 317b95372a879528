"""What PostgreSQL's planner does with a query: for tests that an index serves it, and that
a statement is kept prepared rather than parsed and planned each time."""

from django.db import connection


def query_plan(queryset) -> str:
    """Return EXPLAIN's text for `queryset`, sequential scans forbidden.

    A test holds too few rows for the planner to pick an index by itself; forbidding the scan
    makes it take one if any index can serve the query, and only then.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def statements_prepared(like: str) -> list[tuple[str, int]]:
    """Return each statement this connection keeps prepared whose text is LIKE `like`, with the
    number of times PostgreSQL has executed it from its plan."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [like],
        )
        return cursor.fetchall()
