"""All writes of 三级督查: rules, the ladder (by rule in the tick, or by hand), 督办单 and replies,
挂牌督办, 约谈, the green channel, and the tick step with its reminders.

A problem's place on the ladder (Problem.supervision_level / notice_color) only ever moves
here, with an Escalation row and an audit row in the same transaction. Nothing here changes
a problem's status: an overdue problem climbs the ladder, it is never closed by it.
"""

from .export import QUEUE_COLUMNS, queue_export
from .green_channel import project_green_channel_set
from .interviews import interview_record, listing_lift, listing_open
from .ladder import LADDER_FIELDS, LEVEL_NAMES, problem_deescalate, problem_escalate
from .notices import DEFAULT_REPLY_WORKDAYS, notice_issue, notice_reply
from .rules import DEADLINE_RULE_FIELDS, RULE_FIELDS, deadline_rule_update, escalation_rule_update
from .tick import supervision_tick

__all__ = [
    "DEADLINE_RULE_FIELDS",
    "DEFAULT_REPLY_WORKDAYS",
    "LADDER_FIELDS",
    "LEVEL_NAMES",
    "QUEUE_COLUMNS",
    "RULE_FIELDS",
    "deadline_rule_update",
    "escalation_rule_update",
    "interview_record",
    "listing_lift",
    "listing_open",
    "notice_issue",
    "notice_reply",
    "problem_deescalate",
    "problem_escalate",
    "project_green_channel_set",
    "queue_export",
    "supervision_tick",
]
