from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import context, privacy
from zhaoluo.orgs.models import User


class Command(BaseCommand):
    help = (
        "按个人信息删除申请匿名化：企业联系人（--enterprise 信用代码）或用户（--user 登录名，同时停用账号）/ "
        "anonymise an enterprise contact (--enterprise USCC) or a user (--user USERNAME, login disabled)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--enterprise", help="企业统一社会信用代码 / the enterprise's USCC")
        who.add_argument("--user", help="用户登录名 / the user's login name")
        parser.add_argument("--reason", required=True, help="申请依据（如申请单号）/ the request this fulfils")

    def handle(self, *args: Any, **options: Any) -> None:
        with context.using(context.RequestContext(source="cli")):
            if options["enterprise"]:
                # The enterprises app's privacy subject finds it (accounts sits beside, not above, enterprises).
                enterprise = privacy.SUBJECTS["enterprise"].find(options["enterprise"].strip(), None, True)
                if enterprise is None:
                    raise CommandError(f"没有信用代码为 {options['enterprise']} 的企业")
                cleared = privacy.enterprise_contact_anonymise(enterprise=enterprise, by=None, reason=options["reason"])
                target = enterprise.name
            else:
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"没有登录名为 {options['user']} 的用户")
                cleared = privacy.user_anonymise(user=user, by=None, reason=options["reason"])
                target = user.username
        self.stdout.write(f"已匿名化 {target}：{'、'.join(cleared) or '无个人信息字段需清除'}")
