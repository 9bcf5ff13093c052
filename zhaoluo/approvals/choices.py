from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", _("未申报")
    HANDLING = "handling", _("办理中")
    APPROVED = "approved", _("已办结")
    REFUSED = "refused", _("不予许可")
    WITHDRAWN = "withdrawn", _("撤回")


# A decision has been made: the clock stopped on `decided_on`.
DECIDED = (Status.APPROVED, Status.REFUSED)
# The department holds the file: the clock runs.
PENDING = (Status.HANDLING,)
