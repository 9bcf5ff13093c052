"""The personal-information catalogue (F1), masking rules (F2), PI in the audit log and
anonymisation on request (F3)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client

from zhaoluo.accounts.models import ApiToken
from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core import pi, privacy
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises import services
from zhaoluo.orgs.models import User
from zhaoluo.testing.fixtures import PASSWORD


def personal_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in [*model._meta.concrete_fields, *model._meta.local_many_to_many]:
            if pi.is_personal(field):
                found.add(pi.key_of(model, field.name))
    return found


def test_every_personal_looking_or_marked_field_is_in_the_approved_catalogue():
    missing = personal_fields() - set(pi.CATALOGUE)
    assert not missing, f"personal data fields missing from core/pi.py CATALOGUE: {sorted(missing)}"


def test_the_catalogue_names_only_fields_that_exist_with_purpose_and_basis():
    for key, entry in pi.CATALOGUE.items():
        app_label, model_name, field_name = key.split(".")
        apps.get_model(app_label, model_name)._meta.get_field(field_name)
        assert entry.purpose and entry.basis and entry.retention
        assert entry.mask in {"phone", "email", "name", "none"}
        assert entry.mask != "none" or entry.reason_unmasked, f"{key} shown unmasked without a reason"


def test_a_new_unlisted_phone_field_would_fail_the_catalogue_check():
    from django.db import models

    assert pi.is_personal(models.CharField(name="mobile"))
    assert pi.is_personal(models.CharField(name="legal_person_id_number"))
    assert pi.is_personal(models.EmailField(name="notify_to"))
    assert not pi.is_personal(models.CharField(name="uscc"))


def test_the_catalogue_is_documented_in_docs_personal_data():
    from django.conf import settings

    text = (settings.PROJECT_DIR / "docs" / "personal-data.md").read_text(encoding="utf-8")
    for key in pi.CATALOGUE:
        assert f"`{key}`" in text, f"{key} not in docs/personal-data.md"


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("enterprises.Enterprise.phone", "13812345678", "138****5678"),
        ("enterprises.Enterprise.phone", "0710-3214567", "0710-***4567"),
        ("enterprises.Enterprise.phone", "07103214567", "071****4567"),
        ("enterprises.Enterprise.contact", "张三", "张*"),
        ("enterprises.Enterprise.contact", "张三明", "张*明"),
        ("enterprises.Enterprise.contact", "欧阳小明", "欧**明"),
        ("enterprises.Enterprise.contact", "李", "*"),
        ("orgs.User.email", "zhangsan@example.com", "z***@example.com"),
        ("orgs.Official.name", "王海", "王海"),
        ("enterprises.Enterprise.phone", "", ""),
        ("enterprises.Enterprise.phone", None, None),
    ],
)
def test_masking_formats(key, value, shown):
    assert pi.mask(key, value) == shown


@pytest.mark.django_db
def test_can_unmask_is_for_economy_investment_and_an_enterprise_for_itself(world):
    enterprise = world.project.enterprise
    allowed = {u.username for u in _everyone(world) if pi.can_unmask(u, enterprise)}
    assert allowed == {"kejing", "zhaoshang", "waiqu", "qiye"}  # waiqu is scoped out by the selectors
    other = type(enterprise).objects.create(district=world.district, uscc="91420607MA0000028X", name="别家")
    assert not pi.can_unmask(world.enterprise_user, other)
    world.economy.is_active = False
    assert not pi.can_unmask(world.economy, enterprise)


def _everyone(world):
    return [getattr(world, name) for name in world.__dataclass_fields__ if isinstance(getattr(world, name), User)]


@pytest.mark.django_db
def test_audit_rows_keep_contact_data_masked_yet_show_every_change(world):
    enterprise = world.project.enterprise
    services.enterprise_update(
        enterprise=enterprise,
        by=world.economy,
        data={"contact": "张三明", "phone": "13811115678"},
        expected_version=enterprise.version,
    )
    services.enterprise_update(
        enterprise=enterprise, by=world.economy, data={"phone": "13822225678"}, expected_version=enterprise.version
    )
    first, second = AuditEvent.objects.filter(action="enterprise.updated").order_by("id")
    assert first.after["contact"].startswith("张*明 #") and first.after["phone"].startswith("138****5678 #")
    # Same mask, different number: the fingerprint still records the change.
    assert second.before["phone"] != second.after["phone"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditevent")
        dump = repr(cursor.fetchall())
    assert "13811115678" not in dump and "13822225678" not in dump and "张三明" not in dump


@pytest.mark.django_db
def test_an_enterprise_contact_is_anonymised_on_request_and_the_audit_keeps_none_of_it(world):
    enterprise = world.project.enterprise
    services.enterprise_update(
        enterprise=enterprise,
        by=world.economy,
        data={"contact": "张三明", "phone": "13811115678"},
        expected_version=enterprise.version,
    )
    version = enterprise.version
    call_command("anonymise-person".replace("-", "_"), "--enterprise", enterprise.uscc, "--reason", "申请单 2021-07")
    enterprise.refresh_from_db()
    assert (enterprise.contact, enterprise.phone) == ("", "") and enterprise.version == version + 1
    event = AuditEvent.objects.get(action=privacy.ANONYMISED)
    assert event.after == {"contact": "", "phone": ""} and event.before is None and event.source == "cli"
    assert "申请单 2021-07" in event.note and "13811115678" not in str(event.note)


@pytest.mark.django_db
def test_a_user_is_anonymised_by_the_security_admin_and_can_no_longer_log_in(world):
    user = world.enterprise_user
    user.first_name, user.last_name, user.email = "小明", "欧阳", "ouyang@example.com"
    user.save()
    client = Client()
    assert client.login(username="qiye", password=PASSWORD)
    api_token_issue(user=user)

    with pytest.raises(PermissionDeniedError):
        privacy.user_anonymise(user=user, by=world.sysadmin, reason="申请")
    cleared = privacy.user_anonymise(user=user, by=world.secadmin, reason="申请单 7")

    user.refresh_from_db()
    assert cleared == ["first_name", "last_name", "email"]
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert user.username == f"anonymised-{user.pk}" and not user.is_active and not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not any(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all())
    assert client.get("/enterprises/").status_code == 302  # the old session is gone
    event = AuditEvent.objects.get(action=privacy.ANONYMISED, object_id=str(user.pk))
    assert event.actor == world.secadmin
    assert "欧阳" not in repr([event.before, event.after, event.note, event.object_repr])
    assert "ouyang" not in repr([event.before, event.after, event.note, event.object_repr])


@pytest.mark.django_db
def test_the_security_admin_anonymises_a_contact_from_the_page_and_others_cannot(world):
    enterprise = world.project.enterprise
    enterprise.contact, enterprise.phone = "张三明", "13811115678"
    enterprise.save()
    url = "/privacy/anonymise/"
    data = {"kind": "enterprise", "identifier": enterprise.uscc.lower(), "reason": "申请单 9"}
    for user in (world.sysadmin, world.economy, world.auditadmin):
        assert world.client_for(user).post(url, data).status_code == 403
    client = world.client_for(world.secadmin)
    assert "个人信息删除" in client.get(url).content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.contact, enterprise.phone) == ("", "")
    event = AuditEvent.objects.get(action=privacy.ANONYMISED)
    assert event.actor == world.secadmin and event.source == "web"


@pytest.mark.django_db
def test_the_anonymise_page_only_reaches_records_of_the_admins_district(world):
    client = world.client_for(world.secadmin)
    response = client.post(
        "/privacy/anonymise/", {"kind": "user", "identifier": world.outsider.username, "reason": "申请"}
    )
    assert response.status_code == 422 and "本区没有此登录名的用户" in response.content.decode()
    world.outsider.refresh_from_db()
    assert world.outsider.is_active and not AuditEvent.objects.filter(action=privacy.ANONYMISED).exists()


def test_hyphenated_commands_reach_their_django_command(capsys):
    from zhaoluo import cli

    with pytest.raises(SystemExit):
        cli.main(["integrity-check", "--help"])
    assert "decrypt every encrypted value" in capsys.readouterr().out
