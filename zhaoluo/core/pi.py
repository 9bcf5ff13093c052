"""The personal-information catalogue (PIPL 第六条, 等保 8.1.4.11) and display masking.

Every model field holding personal information is listed here with why it is collected,
the legal basis and how it is shown. A test introspects all models: a field that looks
personal (or is marked ``pi = True``, as every encrypted field is) and is missing here
fails CI, so a new PI column needs a decision recorded in this file and in
docs/personal-data.md.

Masking (GB/T 35273-2020 display restriction; the exact formats are this project's choice):

- mobile ``13812345678`` → ``138****5678``; landline ``0710-3214567`` → ``0710-***4567``;
- e-mail ``zhangsan@example.com`` → ``z***@example.com``;
- a person's name ``张三`` → ``张*``, ``张三明`` → ``张*明``, ``欧阳小明`` → ``欧**明``.

Pages, the API and exports show masked values by default. The full value is shown only to
roles that need to phone or write to the person (`can_unmask`) and only on an explicit
request, each of which writes a ``pi.unmasked`` audit row (zhaoluo.core.privacy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models

from . import crypto, roles

# PIPL 第十三条第一款第（三）项: processing necessary to perform statutory duties.
STATUTORY_DUTY = "个人信息保护法第十三条第一款第（三）项：履行法定职责所必需"
# 网络安全法: network logs kept at least six months.
LOG_DUTY = "网络安全法：网络日志留存不少于六个月"


@dataclass(frozen=True)
class PIField:
    label: str
    purpose: str
    basis: str
    mask: str  # "phone", "email", "name" or "none" (shown as is: see `reason_unmasked`)
    retention: str
    reason_unmasked: str = ""


CATALOGUE: dict[str, PIField] = {
    "enterprises.Enterprise.contact": PIField(
        label="企业联系人姓名",
        purpose="包联干部、科经局与企业对接服务、办理诉求",
        basis=STATUTORY_DUTY,
        mask="name",
        retention="企业在库期间；联系人变更或申请删除时匿名化",
    ),
    "enterprises.Enterprise.phone": PIField(
        label="企业联系人电话",
        purpose="联系企业办理诉求、走访预约",
        basis=STATUTORY_DUTY,
        mask="phone",
        retention="企业在库期间；联系人变更或申请删除时匿名化",
    ),
    "orgs.User.email": PIField(
        label="用户电子邮箱",
        purpose="账号通知（待办、督办提醒）",
        basis=STATUTORY_DUTY,
        mask="email",
        retention="账号存续期间；注销或申请删除时清除",
    ),
    "orgs.User.first_name": PIField(
        label="用户名（名）",
        purpose="页面和审计记录中标明操作人",
        basis=STATUTORY_DUTY,
        mask="none",
        retention="账号存续期间；注销或申请删除时清除",
        reason_unmasked="工作人员履职时署名，系统内公开",
    ),
    "orgs.User.last_name": PIField(
        label="用户姓",
        purpose="页面和审计记录中标明操作人",
        basis=STATUTORY_DUTY,
        mask="none",
        retention="账号存续期间；注销或申请删除时清除",
        reason_unmasked="工作人员履职时署名，系统内公开",
    ),
    "orgs.Official.name": PIField(
        label="干部姓名",
        purpose="包保、专班、包联责任到人",
        basis=STATUTORY_DUTY,
        mask="none",
        retention="长期（责任追溯）",
        reason_unmasked="干部履职信息，责任到人须实名",
    ),
    "orgs.Official.mobile": PIField(
        label="干部手机",
        purpose="督办、交办提醒和工作联系",
        basis=STATUTORY_DUTY,
        mask="phone",
        retention="干部在册期间；调离或申请删除时清除",
    ),
    "core.AuditEvent.actor_name": PIField(
        label="审计记录操作人姓名",
        purpose="安全审计、责任追溯",
        basis=LOG_DUTY,
        mask="none",
        retention="不少于 184 天（法定留存，删除请求的例外）",
        reason_unmasked="仅审计管理员可查看审计记录",
    ),
    "core.AuditEvent.ip": PIField(
        label="审计记录来源地址",
        purpose="安全审计、异常访问追溯",
        basis=LOG_DUTY,
        mask="none",
        retention="不少于 184 天（法定留存，删除请求的例外）",
        reason_unmasked="仅审计管理员可查看审计记录",
    ),
    "accounts.LoginFailure.ip": PIField(
        label="登录失败来源地址",
        purpose="按来源地址限制登录尝试（防暴力破解、撞库）",
        basis=LOG_DUTY,
        mask="none",
        retention="1 天（过期即删除；审计日志另留存）",
        reason_unmasked="只在服务端用于限流，不在任何页面或接口显示",
    ),
}

# Field names that look personal; any such field must be catalogued (tests/test_pi_catalogue).
LOOKS_PERSONAL = re.compile(
    r"(phone|mobile|^tel|_tel$|fax|e_?mail|id_?(number|card|no)$|passport|contact|address|birth|gender|"
    r"first_name|last_name|full_name|person|actor_name|^ip$|wechat|qq$)",
    re.IGNORECASE,
)


def key_of(model: type[models.Model] | models.Model, field_name: str) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}.{field_name}"


def is_personal(field: Any) -> bool:
    """Whether a model field must be catalogued: by its name, its type, or an explicit mark."""
    return bool(
        getattr(field, "pi", False)
        or isinstance(field, models.GenericIPAddressField | models.EmailField)
        or LOOKS_PERSONAL.search(field.name)
    )


def mask_phone(value: str) -> str:
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) >= 8:
        return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
    return "*" * max(len(value) - 2, 1) + value[-2:]


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return mask_name(value)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str) -> str:
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


_MASKS = {"phone": mask_phone, "email": mask_email, "name": mask_name}


def mask(field_key: str, value: Any) -> Any:
    """The value as shown by default; blanks and fields shown as is pass through."""
    entry = CATALOGUE.get(field_key)
    if entry is None or value is None or value == "" or entry.mask == "none":
        return value
    return _MASKS[entry.mask](str(value))


def masked_fields(model: type[models.Model] | models.Model) -> list[str]:
    prefix = key_of(model, "")
    return [key[len(prefix) :] for key, entry in CATALOGUE.items() if key.startswith(prefix) and entry.mask != "none"]


def audit_value(field_key: str, value: Any) -> Any:
    """What the audit log keeps of a masked PI field: the mask plus a keyed fingerprint, so a
    change that keeps the same mask (13811115678 → 13822225678) still shows as a change."""
    if value is None or value == "" or field_key not in CATALOGUE or CATALOGUE[field_key].mask == "none":
        return value
    return f"{mask(field_key, value)} #{crypto.fingerprint(str(value), purpose='audit:' + field_key)}"


def can_unmask(user: Any, obj: models.Model | None = None) -> bool:
    """Whether the user may ask for full values (on a record they can already see).

    Which roles may is the apps' answer to `roles.UNMASK` (orgs: the roles that phone contacts;
    enterprises: an enterprise contact, on their own enterprise).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return roles.allows(roles.UNMASK, user, obj)
