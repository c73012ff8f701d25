"""Shared by the PostgreSQL-only migrations (full text, trigram and covering
indexes, storage settings): raw SQL kept out of the model state, skipped on
SQLite, which migrates the same history. (A leading underscore keeps Django's
loader from taking this module for a migration.)"""

from django.db import migrations


def postgres_sql(forward, backward):
    """A RunPython that executes `forward` (`backward` when unapplied) on
    PostgreSQL and does nothing elsewhere."""

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward), run(backward), elidable=False)
