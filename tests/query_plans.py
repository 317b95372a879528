"""What PostgreSQL's planner would do with a query, for tests that an index serves it."""

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
