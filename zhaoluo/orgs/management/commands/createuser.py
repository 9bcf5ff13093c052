from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import context
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, Unit
from zhaoluo.orgs.services import user_create


class Command(BaseCommand):
    help = "新建登录账号 / create a login"

    def add_arguments(self, parser: CommandParser) -> None:
        roles = ", ".join(f"{r.value}={r.label}" for r in Role)
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help=f"角色 / role: {roles}")
        parser.add_argument("--region", help="地区代码 / region code (区级角色填区，镇街填镇街)")
        parser.add_argument("--unit", help="单位名称 / unit name")
        parser.add_argument("--official", help="对应干部姓名 / the official's name")
        parser.add_argument("--password", help="密码（不填则交互输入）/ password (prompted when omitted)")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("密码 / password: ")
        region = _get(Region, code=options["region"]) if options["region"] else None
        unit = _get(Unit, name=options["unit"]) if options["unit"] else None
        official = _get(Official, name=options["official"]) if options["official"] else None
        try:
            with context.using(context.RequestContext(source="cli")):
                user = user_create(
                    by=None,
                    username=options["username"],
                    password=password,
                    role=options["role"],
                    region=region,
                    unit=unit,
                    official=official,
                )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已创建 / created: {user.username} ({Role(user.role).label})")


def _get(model: Any, **lookup: str) -> Any:
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist as exc:
        raise CommandError(f"找不到 / not found: {model._meta.verbose_name} {lookup}") from exc
    except model.MultipleObjectsReturned as exc:
        raise CommandError(f"不唯一 / ambiguous: {model._meta.verbose_name} {lookup}") from exc
