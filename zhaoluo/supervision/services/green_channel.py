"""绿色通道: a district leader puts a project on the green channel or takes it off."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.orgs.models import User
from zhaoluo.projects.models import Project

from .. import permissions

# ---------------------------------------------------------------- green channel


@transaction.atomic
def project_green_channel_set(
    *, project: Project, by: User, on: bool, reason: str, expected_version: int | None = None
) -> Project:
    """绿色通道 on or off, by a district leader. Deadlines given from now on are shortened by
    the deadline rules; deadlines already given stay as they were promised."""
    if not permissions.can_set_green_channel(by, project):
        raise PermissionDeniedError("只有区领导（包保领导或区主要领导）可以设置绿色通道")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写理由"})
    check_version(project, expected_version)
    if project.green_channel == on:
        raise ValidationError({"on": "该项目已" + ("在" if on else "不在") + "绿色通道中"})
    claim_version(project, expected_version, {"green_channel": on})
    Project.objects.filter(pk=project.pk).update(green_channel=on, updated_at=timezone.now())
    project.green_channel = on
    audit.record(
        actor=by,
        action="project.green_channel_set",
        obj=project,
        before={"green_channel": not on},
        after={"green_channel": on},
        parent=project,
        note=reason,
    )
    return project
