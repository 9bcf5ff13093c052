"""Helpers of the assistance tests: a March 2021 clock and a project form with three open needs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoluo.assistance import services
from zhaoluo.problems.choices import Category

CST = dt.timezone(dt.timedelta(hours=8))
# Monday 15 March 2021: inside the 2021-03 month and the first quarter of 2021.
MARCH_15 = dt.datetime(2021, 3, 15, 9, tzinfo=CST)


@pytest.fixture
def march():
    with time_machine.travel(MARCH_15, tick=False) as traveller:
        yield traveller


def filled_lines(world):
    return {
        Category.LAND: services.LineData(
            need="二期用地 80 亩",
            done="已完成土地报批材料",
            still_needed="二期 80 亩用地指标尚未下达",
            suggested_unit=world.lead_unit,
            suggested_due_on=dt.date(2021, 4, 30),
        ),
        Category.LABOUR: services.LineData(
            need="招聘一线工人 200 名", done="举办专场招聘会一场，招到 120 人", still_needed="仍缺熟练工 80 名"
        ),
        Category.FINANCE: services.LineData(need="流动资金贷款 5000 万元", done="已与农商行对接，授信落实"),
        Category.UTILITIES: services.LineData(need="双回路供电", still_needed="110 千伏专线接入方案待电力公司批复"),
    }


def project_form(world, by=None, lines=True):
    by = by or world.task_force
    form = services.form_create(by=by, project=world.project)
    if lines:
        form = services.form_update(form=form, by=by, lines=filled_lines(world), expected_version=form.version)
    return form
