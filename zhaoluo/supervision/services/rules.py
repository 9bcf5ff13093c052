"""三级督查's rules as data: the escalation and deadline rules an administrator edits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.orgs.models import User

from .. import permissions
from ..models import DeadlineRule, EscalationRule

RULE_FIELDS = ["name", "overdue_workdays", "to_level", "color", "reply_workdays", "enabled", "explanation", "basis"]
# ---------------------------------------------------------------- rules


@transaction.atomic
def escalation_rule_update(
    *, rule: EscalationRule, by: User, data: dict[str, Any], expected_version: int | None = None
) -> EscalationRule:
    """督查室 edits a rule's threshold, level, colour, reply time, wording or switches it off."""
    if not permissions.can_edit_rules(by):
        raise PermissionDeniedError("只有督查室可以修改升级规则")
    check_version(rule, expected_version)
    before = audit.snapshot(rule, RULE_FIELDS)
    for name in RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name].strip() if isinstance(data[name], str) else data[name])
    rule.full_clean()
    claim_version(rule, expected_version, data)
    rule.save()
    old, new = audit.diff(before, audit.snapshot(rule, RULE_FIELDS))
    if new:
        audit.record(actor=by, action="supervision.rule_updated", obj=rule, before=old, after=new)
    return rule


DEADLINE_RULE_FIELDS = ["name", "subject", "factor", "enabled", "explanation"]


@transaction.atomic
def deadline_rule_update(
    *, rule: DeadlineRule, by: User, data: dict[str, Any], expected_version: int | None = None
) -> DeadlineRule:
    """督查室 changes a deadline rule's factor, subject, wording or switches it off (the condition is code)."""
    if not permissions.can_edit_rules(by):
        raise PermissionDeniedError("只有督查室可以修改时限规则")
    check_version(rule, expected_version)
    before = audit.snapshot(rule, DEADLINE_RULE_FIELDS)
    for name in DEADLINE_RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name].strip() if isinstance(data[name], str) else data[name])
    rule.full_clean()
    if not (rule.explanation or "").strip():
        raise ValidationError({"explanation": "请用一句话说明该规则"})
    claim_version(rule, expected_version, data)
    rule.save()
    old, new = audit.diff(before, audit.snapshot(rule, DEADLINE_RULE_FIELDS))
    if new:
        audit.record(actor=by, action="supervision.deadline_rule_updated", obj=rule, before=old, after=new)
    return rule
