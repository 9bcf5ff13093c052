"""Shared model base, the audit log and the working-day calendar override."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_plausible_date


class BaseModel(models.Model):
    """Timestamps plus a version counter for optimistic locking (HTTP 409 on a stale edit)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        """Every date of a record lies in the plausible window (core/dates.py): every write path
        runs full_clean, so a form, the API, the admin and a service all refuse `0189-12-28`
        the same way, named against its field. A method, not a field validator, so no model
        needs a migration for it."""
        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = {name: list(messages) for name, messages in exc.error_dict.items()}
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                validate_plausible_date(getattr(self, field.attname))
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)


class AuditImmutableError(Exception):
    """An attempt to change or delete an audit row through the ORM (append-only log)."""


# The audit chain (core/audit_chain.py, which reads these models) seals each row before it is
# written. CoreConfig.ready plugs it in, so this module does not import it: no circle.
_sealer: Callable[[list[AuditEvent]], None] | None = None


def set_sealer(sealer: Callable[[list[AuditEvent]], None]) -> None:
    global _sealer
    _sealer = sealer


def _seal(rows: list[AuditEvent]) -> None:
    if _sealer is None:  # pragma: no cover - the app registry always runs CoreConfig.ready first
        raise ImproperlyConfigured("审计链未接入：zhaoluo.core 应用尚未就绪")
    _sealer(rows)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Append-only: rows are added, never changed or removed through the ORM.

    The retention purge (core/audit_chain.py) deletes the oldest rows with its own SQL,
    after archiving them; nothing else may.
    """

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> list[AuditEvent]:  # type: ignore[override]
        """Rows are sealed into the chain (one lock of its head for the batch), then inserted."""
        rows = list(objs)
        with transaction.atomic(using=self.db):
            _seal(rows)
            return list(super().bulk_create(rows, *args, **kwargs))  # type: ignore[arg-type]

    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("审计记录只能追加，不能删除")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditImmutableError("审计记录只能追加，不能修改")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditImmutableError("审计记录只能追加，不能修改")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILURE = "failure", _("失败")


class AuditEvent(models.Model):
    """One row per write, written by the service in the same transaction as the write.

    `object_*` names the record written; `parent_*` the record whose timeline shows it
    (a milestone's project, for example), so a project's timeline is one indexed query.

    Rows form a hash chain (`seq`, `prev_hash`, `hash`: HMAC-SHA256 keyed by
    ZHAOLUO_AUDIT_KEY), so a row altered, inserted or deleted behind the application's
    back is found by `zhaoluo audit verify`. See core/audit_chain.py.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    # PROTECT: deleting a user must not rewrite the rows that record what they did
    # (SET_NULL would be an UPDATE of the append-only log); deactivate accounts instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    parent_type = models.CharField(_("上级对象类型"), max_length=64, blank=True)
    parent_id = models.CharField(_("上级对象编号"), max_length=64, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    object_version = models.PositiveIntegerField(
        _("对象版本"), null=True, blank=True, help_text=_("写入后对象的版本号，用于说明并发修改时别人改了什么")
    )
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, blank=True, help_text="web / api / cli / import / tick")
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    seq = models.PositiveBigIntegerField(_("链序号"), unique=True, editable=False)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("摘要"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        # Django's deletion collector uses the base manager; it must refuse like the default one.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["parent_type", "parent_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("审计记录只能追加，不能修改")
        with transaction.atomic(using=kwargs.get("using")):
            _seal([self])
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("审计记录只能追加，不能删除")


class AuditChainHead(models.Model):
    """The one row writers lock to append to the audit chain, in order.

    `seq`/`hash` are the last row's; `purged_seq`/`purged_hash` the last row the
    retention purge archived and deleted, where verification now starts. `mac` seals
    these four values so the head cannot be rewritten to hide deleted rows.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    purged_seq = models.PositiveBigIntegerField(default=0)
    purged_hash = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"seq {self.seq} (purged through {self.purged_seq})"


class CalendarDay(models.Model):
    """An administrator's override of the working-day calendar (new year's 调休 notices).

    The packaged calendar (chinese-calendar) is the default; a row here wins over it.
    """

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("例如：春节调休上班"))

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'} {self.name}"


class IdempotencyKey(models.Model):
    """A create that has been done once: the token a form (or an API client) sent with it,
    and the record it made, so the same submission a second time leads to that record
    instead of making another. See core/idempotency.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(_("幂等令牌"))
    scope = models.CharField(_("操作"), max_length=64, help_text=_("例如 projects.create"))
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    url = models.CharField(_("结果地址"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等令牌")
        verbose_name_plural = _("幂等令牌")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class TickLease(models.Model):
    """The lock of `zhaoluo tick`: one row per lease name, held until `expires_at`.

    A plain row (not an advisory lock) so it works the same on SQLite and PostgreSQL,
    and a killed tick's lease simply runs out instead of blocking the next ones forever.
    """

    name = models.CharField(_("名称"), max_length=32, primary_key=True)
    holder = models.CharField(_("持有者"), max_length=64)
    acquired_at = models.DateTimeField(_("获得时间"))
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = _("定时任务锁")
        verbose_name_plural = _("定时任务锁")

    def __str__(self) -> str:
        return f"{self.name} → {self.expires_at:%Y-%m-%d %H:%M:%S}"


class TickStep(models.Model):
    """What each step of the tick did last time, and the watermark it works on from.

    `since` is when the last successful run of the step started: what changed after it
    is what the next run has to look at (its incremental window).
    """

    name = models.CharField(_("步骤"), max_length=64, primary_key=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近结束"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("最近耗时（毫秒）"), null=True, blank=True)
    last_counts = models.JSONField(_("最近结果"), default=dict, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    last_today = models.DateField(_("按日期计算"), null=True, blank=True)
    since = models.DateTimeField(_("增量起点"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)

    class Meta:
        verbose_name = _("定时任务步骤")
        verbose_name_plural = _("定时任务步骤")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
