"""What the projects app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import api_schema, scheduled

from . import (
    display,  # noqa: F401 - adds the stage, medal and light filters to `{% load zl %}`
    lights,  # noqa: F401 - registers the light rule kinds LightRule.clean checks params against
)
from .choices import FundOrigin, Light, ProjectKind, Stage, TransitionKind


def _lights(today: dt.date) -> dict[str, int]:
    from .services import lights_refresh_due

    return lights_refresh_due(today=today, since=scheduled.changed_since())


# First: the other steps and the agendas read today's lights.
scheduled.register_step(scheduled.Step("lights", "重算亮灯", _lights, order=10))

api_schema.register_enums(Stage, ProjectKind, TransitionKind, FundOrigin, Light)
# A new project starts as a lead or in negotiation: that subset has its own name.
api_schema.register_enum_subset((Stage.LEAD.value, Stage.NEGOTIATING.value), "InitialStageEnum")
