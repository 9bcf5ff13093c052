"""Chain the audit rows written before the hash chain existed, oldest first (by id)."""

from django.db import migrations


def chain_existing(apps, schema_editor):
    from zhaoluo.core.audit_chain import GENESIS, HEAD_PK, _key, head_mac, row_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    rows = AuditEvent.objects.using(db).order_by("id")
    if not rows.exists() and AuditChainHead.objects.using(db).filter(pk=HEAD_PK).exists():
        return
    key = _key()
    seq, prev, batch = 0, GENESIS, []
    for row in rows.iterator(chunk_size=2000):
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = row_hash(row, key)
        prev = row.hash
        batch.append(row)
        if len(batch) >= 1000:
            AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    head = AuditChainHead(pk=HEAD_PK, seq=seq, hash=prev, purged_seq=0, purged_hash=GENESIS)
    head.mac = head_mac(head, key)
    head.save(using=db)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
