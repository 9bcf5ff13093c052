"""Records the security tests point routes at, beside the `world` fixture's personas."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.approvals.models import Approval, ApprovalItem
from zhaoluo.assistance.choices import PeriodKind
from zhaoluo.assistance.models import AssistanceForm
from zhaoluo.core.models import AuditChainHead, AuditEvent, Outcome
from zhaoluo.meetings.choices import ItemKind, Kind
from zhaoluo.meetings.models import AgendaItem, Attendance, Meeting
from zhaoluo.notify.choices import ChannelKind, DeliveryStatus
from zhaoluo.notify.models import Channel, Delivery, Notification
from zhaoluo.orgs.choices import Role
from zhaoluo.problems.choices import Origin
from zhaoluo.problems.models import Problem
from zhaoluo.projects.choices import Stage, TransitionKind
from zhaoluo.projects.models import Milestone, Project, StageTransition, TaskForceMember
from zhaoluo.supervision.choices import Color
from zhaoluo.supervision.models import Notice
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import otp_verify_session
from zhaoluo.testing.permission_matrix import ANONYMOUS, Targets


def targets_for(project: Project, by: Any) -> Targets:
    """A milestone and an evidence file on `project`, so every route of it has something to name."""
    milestone = Milestone.objects.create(project=project, name="完成供地", planned_on=dt.date(2020, 6, 30))
    transition = StageTransition(
        project=project,
        kind=TransitionKind.ADVANCE,
        from_stage=Stage.NEGOTIATING,
        to_stage=Stage.NEGOTIATING,
        on=dt.date(2020, 5, 1),
        by=by,
    )
    transition.evidence.save("签约协议.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=False)
    transition.save()
    enterprise = project.enterprise or f.EnterpriseFactory.create(
        district=project.district, township=project.township, name=f"{project.name}企业"
    )
    if project.enterprise_id is None:
        Project.objects.filter(pk=project.pk).update(enterprise=enterprise)
    problem = Problem.objects.create(
        district=project.district,
        code=f"WT-P{project.pk}",
        description="用地指标未落实",
        origin=Origin.PROJECT,
        project=project,
        unit=project.lead_unit,
        raised_on=dt.date(2020, 5, 6),
        raiser=by,
    )
    notice = Notice.objects.create(
        district=project.district,
        year=2020,
        number=Notice.objects.filter(district=project.district, year=2020).count() + 1,
        problem=problem,
        color=Color.BLUE,
        unit=project.lead_unit,
        facts="用地指标未落实，已逾期",
        issued_on=dt.date(2020, 6, 1),
        reply_due_on=dt.date(2020, 6, 8),
        reply_required="请书面回复办理进展",
    )
    assistance_form = AssistanceForm.objects.create(
        district=project.district,
        project=project,
        period_kind=PeriodKind.MONTH,
        period_start=dt.date(2020, 5, 1),
        summary="项目推进总体顺利",
        filled_by=by,
        filled_on=dt.date(2020, 5, 6),
    )
    approval = Approval.objects.create(
        project=project,
        item=ApprovalItem.objects.get(code="project-filing"),
        department=project.lead_unit,
        legal_workdays=20,
        limit_workdays=20,
        recorded_by=by,
    )
    return Targets(
        project=project,
        milestone=milestone,
        evidence=transition,
        enterprise=enterprise,
        problem=problem,
        notice=notice,
        assistance_form=assistance_form,
        approval=approval,
        approval_item=ApprovalItem.objects.get(code="construction"),
        meeting=_meeting_of(project),
        **_service_of(enterprise, by),
    )


def _service_of(enterprise: Any, by: Any) -> dict[str, Any]:
    """A pairing of a cadre of no persona with `enterprise`, a visit of it with a photo, and a need
    already turned into a problem (so an empty POST to raise it again changes nothing)."""
    from zhaoluo.service.models import Pairing, Visit, VisitNeed, VisitPhoto

    cadre = f.OfficialFactory.create(name=f"{enterprise.name}包联干部")
    pairing = Pairing.objects.create(
        district=enterprise.district, cadre=cadre, enterprise=enterprise, since=dt.date(2020, 3, 1)
    )
    visit = Visit.objects.create(
        district=enterprise.district,
        enterprise=enterprise,
        cadre=cadre,
        pairing=pairing,
        visited_on=dt.date(2020, 5, 6),
    )
    photo = VisitPhoto(visit=visit)
    photo.image.save("现场.jpg", ContentFile(_tiny_jpeg()), save=False)
    photo.save()
    problem = Problem.objects.create(
        district=enterprise.district,
        code=f"WT-V{visit.pk}",
        description="需要本地钢材供应商",
        origin=Origin.VISIT,
        enterprise=enterprise,
        raised_on=dt.date(2020, 5, 6),
        raiser=by,
    )
    need = VisitNeed.objects.create(visit=visit, description=problem.description, problem=problem)
    return {"pairing": pairing, "visit": visit, "need": need, "photo": photo}


def _tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="JPEG")
    return out.getvalue()


def _meeting_of(project: Project) -> Meeting:
    """A planned meeting on `project`: its 包保领导 chairs (or a leader of no persona), its 专班 lead is invited."""
    chair = project.leader or f.LeaderFactory.create(name=f"{project.name}协调领导", district=project.district)
    meeting = Meeting.objects.create(
        district=project.district,
        year=2021,
        seq=Meeting.objects.filter(district=project.district, year=2021).count() + 1,
        kind=Kind.COORDINATION,
        title=f"{chair.name}主持协调会",
        chair=chair,
        held_on=dt.date(2021, 4, 6),
    )
    AgendaItem.objects.create(meeting=meeting, position=1, kind=ItemKind.PROJECT, text=project.name, project=project)
    for member in TaskForceMember.objects.filter(project=project, is_lead=True):
        Attendance.objects.create(meeting=meeting, official=member.official)
    return meeting


def platform_targets(world) -> dict[str, Any]:
    """The records of the platform's own routes (inbox, channels, 2FA devices, accounts), chosen so
    that an empty POST from someone allowed through changes nothing (these routes are buttons: the
    empty body is the whole request):

    - a notification to `investment` that is already read (marking it read again is a no-op);
    - the e-mail channel: the system administrator has no e-mail, so its test send is refused;
    - a delivery already sent: only a given-up one can be retried;
    - a bound 2FA device of an account outside the personas: nobody may remove another's device;
    - the 安全管理员's own account: 三员 separation refuses even him acting on it.
    """
    notification = Notification.objects.create(
        recipient=world.investment, subject="项目有新进展", link="/projects/", read_at=timezone.now()
    )
    channel = Channel.objects.create(kind=ChannelKind.EMAIL, name="邮件通知")
    delivery = Delivery.objects.create(
        channel=channel, notification=notification, subject=notification.subject, status=DeliveryStatus.SENT
    )
    stranger = f.UserFactory.create(username="moshengren", role=Role.INVESTMENT, region=world.district)
    device = TOTPDevice.objects.create(user=stranger, name="测试设备", confirmed=True)
    assert not world.sysadmin.email
    return {
        "notification": notification,
        "channel": channel,
        "delivery": delivery,
        "device": device,
        "account": world.secadmin,
    }


@pytest.fixture
def targets(world) -> Targets:
    # The token endpoint throttles anonymous callers per address; each test starts afresh.
    cache.clear()
    return dataclasses.replace(targets_for(world.project, world.investment), **platform_targets(world))


def client_as(world, persona: str, **client_kwargs: Any) -> Client:
    """A persona's session as it is once logged in: the admin roles with their second factor passed."""
    client = Client(**client_kwargs)
    if persona != ANONYMOUS:
        user = getattr(world, persona)
        client.force_login(user)
        if user.role in settings.ZHAOLUO_OTP_REQUIRED_ROLES:
            otp_verify_session(client, user)
    return client


