"""The planner's statistics, brought up to date after a benchmark has written its rows.

In production autovacuum analyzes a table within a minute or so of enough rows changing; a
benchmark writes thousands of rows and measures at once, before it has. Without this, a
benchmark database whose tables were last analyzed while empty (a fresh one) plans every
look-up for one row: a 20-row claim of the outbox then scans the whole table, and the
figures measure that instead of the portal.
"""

from django.db import connection


def analyze(*models) -> None:
    """``ANALYZE`` the tables of ``models`` (inside a transaction too: it sees its rows)."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
