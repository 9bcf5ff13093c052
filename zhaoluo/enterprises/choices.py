from django.db import models
from django.utils.translation import gettext_lazy as _


class Listing(models.TextChoices):
    NONE = "none", _("无")
    RESERVE = "reserve", _("上市后备")
    LISTED = "listed", _("已上市")
