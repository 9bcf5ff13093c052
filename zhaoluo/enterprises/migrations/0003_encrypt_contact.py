# The contact person and phone of an enterprise are personal data: encrypted at rest.

import zhaoluo.core.crypto
import zhaoluo.core.validators
from django.db import migrations


def encrypt(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    for name in ("contact", "phone"):
        zhaoluo.core.crypto.encrypt_column(Enterprise, name)


def decrypt(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    for name in ("contact", "phone"):
        zhaoluo.core.crypto.decrypt_column(Enterprise, name)


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='enterprise',
            name='contact',
            field=zhaoluo.core.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name='联系人'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='phone',
            field=zhaoluo.core.crypto.EncryptedCharField(blank=True, max_length=20, validators=[zhaoluo.core.validators.validate_phone], verbose_name='联系电话'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
