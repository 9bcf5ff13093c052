"""All writes to projects. Keyword-only, validated, one transaction, one audit row each.

Views, the API, ledgers, the CLI and scheduled work call these and nothing else.
"""

from .common import EDITABLE_FIELDS, STAGE_FIELDS, MemberSpec
from .funds import fund_record
from .light_refresh import lights_refresh_all, lights_refresh_due, with_light_inputs
from .plan import milestone_create, milestone_delete, milestone_update, progress_record
from .projects import project_create, project_update, task_force_set
from .stages import project_advance_stage, project_reopen, project_terminate

__all__ = [
    "EDITABLE_FIELDS",
    "STAGE_FIELDS",
    "MemberSpec",
    "fund_record",
    "lights_refresh_all",
    "lights_refresh_due",
    "milestone_create",
    "milestone_delete",
    "milestone_update",
    "progress_record",
    "project_advance_stage",
    "project_create",
    "project_reopen",
    "project_terminate",
    "project_update",
    "task_force_set",
    "with_light_inputs",
]
