"""The platform's today.

Deadlines, lights and "due this week" are about the calendar date. Production leaves
ZHAOLUO_TODAY unset and gets the real local date. The demo district lives in early 2021
(the article's figures are for 2020), so `zhaoluo demo` sets it to the end of the demo
data; otherwise every 2020 milestone would be five years late the day it is shown.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    fixed: str | None = getattr(settings, "ZHAOLUO_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(fixed)
    return timezone.localdate()
