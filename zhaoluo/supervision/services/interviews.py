"""挂牌督办 by a principal leader, its lifting, and 约谈 of the responsible unit's head."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.models import User
from zhaoluo.problems.models import Problem

from .. import permissions
from ..models import Interview, Listing


@transaction.atomic
def listing_open(*, problem: Problem, by: User, leader_name: str, since: dt.date, reason: str) -> Listing:
    """挂牌督办 by a principal leader (recorded by them or by 督查室)."""
    if not permissions.can_record(by, problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以挂牌督办")
    if since > clock.today():
        raise ValidationError({"since": "挂牌日期不能晚于今天"})
    if problem.listings.filter(lifted_on__isnull=True).exists():
        raise ValidationError({"since": "该问题已在挂牌督办中"})
    listing = Listing(problem=problem, leader_name=leader_name.strip(), since=since, reason=reason.strip(), by=by)
    listing.full_clean(exclude=["problem", "by"])
    listing.save()
    audit.record(
        actor=by,
        action="supervision.listed",
        obj=listing,
        after={"leader_name": listing.leader_name, "since": since.isoformat()},
        parent=problem,
        note=f"{listing.leader_name}挂牌督办：{listing.reason}",
    )
    return listing


@transaction.atomic
def listing_lift(*, listing: Listing, by: User, on: dt.date, reason: str) -> Listing:
    if not permissions.can_record(by, listing.problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以摘牌")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"lift_reason": "请填写摘牌原因"})
    if listing.lifted_on is not None:
        raise ValidationError({"lift_reason": "该挂牌已摘牌"})
    if on < listing.since or on > clock.today():
        raise ValidationError({"lifted_on": "摘牌日期须在挂牌日期之后、不晚于今天"})
    claim_version(listing, None, {})
    listing.lifted_on, listing.lift_reason = on, reason
    listing.save(update_fields=["lifted_on", "lift_reason", "updated_at"])
    audit.record(
        actor=by,
        action="supervision.unlisted",
        obj=listing,
        after={"lifted_on": on.isoformat()},
        parent=listing.problem,
        note=f"摘牌：{reason}",
    )
    return listing


@transaction.atomic
def interview_record(
    *, problem: Problem, by: User, on: dt.date, interviewee: str, interviewer: str, outcome: str
) -> Interview:
    """约谈 of the responsible unit's head, with its outcome."""
    if not permissions.can_record(by, problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以登记约谈")
    if on > clock.today():
        raise ValidationError({"on": "约谈日期不能晚于今天"})
    interview = Interview(
        problem=problem,
        on=on,
        interviewee=interviewee.strip(),
        interviewer=interviewer.strip(),
        outcome=outcome.strip(),
        by=by,
    )
    interview.full_clean(exclude=["problem", "by"])
    interview.save()
    audit.record(
        actor=by,
        action="supervision.interviewed",
        obj=interview,
        after={"on": on.isoformat(), "interviewee": interview.interviewee, "interviewer": interview.interviewer},
        parent=problem,
        note=f"{interview.interviewer}约谈{interview.interviewee}：{interview.outcome}",
    )
    return interview
