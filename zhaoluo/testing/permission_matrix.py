"""The permission matrix: every named URL of the platform and who may do what on it.

Deny by default, written down once. `zhaoluo/core/tests/security/test_matrix.py` walks the
URL resolver and fails for a route missing here, then requests every route as every
persona of the `world` fixture (plus an anonymous visitor) with every method and compares
the status with what is declared here.

Adding a route: add one `Route(...)` line to ROUTES (or ADMIN_PREFIX covers it), naming
the URL, how its arguments are filled from the test world (`Targets`), and a `Rule` per
HTTP method it accepts. Methods not listed must answer 405. A write is sent with an empty
body, so a persona that may act gets the validation answer (422 for a page's form, 400 for
the API), never a change.

Statuses: `ok` personas get the rule's status; `seen` personas (who can see the record but
may not act on it) get 403; everyone else gets `hidden`: 404 when the route names a record
outside their scope (never 403: that would confirm it exists), 403 when it names none.
Anonymous visitors are sent to the login page (302) on pages and get 401 from the API,
unless the route is public.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
# One persona of each kind of scope, for routes marked `sample`.
SAMPLE_PERSONAS = frozenset({ANONYMOUS, "investment", "township_user", "enterprise_user", "sysadmin", "nobody"})
# Attribute names of the `world` fixture's users.
PERSONAS: tuple[str, ...] = (
    "investment",
    "task_force",
    "leader",
    "unit",
    "township_user",
    "supervision",
    "principal",
    "economy",
    "enterprise_user",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
    "nobody",
)
SIGNED_IN = frozenset(PERSONAS)
NONE: frozenset[str] = frozenset()

# Who sees what of the world (orgs/scope.py): the world's project lies in 双沟镇, is led by
# 区发改局 (the `unit` persona's unit) and 王海 (`leader`), with `task_force` on its 专班.
DISTRICT_WIDE = frozenset({"investment", "supervision", "principal", "economy"})
SEES_PROJECT = DISTRICT_WIDE | {"township_user", "unit", "leader", "task_force"}
SEES_ENTERPRISE = SEES_PROJECT | {"enterprise_user"}
# problems/selectors.py: a problem of the world's project with 区发改局 responsible is seen as the project is.
SEES_PROBLEM = SEES_PROJECT
# problems/permissions.py: 交办 by the district roles and the project's 包保领导; the responsible unit
# handles; the raiser (`investment` raised the target) or 督查室 closes, sends back and rates.
ASSIGN_PROBLEMS = DISTRICT_WIDE | {"leader"}
HANDLE_PROBLEMS = frozenset({"unit"})
CONFIRM_PROBLEMS = frozenset({"investment", "supervision"})
# supervision/permissions.py: the ladder (升级, 降级, 挂牌督办, 约谈) is 督查室's and the principals';
# the rules are edited by 督查室; the green channel is set by the project's 包保领导 or a principal.
LADDER = frozenset({"supervision", "principal"})
EDIT_SUPERVISION_RULES = frozenset({"supervision"})
SET_GREEN_CHANNEL = frozenset({"leader", "principal"})
# approvals/selectors.py and permissions.py: the target approval is of the world's project with 区发改局
# handling, so it is seen as the project is; 招商人员 record, the handling department's staff update; the
# catalogue (shared reference data) is kept by 招商人员 (政务服务 unit staff too, none among the personas).
SEES_APPROVAL = SEES_PROJECT
RECORD_APPROVALS = frozenset({"investment"})
UPDATE_APPROVALS = frozenset({"investment", "unit"})
KEEP_CATALOGUE = frozenset({"investment", "outsider"})
# meetings/selectors.py: the district-wide roles, the chair (`leader`) and the invited (`unit`'s official leads
# the 专班); meetings/permissions.py: the chair and 督查室 edit.
SEES_MEETING = DISTRICT_WIDE | {"leader", "unit"}
EDIT_MEETING = frozenset({"leader", "supervision"})
# projects/permissions.py and enterprises/services.py
MANAGE_PROJECTS = frozenset({"investment"})
REPORT_PROGRESS = frozenset({"investment", "task_force", "leader", "unit", "township_user"})
KEEP_REGISTRY = frozenset({"investment", "economy"})
# A create names no record: an investment user of another district creates in their own.
CREATE_PROJECTS = MANAGE_PROJECTS | {"outsider"}
CREATE_ENTERPRISES = KEEP_REGISTRY | {"outsider"}
# assistance/permissions.py: a key project's form is seen as the project is and kept by those who
# report its progress; an enterprise's form is kept by its contact and 科经局 (the target is a project's).
SEES_ASSISTANCE_FORM = SEES_PROJECT
FILL_PROJECT_FORMS = REPORT_PROGRESS
START_ASSISTANCE_FORMS = REPORT_PROGRESS | {"economy", "enterprise_user", "outsider"}
# orgs/scope.py: the roles whose scope lies in a district (the outsider's is their own district);
# ledgers and exports are for them. The three admin roles and an account without a role have none.
HAS_DISTRICT = SEES_ENTERPRISE | {"outsider"}
# ledgers/spec.py import_roles of the enterprise ledger (enterprises/permissions.py MANAGE_ROLES).
IMPORT_ENTERPRISES = frozenset({"investment", "economy", "outsider"})
# The three admin roles (三员, accounts/permissions.py): one capability each.
ADMINS = frozenset({"sysadmin", "secadmin", "auditadmin"})
CONFIGURE_SYSTEM = frozenset({"sysadmin"})
MANAGE_ACCOUNTS = frozenset({"secadmin"})
READ_AUDIT = frozenset({"auditadmin"})
# core/pi.py can_unmask: the roles that phone contacts, and the enterprise's own contact.
UNMASK_CONTACTS = frozenset({"investment", "economy", "enterprise_user"})
# The 督办 pages (queue, 督办单, rules) are internal: an enterprise contact is refused them (service issue).
INTERNAL = SIGNED_IN - {"enterprise_user"}
# service/selectors.py: the district-wide roles, the enterprise's township and the enterprise itself see
# its pairings and visits (and the cadre, no persona); service/permissions.py: 科经局 pairs, unpairs and
# raises needs; photos follow contact details (UNMASK_CONTACTS); organiser pages need a district scope.
SEES_SERVICE = DISTRICT_WIDE | {"township_user", "enterprise_user"}
ORGANISE_PAIRINGS = frozenset({"economy"})
SEES_VISIT_PHOTOS = UNMASK_CONTACTS
DISTRICT_SCOPE = DISTRICT_WIDE | {"outsider"}
ENTERPRISE_CONTACT = frozenset({"enterprise_user"})

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ALL_METHODS = ("GET", *WRITE_METHODS)
FORM_INVALID = 422  # a page's form sent empty
API_INVALID = 400  # an API write sent empty


@dataclass(frozen=True)
class Rule:
    ok: frozenset[str]
    status: int = 200
    seen: frozenset[str] = NONE
    hidden: int = 404

    def expected(self, persona: str) -> int:
        if persona in self.ok:
            return self.status
        if persona in self.seen:
            return 403
        return self.hidden


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


@dataclass(frozen=True)
class Route:
    name: str
    methods: Mapping[str, Rule]
    kwargs: Kwargs = no_kwargs
    api: bool = False
    # API routes answer errors in the JSON shape of core/api.py; the Swagger page is HTML.
    json_errors: bool = True
    # What an anonymous visitor gets per method; unset: 302 to login (pages) or 401 (API).
    anonymous: Mapping[str, int] = field(default_factory=dict)
    # An expensive page that is the same for every signed-in persona: checked for SAMPLE_PERSONAS.
    sample: bool = False
    # An API upload: writes are sent as an empty multipart form, not JSON.
    multipart: bool = False
    # Audit actions a permitted request of this route records by design, its empty body being the
    # whole request (logout); nothing else may change.
    records: frozenset[str] = NONE

    @property
    def names_a_record(self) -> bool:
        return self.kwargs is not no_kwargs

    def anonymous_status(self, method: str) -> int:
        if method in self.anonymous:
            return self.anonymous[method]
        if self.anonymous:  # a public route: methods it does not take are 405 for everyone
            return 405
        return 401 if self.api else 302


def everyone(status: int = 200) -> Rule:
    return Rule(ok=SIGNED_IN, status=status)


def in_scope(sees: frozenset[str], may: frozenset[str] | None = None, status: int = 200) -> Rule:
    """A record: those who see it and may act get `status`, those who only see it 403, others 404."""
    may = sees if may is None else may
    return Rule(ok=may, status=status, seen=sees - may)


def only(may: frozenset[str], status: int = 200) -> Rule:
    """No record named: those who may get `status`, everyone else 403."""
    return Rule(ok=may, status=status, hidden=403)


def form(sees: frozenset[str], may: frozenset[str]) -> dict[str, Rule]:
    """A page with a form on a record: GET shows it, POST submits it."""
    return {"GET": in_scope(sees, may), "POST": in_scope(sees, may, FORM_INVALID)}


ROUTES: tuple[Route, ...] = (
    # ---- platform
    Route("home", {"GET": everyone()}),
    Route(
        "login",
        # A signed-in user is sent on to their home page whatever the method; Django's
        # LoginView takes PUT as a POST (an empty one re-shows the form).
        dict.fromkeys(ALL_METHODS, Rule(ok=NONE, hidden=302)),
        anonymous={"GET": 200, "POST": 200, "PUT": 200},
    ),
    # Logout (accounts/views.py) ends every session of the account and records it.
    Route("logout", {"POST": everyone(302)}, anonymous={"POST": 302}, records=frozenset({"logout"})),
    Route("healthz", {"GET": everyone()}, anonymous={"GET": 200}),
    # ---- the user's own account (accounts/views.py)
    Route("accounts:password-change", {"GET": everyone(), "POST": everyone(FORM_INVALID)}),
    Route("accounts:security", {"GET": everyone()}),
    # Nobody owes a code here: the admin roles' sessions are verified, the others have no device.
    Route("accounts:otp-verify", {"GET": everyone(302), "POST": everyone(302)}),
    # Enrolment: the admin roles have a bound device already and are sent to their security page.
    Route(
        "accounts:otp-enrol",
        {
            "GET": Rule(ok=SIGNED_IN - ADMINS, hidden=302),
            "POST": Rule(ok=SIGNED_IN - ADMINS, status=FORM_INVALID, hidden=302),
        },
    ),
    Route("accounts:otp-qr", {"GET": only(SIGNED_IN - ADMINS)}),
    Route("accounts:otp-remove", {"POST": in_scope(NONE)}, device),
    # ---- 安全管理员 (accounts/views.py manage_*; the target is their own account)
    Route("secadmin:accounts", {"GET": only(MANAGE_ACCOUNTS)}),
    Route("secadmin:create", {"GET": only(MANAGE_ACCOUNTS), "POST": only(MANAGE_ACCOUNTS, FORM_INVALID)}),
    Route("secadmin:reset", {"POST": only(NONE)}, account),
    # No choice of 启用/停用: refused with a message, changing nothing.
    Route("secadmin:active", {"POST": only(MANAGE_ACCOUNTS, 302)}, account),
    Route("secadmin:unlock", {"POST": only(NONE)}, account),
    Route("secadmin:otp-reset", {"POST": only(NONE)}, account),
    # No role chosen: the form is refused with a message, before any check of the account.
    Route("secadmin:role", {"POST": only(MANAGE_ACCOUNTS, 302)}, account),
    Route("privacy:anonymise", {"GET": only(MANAGE_ACCOUNTS), "POST": only(MANAGE_ACCOUNTS, FORM_INVALID)}),
    # ---- 审计管理员 (core/views.py)
    Route("audit-search", {"GET": only(READ_AUDIT)}),
    Route("audit-export", {"GET": only(READ_AUDIT)}),
    # ---- notifications (notify/views.py): everyone's own inbox; the channels are the sysadmin's
    Route("notify:inbox", {"GET": everyone()}),
    Route("notify:read", {"POST": in_scope(frozenset({"investment"}), status=302)}, notification),
    Route("notify:open", {"POST": in_scope(frozenset({"investment"}), status=302)}, notification),
    Route("notify:read_all", {"POST": everyone(302)}),
    Route("notify:channels", {"GET": only(CONFIGURE_SYSTEM)}),
    Route(
        "notify:channel_create",
        {"GET": only(CONFIGURE_SYSTEM), "POST": only(CONFIGURE_SYSTEM, FORM_INVALID)},
    ),
    # The role is checked before the channel is looked up: 403, not 404, for everyone else.
    Route(
        "notify:channel_edit",
        {"GET": only(CONFIGURE_SYSTEM), "POST": only(CONFIGURE_SYSTEM, FORM_INVALID)},
        channel,
    ),
    Route("notify:channel_test", {"POST": only(CONFIGURE_SYSTEM, 302)}, channel),
    Route("notify:delivery_retry", {"POST": only(CONFIGURE_SYSTEM, 302)}, delivery),
    # ---- ledgers (ledgers/views.py)
    Route("ledgers:index", {"GET": only(HAS_DISTRICT)}),
    Route("ledgers:template", {"GET": only(HAS_DISTRICT)}, ledger_kind),
    Route("ledgers:export", {"GET": only(HAS_DISTRICT)}, ledger_kind),
    Route(
        "ledgers:import",
        {"GET": only(IMPORT_ENTERPRISES), "POST": only(IMPORT_ENTERPRISES, FORM_INVALID)},
        ledger_kind,
    ),
    Route("ledgers:confirm", {"POST": Rule(ok=NONE)}, ledger_upload),
    Route("ledgers:issues", {"GET": Rule(ok=NONE)}, ledger_upload),
    # ---- project pages
    Route("projects:list", {"GET": everyone()}),
    # The 项目台账 export of the ledger engine: for accounts with a district.
    Route("projects:export", {"GET": only(HAS_DISTRICT)}),
    Route("projects:create", {"GET": only(CREATE_PROJECTS), "POST": only(CREATE_PROJECTS, FORM_INVALID)}),
    Route("projects:detail", {"GET": in_scope(SEES_PROJECT)}, project),
    Route("projects:edit", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:advance", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:terminate", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:reopen", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:task_force", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:funds", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:milestone_create", form(SEES_PROJECT, REPORT_PROGRESS), project),
    Route("projects:milestone_edit", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:milestone_complete", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:milestone_delete", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:progress", form(SEES_PROJECT, REPORT_PROGRESS), project),
    Route("projects:file", {"GET": in_scope(SEES_PROJECT)}, evidence),
    # ---- problems (problems/selectors.py, problems/permissions.py): the target is a project problem
    Route("problems:list", {"GET": everyone()}),
    Route("problems:responsibility", {"GET": everyone()}),
    Route("problems:deadlines", {"GET": everyone()}),
    Route("problems:export", {"GET": only(HAS_DISTRICT)}),
    # Everyone with a district's scope raises (an enterprise contact for their enterprise); not the admin roles.
    Route("problems:create", {"GET": only(HAS_DISTRICT), "POST": only(HAS_DISTRICT, FORM_INVALID)}),
    Route("problems:detail", {"GET": in_scope(SEES_PROBLEM)}, problem),
    Route("problems:assign", form(SEES_PROBLEM, ASSIGN_PROBLEMS), problem),
    Route("problems:start", form(SEES_PROBLEM, HANDLE_PROBLEMS), problem),
    Route("problems:resolve", form(SEES_PROBLEM, HANDLE_PROBLEMS), problem),
    Route("problems:return", form(SEES_PROBLEM, CONFIRM_PROBLEMS), problem),
    Route("problems:close", form(SEES_PROBLEM, CONFIRM_PROBLEMS), problem),
    Route("problems:rate", form(SEES_PROBLEM, CONFIRM_PROBLEMS), problem),
    # ---- 三级督查 (supervision/views.py): the notice is on the target problem
    Route("supervision:queue", {"GET": only(INTERNAL)}),
    Route("supervision:queue_export", {"GET": only(HAS_DISTRICT - {"enterprise_user"})}),
    Route("supervision:rules", {"GET": only(HAS_DISTRICT - {"enterprise_user"})}),
    Route(
        "supervision:rule_edit",
        {"GET": only(EDIT_SUPERVISION_RULES), "POST": only(EDIT_SUPERVISION_RULES, FORM_INVALID)},
        escalation_rule,
    ),
    Route(
        "supervision:deadline_rule_edit",
        {"GET": only(EDIT_SUPERVISION_RULES), "POST": only(EDIT_SUPERVISION_RULES, FORM_INVALID)},
        deadline_rule,
    ),
    Route("supervision:notices", {"GET": only(INTERNAL)}),
    Route("supervision:notice", {"GET": in_scope(SEES_PROBLEM)}, notice),
    Route("supervision:notice_reply", form(SEES_PROBLEM, HANDLE_PROBLEMS), notice),
    Route("supervision:escalate", form(SEES_PROBLEM, LADDER), problem),
    Route("supervision:deescalate", form(SEES_PROBLEM, LADDER), problem),
    Route("supervision:listing", form(SEES_PROBLEM, LADDER), problem),
    Route("supervision:listing_lift", form(SEES_PROBLEM, LADDER), problem),
    Route("supervision:interview", form(SEES_PROBLEM, LADDER), problem),
    Route("supervision:green_channel", form(SEES_PROJECT, SET_GREEN_CHANNEL), project),
    # ---- assistance forms (assistance/selectors.py, assistance/permissions.py): the target is a project's draft
    Route("assistance:due", {"GET": everyone()}),
    Route("assistance:list", {"GET": everyone()}),
    Route(
        "assistance:create",
        {"GET": only(START_ASSISTANCE_FORMS), "POST": only(START_ASSISTANCE_FORMS, FORM_INVALID)},
    ),
    Route("assistance:detail", {"GET": in_scope(SEES_ASSISTANCE_FORM)}, assistance_form),
    Route("assistance:edit", form(SEES_ASSISTANCE_FORM, FILL_PROJECT_FORMS), assistance_form),
    Route("assistance:submit", form(SEES_ASSISTANCE_FORM, FILL_PROJECT_FORMS), assistance_form),
    Route("assistance:print", {"GET": in_scope(SEES_ASSISTANCE_FORM)}, assistance_form),
    Route("assistance:pdf", {"GET": in_scope(SEES_ASSISTANCE_FORM)}, assistance_form),
    # ---- approvals (approvals/views.py): lists and totals are scoped; exports for accounts with a district
    Route("approvals:list", {"GET": everyone()}),
    Route("approvals:totals", {"GET": everyone()}),
    Route("approvals:export", {"GET": only(HAS_DISTRICT)}),
    Route("approvals:totals_export", {"GET": only(HAS_DISTRICT)}),
    Route("approvals:catalogue", {"GET": everyone()}),
    # The role is checked before the entry is looked up: 403, not 404, for everyone else.
    Route(
        "approvals:item_edit",
        {"GET": only(KEEP_CATALOGUE), "POST": only(KEEP_CATALOGUE, FORM_INVALID)},
        approval_item,
    ),
    Route("approvals:create", form(SEES_PROJECT, RECORD_APPROVALS), project),
    Route("approvals:edit", form(SEES_APPROVAL, UPDATE_APPROVALS), approval),
    # ---- meetings (meetings/selectors.py, meetings/permissions.py)
    Route("meetings:list", {"GET": everyone()}),
    Route("meetings:mine", {"GET": everyone()}),
    Route("meetings:detail", {"GET": in_scope(SEES_MEETING)}, meeting),
    Route("meetings:pack", {"GET": in_scope(SEES_MEETING)}, meeting),
    Route("meetings:agenda", {"POST": in_scope(SEES_MEETING, EDIT_MEETING, FORM_INVALID)}, meeting),
    Route("meetings:minutes", form(SEES_MEETING, EDIT_MEETING), meeting),
    Route("meetings:decision", form(SEES_MEETING, EDIT_MEETING), meeting),
    Route("meetings:cancel", form(SEES_MEETING, EDIT_MEETING), meeting),
    # ---- enterprise pages
    Route("enterprises:list", {"GET": everyone()}),
    Route("enterprises:detail", {"GET": in_scope(SEES_ENTERPRISE)}, enterprise),
    Route("enterprises:edit", form(SEES_ENTERPRISE, KEEP_REGISTRY), enterprise),
    Route("enterprises:unmask", {"POST": in_scope(SEES_ENTERPRISE, UNMASK_CONTACTS)}, enterprise),
    Route("enterprises:export", {"GET": only(HAS_DISTRICT)}),
    # ---- figures
    Route("stats:funnel", {"GET": everyone()}),
    # ---- API: platform
    Route(
        "api-token",
        # An empty username and password is refused whoever asks; token login needs no session.
        {"POST": everyone(API_INVALID)},
        api=True,
        anonymous={"POST": 400},
    ),
    Route("api-me", {"GET": everyone()}, api=True),
    Route("api-officials", {"GET": everyone()}, api=True),
    Route("api-units", {"GET": everyone()}, api=True),
    Route("api-townships", {"GET": everyone()}, api=True),
    # ---- API: ledgers and the inbox
    Route(
        "api-ledger-import",
        {"POST": only(IMPORT_ENTERPRISES, API_INVALID)},
        api_ledger_kind,
        api=True,
        multipart=True,
    ),
    Route("api-ledger-export", {"GET": only(HAS_DISTRICT)}, api_ledger_kind, api=True),
    Route("api-notification-list", {"GET": everyone()}, api=True),
    Route("api-notification-detail", {"GET": in_scope(frozenset({"investment"}))}, notification, api=True),
    Route("api-notification-read", {"POST": in_scope(frozenset({"investment"}))}, notification, api=True),
    Route("api-notification-read-all", {"POST": everyone()}, api=True),
    # The schema answers in OpenAPI's own media type, its 401 included.
    Route("api-schema", {"GET": everyone()}, api=True, json_errors=False, sample=True),
    Route("api-docs", {"GET": everyone()}, api=True, json_errors=False),
    # ---- API: projects
    # ---- API: assistance forms (the same rules as the pages)
    Route(
        "api-assistance-list",
        {"GET": everyone(), "POST": only(START_ASSISTANCE_FORMS, API_INVALID)},
        api=True,
    ),
    Route("api-assistance-detail", {"GET": in_scope(SEES_ASSISTANCE_FORM)}, assistance_form, api=True),
    Route(
        "api-assistance-submit",
        {"POST": in_scope(SEES_ASSISTANCE_FORM, FILL_PROJECT_FORMS, API_INVALID)},
        assistance_form,
        api=True,
    ),
    # ---- API: problems (the same rules as the pages)
    Route("api-problem-list", {"GET": everyone()}, api=True),
    Route("api-problem-detail", {"GET": in_scope(SEES_PROBLEM)}, problem, api=True),
    Route("api-problem-assign", {"POST": in_scope(SEES_PROBLEM, ASSIGN_PROBLEMS, API_INVALID)}, problem, api=True),
    Route("api-problem-start", {"POST": in_scope(SEES_PROBLEM, HANDLE_PROBLEMS, API_INVALID)}, problem, api=True),
    Route("api-problem-resolve", {"POST": in_scope(SEES_PROBLEM, HANDLE_PROBLEMS, API_INVALID)}, problem, api=True),
    Route("api-problem-return", {"POST": in_scope(SEES_PROBLEM, CONFIRM_PROBLEMS, API_INVALID)}, problem, api=True),
    Route("api-problem-close", {"POST": in_scope(SEES_PROBLEM, CONFIRM_PROBLEMS, API_INVALID)}, problem, api=True),
    Route("api-problem-rate", {"POST": in_scope(SEES_PROBLEM, CONFIRM_PROBLEMS, API_INVALID)}, problem, api=True),
    # ---- API: 督办单 (the same rules as the pages; the notice is on the target problem)
    Route("api-notice-list", {"GET": everyone()}, api=True),
    Route("api-notice-detail", {"GET": in_scope(SEES_PROBLEM)}, notice, api=True),
    Route("api-notice-reply", {"POST": in_scope(SEES_PROBLEM, HANDLE_PROBLEMS, API_INVALID)}, notice, api=True),
    Route("api-problem-escalations", {"GET": in_scope(SEES_PROBLEM)}, problem, api=True),
    # ---- API: approvals (the same rules as the pages; a create names its project in the body)
    Route("api-approval-list", {"GET": everyone(), "POST": only(CREATE_PROJECTS, API_INVALID)}, api=True),
    Route(
        "api-approval-detail",
        {"GET": in_scope(SEES_APPROVAL), "PATCH": in_scope(SEES_APPROVAL, UPDATE_APPROVALS, API_INVALID)},
        approval,
        api=True,
    ),
    # ---- API: meetings (read-only, the same scope as the meeting pages)
    Route("api-meeting-list", {"GET": everyone()}, api=True),
    Route("api-meeting-detail", {"GET": in_scope(SEES_MEETING)}, meeting, api=True),
    Route("api-project-list", {"GET": everyone(), "POST": only(CREATE_PROJECTS, API_INVALID)}, api=True),
    Route(
        "api-project-detail",
        {"GET": in_scope(SEES_PROJECT), "PATCH": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)},
        project,
        api=True,
    ),
    Route("api-project-advance", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-terminate", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-reopen", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-transitions", {"GET": in_scope(SEES_PROJECT)}, project, api=True),
    Route("api-project-timeline", {"GET": in_scope(SEES_PROJECT)}, project, api=True),
    Route(
        "api-project-task-force",
        {"GET": in_scope(SEES_PROJECT), "PUT": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-project-milestones",
        {"GET": in_scope(SEES_PROJECT), "POST": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-project-progress",
        {"GET": in_scope(SEES_PROJECT), "POST": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-milestone-detail",
        {
            "GET": in_scope(SEES_PROJECT),
            "PATCH": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID),
            "DELETE": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID),
        },
        api_milestone,
        api=True,
    ),
    Route("api-fund-list", {"GET": everyone(), "POST": only(CREATE_PROJECTS, API_INVALID)}, api=True),
    # ---- API: enterprises
    Route("api-enterprise-list", {"GET": everyone(), "POST": only(CREATE_ENTERPRISES, API_INVALID)}, api=True),
    Route(
        "api-enterprise-detail",
        {"GET": in_scope(SEES_ENTERPRISE), "PATCH": in_scope(SEES_ENTERPRISE, KEEP_REGISTRY, API_INVALID)},
        enterprise,
        api=True,
    ),
    # ---- 百名干部进百企 (service/views.py): the start page is the 包联干部's (no persona); the enterprise
    # contact has its portal; the organiser pages need a district scope.
    Route("service:start", {"GET": only(NONE)}),
    Route("service:pairings", {"GET": everyone()}),
    Route(
        "service:pairing_create",
        {"GET": only(ORGANISE_PAIRINGS), "POST": only(ORGANISE_PAIRINGS, FORM_INVALID)},
    ),
    Route("service:pairing_end", form(SEES_SERVICE, ORGANISE_PAIRINGS), pairing),
    Route("service:enterprise", {"GET": in_scope(SEES_SERVICE)}, enterprise),
    Route("service:visit_create", form(SEES_SERVICE, NONE), enterprise),
    Route("service:visits", {"GET": everyone()}),
    Route("service:visit", {"GET": in_scope(SEES_SERVICE)}, visit),
    Route("service:need_raise", {"POST": in_scope(SEES_SERVICE, ORGANISE_PAIRINGS, FORM_INVALID)}, need),
    Route("service:photo", {"GET": in_scope(SEES_VISIT_PHOTOS)}, photo),
    Route("service:flags", {"GET": only(DISTRICT_SCOPE)}),
    Route("service:coverage", {"GET": only(DISTRICT_SCOPE)}),
    Route("service:pools", {"GET": only(DISTRICT_SCOPE)}),
    Route("service:pool_enter", form(SEES_SERVICE, ORGANISE_PAIRINGS), enterprise),
    Route("service:portal", {"GET": only(ENTERPRISE_CONTACT)}),
    Route("service:portal_need", {"GET": only(ENTERPRISE_CONTACT), "POST": only(ENTERPRISE_CONTACT, FORM_INVALID)}),
    # ---- API: 百名干部进百企 (service/api.py); a visit is recorded by its cadre (no persona): an empty
    # body is 400 before the enterprise is looked up, so every signed-in caller gets 400.
    Route("api-pairing-list", {"GET": everyone(), "POST": only(ORGANISE_PAIRINGS, API_INVALID)}, api=True),
    Route("api-pairing-detail", {"GET": in_scope(SEES_SERVICE)}, pairing, api=True),
    Route("api-pairing-end", {"POST": in_scope(SEES_SERVICE, ORGANISE_PAIRINGS, API_INVALID)}, pairing, api=True),
    Route("api-visit-list", {"GET": everyone(), "POST": everyone(API_INVALID)}, api=True),
    Route("api-visit-detail", {"GET": in_scope(SEES_SERVICE)}, visit, api=True),
    Route("api-visit-flag-list", {"GET": everyone()}, api=True),
)

# The Django admin (core/adminsite.py) is the system administrator's alone: one rule for all
# of its URLs. Everyone else, signed in or not, is sent to the admin's login page.
ADMIN_PREFIX = "admin:"
ADMIN_ONLY = frozenset({"sysadmin"})
# The admin persona set is kept small: the admin checks its permission before any view code.
ADMIN_PERSONAS = ("sysadmin", "secadmin", "auditadmin", "investment", "nobody", ANONYMOUS)

BY_NAME: dict[str, Route] = {r.name: r for r in ROUTES}


def covered(name: str) -> bool:
    return name in BY_NAME or name.startswith(ADMIN_PREFIX)
