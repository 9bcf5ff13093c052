"""One login per role, with a deterministic strong password printed when the demo starts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings

from zhaoluo.orgs.choices import Role

from . import names
from .org_data import LOGINS, LoginSpec
from .plan import SEED


@dataclass(frozen=True)
class Login:
    spec: LoginSpec
    password: str

    @property
    def role_label(self) -> str:
        return str(Role(self.spec.role).label)


def logins() -> list[Login]:
    rng = random.Random(f"{SEED}:passwords")
    return [Login(spec, names.password(rng)) for spec in LOGINS]


def login_table(rows: list[Login]) -> str:
    lines = ["演示账号（每个角色一个）/ demo logins:", ""]
    width = max(len(r.spec.username) for r in rows)
    for row in rows:
        lines.append(f"  {row.spec.username.ljust(width)}  {row.password}  {row.role_label}（{row.spec.note}）")
    admins = "、".join(r.spec.username for r in rows if r.spec.role in settings.ZHAOLUO_OTP_REQUIRED_ROLES)
    if admins:
        lines += [
            "",
            f"  {admins} 首次登录时须用手机身份验证器（腾讯身份验证器、Microsoft Authenticator 等）",
            "  扫码绑定动态验证码，以后每次登录输入 6 位验证码（双因素认证，见 docs/accounts.md）。",
            "  these roles enrol a TOTP authenticator at first login and enter its code at every login.",
        ]
    return "\n".join(lines)
