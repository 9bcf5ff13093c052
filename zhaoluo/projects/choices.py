from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    PRODUCING = "producing", _("投产")
    AT_CAPACITY = "at_capacity", _("达产")
    TERMINATED = "terminated", _("终止")


# The forward path; 终止 leaves it from any stage before 达产.
STAGE_ORDER: list[str] = [
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.PRODUCING,
    Stage.AT_CAPACITY,
]


def next_stage(stage: str) -> str | None:
    """The stage after `stage` on the forward path; None after 达产, for 终止 or an unknown code."""
    if stage not in STAGE_ORDER:
        return None
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


# The date field each dated stage sets (线索 and 在谈 carry no ledger date).
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.PRODUCING: "producing_on",
    Stage.AT_CAPACITY: "at_capacity_on",
}
DATED_STAGES: list[str] = [Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY]
# 签约是铜, 落地是银, 达产才是金.
MEDAL = {Stage.SIGNED: "copper", Stage.STARTED: "silver", Stage.AT_CAPACITY: "gold"}


class ProjectKind(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("扩建")
    RENOVATION = "renovation", _("技改")


class TransitionKind(models.TextChoices):
    ADVANCE = "advance", _("推进")
    TERMINATE = "terminate", _("终止")
    REOPEN = "reopen", _("重启")
    IMPORT = "import", _("台账导入")


class FundOrigin(models.TextChoices):
    ABROAD = "abroad", _("境外")
    OUT_OF_PROVINCE = "out_of_province", _("省外")
    IN_PROVINCE = "in_province", _("省内市外")
    IN_CITY = "in_city", _("市内")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


LIGHT_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class RuleKind(models.TextChoices):
    SIX_ONES = "six_ones", _("六个一未落实")
    MILESTONE_OVERDUE = "milestone_overdue", _("节点逾期")
    PROGRESS_BELOW_PLAN = "progress_below_plan", _("进度滞后于计划")
    SIGNED_NOT_STARTED = "signed_not_started", _("签约未开工")
