"""Project pages. Reads through selectors, writes through services, nothing else."""

from .actions import (
    project_advance,
    project_edit,
    project_reopen,
    project_task_force,
    project_terminate,
)
from .detail import project_detail, project_file
from .lists import project_create, project_export, project_list
from .plan import fund_record, milestone_complete, milestone_create, milestone_delete, milestone_edit, progress_record

__all__ = [
    "fund_record",
    "milestone_complete",
    "milestone_create",
    "milestone_delete",
    "milestone_edit",
    "progress_record",
    "project_advance",
    "project_create",
    "project_detail",
    "project_edit",
    "project_export",
    "project_file",
    "project_list",
    "project_reopen",
    "project_task_force",
    "project_terminate",
]
