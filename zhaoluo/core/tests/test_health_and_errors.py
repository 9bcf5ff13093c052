"""H7: /healthz, error pages that leak nothing, aware timestamps everywhere."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import OperationalError, models
from django.test import Client
from django.urls import path, reverse

from zhaoluo.core import audit
from zhaoluo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_login_quickly(client):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("zhaoluo.core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "reason": "database unavailable"}


def test_healthz_answers_503_when_a_migration_is_not_applied(client):
    with mock.patch("zhaoluo.core.views.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("core", "9999_future")]
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["reason"] == "unapplied migrations"


def _boom(request):
    raise RuntimeError("SELECT secret FROM core_auditevent -- /work/zhaoluo/settings.py SECRET_KEY")


urlpatterns = [path("boom/", _boom)]


def test_a_server_error_shows_a_chinese_page_with_no_traceback_sql_or_settings(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统繁忙" in body
    for leak in ("Traceback", "RuntimeError", "SELECT", "settings.py", "SECRET_KEY", django_settings.SECRET_KEY):
        assert leak not in body, leak


def test_unknown_pages_and_forbidden_pages_are_chinese_and_plain(world):
    client = world.client_for(world.investment)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    forbidden = world.client_for(world.sysadmin).get(reverse("audit-search"))
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()


def test_time_zone_support_is_on_and_every_stored_timestamp_is_aware(world):
    assert django_settings.USE_TZ is True
    audit.record(actor=world.investment, action="project.updated", obj=world.project)
    checked = 0
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
        for row in model._default_manager.values(*fields)[:50] if fields else []:
            for name, value in row.items():
                if value is not None:
                    assert value.tzinfo is not None, f"{model.__name__}.{name}"
                    checked += 1
    assert checked > 0
    assert AuditEvent.objects.get(action="project.updated").at.utcoffset() is not None
