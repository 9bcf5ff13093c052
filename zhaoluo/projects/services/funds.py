"""实际到位资金."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhaoluo.core import audit, clock
from zhaoluo.core.dates import month_start
from zhaoluo.orgs.models import User

from ..choices import FundOrigin
from ..models import FundArrival, Project
from ..permissions import require_manage


@transaction.atomic
def fund_record(
    *,
    project: Project,
    by: User | None,
    period: dt.date,
    amount: Decimal,
    origin: str = FundOrigin.OUT_OF_PROVINCE,
    check_permission: bool = True,
) -> FundArrival:
    """Funds for one month and origin; recording the same key again corrects the amount."""
    if check_permission:
        require_manage(by, project)
    if origin not in FundOrigin.values:
        raise ValidationError({"origin": f"未知的资金来源：{origin}"})
    period = month_start(period)
    if period > month_start(clock.today()):
        raise ValidationError({"period": "不能登记未来月份的到位资金"})
    fund = FundArrival.objects.select_for_update().filter(project=project, period=period, origin=origin).first()
    before = audit.snapshot(fund) if fund else None
    if fund is None:
        fund = FundArrival(project=project, period=period, origin=origin)
    fund.amount = amount
    # Uniqueness is the database's to enforce here (below); the field rules still apply.
    fund.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            fund.save()
    except IntegrityError:
        # Someone recorded the same month and origin between our read and our insert:
        # theirs stands and ours corrects it, as a second recording would.
        fund = FundArrival.objects.select_for_update().get(project=project, period=period, origin=origin)
        before = audit.snapshot(fund)
        fund.amount = amount
        fund.save()
    after = audit.snapshot(fund)
    if before == after:
        return fund
    audit.record(
        actor=by,
        action="funds.updated" if before else "funds.recorded",
        obj=fund,
        before=before,
        after=after,
        parent=project,
    )
    return fund
