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

from .matrix_kwargs import SCOPED_KWARGS as SCOPED_KWARGS
from .matrix_kwargs import Targets as Targets
from .matrix_kwargs import (
    account,
    api_ledger_kind,
    api_milestone,
    approval,
    approval_item,
    assistance_form,
    channel,
    deadline_rule,
    delivery,
    device,
    enterprise,
    escalation_rule,
    evidence,
    ledger_kind,
    ledger_upload,
    meeting,
    milestone,
    need,
    notice,
    notification,
    pairing,
    photo,
    problem,
    project,
    visit,
)
from .matrix_personas import (
    ADMINS,
    ANONYMOUS,
    ASSIGN_PROBLEMS,
    CONFIGURE_SYSTEM,
    CONFIRM_PROBLEMS,
    CREATE_ENTERPRISES,
    CREATE_PROJECTS,
    DISTRICT_SCOPE,
    EDIT_MEETING,
    EDIT_SUPERVISION_RULES,
    ENTERPRISE_CONTACT,
    FILL_PROJECT_FORMS,
    HANDLE_PROBLEMS,
    HAS_DISTRICT,
    IMPORT_ENTERPRISES,
    INTERNAL,
    KEEP_CATALOGUE,
    KEEP_REGISTRY,
    LADDER,
    MANAGE_ACCOUNTS,
    MANAGE_PROJECTS,
    NONE,
    ORGANISE_PAIRINGS,
    READ_AUDIT,
    RECORD_APPROVALS,
    REPORT_PROGRESS,
    SEES_APPROVAL,
    SEES_ASSISTANCE_FORM,
    SEES_ENTERPRISE,
    SEES_MEETING,
    SEES_PROBLEM,
    SEES_PROJECT,
    SEES_SERVICE,
    SEES_VISIT_PHOTOS,
    SET_GREEN_CHANNEL,
    SIGNED_IN,
    START_ASSISTANCE_FORMS,
    UNMASK_CONTACTS,
    UPDATE_APPROVALS,
)
from .matrix_personas import DISTRICT_WIDE as DISTRICT_WIDE
from .matrix_personas import PERSONAS as PERSONAS
from .matrix_personas import SAMPLE_PERSONAS as SAMPLE_PERSONAS
from .matrix_rules import (
    ALL_METHODS,
    API_INVALID,
    FORM_INVALID,
    Route,
    Rule,
    everyone,
    form,
    in_scope,
    only,
)
from .matrix_rules import WRITE_METHODS as WRITE_METHODS

# The personas, URL arguments and rule vocabulary live in matrix_personas.py, matrix_kwargs.py and
# matrix_rules.py; this file is the matrix itself. (`X as X` imports: names the security tests read as pm.X.)
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
    # ---- 安全管理员: logins for the roster (accounts/bulk_views.py); with no sheet pending, back to the page
    Route("secadmin:bulk", {"GET": only(MANAGE_ACCOUNTS), "POST": only(MANAGE_ACCOUNTS, FORM_INVALID)}),
    Route("secadmin:bulk-sheet", {"GET": only(MANAGE_ACCOUNTS, 302)}),
    # ---- the user's own API tokens (accounts/token_views.py); a token pk nobody holds: 404 for all
    Route("accounts:token-create", {"POST": everyone(FORM_INVALID)}),
    Route("accounts:token-revoke", {"POST": in_scope(NONE)}, lambda t: {"pk": 987654321}),
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
    Route("api-pool-membership-list", {"GET": only(DISTRICT_SCOPE)}, api=True),
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