def send(
    client: Client, method: str, url: str, *, api: bool, data: dict | None = None, multipart: bool = False, **extra: Any
):
    """One request with an empty (or given) body: JSON for the API (multipart for its file
    uploads), a form for pages."""
    data = data or {}
    if method == "GET":
        return client.get(url, **extra)
    if api and not (multipart and method == "POST"):
        return client.generic(method, url, json.dumps(data), content_type="application/json", **extra)
    if method == "POST":
        return client.post(url, data, **extra)
    return client.generic(method, url, "", **extra)


# Read-audit events (someone viewed, searched, exported or unmasked records) are the one write
# a GET may make: they record the read and change no record. So are the audit rows of refused
# requests (outcome "denied", core/middleware.py DeniedAccessAuditMiddleware): they record the
# refusal. The chain head (AuditChainHead) moves with every audit row appended; any other row
# would show in the audit table itself.
READ_AUDIT_SUFFIXES = (".viewed", ".exported", ".downloaded", ".read", ".searched", ".unmasked")


def db_state(records: frozenset[str] | tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, except sessions (the session store is the login itself; the
    2FA enrolment page keeps its pending secret there). `records`: audit actions a route's own
    request records by design (logout)."""
    state: dict[str, list[tuple]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model in (Session, AuditChainHead):
            continue
        rows = model._default_manager.order_by("pk")
        if model is AuditEvent:
            rows = rows.exclude(outcome=Outcome.DENIED).exclude(action__in=records)
            for suffix in READ_AUDIT_SUFFIXES:
                rows = rows.exclude(action__endswith=suffix)
        state[model._meta.db_table] = list(rows.values_list())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after.get(table)]
