"""All writes to meetings: scheduling (by hand or by the tick), the agenda, minutes and decisions.

A decision is handed out as a problem (problem_raise + problem_assign, origin 会议) in the same
transaction that records it, so a decision never exists without its 交办.
"""

from .agenda import Item, compose_agenda, light_reasons_text, portfolio, previous_meeting

# The tests read the escalated problems an agenda would list.
from .agenda import _escalated_problems as _escalated_problems
from .common import AUDITED, CLOSED_STAGES
from .decisions import decision_kwargs, decision_record
from .minutes import Presence, minutes_record
from .planning import (
    agenda_add,
    agenda_move,
    agenda_remove,
    chairs_for,
    meeting_cancel,
    meeting_create,
    meetings_tick,
    period_text,
    posts_of,
    scheduled_title,
)

__all__ = [
    "AUDITED",
    "CLOSED_STAGES",
    "Item",
    "Presence",
    "agenda_add",
    "agenda_move",
    "agenda_remove",
    "chairs_for",
    "compose_agenda",
    "decision_kwargs",
    "decision_record",
    "light_reasons_text",
    "meeting_cancel",
    "meeting_create",
    "meetings_tick",
    "minutes_record",
    "period_text",
    "portfolio",
    "posts_of",
    "previous_meeting",
    "scheduled_title",
]
