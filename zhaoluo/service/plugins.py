"""What the enterprise-service app plugs into the kernel (core/registry.py) and into problems."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import api_schema, scheduled
from zhaoluo.problems import services as problem_services

from .choices import ListingStage, Pool, VisitMode


def _pools(today: dt.date) -> dict[str, int]:
    from .pools import pools_tick

    return pools_tick(today)


# After meetings (80), before notify (1000): the 高企 expiry reminders it queues go out in the same run.
scheduled.register_step(scheduled.Step("service_pools", "高企证书到期提醒", _pools, order=90))
api_schema.register_enums(VisitMode, Pool, ListingStage)


def _followers_hook() -> None:
    # An enterprise's paired cadres hear of every hand-off of its problems (problems/services.py).
    from .services import problem_followers

    if problem_followers not in problem_services.FOLLOWERS:
        problem_services.FOLLOWERS.append(problem_followers)


_followers_hook()
