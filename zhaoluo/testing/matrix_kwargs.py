"""The permission matrix's URL arguments: the test world's records (`Targets`) and, per kind of
route, how its URL arguments are filled from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Targets:
    """The records a route's URL arguments point at."""

    project: Any
    milestone: Any
    evidence: Any  # a StageTransition with an evidence file
    enterprise: Any
    # The platform's own records (security/conftest.platform_targets says why each is chosen).
    notification: Any = None  # to `investment`, already read
    channel: Any = None  # the e-mail channel
    delivery: Any = None  # already sent
    device: Any = None  # a bound 2FA device of an account outside the personas
    account: Any = None  # the 安全管理员's own account
    problem: Any = None  # a problem of the project, 区发改局 responsible (security/conftest.targets_for)
    notice: Any = None  # a 督办单 on that problem, not yet replied (security/conftest.targets_for)
    assistance_form: Any = None  # a draft 帮扶情况收集表 of the project, with a summary (targets_for)
    approval: Any = None  # an approval of the project, 区发改局 handling (security/conftest.targets_for)
    approval_item: Any = None  # an entry of the approvals catalogue
    meeting: Any = None  # a planned meeting chaired by the project's 包保领导, its 专班 lead invited
    # 百名干部进百企 (security/conftest.targets_for): a pairing of a cadre of no persona with the
    # project's enterprise, a visit of it with a photo, and a need already turned into a problem.
    pairing: Any = None
    visit: Any = None
    need: Any = None
    photo: Any = None


Kwargs = Callable[[Targets], dict[str, Any]]


def no_kwargs(t: Targets) -> dict[str, Any]:
    return {}


def project(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk}


def milestone(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk, "mid": t.milestone.pk}


def evidence(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk, "kind": "evidence", "file_id": t.evidence.pk}


def api_milestone(t: Targets) -> dict[str, Any]:
    return {"pk": t.milestone.pk}


def enterprise(t: Targets) -> dict[str, Any]:
    return {"pk": t.enterprise.pk}


def problem(t: Targets) -> dict[str, Any]:
    return {"pk": t.problem.pk}


def notice(t: Targets) -> dict[str, Any]:
    return {"pk": t.notice.pk}


def escalation_rule(t: Targets) -> dict[str, Any]:
    # Rules are the platform's presets (supervision/presets.py), the same for every district.
    return {"code": "overdue-1-blue"}


def deadline_rule(t: Targets) -> dict[str, Any]:
    return {"code": "green-channel-half"}


def assistance_form(t: Targets) -> dict[str, Any]:
    return {"pk": t.assistance_form.pk}


def approval(t: Targets) -> dict[str, Any]:
    return {"pk": t.approval.pk}


def approval_item(t: Targets) -> dict[str, Any]:
    return {"pk": t.approval_item.pk}


def meeting(t: Targets) -> dict[str, Any]:
    return {"pk": t.meeting.pk}


# The routes whose URL names a record of a district's business (a project, an enterprise, a problem).
SCOPED_KWARGS: tuple[Kwargs, ...] = (
    project,
    milestone,
    evidence,
    api_milestone,
    enterprise,
    problem,
    notice,
    assistance_form,
    approval,
    meeting,
)


def pairing(t: Targets) -> dict[str, Any]:
    return {"pk": t.pairing.pk}


def visit(t: Targets) -> dict[str, Any]:
    return {"pk": t.visit.pk}


def need(t: Targets) -> dict[str, Any]:
    return {"pk": t.need.pk}


def photo(t: Targets) -> dict[str, Any]:
    return {"pk": t.photo.pk}


def notification(t: Targets) -> dict[str, Any]:
    return {"pk": t.notification.pk}


def channel(t: Targets) -> dict[str, Any]:
    return {"pk": t.channel.pk}


def delivery(t: Targets) -> dict[str, Any]:
    return {"pk": t.delivery.pk}


def device(t: Targets) -> dict[str, Any]:
    return {"pk": t.device.pk}


def account(t: Targets) -> dict[str, Any]:
    return {"pk": t.account.pk}


# Ledgers are exercised on the enterprise ledger (import: KEEP_REGISTRY's roles and investment).
LEDGER_KIND = "enterprises"


def ledger_kind(t: Targets) -> dict[str, Any]:
    return {"kind_name": LEDGER_KIND}


def api_ledger_kind(t: Targets) -> dict[str, Any]:
    return {"kind": LEDGER_KIND}


def ledger_upload(t: Targets) -> dict[str, Any]:
    """An upload token no session holds: a preview is the uploader's alone."""
    return {"kind_name": LEDGER_KIND, "token": "no-such-upload"}
