from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhaoluo import cli
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import User


def test_help_lists_every_command_in_chinese_and_english(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ["demo", "serve", "migrate", "createuser", "stats", "tick"]:
        assert f"  {name}" in out
    assert "启动网页和接口服务" in out and "serve the web UI and API" in out


@pytest.mark.django_db
def test_createuser_makes_a_login_with_a_role_and_audits_it(world, capsys):
    call_command(
        "createuser", "newstaff", "--role", "investment", "--region", "420607", "--password", "Hanjiang-Qiao-2020!"
    )
    user = User.objects.get(username="newstaff")
    assert user.role == "investment" and user.region == world.district
    assert user.check_password("Hanjiang-Qiao-2020!")
    assert AuditEvent.objects.filter(action="user.created", object_id=str(user.pk), source="cli").exists()


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password_in_chinese(world):
    with pytest.raises(CommandError) as exc:
        call_command("createuser", "weak", "--role", "investment", "--region", "420607", "--password", "123")
    assert "密码" in str(exc.value)
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_createuser_names_an_unknown_region(world):
    with pytest.raises(CommandError, match="找不到"):
        call_command("createuser", "x", "--role", "investment", "--region", "999999", "--password", "Hanjiang-Qiao-9!")
