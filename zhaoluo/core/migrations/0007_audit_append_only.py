"""Every audit row has its place in the chain; on PostgreSQL the table refuses UPDATE and DELETE.

The trigger holds for every role, the table's owner included (a REVOKE would not bind the
owner, which is the role the application normally connects as). It lets a DELETE through
only inside a transaction that set `zhaoluo.audit_purge = on`, which the retention purge
does after archiving the rows. Someone who can run SQL can also set that flag or drop the
trigger: the trigger stops mistakes and the application's own code; the hash chain is what
exposes a deliberate change (`zhaoluo audit verify`). TRUNCATE is not trapped, because
Django's test runner empties tables with it.
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION zhaoluo_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('zhaoluo.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'core_auditevent is append-only: % refused (审计记录只能追加)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION zhaoluo_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS zhaoluo_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_chain_existing_audit_rows")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="链序号"),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
