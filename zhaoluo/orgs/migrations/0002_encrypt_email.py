# A user's e-mail address is personal data: encrypted at rest.

import zhaoluo.core.crypto
from django.db import migrations


def encrypt(apps, schema_editor):
    zhaoluo.core.crypto.encrypt_column(apps.get_model("orgs", "User"), "email")


def decrypt(apps, schema_editor):
    zhaoluo.core.crypto.decrypt_column(apps.get_model("orgs", "User"), "email")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='email',
            field=zhaoluo.core.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name='电子邮箱'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
