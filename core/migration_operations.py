"""Migration operations of our own: what Django's do only on one database, and data
migrations several apps need alike."""

from django.db import migrations

from core.email_sending import email_refusals_redact


def email_refusals_redacted(app_label: str, model_name: str, *, field: str = "error"):
    """Return a data migration that takes the addresses out of the mail servers' refusals a
    model stored before `email_failure` redacted them (core/email_sending.py)."""

    def redact(apps, schema_editor) -> None:
        email_refusals_redact(apps.get_model(app_label, model_name).objects.all(), field=field)

    return migrations.RunPython(redact, migrations.RunPython.noop)


class AddIndexConcurrentlyWherePossible(migrations.AddIndex):
    """Add an index without blocking writes on PostgreSQL; plainly elsewhere (SQLite, `make run`).

    On PostgreSQL it is built with CREATE INDEX CONCURRENTLY, so that signing goes on while it is
    made on a full table; that cannot run in a transaction, so the migration must say
    `atomic = False`. Django's own AddIndexConcurrently is for PostgreSQL only.
    """

    def _concurrently(self, schema_editor) -> dict:
        return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **self._concurrently(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **self._concurrently(schema_editor))
