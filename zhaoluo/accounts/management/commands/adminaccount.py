from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.accounts import server_services
from zhaoluo.core import context
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User


class Command(BaseCommand):
    help = (
        "三员账号（系统管理员、安全管理员、审计管理员）：重置密码、解绑验证码、改角色，只在服务器上办理 / "
        "the three admin accounts: reset password, remove 2FA, change role (server only)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset-password", help="重置密码，首次登录须修改 / temporary password")
        reset.add_argument("username")
        otp = sub.add_parser("otp-reset", help="解绑动态验证码，下次登录重新绑定 / remove 2FA devices")
        otp.add_argument("username")
        role = sub.add_parser("role", help="改角色 / change the role")
        role.add_argument("username")
        role.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"].strip()).first()
        if user is None:
            raise CommandError(f"找不到账号 / no such account: {options['username']}")
        try:
            with context.using(context.RequestContext(source="cli", request_id=context.new_request_id())):
                if options["action"] == "reset-password":
                    password = server_services.admin_password_reset(user=user)
                    self.stdout.write(
                        f"{user.username} 的临时密码（只显示这一次，首次登录须修改）/ temporary password:"
                    )
                    self.stdout.write(password)
                elif options["action"] == "otp-reset":
                    removed = server_services.admin_otp_reset(user=user)
                    self.stdout.write(f"{user.username}：已移除动态验证码设备 {removed} 个 / 2FA devices removed")
                else:
                    server_services.admin_role_change(user=user, role=options["role"])
                    self.stdout.write(f"{user.username} 的角色为 {Role(user.role).label} / role set")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
