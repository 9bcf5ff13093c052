from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category, Origin

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


@pytest.fixture
def make_problem(world):
    """A project problem raised and handed to 区发改局 on `raised`, due on `due`."""

    def make(*, raised: dt.date = dt.date(2021, 1, 20), due: dt.date = dt.date(2021, 2, 5), project=None):
        with time_machine.travel(at(raised), tick=False):
            problem = problem_services.problem_raise(
                by=world.investment,
                description="项目用地指标尚未落实，影响开工",
                category=Category.LAND,
                origin=Origin.PROJECT,
                project=project or world.project,
            )
            return problem_services.problem_assign(
                problem=problem, by=world.supervision, unit=world.lead_unit, due_on=due
            )

    return make
