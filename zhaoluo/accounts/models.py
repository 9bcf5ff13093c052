"""Security state of logins, kept beside orgs.User rather than in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    """One row per user, created on first need: password age, forced change, lockout."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="security",
    )
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("管理员设置的初始密码或重置密码，首次登录须修改")
    )
    failed_logins = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self) -> str:
        return str(self.user)


class LoginFailure(models.Model):
    """A failed password login, for per-address throttling and as the audit row's object.

    The attempted name is kept as typed (control characters neutralised), because an
    unknown name is exactly what an administrator looking for password spraying needs.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    username = models.CharField(_("尝试的用户名"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对应用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=32)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.reason}"


class ApiToken(models.Model):
    """An API credential: several per user, each named, each with an end (issue #11 point 5).

    Only the SHA-256 of the key is stored (the key is 160 random bits, so no salt or slow hash
    is needed): a database reader cannot use a token. Tokens end at logout, at a password
    change or reset, and when their time is up.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8, help_text=_("令牌的前 8 位，便于辨认"))
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="accounts_apitoken_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, the newest ZHAOLUO_PASSWORD_HISTORY kept, so a
    change cannot go to a new password and straight back (issue #11 point 11)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    set_at = models.DateTimeField(_("停用时间"))

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.set_at:%Y-%m-%d}"
