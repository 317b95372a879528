from django.db import migrations

DATA_OFFICERS = "Data officers"

# The trail refuses UPDATE always, and DELETE except inside the retention purge, which sets
# mamat.access_trail_purge for its own transaction (staff.access_trail.access_events_purge_expired).
APPEND_ONLY_SQL = """
CREATE FUNCTION staff_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('mamat.access_trail_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The access trail is append-only (% refused).', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staff_accessevent_append_only
    BEFORE UPDATE OR DELETE ON staff_accessevent
    FOR EACH ROW EXECUTE FUNCTION staff_accessevent_append_only();
"""
DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS staff_accessevent_append_only ON staff_accessevent;
DROP FUNCTION IF EXISTS staff_accessevent_append_only();
"""


def data_officers_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions are otherwise created after all migrations; this one is needed now.
    content_type, _ = ContentType.objects.get_or_create(app_label="staff", model="accessevent")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_accessevent",
        defaults={"name": "Can view access trail entry"},
    )
    group, _ = Group.objects.get_or_create(name=DATA_OFFICERS)
    group.permissions.add(permission)


def data_officers_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=DATA_OFFICERS).delete()


def append_only_guard_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def append_only_guard_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(data_officers_create, data_officers_delete),
        migrations.RunPython(append_only_guard_create, append_only_guard_drop),
    ]
