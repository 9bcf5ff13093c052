"""三员分立: nobody holds Django's superuser or staff flags (the admin is entered by role).

Accounts made before this app (orgs.user_create set both flags for system administrators) lose them.
"""

from django.db import migrations


def clear_flags(apps, schema_editor):
    User = apps.get_model("orgs", "User")
    User.objects.filter(is_superuser=True).update(is_superuser=False)
    User.objects.filter(is_staff=True).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("orgs", "0002_username_case_insensitive"),
    ]

    operations = [migrations.RunPython(clear_flags, migrations.RunPython.noop)]
